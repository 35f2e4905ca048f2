import type { MikroORM } from '@mikro-orm/postgresql';
import { HANOI_CODE } from '@quetma/shared';
import { readUnitRows } from '../../areas/units-data';
import { upsertUnits } from '../../areas/units.service';
import { analyzeTables } from '../analyze';
import { withPgTransaction } from '../sql';

/** Hà Nội's 30 districts and 579 wards: what every deployment starts with. */
export function seedHanoiUnits(orm: MikroORM): Promise<number> {
  return seedUnits(orm, [HANOI_CODE]);
}

/** Loads the given provinces (all 63 when none are given); safe to run again. */
export async function seedUnits(orm: MikroORM, provinceCodes?: string[]): Promise<number> {
  const rows = readUnitRows(provinceCodes);
  const written = await withPgTransaction(orm, (client) => upsertUnits(client, rows));
  if (written > 0) await analyzeTables(orm, ['administrative_unit']);
  return written;
}
