import { expect } from 'chai';
import { testEnv } from './harness';

const post = (body: string, type = 'application/json') =>
  fetch(`${testEnv().baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': type },
    body,
  });

describe('HTTP edges of the API', () => {
  it('serves a GraphiQL page whose scripts come from this server, not a CDN', async () => {
    const page = await fetch(`${testEnv().baseUrl}/graphiql`);
    expect(page.status).to.equal(200);
    const html = await page.text();
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources).to.have.length(4);
    for (const source of sources) {
      expect(source).to.match(/^\/graphiql\/assets\//);
      const asset = await fetch(`${testEnv().baseUrl}${source}`);
      expect(asset.status, source).to.equal(200);
      expect((await asset.arrayBuffer()).byteLength, source).to.be.greaterThan(1000);
    }
  });

  it('answers malformed JSON with 400 and a message saying so', async () => {
    const response = await post('{"query": ');
    expect(response.status).to.equal(400);
    const body = (await response.json()) as any;
    expect(body.errors[0].message).to.match(/not valid JSON/);
  });

  it('answers a query with a syntax error with its location and no stack trace', async () => {
    const response = await post(JSON.stringify({ query: '{ city(code: "01") { name ' }));
    const body = (await response.json()) as any;
    expect(body.errors[0].extensions.code).to.equal('GRAPHQL_PARSE_FAILED');
    expect(body.errors[0].locations).to.have.length(1);
    expect(JSON.stringify(body)).to.not.include('stacktrace');
  });

  it('names an unknown field', async () => {
    const response = await post(JSON.stringify({ query: '{ city { population } }' }));
    const body = (await response.json()) as any;
    expect(body.errors[0].extensions.code).to.equal('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors[0].message).to.include('population');
  });

  it('answers 404 with a pointer to the API for unknown paths', async () => {
    const response = await fetch(`${testEnv().baseUrl}/nowhere`);
    expect(response.status).to.equal(404);
    const body = (await response.json()) as any;
    expect(body.errors[0].extensions.code).to.equal('NOT_FOUND');
    expect(body.errors[0].message).to.include('/graphql');
  });
});
