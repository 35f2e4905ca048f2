import { ApolloServer } from '@apollo/server';
import { expect } from 'chai';
import {
  buildSchema,
  getIntrospectionQuery,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  parse,
  specifiedRules,
  validate,
  type GraphQLError,
  type ValidationRule,
} from 'graphql';
import type { ComplexityEstimatorArgs } from 'graphql-query-complexity';
import { aliasLimitRule, complexityPlugin, depthLimitRule } from './query-shape';

const sdl = buildSchema(`
  type Query {
    area(id: ID): Area
    venues(first: Int = 10): [Venue!]!
    search(text: String!): [SearchResult!]!
  }
  type Area { id: ID! name: String! parent: Area venues: [Venue!]! }
  type Venue { id: ID! name: String! area: Area! }
  union SearchResult = Area | Venue
`);

function validateWith(query: string, rule: ValidationRule): readonly GraphQLError[] {
  return validate(sdl, parse(query), [...specifiedRules, rule]);
}

function onlyError(errors: readonly GraphQLError[]): GraphQLError {
  expect(errors.map((e) => e.message)).to.have.length(1);
  return errors[0];
}

describe('depthLimitRule', () => {
  it('counts each level of nested fields and refuses past the limit', () => {
    const query = '{ area { parent { name } } }';
    expect(validateWith(query, depthLimitRule(3))).to.deep.equal([]);
    const error = onlyError(validateWith(query, depthLimitRule(2)));
    expect(error.message).to.equal('The query is nested 3 levels deep; the limit is 2.');
    expect(error.extensions).to.deep.include({ code: 'BAD_USER_INPUT', limit: 2, actual: 3 });
  });

  it('counts through fragment spreads, including spreads inside fragments', () => {
    const query = `
      query { ...Root }
      fragment Root on Query { area { ...Parents } }
      fragment Parents on Area { parent { parent { name } } }
    `;
    expect(validateWith(query, depthLimitRule(4))).to.deep.equal([]);
    expect(onlyError(validateWith(query, depthLimitRule(3))).message).to.equal(
      'The query is nested 4 levels deep; the limit is 3.',
    );
  });

  it('counts through inline fragments without adding a level for them', () => {
    const query = `{
      search(text: "pho") {
        ... on Venue { area { parent { name } } }
        ... on Area { name }
      }
    }`;
    expect(onlyError(validateWith(query, depthLimitRule(3))).extensions).to.include({
      limit: 3,
      actual: 4,
    });
  });

  it('checks each operation of a document on its own and points at the deep one', () => {
    const query = `query Shallow { area { name } }
query Deep { area { parent { parent { name } } } }`;
    const error = onlyError(validateWith(query, depthLimitRule(3)));
    expect(error.message).to.equal('The query is nested 4 levels deep; the limit is 3.');
    expect(error.locations).to.deep.equal([{ line: 2, column: 1 }]);
  });

  it('leaves a fragment cycle to graphql to report, without looping', () => {
    const query = `
      { area { ...Up } }
      fragment Up on Area { parent { ...Again } }
      fragment Again on Area { parent { ...Up } }
    `;
    const messages = validateWith(query, depthLimitRule(10)).map((e) => e.message);
    expect(messages).to.deep.equal(['Cannot spread fragment "Up" within itself via "Again".']);
  });

  it('measures a fragment spread many times over only once', () => {
    // Each fragment spreads the next twice: 2^40 spreads if expanded, 40 fragments to measure.
    const fragments = Array.from(
      { length: 40 },
      (_, i) => `fragment F${i} on Area { name ${i < 39 ? `...F${i + 1} ...F${i + 1}` : ''} }`,
    );
    const document = parse(`{ area { ...F0 } } ${fragments.join('\n')}`);
    const errors = validate(sdl, document, [depthLimitRule(1)]);
    expect(errors.map((e) => e.message)).to.deep.equal([
      'The query is nested 2 levels deep; the limit is 1.',
    ]);
  });

  it('does not count introspection, so GraphiQL can always load the schema', () => {
    expect(validateWith(getIntrospectionQuery(), depthLimitRule(1))).to.deep.equal([]);
    const query = '{ __typename area { __typename name } __type(name: "Area") { name } }';
    expect(validateWith(query, depthLimitRule(2))).to.deep.equal([]);
    expect(onlyError(validateWith(query, depthLimitRule(1))).extensions).to.include({ actual: 2 });
  });
});

describe('aliasLimitRule', () => {
  it('counts aliased fields across the whole document, fragments included', () => {
    const query = `
      query { one: area(id: "1") { label: name } two: area(id: "2") { ...Named } }
      fragment Named on Area { title: name }
    `;
    expect(validateWith(query, aliasLimitRule(4))).to.deep.equal([]);
    const error = onlyError(validateWith(query, aliasLimitRule(3)));
    expect(error.message).to.equal('The query uses 4 aliases; the limit is 3.');
    expect(error.extensions).to.deep.include({ code: 'BAD_USER_INPUT', limit: 3, actual: 4 });
  });

  it('points at the first alias past the limit', () => {
    const query = `{
  a: area(id: "1") { name }
  b: area(id: "2") { name }
  c: area(id: "3") { name }
}`;
    const error = onlyError(validateWith(query, aliasLimitRule(2)));
    expect(error.message).to.equal('The query uses 3 aliases; the limit is 2.');
    expect(error.locations).to.deep.equal([{ line: 4, column: 3 }]);
  });

  it('does not count plain fields', () => {
    expect(validateWith('{ area { name parent { name } } }', aliasLimitRule(0))).to.deep.equal([]);
  });
});

