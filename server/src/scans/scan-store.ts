import type { PoolClient } from 'pg';
import { localDayOf, type ScanDirection, type ScanMethod } from '@quetma/shared';
import { byteaArray, timestamptzArray, uuidArray } from '../db/binary-arrays';
import {
  CODE_JOINS_SQL,
  CODE_REJECTION_SQL,
  type CodeClaimsToJudge,
  type ScannedCodeRejection,
} from '../codes/scanned-code';

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
 * The scan insert and the rollups, shared by both store statements below. They read a CTE
 * `storable` (a scan table row per distinct id, with its ward_code) and write everything in
 * one statement, so the figures can never disagree with the scans and a caller outside a
 * transaction gets it all or nothing with one round trip (ingestion's COMMIT is this
 * statement's end). A scan whose id is already stored (scan_id) is skipped and not counted
 * again. Every insert takes its rows in key order, so that two writers whose batches share
 * scan ids or rollup rows lock them in the same order and wait for each other instead of
 * deadlocking; the ids are all claimed before any rollup row is touched (the rollups aggregate
 * the inserted rows first), so a writer waiting on another's id holds no rollup row.
 */
const STORE_CTES = `
     -- a concurrent writer's uncommitted id makes this wait for its end, then skip the id
     fresh as (
       insert into scan_id (id, scanned_at)
       select id, scanned_at from storable order by id
       on conflict do nothing
       returning id
     ),
     inserted as (
       insert into scan (id, venue_id, code_version, scanned_at, received_at, direction, method, person_hash,
                         person_encrypted, source_key_id, declaration_encrypted, reports_risk)
       select s.id, s.venue_id, s.code_version, s.scanned_at, s.received_at, s.direction, s.method, s.person_hash,
         s.person_encrypted, s.source_key_id, s.declaration_encrypted, s.reports_risk
       from storable s join fresh f on f.id = s.id order by s.id
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
       select distinct i.day, s.ward_code, i.person_hash
       from inserted i join storable s on s.id = i.id
       order by 1, 2, 3
       on conflict do nothing
     )`;

/** A scan row as the store statements take it: what a judged scan lacks is null. */
type ScanRow = Pick<NewScan, 'id' | 'scannedAt'> & Partial<Omit<NewScan, 'id' | 'scannedAt'>>;

/**
 * The scan table's columns of each row, as both store statements unnest them ($1–$12). The
 * long ones go in binary (binary-arrays.ts): parsing them as text was a tenth of a large flush.
 */
function scanColumns(scans: readonly ScanRow[]): unknown[] {
  return [
    uuidArray(scans.map((s) => s.id)),
    uuidArray(scans.map((s) => s.venueId)),
    scans.map((s) => s.codeVersion ?? null),
    timestamptzArray(scans.map((s) => s.scannedAt)),
    timestamptzArray(scans.map((s) => s.receivedAt)),
    scans.map((s) => s.direction ?? null),
    scans.map((s) => s.method ?? null),
    byteaArray(scans.map((s) => s.personHash)),
    byteaArray(scans.map((s) => s.personEncrypted)),
    uuidArray(scans.map((s) => s.sourceKeyId)),
    byteaArray(scans.map((s) => s.declarationEncrypted)),
    scans.map((s) => s.reportsRisk ?? false),
  ];
}

/**
 * The opening of an unnest of scanColumns' arrays; each statement adds its own arrays ($13…),
 * closes the parenthesis and names the columns, SCAN_COLUMN_NAMES first.
 */
const SCAN_COLUMNS_UNNEST = `unnest($1::uuid[], $2::uuid[], $3::int[], $4::timestamptz[], $5::timestamptz[],
         $6::text[], $7::text[], $8::bytea[], $9::bytea[], $10::uuid[], $11::bytea[], $12::boolean[]`;
const SCAN_COLUMN_NAMES = `id, venue_id, code_version, scanned_at, received_at, direction, method, person_hash,
         person_encrypted, source_key_id, declaration_encrypted, reports_risk`;

/**
 * Stores scans that need no judging (the demo data) with their rollups, in one statement (see
 * STORE_CTES); an id given twice is stored once. Returns the ids actually inserted. The scans'
 * venues must exist.
 */
export async function storeScans(client: PoolClient, scans: NewScan[]): Promise<Set<string>> {
  if (scans.length === 0) return new Set();
  await ensureScanPartitions(
    client,
    scans.map((s) => s.scannedAt),
  );
  const result = await client.query<{ id: string }>({
    name: 'store-scans',
    text: `with storable as (
       select distinct on (t.id) t.*, v.ward_code
       from ${SCAN_COLUMNS_UNNEST}) as t(${SCAN_COLUMN_NAMES})
       left join venue v on v.id = t.venue_id
       order by t.id
     ),${STORE_CTES}
     select id from inserted`,
    values: scanColumns(scans),
  });
  return new Set(result.rows.map((row) => row.id));
}

/** What a scan brings to be stored besides its id, time, venue and code version. */
export type SealedScan = Omit<NewScan, 'id' | 'scannedAt' | 'venueId' | 'codeVersion'>;

/** One scan of a flush for storeJudgedScans. */
export interface ScanToJudge {
  id: string;
  scannedAt: Date;
  /** The claims of its code, when its signature checked out. */
  claims?: CodeClaimsToJudge;
  /** Its sealed columns, when nothing judged without the database refused it: to be stored. */
  sealed?: SealedScan;
}

/** What storeJudgedScans says of a scan it did not insert. */
export interface ScanNotStored {
  /** Why its code is refused (CODE_REJECTION_SQL), or null; meaningless without claims. */
  codeReason: ScannedCodeRejection | null;
  /** The venue's registration, when the venue exists. */
  registeredAt: Date | null;
  /** The scan was taken before that: not stored. */
  beforeRegistration: boolean;
  /** Its id was stored already: by an earlier flush, or by another writer meanwhile. */
  known: boolean;
}

/**
 * Ingestion's one statement per flush: judges each scan's code (CODE_REJECTION_SQL), and
 * stores those that were sealed, whose code passes and that were not taken before their
 * venue's registration (the first of each id; see STORE_CTES). Answers, by position in
 * `scans`, for every scan it did not insert: a scan missing from the answer was stored. One
 * round trip: reading the codes and known ids first cost a second statement per flush, as much
 * time as the store itself for a few dozen scans.
 */
export async function storeJudgedScans(
  client: PoolClient,
  scans: readonly ScanToJudge[],
): Promise<Map<number, ScanNotStored>> {
  if (scans.length === 0) return new Map();
  await ensureScanPartitions(
    client,
    scans.flatMap((s) => (s.sealed ? [s.scannedAt] : [])),
  );
  const rows = scans.map((s): ScanRow => ({
    id: s.id,
    scannedAt: s.scannedAt,
    venueId: s.claims?.venueId,
    codeVersion: s.claims?.version,
    ...s.sealed,
  }));
  const result = await client.query<ScanNotStored & { ord: number }>({
    name: 'store-judged-scans',
    // `candidate` keeps one row per id, the first that may be stored if any, and `storable`
    // filters it on that one flag: with the three conditions in its WHERE, the CTE was
    // estimated at one row and the joins on it ran as nested loops, a million comparisons for
    // a flush of a thousand
    text: `with judged as (
       select i.*, v.ward_code, v.registered_at, ${CODE_REJECTION_SQL} as code_reason
       from ${SCAN_COLUMNS_UNNEST}, $13::text[], $14::boolean[])
         with ordinality as i(${SCAN_COLUMN_NAMES}, key_id, sealed, ord)
       ${CODE_JOINS_SQL}
     ),
     candidate as (
       select distinct on (id) *,
         sealed and code_reason is null and scanned_at >= registered_at as ok
       from judged
       order by id, ok desc, ord
     ),
     storable as (select * from candidate where ok),${STORE_CTES}
     select j.ord::int as ord, j.code_reason as "codeReason", j.registered_at as "registeredAt",
       coalesce(j.scanned_at < j.registered_at, false) as "beforeRegistration",
       -- the scan chosen to store but not inserted: another writer stored its id meanwhile
       s.ord is not null or exists (select 1 from scan_id k where k.id = j.id) as known
     from judged j
     left join storable s on s.ord = j.ord
     left join inserted n on n.id = s.id
     where n.id is null`,
    values: [
      ...scanColumns(rows),
      scans.map((s) => s.claims?.keyId ?? null),
      scans.map((s) => s.sealed !== undefined),
    ],
  });
  return new Map(result.rows.map(({ ord, ...row }) => [ord - 1, row]));
}

/**
 * Of the given scan ids, those another writer has stored, waiting for writers still in
 * progress. A statement's snapshot does not see another flush's uncommitted id, but an insert
 * of the same id waits for that flush to end and then finds it taken: so the ids are inserted
 * (in key order, as every writer claims ids) and rolled back, and an id that could not be
 * inserted is stored. One transaction of three round trips, for the few scans that need it.
 * The rows carry the current time, not the scans' (which may be years off): scan_id's BRIN
 * index widens for a row inserted even when it is rolled back.
 */
export async function idsStoredByOthers(
  client: PoolClient,
  ids: readonly string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  await client.query('begin');
  try {
    const free = await client.query<{ id: string }>({
      name: 'claim-ids-to-check',
      text: `insert into scan_id (id, scanned_at)
       select distinct id, now() from unnest($1::uuid[]) as t(id) order by id
       on conflict do nothing
       returning id`,
      values: [uuidArray(ids)],
    });
    const inserted = new Set(free.rows.map((row) => row.id));
    return new Set(ids.filter((id) => !inserted.has(id)));
  } finally {
    await client.query('rollback');
  }
}
