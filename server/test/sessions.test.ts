import http from 'node:http';
import { expect } from 'chai';
import { createApp } from '../src/app';
import { graphql, graphqlData, TEST_PASSWORD, testEnv, type GraphQLResponse } from './harness';

/**
 * Logging in, refreshing and ending sessions, the lockout after repeated failures, disabled
 * accounts, API keys (shown once, revoked, expired) and the checks on new accounts: all over
 * HTTP, as a client does it.
 */

const LOGIN = `mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) {
    accessToken refreshToken user { id email role unitCode }
  }
}`;
const REFRESH = `mutation Refresh($token: String!) {
  refreshSession(refreshToken: $token) { accessToken refreshToken user { email } }
}`;
const LOGOUT = 'mutation Logout($token: String!) { logout(refreshToken: $token) }';
const ME = '{ me { kind id label role unitCode } }';
const CREATE_USER = `mutation CreateUser($input: CreateUserInput!) {
  createUser(input: $input) { id email role unitCode disabledAt }
}`;
const CREATE_KEY = `mutation CreateKey($input: CreateApiKeyInput!) {
  createApiKey(input: $input) {
    secret
    apiKey { id name role prefix ownerEmail createdAt expiresAt lastUsedAt revokedAt }
  }
}`;

const clearThrottle = () => testEnv().orm.em.getConnection().execute('delete from login_throttle');

let counter = 0;
const newEmail = () => `phien-${Date.now().toString(36)}-${++counter}@test.quetma.vn`;

/** The one kind of error a refused request answers with; returns the first error. */
function refused(result: GraphQLResponse, code: string, field?: string) {
  const answer = JSON.stringify(result);
  expect(result.errors, answer).to.be.an('array').that.is.not.empty;
  expect([...new Set(result.errors!.map((e) => e.extensions?.code))], answer).to.deep.equal([code]);
  if (field) expect(result.errors![0].extensions?.field, answer).to.equal(field);
  const data = result.data as Record<string, unknown> | null | undefined;
  for (const value of Object.values(data ?? {})) expect(value, answer).to.equal(null);
  return result.errors![0];
}

/** A POST to /graphql from another local address (127.0.0.x): another client, to the server. */
function graphqlFrom(
  localAddress: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<GraphQLResponse<any>> {
  const url = new URL(`${testEnv().baseUrl}/graphql`);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/json' },
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => {
          try {
            resolve({ status: response.statusCode ?? 0, ...JSON.parse(body) });
          } catch (error) {
            reject(error);
          }
        });
      },
    );
    request.on('error', reject);
    request.end(JSON.stringify({ query, variables }));
  });
}

async function login(email: string, password = TEST_PASSWORD) {
  return (await graphqlData<any>(LOGIN, { email, password }, 'anonymous')).login;
}

/** A new account made by the city admin through the API. */
async function newUser(role = 'TRACER', unitCode?: string) {
  const email = newEmail();
  const data = await graphqlData<any>(CREATE_USER, {
    input: { email, name: 'Người dùng thử', role, unitCode, password: TEST_PASSWORD },
  });
  return data.createUser as { id: string; email: string };
}

