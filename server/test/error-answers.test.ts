import { expect } from 'chai';
import { MikroORM } from '@mikro-orm/postgresql';
import { ERROR_CODES, ERRORS, isErrorCode, type ErrorCode } from '@quetma/shared';
import { createApp, type App } from '../src/app';
import type { Config } from '../src/config';
import { ormOptions } from '../src/db/mikro-orm.config';
import { closeVenue, registerVenue } from './factories';
import { holdTransaction, resetData, testEnv, type CallerName } from './harness';

/**
 * Every door (the router, /graphql, /api/scans, the venue import, the QR and poster files) answers every kind of
 * bad request in one shape, `{ errors: [{ message, extensions: { code } }] }`, with a code of
 * the shared list and the HTTP status of that code's entry. Through /graphql an operation that
 * ran is 200 whatever its errors (GraphQL over HTTP): those cases say so.
 */

const GRAPHQL_RESPONSE = 'application/graphql-response+json';
const UNKNOWN_VENUE = '0b7e8c1e-5a2f-4c3d-9e8f-123456789abc';

interface Request {
  method?: string;
  path: string;
  as?: CallerName | { token: string };
  headers?: Record<string, string>;
  body?: string;
}

function send(base: string, request: Request): Promise<Response> {
  const { as } = request;
  const token =
    as === undefined ? undefined : typeof as === 'string' ? testEnv().tokens[as] : as.token;
  return fetch(`${base}${request.path}`, {
    method: request.method ?? (request.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...request.headers,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: request.body,
  });
}

const graphqlBody = (query: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ query, ...extra });

/** A GraphQL request refused before it runs keeps its status only as graphql-response+json. */
const graphqlRequest = (
  body: string,
  as: CallerName | { token: string } = 'integrator',
): Request => ({
  path: '/graphql',
  as,
  headers: { accept: GRAPHQL_RESPONSE },
  body,
});

interface Expected {
  code: ErrorCode;
  /** A GraphQL operation that ran: 200 with its data, whatever the code's own status. */
  ran?: boolean;
  headers?: Record<string, string | RegExp>;
}

/** Checks the one shape, the code's place in the list and its status; answers the code. */
async function expectErrorAnswer(response: Response, expected: Expected, about: string) {
  const text = await response.text();
  about = `${about}: ${response.status} ${text.slice(0, 300)}`;
  expect(response.headers.get('content-type'), about).to.match(
    /^application\/(graphql-response\+)?json/,
  );
  const body = JSON.parse(text);
  const keys = Object.keys(body).filter((key) => key !== 'data');
  expect(keys, about).to.deep.equal(['errors']);
  expect(body.errors, about).to.be.an('array').that.is.not.empty;
  for (const error of body.errors) {
    expect(error.message, about).to.be.a('string').that.is.not.empty;
    expect(isErrorCode(error.extensions?.code), about).to.equal(true);
    expect(error.extensions, about).to.not.have.property('http');
    expect(text, about).to.not.include('stacktrace');
  }
  expect(body.errors[0].extensions.code, about).to.equal(expected.code);
  if (expected.ran) {
    expect(response.status, about).to.equal(200);
    expect(body, about).to.have.property('data');
  } else {
    expect(response.status, about).to.equal(ERRORS[expected.code].status);
  }
  for (const [name, value] of Object.entries(expected.headers ?? {})) {
    const header = response.headers.get(name);
    if (typeof value === 'string') expect(header, `${about}: ${name}`).to.equal(value);
    else expect(header, `${about}: ${name}`).to.match(value);
  }
}

interface Case extends Expected {
  what: string;
  request: () => Request;
}

let closedVenue = '';
const CSV = { 'content-type': 'text/csv' };

