import type { MikroORM } from '@mikro-orm/postgresql';
import { addDays, localDayOf, localDayStart, type LocalDay } from '@quetma/shared';
import { WARD_UNITS_SQL } from '../../areas/ward-units.sql';
import { queryRows, withPgClient, withPgTransaction, withoutStatementTimeout } from '../../db/sql';
import { forgetScanPartitions } from '../scan-store';

export interface RetentionResult {
  /** The first local day whose person-level data is kept. */
  keptFrom: LocalDay;
  /** Daily scan partitions dropped, oldest first. */
  droppedPartitions: string[];
  /** Days whose person hashes (ward_day_person) were replaced by per-unit counts. */
  retiredPeopleDays: LocalDay[];
  /** Ids of scans in the dropped days, deleted from scan_id. */
  forgottenScanIds: number;
}

const PARTITION_NAME = /^scan_p(\d{4})(\d{2})(\d{2})$/;

/**
 * Deletes person-level scan data older than `retentionDays`: every daily partition of `scan`
 * whose local day ends before the start of (today − retentionDays) is dropped whole, and so are
 * the person hashes behind the `people` figure of those days, once each unit's count of them is
 * stored in unit_day_people, and the ids of those scans (scan_id). The rollups (venue_activity,
 * venue_day_scans) are untouched, so every figure of every day stays as it was.
 */
export async function dropExpiredScanPartitions(
  orm: MikroORM,
  retentionDays: number,
  now: Date,
): Promise<RetentionResult> {
  const keptFrom = addDays(localDayOf(now), -retentionDays);

  // Counts first and deletes in the same transaction: the figure never lacks both.
  const retiredPeopleDays = await withPgTransaction(orm, async (client) => {
    const counted = await client.query<{ day: string }>(
      `insert into unit_day_people (unit_code, day, people)
       select u.unit_code, p.day, count(distinct p.person_hash)
       from ward_day_person p
       -- each person once per ward, district and city of the day
       join (${WARD_UNITS_SQL}) as u on u.ward_code = p.ward_code
       where p.day < $1::date
       group by u.unit_code, p.day
       -- a day already counted keeps its count: it was complete when taken
       on conflict (unit_code, day) do nothing
       returning day::text as day`,
      [keptFrom],
    );
    await client.query('delete from ward_day_person where day < $1::date', [keptFrom]);
    return [...new Set(counted.rows.map((r) => r.day))].sort();
  });

  const expired = (await scanDayTables(orm))
    .filter((table) => {
      const day = partitionDay(table.name);
      return day !== undefined && day < keptFrom;
    })
    .sort((a, b) => a.name.localeCompare(b.name));

  const droppedPartitions: string[] = [];
  for (const table of expired) {
    await detachAndDrop(orm, table);
    droppedPartitions.push(table.name);
  }
  // this process's ingestion must not trust its memory of partitions that are now gone
  if (droppedPartitions.length > 0) forgetScanPartitions();
  // after the drops, not before: while a scan is kept, its id keeps its retries out. A retry
  // of a scan this old is refused as TOO_OLD anyway.
  const forgotten = await queryRows<{ n: number }>(
    orm,
    `with gone as (delete from scan_id where scanned_at < $1 returning 1) select count(*)::int as n from gone`,
    [localDayStart(keptFrom)],
  );
  return { keptFrom, droppedPartitions, retiredPeopleDays, forgottenScanIds: forgotten[0].n };
}

interface ScanDayTable {
  name: string;
  /** Still a partition of scan (else detached by a run cut short before its drop). */
  attached: boolean;
  /** Its detach was begun and not finished. */
  detachPending: boolean;
}

/** The tables named scan_pYYYYMMDD, whether still attached to scan or left detached. */
async function scanDayTables(orm: MikroORM): Promise<ScanDayTable[]> {
  return queryRows<ScanDayTable>(
    orm,
    `select c.relname as name, i.inhrelid is not null as attached,
       coalesce(i.inhdetachpending, false) as "detachPending"
     from pg_class c
     left join pg_inherits i on i.inhrelid = c.oid and i.inhparent = 'scan'::regclass
     where c.relkind = 'r' and c.relname ~ '^scan_p[0-9]{8}$' and pg_table_is_visible(c.oid)`,
  );
}

/**
 * Takes a day's partition out of scan, then drops it. DETACH … CONCURRENTLY keeps scan open to
 * reads and inserts throughout: a plain DROP locked scan exclusively, so it queued behind any
 * query reading scans and held every flush behind it. It waits for the queries already using
 * scan, and cannot run in a transaction: a detach cut short is finished by the next run
 * (FINALIZE), and a table left detached is dropped by it. Another process's retention racing for
 * the same partition makes this one's detach fail; the table is then no longer attached, and
 * dropping it if it is still there finishes the job.
 */
async function detachAndDrop(orm: MikroORM, table: ScanDayTable): Promise<void> {
  await withPgClient(orm, (client) =>
    withoutStatementTimeout(client, async () => {
      const name = client.escapeIdentifier(table.name);
      if (table.attached) {
        try {
          await client.query(
            `alter table scan detach partition ${name} ${table.detachPending ? 'finalize' : 'concurrently'}`,
          );
        } catch (error) {
          const still = await client.query(
            `select 1 from pg_inherits where inhrelid = to_regclass($1) and inhparent = 'scan'::regclass`,
            [table.name],
          );
          if (still.rowCount) throw error;
        }
      }
      await client.query(`drop table if exists ${name}`);
    }),
  );
}

/** The local day a partition named scan_pYYYYMMDD holds; undefined for any other table. */
export function partitionDay(name: string): LocalDay | undefined {
  const match = PARTITION_NAME.exec(name);
  return match ? `${match[1]}-${match[2]}-${match[3]}` : undefined;
}

/** One line for logs and the command: what retention did. */
export function describeRetention(result: RetentionResult, retentionDays: number): string {
  const what =
    result.droppedPartitions.length === 0 &&
    result.retiredPeopleDays.length === 0 &&
    result.forgottenScanIds === 0
      ? 'nothing to delete'
      : `dropped ${result.droppedPartitions.length} scan partition(s)` +
        (result.droppedPartitions.length
          ? ` (${result.droppedPartitions[0]} … ${result.droppedPartitions.at(-1)})`
          : '') +
        `; person hashes of ${result.retiredPeopleDays.length} day(s) replaced by their counts` +
        `; ${result.forgottenScanIds} scan id(s) forgotten`;
  return `scan retention (${retentionDays} days, keeping ${result.keptFrom} on): ${what}`;
}
