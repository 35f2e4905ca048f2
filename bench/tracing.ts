/**
 * Tracing benchmark: exposures on a city-sized table. The GraphQL look-up
 * `exposures(subject, from, to)` over a 30-day window for random people, measured on a month of
 * scans and again once the table is doubled with another part of the city (as many
 * visits per venue, so a report holds about as much): what a look-up costs should not grow with
 * the table. Each time also the plain SQL that only finds the subject's own scans through the
 * same index, in the same run, as the machine's yardstick.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pnpm bench:tracing
 *
 * Options (environment), per part: BENCH_VISITS (default 1,000,000 check-ins, four in five with
 * a check-out: ~1.8 M scans), BENCH_PEOPLE (150,000), BENCH_VENUES (3,000: ~11 visits a venue a
 * day); BENCH_CONCURRENCY (4 tracers), BENCH_SECONDS per measurement (10). Creates and drops
 * `quetma_bench_tracing` (BENCH_KEEP=1 keeps it).
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Pool } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { AreaDirectory } from '../server/src/areas/area-directory';
import { createUser } from '../server/src/auth/users/user.service';
import { analyzeTables } from '../server/src/db/analyze';
import { encryptPersonId, hashPersonId } from '../server/src/scans/person-identity';
import { measure, openBenchDatabase, startServer, type Timing } from './support';

const VISITS = Number(process.env.BENCH_VISITS ?? 1_000_000);
const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 150_000);
const VENUES = Number(process.env.BENCH_VENUES ?? 3_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const DAYS = 30;
const PORT = 4902;
const PERSON_HASH_KEY = 'bench-only-person-hash-key-0123456789abcdef';
const PERSON_ENCRYPTION_KEY = Buffer.alloc(32, 9);
const TRACER = { email: 'tracer@bench.quetma.vn', password: 'bench-tracer-password-0123' };

const EXPOSURES = `query Trace($subject: String!, $from: DateTime!, $to: DateTime!) {
  exposures(subject: $subject, from: $from, to: $to) {
    contacts
    visits { venue { id name } start end checkedOut peoplePresent { identifier overlapStart overlapEnd reportsRisk } }
  }
}`;

const SUBJECT_SCANS = `select venue_id, scanned_at, direction from scan
  where person_hash = $1 and scanned_at >= $2 and scanned_at < $3 order by scanned_at`;

/** Person n's phone number: 09 and eight digits. */
const phoneOf = (n: number) => `09${String(10_000_000 + n).slice(-8)}`;

