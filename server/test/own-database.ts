import { MikroORM } from '@mikro-orm/postgresql';
import { createDatabaseIfMissing, dropDatabase, migrate, withDatabase } from '../src/db/database';
import { ormOptions } from '../src/db/mikro-orm.config';
import { forgetScanPartitions } from '../src/scans/scan-store';
import { testEnv } from './harness';

/**
 * A migrated database of a test file's own on the test run's server, for tests whose side effects
 * (retention dropping whole partitions, the job queue's tables, other processes) must not reach
 * the shared test database.
 */
export async function openOwnDatabase(
  suffix: string,
): Promise<{ url: string; orm: MikroORM; drop(): Promise<void> }> {
  const shared = testEnv().databaseUrl;
  const url = withDatabase(shared, `${new URL(shared).pathname.slice(1)}_${suffix}`);
  await createDatabaseIfMissing(url);
  const orm = await MikroORM.init(ormOptions(url, { pool: { min: 0, max: 4 } }));
  await migrate(orm);
  // a database made anew has none of the partitions this process remembers making (the memory
  // is the process's, not the database's, and an earlier file may have used the same name)
  forgetScanPartitions();
  return {
    url,
    orm,
    async drop() {
      await orm.close(true);
      await dropDatabase(url);
      forgetScanPartitions();
    },
  };
}

/** Polls until `condition` holds; gives up after `withinMs`, saying what it waited for. */
export async function waitFor(
  what: string,
  condition: () => Promise<boolean> | boolean,
  withinMs = 25_000,
): Promise<void> {
  const giveUpAt = Date.now() + withinMs;
  while (!(await condition())) {
    if (Date.now() > giveUpAt) throw new Error(`gave up waiting for ${what}`);
    await sleep(100);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
