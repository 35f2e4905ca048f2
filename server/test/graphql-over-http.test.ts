import { expect } from 'chai';
import { auditServer, serverAudits, type AuditResult } from 'graphql-http';
import { HeaderMap } from '@apollo/server';
import { responseMediaType } from '../src/http/http-status.plugin';
import { registerVenue } from './factories';
import { resetData, testEnv, type CallerName } from './harness';

/**
 * The HTTP layer as the GraphQL-over-HTTP specification (the version graphql-http's audit
 * checks) wants it: an answer with data is 200 whatever its field errors; a well-formed
 * request refused before it runs is 200 as application/json and 400 (403 when the access table
 * refuses it) as application/graphql-response+json; 401 and 429 stay what they are.
 */

const JSON_ACCEPT = 'application/json';
const GRAPHQL_RESPONSE = 'application/graphql-response+json';

const graphqlUrl = () => `${testEnv().baseUrl}/graphql`;

/** The audits as the integrator: every request to /graphql must say who sends it. */
const asIntegrator = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
  const headers = new Headers(init?.headers);
  headers.set('authorization', `Bearer ${testEnv().tokens.integrator}`);
  return fetch(input, { ...init, headers });
};

interface Answer {
  status: number;
  type: string | null;
  body: {
    data?: Record<string, any> | null;
    errors?: { message: string; path?: string[]; extensions?: Record<string, any> }[];
  };
}

async function post(
  body: Record<string, unknown>,
  accept: string | undefined,
  as: CallerName | 'anonymous' = 'integrator',
): Promise<Answer> {
  const response = await fetch(graphqlUrl(), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(accept ? { accept } : {}),
      ...(as === 'anonymous' ? {} : { authorization: `Bearer ${testEnv().tokens[as]}` }),
    },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: (await response.json()) as Answer['body'],
  };
}

describe('GraphQL over HTTP: graphql-http audit of /graphql', () => {
  // listed up front for one test per audit; auditServer runs them all once
  const audits = serverAudits({ url: graphqlUrl, fetchFn: asIntegrator });
  let results: Map<string, AuditResult>;

  before(async () => {
    results = new Map(
      (await auditServer({ url: graphqlUrl, fetchFn: asIntegrator })).map((r) => [r.id, r]),
    );
  });

  for (const audit of audits.filter((a) => !a.name.startsWith('MAY'))) {
    it(`${audit.id} ${audit.name}`, async () => {
      const result = results.get(audit.id);
      expect(result, 'audit result').to.exist;
      if (result!.status === 'ok') return;
      const answer = await result!.response.text();
      expect.fail(`${result!.reason} (HTTP ${result!.response.status}: ${answer.slice(0, 300)})`);
    });
  }

  // MAY is optional: the misses are known and explained, and a new one fails here
  it('passes every MAY audit but the GET requests that CSRF prevention refuses without a content type', () => {
    const missed = audits
      .filter((a) => a.name.startsWith('MAY') && results.get(a.id)?.status !== 'ok')
      .map((a) => `${a.id} ${a.name}`);
    expect(missed.map((m) => m.slice(0, 4)).sort()).to.deep.equal(['5A70', '6A70', 'D6D5']);
    for (const miss of missed) expect(miss).to.match(/GET/);
  });
});