async function main() {
  const db = await openBenchDatabase('quetma_bench_tracing');
  const conn = db.orm.em.getConnection();
  const pool = new Pool({ connectionString: db.url, max: CONCURRENCY });
  await conn.execute('create table bench_venue (i int primary key, id uuid not null)');
  await conn.execute(
    'create table bench_person (n int primary key, person_hash bytea, person_encrypted bytea)',
  );
  await conn.execute(
    `select quetma_ensure_scan_partitions(current_date - ${DAYS + 1}, current_date + 1)`,
  );

  /**
   * Adds a part of the city: VENUES venues, PEOPLE people and VISITS visits among them over the
   * last DAYS days, as many per venue in every part, so that a second part doubles the table
   * and leaves what a look-up finds about the same.
   */
  const seedPart = async (part: number): Promise<number> => {
    const started = performance.now();
    const [v0, p0] = [part * VENUES, part * PEOPLE];
    await conn.execute(`
      insert into bench_venue (i, id) select ${v0} + g, gen_random_uuid() from generate_series(1, ${VENUES}) g`);
    await conn.execute(`
      insert into venue (id, name, search_text, name_sort, category, address, ward_code, district_code, city_code,
        registrant_name, registrant_phone, registered_at, updated_at)
      select b.id, 'Quán ' || b.i, 'quan ' || b.i, 'quan ' || b.i, 'CAFE', 'Ngõ ' || b.i,
        w.code, w.parent_code, '01', 'Trần Thị Bình', '+84912345678', now() - interval '90 days', now()
      from bench_venue b
      join lateral (select code, parent_code from administrative_unit where level = 'WARD'
                    order by code offset (b.i % 579) limit 1) w on true
      where b.i > ${v0}`);
    // people's hashes and sealed identifiers, made as ingestion makes them
    const client = await pool.connect();
    try {
      const rows = Array.from({ length: PEOPLE }, (_, i) => {
        const n = p0 + i + 1;
        const hash = hashPersonId(Buffer.from(PERSON_HASH_KEY), phoneOf(n)).toString('hex');
        const sealed = encryptPersonId(PERSON_ENCRYPTION_KEY, phoneOf(n)).toString('hex');
        return `${n}\t\\\\x${hash}\t\\\\x${sealed}\n`;
      });
      await pipeline(Readable.from(rows), client.query(copyFrom('copy bench_person from stdin')));
    } finally {
      client.release();
    }
    // a check-in at a random venue and time, four in five followed by a check-out 20 minutes
    // to 2 hours later
    await conn.execute(`
      create temporary table bench_visit as
      select now() - random() * interval '${DAYS} days' as at,
        ${v0} + 1 + floor(random() * ${VENUES})::int as venue,
        ${p0} + 1 + floor(random() * ${PEOPLE})::int as person,
        case when random() < 0.8 then interval '20 minutes' + random() * interval '100 minutes' end as stay
      from generate_series(1, ${VISITS}) g`);
    for (const [direction, at, filter] of [
      ['IN', 'x.at', 'true'],
      ['OUT', 'x.at + x.stay', 'x.stay is not null'],
    ]) {
      await conn.execute(`
        insert into scan (id, venue_id, code_version, scanned_at, received_at, direction, method,
          person_hash, person_encrypted, reports_risk)
        select gen_random_uuid(), v.id, 1, ${at}, ${at}, '${direction}', 'VISITOR_SCANNED_VENUE',
          p.person_hash, p.person_encrypted, false
        from bench_visit x join bench_venue v on v.i = x.venue join bench_person p on p.n = x.person
        where ${filter}`);
    }
    await conn.execute('drop table bench_visit');
    await analyzeTables(db.orm, ['bench_venue', 'bench_person', 'venue', 'scan']);
    const [{ scans }] = await conn.execute<{ scans: number }[]>(
      'select count(*)::int as scans from scan',
    );
    console.log(
      `part ${part + 1}: ${VENUES} venues, ${PEOPLE} people, ${VISITS} visits; the table holds ${scans} scans (${((performance.now() - started) / 1000).toFixed(0)} s)`,
    );
    return scans;
  };

  const smaller = await seedPart(0);
  const areas = await AreaDirectory.load(db.orm);
  await createUser(db.orm, areas, { ...TRACER, name: 'Bench tracer', role: 'TRACER' }, new Date());
  const server = await startServer(db.url, PORT, {
    PERSON_HASH_KEY,
    PERSON_ENCRYPTION_KEY: PERSON_ENCRYPTION_KEY.toString('base64'),
  });
  try {
    const graphql = async (query: string, variables: unknown, token?: string) => {
      const response = await fetch(`http://127.0.0.1:${PORT}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: any; errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors).slice(0, 300));
      return body.data;
    };
    const token: string = (
      await graphql(
        'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }',
        { e: TRACER.email, p: TRACER.password },
      )
    ).login.accessToken;

    /** Both sides for random people of the parts seeded so far, over the last DAYS days. */
    const measureBoth = async (people: number) => {
      const to = new Date();
      const from = new Date(to.getTime() - DAYS * 86_400_000);
      const randomPerson = () => 1 + Math.floor(Math.random() * people);
      const reports = { count: 0, visits: 0, contacts: 0 };
      const exposures = await measure(CONCURRENCY, async () => {
        const { exposures: report } = await graphql(
          EXPOSURES,
          { subject: phoneOf(randomPerson()), from, to },
          token,
        );
        reports.count += 1;
        reports.visits += report.visits.length;
        reports.contacts += report.contacts;
      });
      const plain = await measure(CONCURRENCY, async () => {
        const hash = hashPersonId(Buffer.from(PERSON_HASH_KEY), phoneOf(randomPerson()));
        await pool.query({ name: 'subject-scans', text: SUBJECT_SCANS, values: [hash, from, to] });
      });
      return { exposures, plain, reports };
    };
    const line = (t: Timing) =>
      `${t.perSecond.toFixed(0).padStart(6)} look-ups/s  p50 ${t.p50.toFixed(1).padStart(6)} ms  p99 ${t.p99.toFixed(1).padStart(6)} ms`;
    const report = (scans: number, r: Awaited<ReturnType<typeof measureBoth>>) => {
      console.log(`\n${scans} scans, ${DAYS}-day windows, ${CONCURRENCY} tracers at once`);
      console.log(`  exposures over GraphQL                ${line(r.exposures)}`);
      console.log(
        `      a report held ${(r.reports.visits / r.reports.count).toFixed(1)} visits and ${(r.reports.contacts / r.reports.count).toFixed(1)} contacts on average`,
      );
      console.log(`  plain SQL: the subject's own scans    ${line(r.plain)}`);
      console.log(`  exposures / plain SQL (p50): ${(r.exposures.p50 / r.plain.p50).toFixed(1)}×`);
    };

    const atFirst = await measureBoth(PEOPLE);
    report(smaller, atFirst);
    const larger = await seedPart(1);
    const atDouble = await measureBoth(2 * PEOPLE);
    report(larger, atDouble);
    console.log(
      `\nexposures p50 on the doubled table / on the first: ${(atDouble.exposures.p50 / atFirst.exposures.p50).toFixed(2)}×` +
        ` (plain SQL: ${(atDouble.plain.p50 / atFirst.plain.p50).toFixed(2)}×)`,
    );
  } finally {
    await pool.end();
    await server.stop();
    await db.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
