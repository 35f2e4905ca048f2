/**
 * Read-path benchmark: a page of 100 venues with ward → district → city, served by quetma's
 * GraphQL API versus the same page as plain SQL, on one database of city size, in one run.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pnpm bench:venue-page
 *
 * Options (environment): BENCH_VENUES (default 200000), BENCH_SECONDS per side (10),
 * BENCH_CONCURRENCY (32). Creates and drops a database `quetma_bench_venue_page` (BENCH_KEEP=1 keeps it).
 * Prints pages/s and p50/p99 for both, and GraphQL / SQL as a ratio (the machine is shared:
 * compare ratios, not absolute figures).
 */
import { Pool } from 'pg';
import { analyzeTables } from '../server/src/db/analyze';
import {
  benchApiKey,
  measure,
  openBenchDatabase,
  SECONDS,
  startServer,
  type Timing,
} from './support';

const VENUES = Number(process.env.BENCH_VENUES ?? 200_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const PAGE = 100;
const MAX_OFFSET = 1_000;
const PORT = 4900;

const PAGE_SQL = `
  select v.id, v.name, w.name as ward, d.name as district, c.name as city
  from venue v
  join administrative_unit w on w.code = v.ward_code
  join administrative_unit d on d.code = w.parent_code
  join administrative_unit c on c.code = d.parent_code
  order by v.name_sort collate "C", v.id
  limit ${PAGE} offset $1`;

const PAGE_QUERY = `query Page($offset: Int) {
  venues(first: ${PAGE}, offset: $offset) {
    nodes { id name ward { name district { name city { name } } } }
  }
}`;

const randomOffset = () => Math.floor(Math.random() * MAX_OFFSET);

async function main() {
  const db = await openBenchDatabase('quetma_bench_venue_page');
  console.log(`seeding ${VENUES} venues over Hà Nội's wards…`);
  await db.orm.em.getConnection().execute(`
    with wards as (
      select w.code, w.parent_code as district, row_number() over (order by w.code) - 1 as i
      from administrative_unit w where w.level = 'WARD'
    ), n as (select count(*) as total from wards)
    insert into venue (id, name, search_text, name_sort, category, address, ward_code, district_code, city_code,
      registrant_name, registrant_phone, registered_at, updated_at)
    select gen_random_uuid(), 'Địa điểm ' || g, 'dia diem ' || g, 'dia diem ' || lpad(g::text, 7, '0'), 'RESTAURANT',
      'Số ' || g, w.code, w.district, '01', 'Nguyễn Văn An', '+84912345678', now() - interval '30 days', now()
    from generate_series(1, ${VENUES}) g
    cross join n
    join wards w on w.i = g % n.total`);
  await analyzeTables(db.orm, ['venue']);
  // integrators are who read venue lists at volume: the benchmark calls as one
  const apiKey = await benchApiKey(db.orm, 'INTEGRATOR');
  const server = await startServer(db.url, PORT);
  const pool = new Pool({ connectionString: db.url, max: CONCURRENCY });
  try {
    const graphqlPage = async () => {
      const response = await fetch(`http://127.0.0.1:${PORT}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ query: PAGE_QUERY, variables: { offset: randomOffset() } }),
      });
      const body = (await response.json()) as { data?: { venues: { nodes: unknown[] } } };
      if (body.data?.venues.nodes.length !== PAGE)
        throw new Error(`bad page: ${JSON.stringify(body).slice(0, 300)}`);
    };
    const sqlPage = async () => {
      const { rows } = await pool.query({ name: 'page', text: PAGE_SQL, values: [randomOffset()] });
      if (rows.length !== PAGE) throw new Error('bad SQL page');
    };
    for (let i = 0; i < 200; i++) await Promise.all([graphqlPage(), sqlPage()]); // warm-up
    const sql = await measure(CONCURRENCY, sqlPage);
    const gql = await measure(CONCURRENCY, graphqlPage);
    const line = (name: string, r: Timing) =>
      `${name.padEnd(10)} ${r.perSecond.toFixed(0).padStart(7)} pages/s   p50 ${r.p50.toFixed(1)} ms   p99 ${r.p99.toFixed(1)} ms   (${r.count} pages)`;
    console.log(
      `\n${VENUES} venues, pages of ${PAGE}, ${CONCURRENCY} concurrent clients, ${SECONDS} s each`,
    );
    console.log(line('plain SQL', sql));
    console.log(line('GraphQL', gql));
    console.log(`GraphQL / plain SQL: ${(gql.perSecond / sql.perSecond).toFixed(3)}×`);
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
