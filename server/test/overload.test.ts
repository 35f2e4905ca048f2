import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { MikroORM } from '@mikro-orm/postgresql';
import { localDayOf } from '@quetma/shared';
import { createApp, EXPENSIVE_QUERIES_PER_CALLER, type App } from '../src/app';
import { createApiKey } from '../src/auth/api-keys/api-key.service';
import { ormOptions } from '../src/db/mikro-orm.config';
import { registerVenue } from './factories';
import { graphqlData, holdTransaction, resetData, TEST_PASSWORD, testEnv } from './harness';

/**
 * One caller's slow queries do not starve the others: reads are cut off by the statement
 * timeout with QUERY_TIMEOUT, scans and logins have connections of their own, and a caller's
 * figures queries run a few at a time.
 */

/** Long enough for a scan and a login on a loaded machine to answer while the reads are stuck. */
const STATEMENT_TIMEOUT_MS = 5_000;

const cityStats = (unitCode = '01') =>
  `{ complianceStats(unitCode: "${unitCode}", date: "${localDayOf(new Date())}") { registeredVenues } }`;

/** An app over an ORM of its own with a small pool and a short statement timeout. */
async function smallApp(): Promise<{ app: App; orm: MikroORM; url: string }> {
  const env = testEnv();
  const orm = await MikroORM.init(
    ormOptions(env.databaseUrl, { pool: { min: 0, max: 2 } }, STATEMENT_TIMEOUT_MS),
  );
  const app = await createApp(
    { orm, areas: env.areas, config: env.config, now: () => new Date() },
    () => undefined,
  );
  const port = await app.listen(0, '127.0.0.1');
  return { app, orm, url: `http://127.0.0.1:${port}` };
}

async function post(url: string, token: string | undefined, query: string, variables = {}) {
  const started = Date.now();
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return { ms: Date.now() - started, body: (await response.json()) as any };
}

/** The figures' statement, as pg_stat_activity shows it (its first 1,024 bytes only). */
const FIGURES = 'with asked as';

/** Backends of this test database waiting on a lock, running the given text. */
async function waitingOnLocks(text: string): Promise<number> {
  const [row] = await testEnv()
    .orm.em.getConnection()
    .execute(
      `select count(*)::int as n from pg_stat_activity
       where datname = current_database() and wait_event_type = 'Lock' and query ilike ?`,
      [`%${text}%`],
    );
  return row.n;
}

async function until(check: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('overload: one caller cannot starve the others', () => {
  let venueId: string;
  before(async () => {
    await resetData();
    venueId = await registerVenue({ wardCode: '00001' });
  });

  it('acknowledges scans and logs people in while slow reads hold every pooled connection, then answers the reads QUERY_TIMEOUT', async function () {
    this.timeout(20_000);
    const { app, orm, url } = await smallApp();
    // the city's figures read unit_day_people, which no scan, key look-up, login or audit
    // entry touches: two such reads, held, hold both pooled connections
    const release = await holdTransaction('lock table unit_day_people in access exclusive mode');
    try {
      const reads = [testEnv().tokens.integrator, testEnv().tokens.admin].map((token) =>
        post(url, token, cityStats()),
      );
      await until(async () => (await waitingOnLocks(FIGURES)) >= 2);

      // a key this process has never seen: its look-up needs the database
      const { secret } = await createApiKey(
        testEnv().orm,
        { name: `kiosk ${randomUUID()}`, role: 'SCAN_SOURCE' },
        (await graphqlData<any>('{ me { id } }')).me.id,
        new Date(),
      );
      const scan = {
        id: randomUUID(),
        code: (
          await graphqlData<any>('query($id: ID!) { venue(id: $id) { currentCode { payload } } }', {
            id: venueId,
          })
        ).venue.currentCode.payload,
        scannedAt: new Date().toISOString(),
        method: 'VISITOR_SCANNED_VENUE',
        person: '0912 000 111',
      };
      const answer = await fetch(`${url}/api/scans`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
        body: JSON.stringify(scan),
      });
      expect(answer.status).to.equal(200);
      expect(((await answer.json()) as any).accepted).to.equal(1);
      const login = await post(
        url,
        undefined,
        'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }',
        { e: 'tracer@test.quetma.vn', p: TEST_PASSWORD },
      );
      expect(login.body.data?.login?.accessToken, JSON.stringify(login.body)).to.be.a('string');
      // both answered while the reads were still stuck
      expect(await waitingOnLocks(FIGURES)).to.equal(2);

      for (const read of await Promise.all(reads)) {
        expect(read.body.errors?.[0]?.extensions?.code, JSON.stringify(read.body)).to.equal(
          'QUERY_TIMEOUT',
        );
        expect(read.body.errors[0].message).to.match(/took too long/);
      }
    } finally {
      await release();
      await app.close();
      await orm.close(true);
    }
  });

  it(`runs at most ${EXPENSIVE_QUERIES_PER_CALLER} figures queries of one caller at once; the rest wait their turn and are answered`, async function () {
    this.timeout(20_000);
    const env = testEnv();
    const release = await holdTransaction('lock table venue_activity in access exclusive mode');
    const STATS = cityStats();
    let answers: Promise<{ body: any }>[] = [];
    try {
      answers = [1, 2, 3, 4, 5].map(() => post(env.baseUrl, env.tokens.integrator, STATS));
      await until(async () => (await waitingOnLocks(FIGURES)) >= EXPENSIVE_QUERIES_PER_CALLER);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await waitingOnLocks(FIGURES)).to.equal(EXPENSIVE_QUERIES_PER_CALLER);
      // another caller is not held behind them
      const other = post(env.baseUrl, env.tokens.admin, STATS);
      await until(async () => (await waitingOnLocks(FIGURES)) === EXPENSIVE_QUERIES_PER_CALLER + 1);
      answers.push(other);
    } finally {
      await release();
    }
    for (const { body } of await Promise.all(answers)) {
      expect(body.errors, JSON.stringify(body)).to.equal(undefined);
      expect(body.data.complianceStats.registeredVenues).to.equal(1);
    }
  });
});