describe('complexityPlugin', () => {
  // Built by hand because SDL cannot carry field extensions; type-graphql's `complexity`
  // option ends up in the same place.
  const perPage = ({ args, childComplexity }: ComplexityEstimatorArgs) =>
    1 + (args.first ?? 10) * childComplexity;
  let venuesResolved = 0;
  const venue = new GraphQLObjectType({
    name: 'Venue',
    fields: { id: { type: GraphQLString }, name: { type: GraphQLString } },
  });
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        venues: {
          type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(venue))),
          args: { first: { type: GraphQLInt, defaultValue: 10 } },
          extensions: { complexity: perPage },
          resolve: (_root, { first }: { first: number }) => {
            venuesResolved++;
            return Array.from({ length: Math.min(first, 3) }, (_, i) => ({
              id: `v${i}`,
              name: `Venue ${i}`,
            }));
          },
        },
        venue: { type: venue, resolve: () => ({ id: 'v0', name: 'Venue 0' }) },
      },
    }),
  });
  const server = new ApolloServer({ schema, plugins: [complexityPlugin(1000)] });

  before(() => server.start());
  after(() => server.stop());
  beforeEach(() => {
    venuesResolved = 0;
  });

  async function run(query: string, variables?: Record<string, unknown>, operationName?: string) {
    const response = await server.executeOperation({ query, variables, operationName });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    return { status: response.http.status, result: response.body.singleResult };
  }

  it('answers a query under the limit', async () => {
    // 1 + 10 × (id + name) = 21 points.
    const { result } = await run('{ venues(first: 10) { id name } venue { id } }');
    expect(result.errors).to.equal(undefined);
    expect((result.data as any).venues).to.have.length(3);
  });

  it('refuses a query over the limit with its cost, before any resolver runs', async () => {
    const { status, result } = await run('query ($n: Int!) { venues(first: $n) { id name } }', {
      n: 1000,
    });
    expect(status).to.equal(400);
    expect(result.data).to.equal(undefined);
    expect(result.errors).to.have.length(1);
    const [error] = result.errors!;
    expect(error.message).to.equal(
      'The query costs 2,001 points; the limit is 1,000. Ask for fewer items per page or fewer fields.',
    );
    expect(error.extensions).to.include({ code: 'BAD_USER_INPUT', limit: 1000, actual: 2001 });
    expect(venuesResolved).to.equal(0);
  });

  it('prices field arguments left at their default', async () => {
    // Default first: 10, so each of the 60 aliases costs 1 + 10 × 1 = 11 points: 660 in all.
    const cheap = Array.from({ length: 60 }, (_, i) => `v${i}: venues { id }`).join(' ');
    expect((await run(`{ ${cheap} }`)).result.errors).to.equal(undefined);
    const costly = Array.from({ length: 100 }, (_, i) => `v${i}: venues { id }`).join(' ');
    expect((await run(`{ ${costly} }`)).result.errors![0].extensions).to.include({
      actual: 1100,
    });
  });

  it('prices only the operation the request names', async () => {
    const query = `
      query Small { venues(first: 2) { id } }
      query Huge { venues(first: 5000) { id name } }
    `;
    expect((await run(query, undefined, 'Small')).result.errors).to.equal(undefined);
    const { result } = await run(query, undefined, 'Huge');
    expect(result.errors![0].extensions).to.include({ code: 'BAD_USER_INPUT', actual: 10_001 });
  });

  it('refuses variables that do not fit, as a bad request', async () => {
    const { status, result } = await run('query ($n: Int!) { venues(first: $n) { id } }', {});
    expect(status).to.equal(400);
    expect(result.errors![0].message).to.equal(
      'Variable "$n" of required type "Int!" was not provided.',
    );
    expect(result.errors![0].extensions).to.include({ code: 'BAD_USER_INPUT' });
  });

  it('stops pricing a document whose fragments expand past 10,000 selections', async () => {
    // 20 fragments each spreading the next twice: about a million selections once expanded.
    const fragments = Array.from(
      { length: 20 },
      (_, i) => `fragment F${i} on Venue { id ${i < 19 ? `...F${i + 1} ...F${i + 1}` : ''} }`,
    );
    const { status, result } = await run(`{ venue { ...F0 } } ${fragments.join('\n')}`);
    expect(status).to.equal(400);
    expect(result.errors![0].message).to.equal(
      'The query has more than 10,000 selections once its fragments are expanded; the limit is 10,000. Ask for fewer fields.',
    );
    expect(result.errors![0].extensions).to.include({
      code: 'BAD_USER_INPUT',
      limit: 10_000,
      actual: 10_001,
    });
  });
});
