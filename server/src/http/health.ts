import type { MikroORM } from '@mikro-orm/postgresql';
import { queryRows } from '../db/sql';

const TIMEOUT_MS = 2_000;

/** True when the database answers a trivial query within two seconds. */
export async function databaseAnswers(orm: MikroORM): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), TIMEOUT_MS);
  });
  try {
    return await Promise.race([queryRows(orm, 'select 1').then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
