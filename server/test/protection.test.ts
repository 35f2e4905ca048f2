import { expect } from 'chai';
import { AreaDirectory } from '../src/areas/area-directory';
import { createApp, QUERY_LIMITS, type App } from '../src/app';
import { forgetRateLimits, holdTransaction, testEnv } from './harness';

/**
 * An app of its own with small limits, over the suite's database: a server process of its own,
 * which counts its limits in the same table as any other on the database.
 */
async function appWith(
  overrides: Partial<ReturnType<typeof testEnv>['config']>,
  now: () => Date = () => new Date(),
  log: (message: string) => void = () => undefined,
): Promise<{ app: App; url: string }> {
  const env = testEnv();
  const app = await createApp(
    {
      orm: env.orm,
      areas: env.areas as AreaDirectory,
      config: { ...env.config, ...overrides },
      now,
    },
    log,
  );
  const port = await app.listen(0, '127.0.0.1');
  return { app, url: `http://127.0.0.1:${port}/graphql` };
}

const post = (url: string, query: string, token?: string, variables?: Record<string, unknown>) =>
  fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });

describe('protection of the API', () => {
  describe('rate limits', () => {
    // the buckets are the database's: each test starts, and leaves the suite's app, with none
    beforeEach(forgetRateLimits);
    afterEach(forgetRateLimits);

    it('answers 429 with Retry-After past the per-key limit, and other keys still pass', async () => {
      const { app, url } = await appWith({
        rateLimitPerMinute: 3,
        rateLimitPerAddressPerMinute: 1_000,
      });
      try {
        const { integrator, admin } = testEnv().tokens;
        for (let i = 0; i < 3; i++)
          expect((await post(url, '{ me { role } }', integrator)).status).to.equal(200);
        const refused = await post(url, '{ me { role } }', integrator);
        expect(refused.status).to.equal(429);
        expect(Number(refused.headers.get('retry-after'))).to.be.within(1, 20);
        const body = (await refused.json()) as any;
        expect(body.errors[0].extensions.code).to.equal('TOO_MANY_REQUESTS');
        expect(body.errors[0].message).to.include('API key or user');
        expect((await post(url, '{ me { role } }', admin)).status).to.equal(200);
      } finally {
        await app.close();
      }
    });

    it('answers 429 past the per-address limit whoever is calling', async () => {
      const { app, url } = await appWith({
        rateLimitPerMinute: 1_000,
        rateLimitPerAddressPerMinute: 2,
      });
      try {
        const { integrator, admin } = testEnv().tokens;
        expect((await post(url, '{ me { role } }', integrator)).status).to.equal(200);
        expect((await post(url, '{ me { role } }', admin)).status).to.equal(200);
        const refused = await post(url, '{ me { role } }');
        expect(refused.status).to.equal(429);
        expect(((await refused.json()) as any).errors[0].message).to.include('network address');
      } finally {
        await app.close();
      }
    });

    it("keeps a kiosk scanning while someone floods the server with its key's prefix or a forged token", async () => {
      const { app, url } = await appWith({
        rateLimitPerMinute: 3,
        rateLimitPerAddressPerMinute: 1_000,
      });
      try {
        const { scanSource, admin } = testEnv().tokens;
        const prefix = /^qmk_[0-9a-f]{8}_/.exec(scanSource)![0];
        const forgedKey = `${prefix}${'A'.repeat(43)}`;
        // the admin's token with its signature changed: the same `sub`, not signed by us
        const forgedToken = admin.slice(0, -4) + (admin.endsWith('AAAA') ? 'BBBB' : 'AAAA');
        for (let i = 0; i < 10; i++) {
          for (const token of [forgedKey, forgedToken]) {
            const answer = await post(url, '{ me { role } }', token);
            expect(answer.status).to.equal(401);
            expect(((await answer.json()) as any).errors[0].extensions.code).to.equal(
              'UNAUTHENTICATED',
            );
          }
        }
        const scans = url.replace('/graphql', '/api/scans');
        const kiosk = await fetch(scans, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${scanSource}` },
          body: JSON.stringify({ scans: [] }),
        });
        expect(kiosk.status).to.equal(200);
        expect((await post(url, '{ me { role } }', admin)).status).to.equal(200);
      } finally {
        await app.close();
      }
    });

    it('counts failed credentials against their network address', async () => {
      const { app, url } = await appWith({
        rateLimitPerMinute: 1_000,
        rateLimitPerAddressPerMinute: 4,
      });
      try {
        for (let i = 0; i < 4; i++)
          expect(
            (await post(url, '{ me { role } }', `qmk_00000000_${'B'.repeat(43)}`)).status,
          ).to.equal(401);
        const refused = await post(url, '{ me { role } }', testEnv().tokens.integrator);
        expect(refused.status).to.equal(429);
        expect(((await refused.json()) as any).errors[0].message).to.include('network address');
      } finally {
        await app.close();
      }
    });

    it('limits login attempts per address with 429 and Retry-After', async () => {
      const { app, url } = await appWith({ loginRateLimitPerMinute: 2 });
      try {
        const login = `mutation { login(email: "nobody@test.quetma.vn", password: "wrong password") { accessToken } }`;
        for (let i = 0; i < 2; i++) {
          const body = (await (await post(url, login)).json()) as any;
          expect(body.errors[0].extensions.code).to.equal('UNAUTHENTICATED');
        }
        const refused = await post(url, login);
        expect(refused.status).to.equal(429);
        expect(Number(refused.headers.get('retry-after'))).to.be.at.least(1);
        const body = (await refused.json()) as any;
        expect(body.errors[0].extensions.code).to.equal('TOO_MANY_REQUESTS');
        expect(body.errors[0].message).to.include('login attempts');
      } finally {
        await app.close();
        await testEnv().orm.em.getConnection().execute('delete from login_throttle');
      }
    });
  });

  describe('rate limits across server processes', () => {
    beforeEach(forgetRateLimits);
    afterEach(forgetRateLimits);

    /** Two server processes on the suite's database, with the same limits and one clock. */
    async function twoApps(overrides: Partial<ReturnType<typeof testEnv>['config']>) {
      let now = Date.now();
      const clock = {
        now: () => new Date(now),
        advanceSeconds: (seconds: number) => (now += seconds * 1000),
      };
      const apps = [await appWith(overrides, clock.now), await appWith(overrides, clock.now)];
      return {
        urls: apps.map((made) => made.url),
        clock,
        close: () => Promise.all(apps.map((made) => made.app.close())),
      };
    }

    async function expectTooMany(answer: Response, per: string, retryAfterSeconds: number) {
      expect(answer.status).to.equal(429);
      expect(answer.headers.get('retry-after')).to.equal(String(retryAfterSeconds));
      const [error] = ((await answer.json()) as any).errors;
      expect(error.extensions).to.deep.include({ code: 'TOO_MANY_REQUESTS', retryAfterSeconds });
      expect(error.message).to.include(per);
    }

    it('allows an API key or user its limit in all, however its requests are spread', async () => {
      const servers = await twoApps({ rateLimitPerMinute: 4, rateLimitPerAddressPerMinute: 1_000 });
      try {
        const { integrator, admin } = testEnv().tokens;
        for (let i = 0; i < 4; i++) {
          const answer = await post(servers.urls[i % 2], '{ me { role } }', integrator);
          expect(answer.status, `request ${i + 1}`).to.equal(200);
        }
        // 4 a minute is one every 15 s, on either server
        for (const url of servers.urls)
          await expectTooMany(
            await post(url, '{ me { role } }', integrator),
            'API key or user',
            15,
          );
        expect((await post(servers.urls[1], '{ me { role } }', admin)).status).to.equal(200);
        servers.clock.advanceSeconds(15);
        expect((await post(servers.urls[1], '{ me { role } }', integrator)).status).to.equal(200);
        await expectTooMany(
          await post(servers.urls[0], '{ me { role } }', integrator),
          'API key or user',
          15,
        );
      } finally {
        await servers.close();
      }
    });

    it('allows a network address its limit in all, whoever is calling', async () => {
      const servers = await twoApps({ rateLimitPerMinute: 1_000, rateLimitPerAddressPerMinute: 3 });
      try {
        const { integrator, admin } = testEnv().tokens;
        expect((await post(servers.urls[0], '{ me { role } }', integrator)).status).to.equal(200);
        expect((await post(servers.urls[1], '{ me { role } }', admin)).status).to.equal(200);
        // a forged key counts against the address too
        expect(
          (await post(servers.urls[0], '{ me { role } }', `qmk_00000000_${'B'.repeat(43)}`)).status,
        ).to.equal(401);
        for (const url of servers.urls)
          await expectTooMany(await post(url, '{ me { role } }', admin), 'network address', 20);
        servers.clock.advanceSeconds(20);
        // anonymous requests count against their address alone
        expect((await post(servers.urls[0], '{ __typename }')).status).to.equal(200);
        await expectTooMany(await post(servers.urls[1], '{ __typename }'), 'network address', 20);
      } finally {
        await servers.close();
      }
    });

    it('allows an address its login attempts in all', async () => {
      const servers = await twoApps({ loginRateLimitPerMinute: 2 });
      try {
        const login = `mutation { login(email: "nobody@test.quetma.vn", password: "wrong password") { accessToken } }`;
        for (const url of servers.urls) {
          const body = (await (await post(url, login)).json()) as any;
          expect(body.errors[0].extensions.code).to.equal('UNAUTHENTICATED');
        }
        for (const url of servers.urls) {
          const refused = await post(url, login);
          expect(refused.status).to.equal(429);
          expect(refused.headers.get('retry-after')).to.equal('30');
          const body = (await refused.json()) as any;
          expect(body.errors[0].extensions).to.deep.include({
            code: 'TOO_MANY_REQUESTS',
            retryAfterSeconds: 30,
          });
          expect(body.errors[0].message).to.include('login attempts');
        }
        servers.clock.advanceSeconds(30);
        const again = (await (await post(servers.urls[1], login)).json()) as any;
        expect(again.errors[0].extensions.code).to.equal('UNAUTHENTICATED');
      } finally {
        await servers.close();
        await testEnv().orm.em.getConnection().execute('delete from login_throttle');
      }
    });

    it('answers, and still limits, while the database does not answer the rate limits', async () => {
      const reports: string[] = [];
      const { app, url } = await appWith(
        { rateLimitPerMinute: 1_000, rateLimitPerAddressPerMinute: 2 },
        () => new Date(),
        (message) => reports.push(message),
      );
      try {
        const { integrator } = testEnv().tokens;
        expect((await post(url, '{ me { role } }', integrator)).status).to.equal(200);
        // the address's bucket locked by a long transaction: its checks cannot be counted there
        const release = await holdTransaction(
          `select 1 from rate_limit_bucket where key = 'address:127.0.0.1' for update`,
        );
        try {
          // counted in the process from here on, with the same limit: 2, not refused, then 429
          expect((await post(url, '{ me { role } }', integrator)).status).to.equal(200);
          expect((await post(url, '{ me { role } }', integrator)).status).to.equal(200);
          const refused = await post(url, '{ me { role } }', integrator);
          expect(refused.status).to.equal(429);
          expect(((await refused.json()) as any).errors[0].message).to.include('network address');
        } finally {
          await release();
        }
        expect(reports).to.deep.equal([
          'rate limits: PostgreSQL does not answer; this process counts them on its own until it does',
        ]);
      } finally {
        await app.close();
      }
    });
  });

  describe('query shape', () => {
    const { admin } = { admin: () => testEnv().tokens.admin };

    it(`refuses a query nested deeper than ${QUERY_LIMITS.maxDepth} levels, saying how deep`, async () => {
      let selection = 'code';
      for (let i = 0; i < 7; i++)
        selection = `district { city { districts { ${selection} } } }`.slice(0);
      const query = `{ ward(code: "00001") { ${selection} } }`;
      const body = (await (
        await post(`${testEnv().baseUrl}/graphql`, query, admin())
      ).json()) as any;
      expect(body.errors[0].extensions.code).to.equal('BAD_USER_INPUT');
      expect(body.errors[0].message).to.match(/nested \d+ levels deep; the limit is 12/);
      expect(body.data).to.equal(undefined);
    });

    it(`refuses more than ${QUERY_LIMITS.maxAliases} aliases`, async () => {
      const fields = Array.from({ length: 31 }, (_, i) => `a${i}: city { code }`).join(' ');
      const body = (await (
        await post(`${testEnv().baseUrl}/graphql`, `{ ${fields} }`, admin())
      ).json()) as any;
      expect(body.errors[0].extensions.code).to.equal('BAD_USER_INPUT');
      expect(body.errors[0].message).to.include('uses 31 aliases; the limit is 30');
    });

    it('refuses a query that costs too much, and serves the whole city with its wards', async () => {
      const page = `venues(first: 500) { nodes { id name address category status registeredAt firstScanAt lastScanAt
        totalScans scanStatus ward { code name district { code name city { code name } } } } }`;
      const expensive = `{ a: ${page} b: ${page} c: ${page} }`;
      const body = (await (
        await post(`${testEnv().baseUrl}/graphql`, expensive, admin())
      ).json()) as any;
      expect(body.errors[0].extensions.code).to.equal('BAD_USER_INPUT');
      expect(body.errors[0].message).to.match(/costs [\d,]+ points; the limit is 25,000/);
      const city = `{ city(code: "01") { districts { code name wards { code name } } } }`;
      const ok = (await (await post(`${testEnv().baseUrl}/graphql`, city, admin())).json()) as any;
      expect(ok.errors).to.equal(undefined);
      expect(ok.data.city.districts).to.have.length(30);
    });
  });

  describe('introspection and the IDE', () => {
    it('are off when configured off (the production default)', async () => {
      const { app, url } = await appWith({ introspection: false, graphiql: false });
      try {
        const body = (await (
          await post(url, '{ __schema { queryType { name } } }', testEnv().tokens.admin)
        ).json()) as any;
        expect(body.errors[0].message).to.match(/introspection/i);
        const page = await fetch(url.replace('/graphql', '/graphiql'));
        expect(page.status).to.equal(404);
      } finally {
        await app.close();
      }
    });

    it('are on in development', async () => {
      const body = (await (
        await post(
          `${testEnv().baseUrl}/graphql`,
          '{ __schema { queryType { name } } }',
          testEnv().tokens.admin,
        )
      ).json()) as any;
      expect(body.data.__schema.queryType.name).to.equal('Query');
    });
  });
});
