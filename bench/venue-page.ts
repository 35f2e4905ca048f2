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
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import { Pool } from 'pg';
import { loadConfig } from '../server/src/config';
import {
  createDatabaseIfMissing,
  dropDatabase,
  migrate,
  withDatabase,
} from '../server/src/db/database';
import { startEmbeddedPostgres } from '../server/src/db/embedded-postgres';
import { ormOptions } from '../server/src/db/mikro-orm.config';
import { seedHanoiUnits } from '../server/src/db/seeders/units.seeder';
import { AreaDirectory } from '../server/src/areas/area-directory';
import { createApiKey } from '../server/src/auth/api-keys/api-key.service';
import { createUser } from '../server/src/auth/users/user.service';

const VENUES = Number(process.env.BENCH_VENUES ?? 200_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const PAGE = 100;
const MAX_OFFSET = 1_000;

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

interface Result {
  pages: number;
  perSecond: number;
  p50: number;
  p99: number;
}

/** CONCURRENCY loops, each sending one request after the other, for SECONDS. */
async function measure(request: () => Promise<void>): Promise<Result> {
  const latencies: number[] = [];
  const deadline = Date.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < deadline) {
        const t = performance.now();
        await request();
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return {
    pages: latencies.length,
    perSecond: latencies.length / elapsed,
    p50: at(0.5),
    p99: at(0.99),
  };
}

const randomOffset = () => Math.floor(Math.random() * MAX_OFFSET);

async function main() {
  const config = loadConfig();
  let serverUrl = config.databaseUrl;
  const embedded = serverUrl
    ? undefined
    : await startEmbeddedPostgres({ dataDir: path.join(config.dataDir, 'bench'), port: 54369 });
  serverUrl ??= embedded!.serverUrl;
  const url = withDatabase(serverUrl, 'quetma_bench_venue_page');
  await dropDatabase(url);
  await createDatabaseIfMissing(url);
  const orm = await MikroORM.init(ormOptions(url));
  await migrate(orm);
  await seedHanoiUnits(orm);
  console.log(`seeding ${VENUES} venues over Hà Nội's wards…`);
  await orm.em.getConnection().execute(`
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
  await orm.em.getConnection().execute('analyze');
  // integrators are who read venue lists at volume: the benchmark calls as one
  const areas = await AreaDirectory.load(orm);
  const admin = await createUser(
    orm,
    areas,
    {
      email: 'bench@quetma.vn',
      name: 'Bench',
      role: 'CITY_ADMIN',
      password: 'bench-password-0123',
    },
    new Date(),
  );
  const { secret: apiKey } = await createApiKey(
    orm,
    { name: 'bench', role: 'INTEGRATOR' },
    admin.id,
    new Date(),
  );
  await orm.close(true);

  const port = 4900;
  const server = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
    cwd: path.resolve(__dirname, '..', 'server'),
    env: {
      ...process.env,
      DATABASE_URL: url,
      PORT: String(port),
      NODE_ENV: 'production',
      DEMO_DATA: 'false',
      PERSON_HASH_KEY: 'bench-only-person-hash-key-0123456789abcdef',
      PERSON_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
      JWT_SECRET: 'bench-only-jwt-secret-0123456789abcdefghij',
      CODE_SIGNING_KEYS: `k1=${Buffer.alloc(32, 4).toString('base64')}`,
      RATE_LIMIT_PER_MINUTE: '1000000',
      RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '1000000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.stdout!.on(
        'data',
        (chunk: Buffer) => chunk.toString().includes('quetma is running') && resolve(),
      );
      server.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    });
    const endpoint = `http://127.0.0.1:${port}/graphql`;
    const graphqlPage = async () => {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ query: PAGE_QUERY, variables: { offset: randomOffset() } }),
      });
      const body = (await response.json()) as { data?: { venues: { nodes: unknown[] } } };
      if (body.data?.venues.nodes.length !== PAGE)
        throw new Error(`bad page: ${JSON.stringify(body).slice(0, 300)}`);
    };
    const pool = new Pool({ connectionString: url, max: CONCURRENCY });
    const sqlPage = async () => {
      const { rows } = await pool.query({ name: 'page', text: PAGE_SQL, values: [randomOffset()] });
      if (rows.length !== PAGE) throw new Error('bad SQL page');
    };
    for (let i = 0; i < 200; i++) await Promise.all([graphqlPage(), sqlPage()]); // warm-up
    const sql = await measure(sqlPage);
    const gql = await measure(graphqlPage);
    await pool.end();
    const line = (name: string, r: Result) =>
      `${name.padEnd(10)} ${r.perSecond.toFixed(0).padStart(7)} pages/s   p50 ${r.p50.toFixed(1)} ms   p99 ${r.p99.toFixed(1)} ms   (${r.pages} pages)`;
    console.log(
      `\n${VENUES} venues, pages of ${PAGE}, ${CONCURRENCY} concurrent clients, ${SECONDS} s each`,
    );
    console.log(line('plain SQL', sql));
    console.log(line('GraphQL', gql));
    console.log(`GraphQL / plain SQL: ${(gql.perSecond / sql.perSecond).toFixed(3)}×`);
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    if (!process.env.BENCH_KEEP) await dropDatabase(url);
    await embedded?.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
