import path from 'node:path';
import { Client } from 'pg';
import type { MikroORM } from '@mikro-orm/postgresql';
import { AreaDirectory } from '../src/areas/area-directory';
import { createApp, type App } from '../src/app';
import { loadConfig, type Config } from '../src/config';
import { createDatabaseIfMissing, dropDatabase, migrate, withDatabase } from '../src/db/database';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded-postgres';
import { ormOptions } from '../src/db/mikro-orm.config';
import { seedHanoiUnits } from '../src/db/seeders/units.seeder';
import { forgetScanPartitions } from '../src/scans/scan-store';
import { MikroORM as PgMikroORM } from '@mikro-orm/postgresql';
import { createApiKey } from '../src/auth/api-keys/api-key.service';
import { randomUUID } from 'node:crypto';
import { openSession } from '../src/auth/sessions/session.service';
import { withPgClient } from '../src/db/sql';
import { createUser } from '../src/auth/users/user.service';

/**
 * The test environment: a database of its own on real PostgreSQL (DATABASE_URL's server when
 * set, else an embedded server under .data/test), migrated, with Hà Nội's units, and the real
 * app listening on a free port. Made once per run by hooks.ts; dropped at the end.
 */
export interface TestEnv {
  config: Config;
  orm: MikroORM;
  areas: AreaDirectory;
  app: App;
  baseUrl: string;
  databaseUrl: string;
  clock: TestClock;
  /** Bearer tokens of one caller of each kind (see CALLERS). */
  tokens: Record<CallerName, string>;
}

/** The callers tests act as: one of each role, inside and outside Ba Đình (001) and Phúc Xá (00001). */
export const CALLERS = {
  admin: { role: 'CITY_ADMIN', unitCode: undefined },
  baDinh: { role: 'DISTRICT_OFFICER', unitCode: '001' },
  hoanKiem: { role: 'DISTRICT_OFFICER', unitCode: '002' },
  phucXa: { role: 'WARD_OFFICER', unitCode: '00001' },
  tracer: { role: 'TRACER', unitCode: undefined },
  integrator: { role: 'INTEGRATOR', unitCode: undefined },
  scanSource: { role: 'SCAN_SOURCE', unitCode: undefined },
} as const;
export type CallerName = keyof typeof CALLERS;
export const TEST_PASSWORD = 'correct horse battery staple';

/** The app's clock; tests pin it to make "today" a known day. */
export class TestClock {
  private pinned: Date | undefined;
  now = (): Date => this.pinned ?? new Date();
  set(at: Date | string): void {
    this.pinned = new Date(at);
  }
  reset(): void {
    this.pinned = undefined;
  }
}

let env: TestEnv | undefined;
let embedded: EmbeddedDatabase | undefined;

export function testEnv(): TestEnv {
  if (!env)
    throw new Error('the test environment is not up: is test/hooks.ts required by .mocharc.json?');
  return env;
}

export async function startTestEnv(): Promise<void> {
  // limits high enough for a whole suite from one address; protection.test.ts makes its own app
  const config = {
    ...loadConfig({ ...process.env, NODE_ENV: 'test' }),
    graphiql: true,
    introspection: true,
    rateLimitPerMinute: 1_000_000,
    rateLimitPerAddressPerMinute: 1_000_000,
    loginRateLimitPerMinute: 1_000_000,
  };
  let serverUrl = config.databaseUrl;
  if (!serverUrl) {
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(config.dataDir, 'test'),
      port: Number(process.env.TEST_EMBEDDED_PG_PORT ?? 54339),
    });
    serverUrl = embedded.serverUrl;
  }
  const databaseUrl = withDatabase(
    serverUrl,
    `quetma_test_${process.pid}_${Date.now().toString(36)}`,
  );
  await createDatabaseIfMissing(databaseUrl);
  forgetScanPartitions();
  const orm = await PgMikroORM.init(ormOptions(databaseUrl, { pool: { min: 0, max: 20 } }));
  await migrate(orm);
  await seedHanoiUnits(orm);
  const areas = await AreaDirectory.load(orm);
  const tokens = await makeCallers(orm, areas, config);
  const clock = new TestClock();
  const app = await createApp({ orm, areas, config, now: clock.now }, () => undefined);
  const port = await app.listen(0, '127.0.0.1');
  env = {
    config,
    orm,
    areas,
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    databaseUrl,
    clock,
    tokens,
  };
}

