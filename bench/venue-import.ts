/**
 * Import benchmark: a 50,000-row CSV of venues through POST /api/venues/import, as a dry run and
 * as a commit, on a database that already holds a city's share of venues; then the same rows
 * written by the ORM alone, both ways it can (em.create + flush, and insertMany in batches), as
 * the yardstick and the reason for the import's choice, and by PostgreSQL alone (the floor the
 * table's indexes set).
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pnpm bench:import
 *
 * Options (environment): BENCH_ROWS (50000), BENCH_BAD_ROWS (500, spread through the file),
 * BENCH_EXISTING_VENUES (200000, over Hà Nội's wards, before the import).
 * Creates and drops the database `quetma_bench_import` (BENCH_KEEP=1 keeps it).
 * Prints the file's size, each request's seconds and answer, the server's resident memory before
 * and its peak after each request (VmHWM, /proc), and the ORM's two ways on the same rows.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AreaDirectory } from '../server/src/areas/area-directory';
import { createUser } from '../server/src/auth/users/user.service';
import { firstCodeRow } from '../server/src/codes/venue-code.service';
import { VenueCodeEntity } from '../server/src/codes/venue-code.entity';
import { analyzeTables } from '../server/src/db/analyze';
import { withPgTransaction } from '../server/src/db/sql';
import { VenueEntity } from '../server/src/venues/venue.entity';
import {
  checkRegistration,
  newVenueRow,
  type VenueRegistration,
} from '../server/src/venues/venue.service';
import type { RegisterVenueInput } from '../server/src/venues/venue.input';
import { openBenchDatabase, startServer } from './support';

const ROWS = Number(process.env.BENCH_ROWS ?? 50_000);
const BAD_ROWS = Number(process.env.BENCH_BAD_ROWS ?? 500);
const EXISTING = Number(process.env.BENCH_EXISTING_VENUES ?? 200_000);
const PORT = 4903;
const PASSWORD = 'bench-password-0123';
const NOW = new Date();

const STREETS = [
  'Hàng Bạc',
  'Đội Cấn',
  'Nguyễn Trãi',
  'Kim Mã',
  'Láng Hạ',
  'Giải Phóng',
  'Trần Duy Hưng',
];
const KINDS = [
  ['Nhà hàng', 'Nhà hàng, quán ăn'],
  ['Quán cà phê', 'Quán cà phê'],
  ['Cửa hàng tiện lợi', 'Cửa hàng tiện lợi'],
  ['Công ty TNHH', 'Doanh nghiệp, cơ sở sản xuất, kinh doanh, dịch vụ'],
  ['Trường mầm non', 'Trường học'],
] as const;
const HEADER =
  'Tên cơ sở,Địa chỉ,Loại hình,Mã phường/xã,Người đăng ký,Số điện thoại,Trụ sở cơ quan,Ngày đăng ký';

/** Row n of the file: a venue of ward n mod wards, or every ROWS/BAD_ROWS-th a phone that is none. */
function row(n: number, wards: string[]): string[] {
  const [kind, category] = KINDS[n % KINDS.length];
  const bad = BAD_ROWS > 0 && n % Math.floor(ROWS / BAD_ROWS) === 0;
  return [
    `${kind} Hà Nội số ${n}`,
    `"Số ${n % 300}, ngõ ${n % 97} phố ${STREETS[n % STREETS.length]}"`,
    `"${category}"`,
    wards[n % wards.length],
    'Nguyễn Thị Thu Hương',
    bad ? '12345' : `09${String(n).padStart(8, '0')}`,
    n % 50 === 0 ? 'có' : '',
    `${1 + (n % 28)}/0${1 + (n % 9)}/2021`,
  ];
}

function csvFile(wards: string[]): Buffer {
  const lines = [HEADER];
  for (let n = 1; n <= ROWS; n++) lines.push(row(n, wards).join(','));
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

/** The server's resident memory now and its peak so far, in MB (Linux /proc). */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)![1]);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

