/**
 * Ingestion benchmark: scans through quetma's HTTP API against the raw PostgreSQL ceiling on the
 * same database and table shape, all in one run.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pnpm bench:ingest
 *
 * (a) single-scan POST /api/scans from 64 concurrent clients: requests/s, p50, p99
 * (b) POST /api/scans with batches of 500 (4 clients): scans/s
 * (c) raw PostgreSQL on a copy of the scan table (same columns, keys, indexes, daily
 *     partitions): single-row INSERTs from 64 connections, and COPY of as many rows as (b)
 *     stored (at least 10,000)
 * in rounds (each ratio taken within its round), and prints the median of (a) / raw single-row
 * and (b) / COPY; then (d), HTTP alone: the same single-scan requests to a node:http server that
 * answers a fixed body (http-floor.ts), the least a Node server can spend per request here. Each
 * line gives the CPU time the server, PostgreSQL and the load generator spent per item.
 * Options: BENCH_ROUNDS (3), BENCH_SECONDS (10) after BENCH_WARMUP_SECONDS (2) of the same load,
 * BENCH_VENUES (2000), BENCH_ONLY (a or b: that part alone, no ratio; for profiling).
 * Creates and drops the database `quetma_bench_ingest` (BENCH_KEEP=1 keeps it).
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Pool } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Pool as UndiciPool } from 'undici';
import { signCodePayload } from '../server/src/codes/code-payload';
import { analyzeTables } from '../server/src/db/analyze';
import { encryptPersonId, hashPersonId } from '../server/src/scans/person-identity';
import { describeCpu, startCpuCount, type CpuShares } from './cpu-usage';
import { startHttpFloor } from './http-floor';
import {
  benchApiKey,
  measure,
  openBenchDatabase,
  SECONDS,
  WARMUP_SECONDS,
  startServer,
  type Timing,
} from './support';

const VENUES = Number(process.env.BENCH_VENUES ?? 2_000);
/** 'a' or 'b': measure only that part, no baseline (for profiling the server under one load). */
const ONLY = process.env.BENCH_ONLY;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = 64;
const BATCH = 500;
const BATCH_CLIENTS = 4;
const PORT = 4901;
const SIGNING_KEY = Buffer.alloc(32, 5);
const PERSON_HASH_KEY = 'bench-only-person-hash-key-0123456789abcdef';
const PERSON_ENCRYPTION_KEY = Buffer.alloc(32, 6);