describe('GraphQL over HTTP: status codes', () => {
  describe('an answer with data is 200, field errors and all', () => {
    let hoanKiemVenue: string;

    before(async () => {
      await resetData();
      hoanKiemVenue = await registerVenue({ name: 'Cà phê Hồ Gươm', wardCode: '00037' });
    });

    for (const accept of [JSON_ACCEPT, GRAPHQL_RESPONSE]) {
      it(`a venue outside an officer's district next to an answered field, as ${accept}`, async () => {
        const answer = await post(
          { query: `{ city { name } venue(id: "${hoanKiemVenue}") { name } }` },
          accept,
          'baDinh',
        );
        expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
        expect(answer.type).to.include(accept);
        expect(answer.body.data).to.deep.equal({ city: { name: 'Thành phố Hà Nội' }, venue: null });
        expect(answer.body.errors).to.have.length(1);
        expect(answer.body.errors![0]).to.deep.include({ path: ['venue'] });
        expect(answer.body.errors![0].extensions).to.include({ code: 'FORBIDDEN' });
      });
    }
  });

  describe('a request refused before it runs: no data', () => {
    // the integrator may read venues but not registrants' phones: the access table refuses
    // the whole request before any field runs, the city with it
    const refused = { query: '{ city { name } venues(first: 1) { nodes { registrantPhone } } }' };

    it('a field the access table refuses is 200 as application/json', async () => {
      const answer = await post(refused, JSON_ACCEPT);
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      expect(answer.type).to.include('application/json');
      expect(answer.body).to.not.have.property('data');
      expect(answer.body.errors![0].extensions).to.include({ code: 'FORBIDDEN' });
      expect(answer.body.errors![0].message).to.include('Venue.registrantPhone');
    });

    it('and 403 as application/graphql-response+json', async () => {
      const answer = await post(refused, GRAPHQL_RESPONSE);
      expect(answer.status).to.equal(403);
      expect(answer.type).to.include(GRAPHQL_RESPONSE);
      expect(answer.body).to.not.have.property('data');
      expect(answer.body.errors![0].extensions).to.include({ code: 'FORBIDDEN' });
    });

    const mistakes = [
      { kind: 'a parse failure', body: { query: '{ city { name ' }, code: 'GRAPHQL_PARSE_FAILED' },
      {
        kind: 'a validation failure',
        body: { query: '{ city { population } }' },
        code: 'GRAPHQL_VALIDATION_FAILED',
      },
      {
        kind: 'a variable that does not coerce',
        body: { query: 'query ($code: ID!) { city(code: $code) { name } }', variables: {} },
        code: 'BAD_USER_INPUT',
      },
      {
        kind: 'a query deeper than the limit',
        body: { query: `{ city { ${'districts { city { '.repeat(7)}name${' } }'.repeat(7)} } }` },
        code: 'BAD_USER_INPUT',
      },
    ];
    for (const { kind, body, code } of mistakes) {
      it(`${kind}: 200 as application/json, 400 as application/graphql-response+json`, async () => {
        for (const [accept, status] of [
          [undefined, 200],
          [JSON_ACCEPT, 200],
          ['*/*', 200],
          [GRAPHQL_RESPONSE, 400],
          [`${GRAPHQL_RESPONSE}, ${JSON_ACCEPT};q=0.9`, 400],
        ] as const) {
          const answer = await post(body, accept);
          const about = `Accept: ${accept}: ${JSON.stringify(answer.body)}`;
          expect(answer.status, about).to.equal(status);
          expect(answer.type, about).to.include(status === 200 ? JSON_ACCEPT : GRAPHQL_RESPONSE);
          expect(answer.body, about).to.not.have.property('data');
          expect(answer.body.errors![0].extensions, about).to.include({ code });
        }
      });
    }

    it('missing or bad credentials stay 401 whatever the type', async () => {
      for (const accept of [JSON_ACCEPT, GRAPHQL_RESPONSE]) {
        const anonymous = await post({ query: '{ city { name } }' }, accept, 'anonymous');
        expect(anonymous.status, accept).to.equal(401);
        expect(anonymous.body.errors![0].extensions).to.include({ code: 'UNAUTHENTICATED' });
        const badKey = await fetch(graphqlUrl(), {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept, authorization: 'Bearer nonsense' },
          body: JSON.stringify({ query: '{ city { name } }' }),
        });
        expect(badKey.status, accept).to.equal(401);
      }
    });

    it('a request that is not GraphQL over HTTP stays 400', async () => {
      const answer = await post({ qeury: '{ city { name } }' }, JSON_ACCEPT);
      expect(answer.status).to.equal(400);
      expect(answer.body.errors![0].extensions).to.include({ code: 'BAD_REQUEST' });
    });
  });

  it('chooses the response type from Accept as Apollo does', async () => {
    const accepts = [
      undefined,
      '*/*',
      JSON_ACCEPT,
      GRAPHQL_RESPONSE,
      `${GRAPHQL_RESPONSE}, ${JSON_ACCEPT}`,
      `${JSON_ACCEPT}, ${GRAPHQL_RESPONSE}`,
      `${GRAPHQL_RESPONSE}, ${JSON_ACCEPT};q=0.9`,
      `${JSON_ACCEPT};q=0.5, ${GRAPHQL_RESPONSE};q=0.8`,
      `${JSON_ACCEPT};q=0.5, */*`,
      `${GRAPHQL_RESPONSE};charset=utf-8, ${JSON_ACCEPT}`,
      `application/*, ${GRAPHQL_RESPONSE};q=0.1`,
      `text/html, ${GRAPHQL_RESPONSE}`,
    ];
    for (const accept of accepts) {
      // a query that runs: Apollo picks the type itself
      const apollo = await post({ query: '{ __typename }' }, accept);
      const ours = responseMediaType(new HeaderMap(accept ? [['accept', accept]] : []));
      expect(ours, `Accept: ${accept}`).to.equal(apollo.type);
    }
    expect(responseMediaType(new HeaderMap([['accept', 'text/html']]))).to.equal(undefined);
  });
});
