import type { PoolClient } from 'pg';
import { localDayOf, type ScanDirection, type ScanMethod } from '@quetma/shared';

export interface NewScan {
  id: string;
  venueId: string;
  codeVersion: number;
  scannedAt: Date;
  receivedAt: Date;
  direction: ScanDirection;
  method: ScanMethod;
  personHash: Buffer;
  personEncrypted: Buffer;
  sourceKeyId?: string | null;
  declarationEncrypted?: Buffer | null;
  reportsRisk?: boolean;
  /** The venue's ward, when the caller knows it (ingestion does): spares a venue look-up. */
  wardCode?: string;
}

/** Local days whose scan partition this process has already made sure of. */
const knownPartitionDays = new Set<string>();

/** Creates the daily partitions the scans fall into, if they are missing. */
export async function ensureScanPartitions(client: PoolClient, scannedAt: Date[]): Promise<void> {
  const days = [...new Set(scannedAt.map(localDayOf))]
    .filter((d) => !knownPartitionDays.has(d))
    .sort();
  if (days.length === 0) return;
  await client.query('select quetma_ensure_scan_partitions($1::date, $2::date)', [
    days[0],
    days[days.length - 1],
  ]);
  for (const day of days) knownPartitionDays.add(day);
}

/** Forgets what partitions exist (after a database is dropped and made anew, as tests do). */
export function forgetScanPartitions(): void {
  knownPartitionDays.clear();
}

/**
 * Stores scans and updates the rollups in one statement, so the figures can never disagree
 * with the scans, and so that a caller outside a transaction gets it all or nothing with one
 * round trip (ingestion does: its COMMIT is this statement's end). A scan whose id is already
 * stored (scan_id) is skipped and not counted again; an id given twice is stored once. Arrays
 * go in through unnest. Returns the ids actually inserted. The scans' venues must exist.
 * Every insert takes its rows in key order, so that two writers whose batches share scan ids or
 * rollup rows lock them in the same order and wait for each other instead of deadlocking; the
 * ids are all claimed before any rollup row is touched (the rollups aggregate the inserted rows
 * first), so a writer waiting on another's id holds no rollup row.
 */
export async function storeScans(client: PoolClient, scans: NewScan[]): Promise<Set<string>> {
  if (scans.length === 0) return new Set();
  await ensureScanPartitions(
    client,
    scans.map((s) => s.scannedAt),
  );
  // prepared once per connection: planning this statement cost more than running it for a
  // few dozen scans, which is what a group-commit flush of single-scan requests holds
  const result = await client.query<{ id: string }>({
    name: 'store-scans',
    text: `with incoming as (
       select distinct on (id) *
       from unnest($1::uuid[], $2::uuid[], $3::int[], $4::timestamptz[], $5::timestamptz[],
                   $6::text[], $7::text[], $8::bytea[], $9::bytea[], $10::uuid[], $11::bytea[], $12::boolean[],
                   $13::text[])
         as t(id, venue_id, code_version, scanned_at, received_at, direction, method, person_hash, person_encrypted,
              source_key_id, declaration_encrypted, reports_risk, ward_code)
       order by id
     ),
     -- a concurrent writer's uncommitted id makes this wait for its end, then skip the id
     fresh as (
       insert into scan_id (id, scanned_at)
       select id, scanned_at from incoming order by id
       on conflict do nothing
       returning id
     ),
     inserted as (
       insert into scan (id, venue_id, code_version, scanned_at, received_at, direction, method, person_hash,
                         person_encrypted, source_key_id, declaration_encrypted, reports_risk)
       select i.id, i.venue_id, i.code_version, i.scanned_at, i.received_at, i.direction, i.method, i.person_hash,
         i.person_encrypted, i.source_key_id, i.declaration_encrypted, i.reports_risk
       from incoming i join fresh f on f.id = i.id order by i.id
       returning id, venue_id, scanned_at, person_hash, reports_risk,
         ((scanned_at at time zone 'UTC') + interval '7 hours')::date as day
     ),
     activity as (
       insert into venue_activity (venue_id, first_scan_at, last_scan_at, scans)
       select venue_id, min(scanned_at), max(scanned_at), count(*) from inserted group by venue_id order by venue_id
       on conflict (venue_id) do update set
         first_scan_at = least(venue_activity.first_scan_at, excluded.first_scan_at),
         last_scan_at = greatest(venue_activity.last_scan_at, excluded.last_scan_at),
         scans = venue_activity.scans + excluded.scans
     ),
     per_day as (
       insert into venue_day_scans (venue_id, day, scans, risk_declarations)
       select venue_id, day, count(*), count(*) filter (where reports_risk) from inserted group by venue_id, day order by venue_id, day
       on conflict (venue_id, day) do update set
         scans = venue_day_scans.scans + excluded.scans,
         risk_declarations = venue_day_scans.risk_declarations + excluded.risk_declarations
     ),
     people as (
       insert into ward_day_person (day, ward_code, person_hash)
       select distinct i.day, coalesce(n.ward_code, (select v.ward_code from venue v where v.id = i.venue_id)),
         i.person_hash
       from inserted i join incoming n on n.id = i.id
       order by 1, 2, 3
       on conflict do nothing
     )
     select id from inserted`,
    values: [
      scans.map((s) => s.id),
      scans.map((s) => s.venueId),
      scans.map((s) => s.codeVersion),
      // ISO text: pg's own Date formatting costs several times more, per element
      scans.map((s) => s.scannedAt.toISOString()),
      scans.map((s) => s.receivedAt.toISOString()),
      scans.map((s) => s.direction),
      scans.map((s) => s.method),
      scans.map((s) => s.personHash),
      scans.map((s) => s.personEncrypted),
      scans.map((s) => s.sourceKeyId ?? null),
      scans.map((s) => s.declarationEncrypted ?? null),
      scans.map((s) => s.reportsRisk ?? false),
      scans.map((s) => s.wardCode ?? null),
    ],
  });
  return new Set(result.rows.map((row) => row.id));
}
