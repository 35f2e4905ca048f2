import { expect } from 'chai';
import { AreaDirectory } from '../src/areas/area-directory';
import { createApp, QUERY_LIMITS, type App } from '../src/app';
import { testEnv } from './harness';

/** An app of its own with small limits, over the suite's database. */
async function appWith(
  overrides: Partial<ReturnType<typeof testEnv>['config']>,
): Promise<{ app: App; url: string }> {
  const env = testEnv();
  const app = await createApp(
    {
      orm: env.orm,
      areas: env.areas as AreaDirectory,
      config: { ...env.config, ...overrides },
      now: () => new Date(),
    },
    () => undefined,
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