const CASES: Record<string, Case[]> = {
  'the router': [
    { what: 'an unknown path', request: () => ({ path: '/nowhere' }), code: 'NOT_FOUND' },
    {
      what: 'a request target no URL can be made of',
      request: () => ({ path: '//' }),
      code: 'BAD_REQUEST',
    },
    {
      what: 'POST /health',
      request: () => ({ method: 'POST', path: '/health' }),
      code: 'METHOD_NOT_ALLOWED',
      headers: { allow: 'GET' },
    },
    {
      what: 'DELETE on a QR image',
      request: () => ({ method: 'DELETE', path: `/venues/${UNKNOWN_VENUE}/qr.svg` }),
      code: 'METHOD_NOT_ALLOWED',
      headers: { allow: 'GET, HEAD' },
    },
    {
      what: 'POST /posters.pdf',
      request: () => ({ method: 'POST', path: '/posters.pdf', as: 'admin' }),
      code: 'METHOD_NOT_ALLOWED',
      headers: { allow: 'GET, HEAD' },
    },
    {
      what: 'POST to the GraphiQL page',
      request: () => ({ method: 'POST', path: '/graphiql' }),
      code: 'METHOD_NOT_ALLOWED',
      headers: { allow: 'GET' },
    },
  ],
  '/graphql': [
    {
      what: 'PUT',
      request: () => ({
        method: 'PUT',
        path: '/graphql',
        as: 'integrator',
        body: graphqlBody('{ __typename }'),
      }),
      code: 'METHOD_NOT_ALLOWED',
      headers: { allow: 'GET, POST' },
    },
    {
      what: 'a mutation sent with GET',
      request: () => ({
        path: `/graphql?query=${encodeURIComponent('mutation { __typename }')}`,
        as: 'integrator',
        headers: { 'apollo-require-preflight': 'true' },
      }),
      code: 'METHOD_NOT_ALLOWED',
      headers: { allow: 'POST' },
    },
    {
      what: 'a GET with a body type other than JSON',
      request: () => ({
        path: `/graphql?query=${encodeURIComponent('{ __typename }')}`,
        as: 'integrator',
        headers: { 'content-type': 'application/xml' },
      }),
      code: 'UNSUPPORTED_MEDIA_TYPE',
    },
    {
      what: 'an Accept header that allows no JSON',
      request: () => ({
        path: '/graphql',
        as: 'integrator',
        headers: { accept: 'image/png' },
        body: graphqlBody('{ __typename }'),
      }),
      code: 'NOT_ACCEPTABLE',
    },
    {
      what: 'a body that is not JSON',
      request: () => graphqlRequest('{"query": '),
      code: 'BAD_REQUEST',
    },
    {
      what: 'JSON that is no GraphQL request',
      request: () => graphqlRequest('{"qeury": "{ __typename }"}'),
      code: 'BAD_REQUEST',
    },
    {
      what: 'a body over 1 MB',
      request: () => graphqlRequest(graphqlBody(`{ __typename } #${'x'.repeat(1_000_001)}`)),
      code: 'PAYLOAD_TOO_LARGE',
    },
    {
      what: 'no credentials for a field that needs them',
      request: () => ({
        path: '/graphql',
        headers: { accept: GRAPHQL_RESPONSE },
        body: graphqlBody('{ venues(first: 1) { totalCount } }'),
      }),
      code: 'UNAUTHENTICATED',
      headers: { 'www-authenticate': /^Bearer/ },
    },
    {
      what: 'a forged API key',
      request: () => graphqlRequest(graphqlBody('{ __typename }'), { token: 'qmk_forged_key' }),
      code: 'UNAUTHENTICATED',
      headers: { 'www-authenticate': 'Bearer' },
    },
    {
      what: 'a forged access token',
      request: () =>
        graphqlRequest(graphqlBody('{ __typename }'), { token: 'eyJhbGciOi.forged.token' }),
      code: 'UNAUTHENTICATED',
      headers: { 'www-authenticate': 'Bearer' },
    },
    {
      what: 'a field the access table refuses the role',
      request: () =>
        graphqlRequest(graphqlBody('{ venues(first: 1) { totalCount } }'), 'scanSource'),
      code: 'FORBIDDEN',
    },
    {
      what: 'a syntax error',
      request: () => graphqlRequest(graphqlBody('{ city { name ')),
      code: 'GRAPHQL_PARSE_FAILED',
    },
    {
      what: 'a field the schema does not have',
      request: () => graphqlRequest(graphqlBody('{ city { population } }')),
      code: 'GRAPHQL_VALIDATION_FAILED',
    },
    {
      what: 'an operationName the document does not have',
      request: () => graphqlRequest(graphqlBody('query A { __typename }', { operationName: 'B' })),
      code: 'OPERATION_RESOLUTION_FAILURE',
    },
    {
      what: 'a variable that does not fit its type',
      request: () =>
        graphqlRequest(
          graphqlBody('query($code: ID!) { ward(code: $code) { name } }', { variables: {} }),
        ),
      code: 'BAD_USER_INPUT',
    },
    {
      what: 'a query nested past the limit',
      request: () => {
        let selection = 'code';
        for (let i = 0; i < 7; i++) selection = `district { city { districts { ${selection} } } }`;
        return graphqlRequest(graphqlBody(`{ ward(code: "00001") { ${selection} } }`));
      },
      code: 'BAD_USER_INPUT',
    },
    {
      what: 'a persisted query the server does not know',
      request: () =>
        graphqlRequest(
          JSON.stringify({
            extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } },
          }),
        ),
      code: 'PERSISTED_QUERY_NOT_FOUND',
    },
    {
      what: 'a persisted query of an unknown version',
      request: () =>
        graphqlRequest(
          graphqlBody('{ __typename }', {
            extensions: { persistedQuery: { version: 2, sha256Hash: '0'.repeat(64) } },
          }),
        ),
      code: 'BAD_REQUEST',
    },
    {
      what: "a venue outside the officer's district (the operation ran)",
      request: () =>
        graphqlRequest(graphqlBody(`{ venue(id: "${closedVenue}") { name } }`), 'hoanKiem'),
      code: 'FORBIDDEN',
      ran: true,
    },
    {
      what: 'figures of a unit that does not exist (the operation ran)',
      request: () =>
        graphqlRequest(
          graphqlBody('{ complianceStats(unitCode: "99999", date: "2021-08-09") { scans } }'),
        ),
      code: 'NOT_FOUND',
      ran: true,
    },
    {
      what: 'reissuing the code of a closed venue (the operation ran)',
      request: () =>
        graphqlRequest(
          graphqlBody(`mutation { reissueVenueCode(id: "${closedVenue}") { id } }`),
          'admin',
        ),
      code: 'CONFLICT',
      ran: true,
    },
  ],
  '/api/scans': [
    {
      what: 'GET',
      request: () => ({ path: '/api/scans', as: 'scanSource' }),
      code: 'METHOD_NOT_ALLOWED',
      headers: { allow: 'POST' },
    },
    {
      what: 'no credentials',
      request: () => ({ path: '/api/scans', body: '{}' }),
      code: 'UNAUTHENTICATED',
      headers: { 'www-authenticate': 'Bearer' },
    },
    {
      what: 'a forged key',
      request: () => ({ path: '/api/scans', as: { token: 'qmk_forged_key' }, body: '{}' }),
      code: 'UNAUTHENTICATED',
      headers: { 'www-authenticate': 'Bearer' },
    },
    {
      what: 'a key that is no scan source',
      request: () => ({ path: '/api/scans', as: 'integrator', body: '{}' }),
      code: 'FORBIDDEN',
    },
    {
      what: 'a body that is not JSON by its type',
      request: () => ({
        path: '/api/scans',
        as: 'scanSource',
        headers: { 'content-type': 'text/plain' },
        body: '{}',
      }),
      code: 'UNSUPPORTED_MEDIA_TYPE',
    },
    {
      what: 'malformed JSON',
      request: () => ({ path: '/api/scans', as: 'scanSource', body: '{"scans": [' }),
      code: 'BAD_REQUEST',
    },
    {
      what: 'an array for a body',
      request: () => ({ path: '/api/scans', as: 'scanSource', body: '[]' }),
      code: 'BAD_REQUEST',
    },
    {
      what: '"scans" that is no list',
      request: () => ({ path: '/api/scans', as: 'scanSource', body: '{"scans": "all"}' }),
      code: 'BAD_REQUEST',
    },
    {
      what: 'a body over 1 MB',
      request: () => ({
        path: '/api/scans',
        as: 'scanSource',
        body: JSON.stringify({ scans: [], padding: 'x'.repeat(1_100_000) }),
      }),
      code: 'PAYLOAD_TOO_LARGE',
    },
    {
      what: 'more than 1,000 scans',
      request: () => ({
        path: '/api/scans',
        as: 'scanSource',
        body: JSON.stringify({ scans: Array.from({ length: 1_001 }, () => ({})) }),
      }),
      code: 'PAYLOAD_TOO_LARGE',
    },
  ],
  '/api/venues/import': [
    {
      what: 'GET',
      request: () => ({ path: '/api/venues/import', as: 'admin' }),
      code: 'METHOD_NOT_ALLOWED',
      headers: { allow: 'POST' },
    },
    {
      what: 'no credentials',
      request: () => ({ path: '/api/venues/import', headers: CSV, body: 'name' }),
      code: 'UNAUTHENTICATED',
      headers: { 'www-authenticate': 'Bearer' },
    },
    {
      what: 'a role that may not register venues',
      request: () => ({ path: '/api/venues/import', as: 'integrator', headers: CSV, body: 'name' }),
      code: 'FORBIDDEN',
    },
    {
      what: 'a body that is not CSV by its type',
      request: () => ({ path: '/api/venues/import', as: 'admin', body: '{}' }),
      code: 'UNSUPPORTED_MEDIA_TYPE',
    },
    {
      what: 'a dryRun that is neither true nor false',
      request: () => ({
        path: '/api/venues/import?dryRun=maybe',
        as: 'admin',
        headers: CSV,
        body: 'name',
      }),
      code: 'BAD_USER_INPUT',
    },
    {
      what: 'a header naming an unknown column',
      request: () => ({ path: '/api/venues/import', as: 'admin', headers: CSV, body: 'nom\r\n' }),
      code: 'BAD_USER_INPUT',
    },
    {
      what: 'a body over 20 MB',
      request: () => ({
        path: '/api/venues/import',
        as: 'admin',
        headers: CSV,
        body: 'x'.repeat(21 * 1024 * 1024),
      }),
      code: 'PAYLOAD_TOO_LARGE',
    },
  ],
  'the QR and poster files': [
    {
      what: 'an unknown venue id',
      request: () => ({ path: `/venues/${UNKNOWN_VENUE}/qr.svg` }),
      code: 'NOT_FOUND',
    },
    {
      what: 'an id that is no UUID',
      request: () => ({ path: '/venues/not-a-venue/poster.pdf' }),
      code: 'NOT_FOUND',
    },
    {
      what: 'a closed venue',
      request: () => ({ path: `/venues/${closedVenue}/qr.png` }),
      code: 'GONE',
    },
    {
      what: 'bulk posters without credentials',
      request: () => ({ path: '/posters.pdf?unitCode=00001' }),
      code: 'UNAUTHENTICATED',
      headers: { 'www-authenticate': 'Bearer' },
    },
    {
      what: 'bulk posters with a forged token',
      request: () => ({ path: '/posters.pdf?unitCode=00001', as: { token: 'forged' } }),
      code: 'UNAUTHENTICATED',
      headers: { 'www-authenticate': 'Bearer' },
    },
    {
      what: 'bulk posters for a role that does not print them',
      request: () => ({ path: '/posters.pdf?unitCode=00001', as: 'tracer' }),
      code: 'FORBIDDEN',
    },
    {
      what: "bulk posters of a unit outside the officer's area",
      request: () => ({ path: '/posters.pdf?unitCode=00001', as: 'hoanKiem' }),
      code: 'FORBIDDEN',
    },
    {
      what: 'bulk posters of an unknown unit',
      request: () => ({ path: '/posters.pdf?unitCode=99999', as: 'admin' }),
      code: 'BAD_USER_INPUT',
    },
    {
      what: 'bulk posters of a unit without open venues',
      request: () => ({ path: '/posters.pdf?unitCode=00004', as: 'admin' }),
      code: 'NOT_FOUND',
    },
  ],
};

