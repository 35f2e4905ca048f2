import { expect } from 'chai';
import { graphql, graphqlData, type GraphQLResponse } from './harness';

/** A page of any list (they share one shape, graphql/connection.ts). */
export interface Page<Node = Record<string, any>> {
  totalCount: number;
  nodes: (Node & { id: string })[];
  edges: { cursor: string; node: { id: string } }[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
}

/** A list query with every argument, e.g. listQuery('users', 'UserFilter', 'UserOrder', 'id email'). */
export function listQuery(field: string, filter: string, order: string, nodeFields: string) {
  const query = `query List($filter: ${filter}, $orderBy: [${order}!], $first: Int, $after: String,
      $offset: Int) {
    ${field}(filter: $filter, orderBy: $orderBy, first: $first, after: $after, offset: $offset) {
      totalCount
      nodes { ${nodeFields} }
      edges { cursor node { id } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }`;
  return {
    field,
    query,
    async page<Node = Record<string, any>>(
      variables: Record<string, unknown> = {},
    ): Promise<Page<Node>> {
      return (await graphqlData<Record<string, Page<Node>>>(query, variables))[field];
    },
    request: (variables: Record<string, unknown>): Promise<GraphQLResponse> =>
      graphql(query, variables),
  };
}
export type ListQuery = ReturnType<typeof listQuery>;

/** Checks what every page says of itself: nodes and edges agree, and the cursors bound it. */
function expectConsistent(page: Page, expectedTotal: number): void {
  expect(page.totalCount).to.equal(expectedTotal);
  expect(page.nodes.map((n) => n.id)).to.deep.equal(page.edges.map((e) => e.node.id));
  expect(page.pageInfo.startCursor).to.equal(page.edges[0]?.cursor ?? null);
  expect(page.pageInfo.endCursor).to.equal(page.edges[page.edges.length - 1]?.cursor ?? null);
}

/** Every page of size `first`, paged on with `after`; the ids in the order the pages gave them. */
export async function walkByCursor(
  list: ListQuery,
  variables: Record<string, unknown>,
  first: number,
  expectedTotal: number,
): Promise<string[]> {
  const seen: string[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 100; pages += 1) {
    const page: Page = await list.page({ ...variables, first, after });
    expectConsistent(page, expectedTotal);
    expect(page.pageInfo.hasPreviousPage).to.equal(after !== null);
    seen.push(...page.nodes.map((n) => n.id));
    if (!page.pageInfo.hasNextPage) return seen;
    expect(page.nodes).to.have.length(first);
    after = page.pageInfo.endCursor;
  }
  throw new Error('paging by cursor did not end');
}

/** Every page of size `first`, skipping with `offset`; the ids in the order the pages gave them. */
export async function walkByOffset(
  list: ListQuery,
  variables: Record<string, unknown>,
  first: number,
  expectedTotal: number,
): Promise<string[]> {
  const seen: string[] = [];
  for (let offset = 0; offset < 10_000; offset += first) {
    const page: Page = await list.page({ ...variables, first, offset });
    expectConsistent(page, expectedTotal);
    expect(page.pageInfo.hasPreviousPage).to.equal(offset > 0);
    seen.push(...page.nodes.map((n) => n.id));
    expect(page.pageInfo.hasNextPage).to.equal(offset + first < expectedTotal);
    if (!page.pageInfo.hasNextPage) return seen;
    expect(page.nodes).to.have.length(first);
  }
  throw new Error('paging by offset did not end');
}

/** The request failed as BAD_USER_INPUT naming `field` (in extensions.field and the message). */
export function expectBadInput(result: GraphQLResponse, field: string, ...messageParts: string[]) {
  expect(result.errors, JSON.stringify(result).slice(0, 400))
    .to.be.an('array')
    .with.length.greaterThan(0);
  const error = result.errors![0];
  expect(error.extensions?.code, error.message).to.equal('BAD_USER_INPUT');
  expect(error.extensions?.field, error.message).to.equal(field);
  expect(error.message).to.include(field);
  for (const part of messageParts) expect(error.message).to.include(part);
  expect(result.data ?? null).to.equal(null);
}

/** Byte order, as PostgreSQL's "C" collation and uuid comparison sort ASCII text. */
export const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
