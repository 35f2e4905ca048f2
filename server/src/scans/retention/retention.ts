import type { MikroORM } from '@mikro-orm/postgresql';
import { addDays, DAY_MS, localDayOf, localDayStart, type LocalDay } from '@quetma/shared';
import { WARD_UNITS_SQL } from '../../areas/ward-units.sql';
import { queryRows, withPgTransaction } from '../../db/sql';
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

  const partitions = await queryRows<{ name: string }>(
    orm,
    `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
     where i.inhparent = 'scan'::regclass`,
  );
  const expired = partitions
    .map((p) => p.name)
    .filter((name) => {
      const day = partitionDay(name);
      return day !== undefined && day < keptFrom;
    })
    .sort();

  const droppedPartitions: string[] = [];
  for (const name of expired) {
    // One short transaction each: dropping a partition locks `scan` itself, which ingestion
    // writes to all the time. Give up rather than queue behind a long query and block ingestion.
    await withPgTransaction(orm, async (client) => {
      await client.query("set local lock_timeout = '5s'");
      await client.query(`drop table ${client.escapeIdentifier(name)}`);
    });
    droppedPartitions.push(name);
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

/**
 * Runs retention now and then every 24 hours, logging what it did; a failure is logged and
 * the next run tries again. The timer does not keep the process alive. Returns a stop function.
 */
export function scheduleScanRetention(
  orm: MikroORM,
  retentionDays: number,
  now: () => Date,
  log: (line: string, error?: unknown) => void,
): () => void {
  let running = false;
  const run = async () => {
    // a run still going (a slow drop) is not started twice
    if (running) return;
    running = true;
    try {
      const result = await dropExpiredScanPartitions(orm, retentionDays, now());
      log(describeRetention(result, retentionDays));
    } catch (error) {
      log('scan retention failed; it runs again in 24 h', error);
    } finally {
      running = false;
    }
  };
  void run();
  const timer = setInterval(() => void run(), DAY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
