import type { PoolClient } from 'pg';
import type { UnitRow } from './units-data';

/** Channel on which a change of the units is announced, so every server reloads its copy. */
export const UNITS_CHANGED_CHANNEL = 'quetma_units_changed';

/**
 * Inserts or updates units in one statement (parents come before children in `rows`, and the
 * statement checks the parent key at its end). Idempotent: loading the same list twice changes
 * nothing. Returns the number of rows written.
 */
export async function upsertUnits(client: PoolClient, rows: UnitRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await client.query(
    `insert into administrative_unit (code, name, type, level, parent_code)
     select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
     on conflict (code) do update
       set name = excluded.name, type = excluded.type, level = excluded.level, parent_code = excluded.parent_code
       where (administrative_unit.name, administrative_unit.type, administrative_unit.level, administrative_unit.parent_code)
         is distinct from (excluded.name, excluded.type, excluded.level, excluded.parent_code)`,
    [
      rows.map((r) => r.code),
      rows.map((r) => r.name),
      rows.map((r) => r.type),
      rows.map((r) => r.level),
      rows.map((r) => r.parentCode),
    ],
  );
  if (result.rowCount) await client.query(`notify ${UNITS_CHANGED_CHANNEL}`);
  return result.rowCount ?? 0;
}