async function main() {
  const db = await openBenchDatabase('quetma_bench_ingest');
  const conn = db.orm.em.getConnection();
  await conn.execute(`
    insert into venue (id, name, search_text, name_sort, category, address, ward_code, district_code, city_code,
      registrant_name, registrant_phone, registered_at, updated_at)
    select gen_random_uuid(), 'Địa điểm ' || g, 'dia diem ' || g, 'dia diem ' || g, 'RESTAURANT', 'Số ' || g,
      w.code, w.parent_code, '01', 'Nguyễn Văn An', '+84912345678', now() - interval '60 days', now()
    from generate_series(1, ${VENUES}) g
    join lateral (select code, parent_code from administrative_unit where level = 'WARD'
                  order by code offset (g % 579) limit 1) w on true`);
  await conn.execute(`insert into venue_code (id, venue_id, version, key_id, issued_at)
    select gen_random_uuid(), id, 1, 'k1', now() - interval '60 days' from venue`);
  await analyzeTables(db.orm, ['venue', 'venue_code']);
  const venueIds = (await conn.execute<{ id: string }[]>('select id from venue')).map((r) => r.id);
  const keys = new Map([['k1', SIGNING_KEY]]);
  const payloads = venueIds.map((venueId) =>
    signCodePayload(keys, { venueId, version: 1, keyId: 'k1' }),
  );
  const apiKey = await benchApiKey(db.orm, 'SCAN_SOURCE');
  // the raw baseline's table: the scan table's shape, partitions for the same days
  await conn.execute(`create table raw_scan (like scan including defaults including constraints including indexes)
    partition by range (scanned_at)`);
  await conn.execute(`
    do $$ declare d date; begin
      for d in select generate_series(current_date - 2, current_date + 1, interval '1 day')::date loop
        execute format('create table %I partition of raw_scan for values from (%L) to (%L)',
          'raw_scan_p' || to_char(d, 'YYYYMMDD'), (d::text || ' 00:00+07')::timestamptz,
          ((d + 1)::text || ' 00:00+07')::timestamptz);
      end loop; end $$`);
  await conn.execute('select quetma_ensure_scan_partitions(current_date - 2, current_date + 1)');

  let n = 0;
  const scanItem = () => {
    n += 1;
    return {
      id: randomUUID(),
      code: payloads[n % payloads.length],
      scannedAt: new Date(Date.now() - 1_000).toISOString(),
      direction: 'IN',
      method: 'VISITOR_SCANNED_VENUE',
      person: `09${String(10_000_000 + (n % 50_000)).slice(-8)}`,
    };
  };

  const server = await startServer(db.url, PORT, {
    PERSON_HASH_KEY,
    PERSON_ENCRYPTION_KEY: PERSON_ENCRYPTION_KEY.toString('base64'),
    CODE_SIGNING_KEYS: `k1=${SIGNING_KEY.toString('base64')}`,
  });
  const pool = new Pool({ connectionString: db.url, max: CONCURRENCY });
  // undici's pool as the load generator: it costs about half the CPU per request of
  // node:http's agent, and the client shares this machine's two cores with the server and
  // PostgreSQL, as the raw baseline's client (node-postgres) does
  const http = new UndiciPool(`http://127.0.0.1:${PORT}`, { connections: CONCURRENCY });
  try {
    const post = async (body: unknown, to = http): Promise<{ accepted: number }> => {
      const response = await to.request({
        path: '/api/scans',
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify(body),
      });
      const text = await response.body.text();
      if (response.statusCode !== 200) {
        throw new Error(`HTTP ${response.statusCode}: ${text.slice(0, 300)}`);
      }
      return JSON.parse(text);
    };

    // warm-up, and a check that scans are accepted at all
    const check = await post({ scans: Array.from({ length: 10 }, scanItem) });
    if (check.accepted !== 10)
      throw new Error(`warm-up scans not accepted: ${JSON.stringify(check)}`);
    for (let i = 0; i < 200; i++) await post(scanItem());

    const countCpu = () => startCpuCount(server.pid);
    const singleScans = () =>
      measure(CONCURRENCY, async () => (await post(scanItem())).accepted, { countCpu });
    const batches = () =>
      measure(
        BATCH_CLIENTS,
        async () => (await post({ scans: Array.from({ length: BATCH }, scanItem) })).accepted,
        { countCpu },
      );
    if (ONLY === 'a')
      return console.log(`(a) single-scan POSTs ${JSON.stringify(await singleScans())}`);
    if (ONLY === 'b')
      return console.log(`(b) batches of ${BATCH} ${JSON.stringify(await batches())}`);

    // (c) the raw ceiling: the same rows, straight into a scan-shaped table
    const rawRow = () => {
      const item = scanItem();
      return [
        item.id,
        venueIds[Math.floor(Math.random() * venueIds.length)],
        1,
        item.scannedAt,
        new Date().toISOString(),
        'IN',
        'VISITOR_SCANNED_VENUE',
        hashPersonId(Buffer.from(PERSON_HASH_KEY), item.person),
        encryptPersonId(PERSON_ENCRYPTION_KEY, item.person),
      ];
    };
    const insertSql = `insert into raw_scan (id, venue_id, code_version, scanned_at, received_at, direction, method,
      person_hash, person_encrypted) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`;
    const rawInserts = () =>
      measure(
        CONCURRENCY,
        async () => {
          await pool.query({ name: 'raw-insert', text: insertSql, values: rawRow() });
        },
        { countCpu },
      );
    /** Rows per second for COPY of `rows` rows, prepared before the clock starts. */
    const rawCopy = async (rows: number): Promise<{ perSecond: number; cpu?: CpuShares }> => {
      const lines = Array.from({ length: rows }, () => {
        const r = rawRow();
        // COPY text format: bytea as \x… hex, the backslash escaped
        return `${r.slice(0, 7).join('\t')}\t\\\\x${(r[7] as Buffer).toString('hex')}\t\\\\x${(r[8] as Buffer).toString('hex')}\n`;
      });
      const client = await pool.connect();
      const stopCounting = countCpu();
      const started = performance.now();
      try {
        const copy = client.query(
          copyFrom(`copy raw_scan (id, venue_id, code_version, scanned_at, received_at, direction, method,
            person_hash, person_encrypted) from stdin`),
        );
        await pipeline(Readable.from(lines), copy);
      } finally {
        client.release();
      }
      const perSecond = rows / ((performance.now() - started) / 1000);
      return { perSecond, cpu: stopCounting() };
    };

    // Rounds of all four, each quetma figure next to its baseline: this machine is shared, and
    // both drift by tens of percent within minutes, so the ratio is taken per round and the
    // median reported.
    const cpuLine = (cpu: CpuShares | undefined, perSecond: number, item: string) =>
      cpu ? `\n      ${describeCpu(cpu, perSecond, item)}` : '';
    const fmt = (t: Timing, unit: string, item: string) =>
      `${t.perSecond.toFixed(0).padStart(7)} ${unit}/s  p50 ${t.p50.toFixed(1).padStart(5)} ms  p99 ${t.p99.toFixed(1).padStart(5)} ms` +
      cpuLine(t.cpu, t.perSecond, item);
    console.log(
      `\n${VENUES} venues, ${ROUNDS} rounds, ${SECONDS} s per measurement after ${WARMUP_SECONDS} s of warm-up`,
    );
    const ratios: { single: number; p99: number; batched: number }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const single = await singleScans();
      const rawSingle = await rawInserts();
      const batched = await batches();
      const copy = await rawCopy(Math.max(batched.count, 10_000));
      ratios.push({
        single: single.perSecond / rawSingle.perSecond,
        p99: single.p99,
        batched: batched.perSecond / copy.perSecond,
      });
      console.log(`round ${round}`);
      console.log(
        `  (a) quetma single-scan POSTs, ${CONCURRENCY} clients  ${fmt(single, 'req', 'request')}`,
      );
      console.log(
        `  (c) raw single-row INSERT, ${CONCURRENCY} connections ${fmt(rawSingle, 'rows', 'row')}`,
      );
      console.log(
        `  (b) quetma batches of ${BATCH}, ${BATCH_CLIENTS} clients      ${fmt(batched, 'scans', 'scan')}`,
      );
      console.log(
        `  (c) raw COPY of the same number of rows   ${copy.perSecond.toFixed(0).padStart(7)} rows/s` +
          cpuLine(copy.cpu, copy.perSecond, 'row'),
      );
      console.log(
        `  (a) / raw single-row INSERT ${ratios.at(-1)!.single.toFixed(2)}×   (b) / raw COPY ${ratios.at(-1)!.batched.toFixed(2)}×`,
      );
    }
    const median = (values: number[]) => {
      const sorted = [...values].sort((x, y) => x - y);
      const mid = Math.floor(sorted.length / 2);
      return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    };
    console.log(`median of ${ROUNDS} rounds`);
    console.log(
      `(a) / raw single-row INSERT: ${median(ratios.map((r) => r.single)).toFixed(2)}×, p99 ${median(ratios.map((r) => r.p99)).toFixed(0)} ms  (target ≥ 1.0×, p99 < 50 ms)`,
    );
    console.log(
      `(b) / raw COPY:              ${median(ratios.map((r) => r.batched)).toFixed(2)}×  (target ≥ 0.5×)`,
    );

    // (d) what HTTP alone costs per request here, with the same client and requests
    const floor = await startHttpFloor(PORT + 1);
    const floorHttp = new UndiciPool(`http://127.0.0.1:${PORT + 1}`, { connections: CONCURRENCY });
    try {
      const alone = await measure(
        CONCURRENCY,
        async () => (await post(scanItem(), floorHttp)).accepted,
        { countCpu: () => startCpuCount(floor.pid) },
      );
      console.log(
        `(d) HTTP alone: node:http answering a fixed body, ${CONCURRENCY} clients ${fmt(alone, 'req', 'request')}`,
      );
    } finally {
      await floorHttp.close();
      await floor.stop();
    }
  } finally {
    await http.close();
    await pool.end();
    await server.stop();
    await db.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