/** A user per person role (password TEST_PASSWORD) with a real access token, and a real key per machine role. */
async function makeCallers(
  orm: MikroORM,
  areas: AreaDirectory,
  config: Config,
): Promise<Record<CallerName, string>> {
  const now = new Date();
  const tokens = {} as Record<CallerName, string>;
  let adminId = '';
  for (const [name, caller] of Object.entries(CALLERS) as [
    CallerName,
    (typeof CALLERS)[CallerName],
  ][]) {
    if (caller.role === 'INTEGRATOR' || caller.role === 'SCAN_SOURCE') continue;
    const user = await createUser(
      orm,
      areas,
      {
        email: `${name.toLowerCase()}@test.quetma.vn`,
        name,
        role: caller.role,
        unitCode: caller.unitCode,
        password: TEST_PASSWORD,
      },
      now,
    );
    if (caller.role === 'CITY_ADMIN') adminId = user.id;
    // a real session, long-lived so that a pinned test clock far in the past or future still
    // accepts its token
    const lifetime = 60 * 365 * 86_400;
    const session = await withPgClient(orm, (client) =>
      openSession(
        client,
        {
          jwtSecret: config.jwtSecret,
          accessTokenSeconds: lifetime,
          refreshTokenSeconds: lifetime,
        },
        user,
        randomUUID(),
        new Date('2000-01-01T00:00:00Z'),
      ),
    );
    tokens[name] = session.accessToken;
  }
  tokens.integrator = (
    await createApiKey(orm, { name: 'test integrator', role: 'INTEGRATOR' }, adminId, now)
  ).secret;
  tokens.scanSource = (
    await createApiKey(orm, { name: 'test scan source', role: 'SCAN_SOURCE' }, adminId, now)
  ).secret;
  return tokens;
}

export async function stopTestEnv(): Promise<void> {
  if (env) {
    await env.app.close();
    await env.orm.close(true);
    await dropDatabase(env.databaseUrl);
    env = undefined;
  }
  await embedded?.stop();
}

/** Empties venues, codes, scans and rollups (units stay): each test file starts clean. */
export async function resetData(): Promise<void> {
  await testEnv()
    .orm.em.getConnection()
    .execute(
      'truncate venue, venue_code, venue_activity, venue_day_scans, ward_day_person, unit_day_people, scan, scan_id restart identity cascade',
    );
  testEnv().clock.reset();
}

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: Record<string, any> }[];
}

/** A real HTTP POST to /graphql, as a client would send it; as the city admin unless told. */
export async function graphql<T = Record<string, any>>(
  query: string,
  variables?: Record<string, unknown>,
  as: CallerName | 'anonymous' | { token: string } = 'admin',
): Promise<GraphQLResponse<T>> {
  const token =
    as === 'anonymous' ? undefined : typeof as === 'string' ? testEnv().tokens[as] : as.token;
  const response = await fetch(`${testEnv().baseUrl}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as object) };
}

/** The data of a request that must succeed; fails the test with the errors otherwise. */
export async function graphqlData<T = Record<string, any>>(
  query: string,
  variables?: Record<string, unknown>,
  as: CallerName | 'anonymous' | { token: string } = 'admin',
): Promise<T> {
  const result = await graphql<T>(query, variables, as);
  if (result.errors?.length || !result.data) {
    throw new Error(`GraphQL request failed: ${JSON.stringify(result.errors)}`);
  }
  return result.data;
}

/**
 * Deletes every rate-limit bucket (they are the database's, shared by every app on it): a test
 * that drains a bucket under a small limit leaves the suite's app, and the next test, none.
 */
export async function forgetRateLimits(): Promise<void> {
  await testEnv().orm.em.getConnection().execute('delete from rate_limit_bucket');
}

/**
 * Another session's transaction, left open after `statements` (a lock taken, scans read), as a
 * long query or a schema change would hold one. Call the answer to end it (rolled back).
 */
export async function holdTransaction(...statements: string[]): Promise<() => Promise<void>> {
  const client = new Client({ connectionString: testEnv().databaseUrl });
  await client.connect();
  try {
    await client.query('begin');
    for (const statement of statements) await client.query(statement);
  } catch (error) {
    await client.end();
    throw error;
  }
  return async () => {
    await client.query('rollback');
    await client.end();
  };
}