/** An app of its own over the suite's database (or another ORM), with its own limits. */
async function appWith(
  config: Partial<Config>,
  orm: MikroORM = testEnv().orm,
): Promise<{ app: App; base: string }> {
  const env = testEnv();
  const app = await createApp(
    { orm, areas: env.areas, config: { ...env.config, ...config }, now: () => new Date() },
    () => undefined,
  );
  return { app, base: `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}` };
}

/** Codes the cases after the table answer. */
const SPECIAL_CODES: ErrorCode[] = [
  'TOO_MANY_REQUESTS',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
  'QUERY_TIMEOUT',
];

describe('every door answers errors in one shape, with a listed code and its status', () => {
  before(async () => {
    await resetData();
    closedVenue = await registerVenue({
      wardCode: '00001',
      registeredAt: '2021-08-01T08:00:00+07:00',
    });
    await closeVenue(closedVenue, '2021-08-05T08:00:00+07:00');
  });

  for (const [door, cases] of Object.entries(CASES)) {
    describe(door, () => {
      for (const c of cases) {
        it(`${c.what}: ${c.code}`, async () => {
          const request = c.request();
          const response = await send(testEnv().baseUrl, request);
          await expectErrorAnswer(
            response,
            c,
            `${request.method ?? ''} ${request.path.slice(0, 80)}`,
          );
        });
      }
    });
  }

  it('rate limits: TOO_MANY_REQUESTS with Retry-After at every door, logins included', async () => {
    const byAddress = await appWith({ rateLimitPerAddressPerMinute: 1 });
    try {
      expect(
        (await send(byAddress.base, graphqlRequest(graphqlBody('{ __typename }')))).status,
      ).to.equal(200);
      for (const request of [
        graphqlRequest(graphqlBody('{ __typename }')),
        { path: '/api/scans', as: 'scanSource', body: '{}' } as Request,
        { path: '/api/venues/import', as: 'admin', headers: CSV, body: 'name' } as Request,
        { path: `/venues/${UNKNOWN_VENUE}/qr.svg` },
        { path: '/posters.pdf?unitCode=00001', as: 'admin' } as Request,
      ]) {
        await expectErrorAnswer(
          await send(byAddress.base, request),
          { code: 'TOO_MANY_REQUESTS', headers: { 'retry-after': /^\d+$/ } },
          request.path,
        );
      }
    } finally {
      await byAddress.app.close();
    }
    const logins = await appWith({ loginRateLimitPerMinute: 1 });
    try {
      const login: Request = {
        ...graphqlRequest(
          graphqlBody(
            'mutation { login(email: "nobody@test.quetma.vn", password: "wrong") { accessToken } }',
          ),
        ),
        as: undefined,
      };
      await expectErrorAnswer(
        await send(logins.base, login),
        { code: 'UNAUTHENTICATED', headers: { 'www-authenticate': 'Bearer' } },
        'a failed login',
      );
      await expectErrorAnswer(
        await send(logins.base, login),
        { code: 'TOO_MANY_REQUESTS', headers: { 'retry-after': /^\d+$/ } },
        'a second login',
      );
    } finally {
      await logins.app.close();
      await testEnv().orm.em.getConnection().execute('delete from login_throttle');
    }
  });

  it('a database that is gone: health SERVICE_UNAVAILABLE, a file INTERNAL_SERVER_ERROR, a query INTERNAL_SERVER_ERROR in its answer', async () => {
    const orm = await MikroORM.init(
      ormOptions(testEnv().databaseUrl, { pool: { min: 0, max: 1 } }),
    );
    await orm.close(true);
    const down = await appWith({}, orm);
    try {
      await expectErrorAnswer(
        await send(down.base, { path: '/health' }),
        { code: 'SERVICE_UNAVAILABLE' },
        '/health',
      );
      await expectErrorAnswer(
        await send(down.base, { path: `/venues/${UNKNOWN_VENUE}/qr.svg` }),
        { code: 'INTERNAL_SERVER_ERROR' },
        'a QR image',
      );
      await expectErrorAnswer(
        await send(down.base, graphqlRequest(graphqlBody('{ venues(first: 1) { totalCount } }'))),
        { code: 'INTERNAL_SERVER_ERROR', ran: true },
        'venues',
      );
    } finally {
      await down.app.close();
    }
  });

  it("a statement past the timeout: QUERY_TIMEOUT from a file (503) and in a query's answer", async () => {
    const orm = await MikroORM.init(
      ormOptions(testEnv().databaseUrl, { pool: { min: 0, max: 2 } }, 1_000),
    );
    const slow = await appWith({}, orm);
    const release = await holdTransaction('lock table venue in access exclusive mode');
    try {
      await expectErrorAnswer(
        await send(slow.base, { path: `/venues/${closedVenue}/qr.svg` }),
        { code: 'QUERY_TIMEOUT' },
        'a QR image',
      );
      await expectErrorAnswer(
        await send(slow.base, graphqlRequest(graphqlBody('{ venues(first: 1) { totalCount } }'))),
        { code: 'QUERY_TIMEOUT', ran: true },
        'venues',
      );
    } finally {
      await release();
      await slow.app.close();
      await orm.close(true);
    }
  });

  it('walks every code of the shared list at some door', () => {
    const walked = new Set([
      ...Object.values(CASES)
        .flat()
        .map((c) => c.code),
      ...SPECIAL_CODES,
    ]);
    expect(ERROR_CODES.filter((code) => !walked.has(code))).to.deep.equal([]);
  });
});