async function timed<T>(work: () => Promise<T>): Promise<{ seconds: number; result: T }> {
  const start = performance.now();
  const result = await work();
  return { seconds: (performance.now() - start) / 1000, result };
}

async function main() {
  const db = await openBenchDatabase('quetma_bench_import');
  const areas = await AreaDirectory.load(db.orm);
  const wards = areas
    .cities()
    .flatMap((city) => areas.children(city.code))
    .flatMap((district) => areas.children(district.code))
    .map((ward) => ward.code);
  console.log(`seeding ${EXISTING.toLocaleString('en')} venues over ${wards.length} wards…`);
  await db.orm.em.getConnection().execute(`
    with wards as (
      select w.code, w.parent_code as district, row_number() over (order by w.code) - 1 as i
      from administrative_unit w where w.level = 'WARD'
    ), n as (select count(*) as total from wards)
    insert into venue (id, name, search_text, name_sort, category, address, ward_code, district_code, city_code,
      registrant_name, registrant_phone, registered_at, updated_at)
    select gen_random_uuid(), 'Địa điểm ' || g, 'dia diem ' || g || ' so ' || g, 'dia diem ' || g, 'RESTAURANT',
      'Số ' || g, w.code, w.district, '01', 'Nguyễn Văn An', '+84912345678', now() - interval '30 days', now()
    from generate_series(1, ${EXISTING}) g
    cross join n
    join wards w on w.i = g % n.total`);
  await analyzeTables(db.orm, ['venue']);
  await createUser(
    db.orm,
    areas,
    { email: 'import@quetma.vn', name: 'Import bench', role: 'CITY_ADMIN', password: PASSWORD },
    NOW,
  );
  // the yardstick, first: the rows the import will accept written by the ORM alone, each way, then
  // taken back
  const registrations: VenueRegistration[] = [];
  for (let n = 1; n <= ROWS; n++) {
    const [name, address, , wardCode, registrantName, registrantPhone] = row(n, wards);
    const checked = checkRegistration(areas, NOW, {
      name,
      address: address.replace(/"/g, ''),
      category: 'RESTAURANT',
      wardCode,
      registrantName,
      registrantPhone,
    } as RegisterVenueInput);
    if ('registration' in checked) registrations.push(checked.registration);
  }
  // deleted rows leave dead index entries behind: vacuumed, each way starts on the same table
  const clear = async () => {
    await db.orm.em
      .getConnection()
      .execute(`delete from venue where registrant_name = 'Nguyễn Thị Thu Hương'`);
    await db.orm.em.getConnection().execute('vacuum analyze venue, venue_code');
  };
  const createFlush = await timed(() =>
    db.orm.em.fork().transactional(async (em) => {
      for (const registration of registrations) {
        const venue = em.create(VenueEntity, newVenueRow(registration, randomUUID(), NOW));
        em.create(VenueCodeEntity, { ...firstCodeRow('k1', registration.registeredAt), venue });
      }
      await em.flush();
    }),
  );
  await clear();
  const insertMany = await timed(() =>
    db.orm.em.fork().transactional(async (em) => {
      for (let i = 0; i < registrations.length; i += 1_000) {
        const venues = registrations
          .slice(i, i + 1_000)
          .map((r) => newVenueRow(r, randomUUID(), NOW));
        await em.insertMany(VenueEntity, venues);
        await em.insertMany(
          VenueCodeEntity,
          venues.map((v) => ({ ...firstCodeRow('k1', v.registeredAt), venue: v.id })),
        );
      }
    }),
  );
  await clear();
  // the floor: PostgreSQL alone, one statement a table, the arrays sent whole (the indexes' cost)
  const plain = await timed(() =>
    withPgTransaction(db.orm, async (client) => {
      const venues = registrations.map((r) => newVenueRow(r, randomUUID(), NOW));
      const column = <K extends keyof (typeof venues)[number]>(key: K) => venues.map((v) => v[key]);
      await client.query(
        `insert into venue (id, name, search_text, name_sort, category, address, ward_code, district_code,
           city_code, registrant_name, registrant_phone, is_agency_headquarters, registered_at, status, updated_at)
         select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
           $8::text[], $9::text[], $10::text[], $11::text[], $12::boolean[], $13::timestamptz[], $14::text[],
           $15::timestamptz[])`,
        [
          column('id'),
          column('name'),
          column('searchText'),
          column('nameSort'),
          column('category'),
          column('address'),
          column('ward'),
          column('districtCode'),
          column('cityCode'),
          column('registrantName'),
          column('registrantPhone'),
          column('isAgencyHeadquarters'),
          column('registeredAt'),
          column('status'),
          column('updatedAt'),
        ],
      );
      const codes = venues.map((v) => ({ ...firstCodeRow('k1', v.registeredAt), venue: v.id }));
      await client.query(
        `insert into venue_code (id, venue_id, version, key_id, issued_at)
         select * from unnest($1::uuid[], $2::uuid[], $3::int[], $4::text[], $5::timestamptz[])`,
        [
          codes.map((c) => c.id),
          codes.map((c) => c.venue),
          codes.map((c) => c.version),
          codes.map((c) => c.keyId),
          codes.map((c) => c.issuedAt),
        ],
      );
    }),
  );
  await clear();
  const rate = (seconds: number) =>
    `${Math.round(registrations.length / seconds).toLocaleString('en')} venues/s`;
  console.log(
    `ORM alone, ${registrations.length.toLocaleString('en')} venues with their codes in one transaction: em.create + flush ${createFlush.seconds.toFixed(2)} s (${rate(createFlush.seconds)}), insertMany by 1,000 ${insertMany.seconds.toFixed(2)} s (${rate(insertMany.seconds)}): insertMany ${(createFlush.seconds / insertMany.seconds).toFixed(1)}× as fast; PostgreSQL alone (unnest, a statement a table) ${plain.seconds.toFixed(2)} s (${rate(plain.seconds)})`,
  );
  const file = csvFile(wards);
  console.log(
    `file: ${ROWS.toLocaleString('en')} rows (${BAD_ROWS} with a bad phone), ${(file.length / 1024 / 1024).toFixed(1)} MB, Vietnamese headers, BOM, CRLF`,
  );

  const server = await startServer(db.url, PORT);
  try {
    const base = `http://127.0.0.1:${PORT}`;
    const login = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `mutation { login(email: "import@quetma.vn", password: "${PASSWORD}") { accessToken } }`,
      }),
    });
    const token = ((await login.json()) as any).data.login.accessToken as string;
    const send = (dryRun: boolean) =>
      fetch(`${base}/api/venues/import?dryRun=${dryRun}`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}` },
        body: file,
      }).then(async (response) => {
        const body = (await response.json()) as any;
        if (response.status !== 200) throw new Error(JSON.stringify(body).slice(0, 500));
        return body;
      });

    const before = memoryOf(server.pid);
    console.log(
      `server before: ${before.rss.toFixed(0)} MB resident (peak ${before.peak.toFixed(0)} MB)`,
    );
    for (const dryRun of [true, false]) {
      const { seconds, result } = await timed(() => send(dryRun));
      const memory = memoryOf(server.pid);
      console.log(
        `${dryRun ? 'dry run' : 'commit '}: ${seconds.toFixed(2)} s — rows ${result.rows}, accepted ${result.accepted}, rejected rows ${result.rejectedRows}, registered ${result.registered}, answer ${(JSON.stringify(result).length / 1024).toFixed(0)} KB; server peak ${memory.peak.toFixed(0)} MB resident (+${(memory.peak - before.rss).toFixed(0)} MB)`,
      );
    }
  } finally {
    await server.stop();
  }

  await db.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