async function userEmails(): Promise<string[]> {
  const { users } = await graphqlData<any>('{ users(first: 500) { totalCount nodes { email } } }');
  // every user on one page, so that a "not listed" below means not there at all
  expect(users.totalCount).to.equal(users.nodes.length);
  return users.nodes.map((u: any) => u.email);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('sessions, accounts and API keys', () => {
  before(async () => {
    testEnv().clock.reset();
    await clearThrottle();
  });
  // a failed login counts against 127.0.0.1 too: no test leaves its failures to the next
  beforeEach(clearThrottle);
  after(clearThrottle);

  describe('login', () => {
    it('with the right password opens a session whose access token works on `me`', async () => {
      const session = await login('badinh@test.quetma.vn');
      expect(session.user).to.deep.include({
        email: 'badinh@test.quetma.vn',
        role: 'DISTRICT_OFFICER',
        unitCode: '001',
      });
      expect(session.accessToken).to.be.a('string').and.not.match(/^qmk_/);
      expect(session.refreshToken).to.be.a('string').with.length.above(30);

      const { me } = await graphqlData<any>(ME, {}, { token: session.accessToken });
      expect(me).to.deep.equal({
        kind: 'USER',
        id: session.user.id,
        label: 'badinh@test.quetma.vn',
        role: 'DISTRICT_OFFICER',
        unitCode: '001',
      });
      // the token carries the district: Hoàn Kiếm's figures stay closed to it
      const outside = await graphql(
        '{ complianceStats(unitCode: "002", date: "2021-08-09") { scans } }',
        {},
        { token: session.accessToken },
      );
      refused(outside, 'FORBIDDEN');
    });

    it('answers a wrong password and an unknown email alike: UNAUTHENTICATED, one message', async () => {
      const wrongPassword = await graphql(
        LOGIN,
        { email: 'badinh@test.quetma.vn', password: 'not the password at all' },
        'anonymous',
      );
      const unknownEmail = await graphql(
        LOGIN,
        { email: 'nobody-here@test.quetma.vn', password: 'not the password at all' },
        'anonymous',
      );
      const a = refused(wrongPassword, 'UNAUTHENTICATED');
      const b = refused(unknownEmail, 'UNAUTHENTICATED');
      expect(a.message).to.equal(b.message);
      expect(a.extensions).to.deep.equal(b.extensions);
      expect(wrongPassword.status).to.equal(unknownEmail.status);
      expect(a.message).to.not.match(/badinh|exist|unknown|no such|not found/i);
    });
  });

  describe('refreshSession and logout', () => {
    it('refreshSession gives a new working pair, and the old refresh token stops working', async () => {
      const first = await login('phucxa@test.quetma.vn');
      const second = (await graphqlData<any>(REFRESH, { token: first.refreshToken }, 'anonymous'))
        .refreshSession;
      expect(second.user.email).to.equal('phucxa@test.quetma.vn');
      expect(second.refreshToken).to.not.equal(first.refreshToken);
      const { me } = await graphqlData<any>(ME, {}, { token: second.accessToken });
      expect(me).to.include({ kind: 'USER', role: 'WARD_OFFICER', unitCode: '00001' });

      refused(
        await graphql(REFRESH, { token: first.refreshToken }, 'anonymous'),
        'UNAUTHENTICATED',
      );

      // the new refresh token works, once
      const third = (await graphqlData<any>(REFRESH, { token: second.refreshToken }, 'anonymous'))
        .refreshSession;
      expect(third.refreshToken).to.not.equal(second.refreshToken);
      refused(
        await graphql(REFRESH, { token: second.refreshToken }, 'anonymous'),
        'UNAUTHENTICATED',
      );
    });

    it('logout ends the session (refreshSession with it is UNAUTHENTICATED); a second logout answers false', async () => {
      const session = await login('phucxa@test.quetma.vn');
      expect(
        (await graphqlData<any>(LOGOUT, { token: session.refreshToken }, 'anonymous')).logout,
      ).to.equal(true);
      refused(
        await graphql(REFRESH, { token: session.refreshToken }, 'anonymous'),
        'UNAUTHENTICATED',
      );
      expect(
        (await graphqlData<any>(LOGOUT, { token: session.refreshToken }, 'anonymous')).logout,
      ).to.equal(false);
    });

    it("logout ends the session's access tokens at once, not when they expire", async () => {
      const session = await login('phucxa@test.quetma.vn');
      const refreshed = (
        await graphqlData<any>(REFRESH, { token: session.refreshToken }, 'anonymous')
      ).refreshSession;
      // a refresh keeps the session: the token issued before it still answers
      for (const token of [session.accessToken, refreshed.accessToken]) {
        expect((await graphqlData<any>(ME, {}, { token })).me.role).to.equal('WARD_OFFICER');
      }
      await graphqlData<any>(LOGOUT, { token: refreshed.refreshToken }, 'anonymous');
      for (const token of [session.accessToken, refreshed.accessToken]) {
        const error = refused(await graphql(ME, {}, { token }), 'UNAUTHENTICATED');
        expect(error.message).to.match(/session has ended/);
      }
      // another session of the same person is not touched
      const other = await login('phucxa@test.quetma.vn');
      expect((await graphqlData<any>(ME, {}, { token: other.accessToken })).me.role).to.equal(
        'WARD_OFFICER',
      );
    });
  });

  describe('lockout', () => {
    it('after 10 failures for one email, its right password is refused for a while; others still log in', async function () {
      // failures from the 3rd on are answered more and more slowly: about 16 s in all
      this.timeout(60_000);
      const victim = await newUser();
      // the failures come from 127.0.0.2, another client than the harness's 127.0.0.1
      for (let attempt = 1; attempt <= 10; attempt++) {
        const result = await graphqlFrom('127.0.0.2', LOGIN, {
          email: victim.email,
          password: `guess number ${attempt}`,
        });
        expect(refused(result, 'UNAUTHENTICATED').message).to.equal('Wrong email or password.');
      }

      // the right password for that email: refused, from any address
      for (const address of ['127.0.0.2', '127.0.0.3']) {
        const result = await graphqlFrom(address, LOGIN, {
          email: victim.email,
          password: TEST_PASSWORD,
        });
        const error = refused(result, 'UNAUTHENTICATED');
        expect(error.message, address).to.match(/try again/i);
      }
      const fromHarness = await graphql(
        LOGIN,
        { email: victim.email, password: TEST_PASSWORD },
        'anonymous',
      );
      expect(refused(fromHarness, 'UNAUTHENTICATED').message).to.match(/try again/i);

      // another user, from another address, logs in
      const other = await login('tracer@test.quetma.vn');
      expect(other.user.email).to.equal('tracer@test.quetma.vn');

      // the address that made the 10 failures is locked out too, whatever the email
      const sameAddress = await graphqlFrom('127.0.0.2', LOGIN, {
        email: 'tracer@test.quetma.vn',
        password: TEST_PASSWORD,
      });
      expect(refused(sameAddress, 'UNAUTHENTICATED').message).to.match(/try again/i);
    });
  });

  describe('disabled accounts', () => {
    it('a user disabled by the admin can no longer log in or refresh', async () => {
      const user = await newUser('WARD_OFFICER', '00004');
      const session = await login(user.email);
      const { disableUser } = await graphqlData<any>(
        'mutation($id: ID!) { disableUser(id: $id) { id disabledAt } }',
        { id: user.id },
      );
      expect(disableUser.disabledAt).to.be.a('string');

      const again = await graphql(
        LOGIN,
        { email: user.email, password: TEST_PASSWORD },
        'anonymous',
      );
      expect(refused(again, 'UNAUTHENTICATED').message).to.equal('Wrong email or password.');
      refused(
        await graphql(REFRESH, { token: session.refreshToken }, 'anonymous'),
        'UNAUTHENTICATED',
      );
    });

    it("a disabled officer's open session stops working at its next request, on every server process", async () => {
      const user = await newUser('WARD_OFFICER', '00004');
      const session = await login(user.email);
      const token = { token: session.accessToken };
      const REGISTER = `mutation($input: RegisterVenueInput!) { registerVenue(input: $input) { id } }`;
      const input = {
        name: 'Quán thử phiên',
        category: 'RESTAURANT',
        address: '1 Phố Thử',
        wardCode: '00004',
        registrantName: 'Nguyễn Văn Thử',
        registrantPhone: '0912345678',
      };
      const registered = await graphqlData<any>(REGISTER, { input }, token);
      const PHONE = `query($id: ID!) { venue(id: $id) { registrantPhone } }`;
      expect(
        (await graphqlData<any>(PHONE, { id: registered.registerVenue.id }, token)).venue
          .registrantPhone,
      ).to.equal('+84912345678');

      // a second server process on the same database, which did not see the disabling
      const other = await createApp(
        {
          orm: testEnv().orm,
          areas: testEnv().areas,
          config: testEnv().config,
          now: () => new Date(),
        },
        () => undefined,
      );
      const otherUrl = `http://127.0.0.1:${await other.listen(0, '127.0.0.1')}/graphql`;
      try {
        const ask = (url: string, query: string, variables: Record<string, unknown>) =>
          fetch(url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${session.accessToken}`,
            },
            body: JSON.stringify({ query, variables }),
          }).then(async (r) => ({ status: r.status, ...((await r.json()) as object) }));
        expect((await ask(otherUrl, ME, {})) as any).to.have.nested.property('data.me.role');

        await graphqlData<any>('mutation($id: ID!) { disableUser(id: $id) { id } }', {
          id: user.id,
        });
        for (const url of [`${testEnv().baseUrl}/graphql`, otherUrl]) {
          const phone = (await ask(url, PHONE, { id: registered.registerVenue.id })) as any;
          expect(phone.status, url).to.equal(401);
          expect(refused(phone, 'UNAUTHENTICATED').message).to.match(/session has ended/);
          refused((await ask(url, REGISTER, { input })) as any, 'UNAUTHENTICATED');
        }
        expect(
          (await graphqlData<any>('{ venues { totalCount } }')).venues.totalCount,
        ).to.be.at.least(1);
      } finally {
        await other.close();
      }
    });
  });

  describe('API keys', () => {
    it('createApiKey shows the secret once; the key works on `me` until revoked', async () => {
      const name = `Cổng tích hợp ${newEmail()}`;
      const { createApiKey } = await graphqlData<any>(CREATE_KEY, {
        input: { name, role: 'INTEGRATOR' },
      });
      const match = /^qmk_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/.exec(createApiKey.secret);
      expect(match, createApiKey.secret).to.not.equal(null);
      const [, prefix, secretPart] = match!;
      expect(createApiKey.apiKey).to.include({
        name,
        role: 'INTEGRATOR',
        prefix,
        ownerEmail: 'admin@test.quetma.vn',
        revokedAt: null,
      });

      const listing = await graphql(
        `
          query ($ids: [ID!]) {
            apiKeys(filter: { ids: $ids }) {
              nodes {
                id
                name
                role
                prefix
                ownerEmail
                createdAt
                expiresAt
                lastUsedAt
                revokedAt
              }
            }
          }
        `,
        { ids: [createApiKey.apiKey.id] },
      );
      const listed = (listing.data as any).apiKeys.nodes.find(
        (k: any) => k.id === createApiKey.apiKey.id,
      );
      expect(listed).to.include({ name, prefix, role: 'INTEGRATOR' });
      expect(JSON.stringify(listing)).to.not.include(secretPart);

      const { me } = await graphqlData<any>(ME, {}, { token: createApiKey.secret });
      expect(me).to.deep.equal({
        kind: 'API_KEY',
        id: createApiKey.apiKey.id,
        label: name,
        role: 'INTEGRATOR',
        unitCode: null,
      });

      const { revokeApiKey } = await graphqlData<any>(
        'mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }',
        { id: createApiKey.apiKey.id },
      );
      expect(revokeApiKey.revokedAt).to.be.a('string');
      const after = await graphql(ME, {}, { token: createApiKey.secret });
      expect(refused(after, 'UNAUTHENTICATED').message).to.match(/revoked/i);
    });

    it('a key past its expiresAt is UNAUTHENTICATED, saying it expired', async () => {
      const expiresAt = new Date(Date.now() + 2_000).toISOString();
      const { createApiKey } = await graphqlData<any>(CREATE_KEY, {
        input: { name: `Kiosk thử ${newEmail()}`, role: 'SCAN_SOURCE', expiresAt },
      });
      expect(createApiKey.apiKey.expiresAt).to.equal(expiresAt);
      const before = await graphqlData<any>(ME, {}, { token: createApiKey.secret });
      expect(before.me).to.include({ kind: 'API_KEY', role: 'SCAN_SOURCE' });

      await sleep(2_500);
      const after = await graphql(ME, {}, { token: createApiKey.secret });
      expect(refused(after, 'UNAUTHENTICATED').message).to.match(/expired/i);
    });
  });

  describe('createUser checks', () => {
    const input = (patch: Record<string, unknown>) => ({
      email: newEmail(),
      name: 'Cán bộ thử',
      role: 'TRACER',
      password: TEST_PASSWORD,
      ...patch,
    });

    it('refuses an officer without unitCode with BAD_USER_INPUT naming unitCode', async () => {
      for (const role of ['DISTRICT_OFFICER', 'WARD_OFFICER']) {
        const attempt = input({ role });
        const error = refused(
          await graphql(CREATE_USER, { input: attempt }),
          'BAD_USER_INPUT',
          'unitCode',
        );
        expect(error.message, role).to.include('unitCode');
        expect(await userEmails()).to.not.include(attempt.email);
      }
    });

    it('refuses an email that has an account already, in any case, with CONFLICT', async () => {
      for (const email of ['badinh@test.quetma.vn', ' BaDinh@Test.Quetma.VN ']) {
        const error = refused(await graphql(CREATE_USER, { input: input({ email }) }), 'CONFLICT');
        expect(error.message, email).to.include('badinh@test.quetma.vn');
      }
    });

    it('refuses a password under 10 characters with BAD_USER_INPUT; 10 are enough', async () => {
      for (const password of ['ngắn', '123456789']) {
        const attempt = input({ password });
        refused(await graphql(CREATE_USER, { input: attempt }), 'BAD_USER_INPUT', 'password');
        expect(await userEmails()).to.not.include(attempt.email);
      }
      const enough = input({ password: '0123456789' });
      expect((await graphqlData<any>(CREATE_USER, { input: enough })).createUser.email).to.equal(
        enough.email,
      );
    });

    it('refuses the machine roles (INTEGRATOR, SCAN_SOURCE) with BAD_USER_INPUT: they get API keys', async () => {
      for (const role of ['INTEGRATOR', 'SCAN_SOURCE']) {
        const attempt = input({ role });
        const error = refused(
          await graphql(CREATE_USER, { input: attempt }),
          'BAD_USER_INPUT',
          'role',
        );
        expect(error.message, role).to.match(/API key/i);
        expect(await userEmails()).to.not.include(attempt.email);
      }
    });
  });
});
