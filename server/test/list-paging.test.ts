import { expect } from 'chai';
import { registerVenue } from './factories';
import { expectBadInput, listQuery, type ListQuery } from './connections';
import { graphql, graphqlData, resetData } from './harness';

/**
 * Every list is one connection shape with one set of paging rules (graphql/list-query.ts): the
 * same limits, the same refusals, and a cursor is only good for the list and order that gave it.
 */
const LISTS: { list: ListQuery; orderField: string; otherOrder: string }[] = [
  {
    list: listQuery('venues', 'VenueFilter', 'VenueOrder', 'id name'),
    orderField: 'NAME',
    otherOrder: 'REGISTERED_AT',
  },
  {
    list: listQuery('users', 'UserFilter', 'UserOrder', 'id email'),
    orderField: 'EMAIL',
    otherOrder: 'CREATED_AT',
  },
  {
    list: listQuery('apiKeys', 'ApiKeyFilter', 'ApiKeyOrder', 'id name'),
    orderField: 'CREATED_AT',
    otherOrder: 'NAME',
  },
  {
    list: listQuery('auditLog', 'AuditLogFilter', 'AuditLogOrder', 'id action'),
    orderField: 'AT',
    otherOrder: 'AT',
  },
];

describe('the lists share one way of paging', () => {
  const cursors = new Map<string, string>();

  before(async () => {
    await resetData();
    // two rows at least in every list: venues, and audit entries of their registration
    await registerVenue();
    await registerVenue();
    for (const { list } of LISTS) {
      const page = await list.page({ first: 1 });
      expect(page.pageInfo.hasNextPage, list.field).to.equal(true);
      cursors.set(list.field, page.pageInfo.endCursor!);
    }
  });

  for (const { list, orderField, otherOrder } of LISTS) {
    describe(list.field, () => {
      it('answers 50 rows a page by default, up to 500 when asked, and refuses 0 and 501, naming first', async () => {
        for (const first of [1, 500]) {
          const page = await list.page({ first });
          expect(page.nodes.length).to.be.within(1, first);
        }
        for (const first of [0, -1, 501]) {
          expectBadInput(await list.request({ first }), 'first', String(first), '500');
        }
      });

      it('skips up to 100,000 rows with offset, and refuses more or fewer, naming offset', async () => {
        const far = await list.page({ offset: 100_000 });
        expect(far.nodes).to.deep.equal([]);
        expect(far.pageInfo).to.include({ hasNextPage: false, hasPreviousPage: true });
        for (const offset of [-1, 100_001]) {
          expectBadInput(await list.request({ offset }), 'offset', '100000');
        }
      });

      it('refuses a cursor it did not give out, naming after', async () => {
        expectBadInput(await list.request({ after: 'abc' }), 'after', 'not a cursor');
        const forged = Buffer.from(JSON.stringify([list.field, `${orderField}:ASC`, 'x'])).toString(
          'base64url',
        );
        expectBadInput(await list.request({ after: forged }), 'after');
      });

      it("refuses another list's cursor, naming after", async () => {
        for (const [field, cursor] of cursors) {
          if (field === list.field) continue;
          expectBadInput(await list.request({ after: cursor }), 'after', 'another list');
        }
      });

      it('refuses its cursor under another order, naming after', async () => {
        const orderBy =
          otherOrder === orderField
            ? [{ field: orderField, direction: list.field === 'auditLog' ? 'ASC' : 'DESC' }]
            : [{ field: otherOrder }];
        expectBadInput(
          await list.request({ orderBy, after: cursors.get(list.field) }),
          'after',
          'another orderBy',
        );
      });

      it('pages on from its own cursor, and counts every row whatever the page', async () => {
        const all = await list.page({ first: 500 });
        const second = await list.page({ first: 1, after: cursors.get(list.field) });
        expect(second.nodes[0].id).to.equal(all.nodes[1].id);
        expect(second.totalCount).to.equal(all.totalCount);
        expect(second.pageInfo.hasPreviousPage).to.equal(true);
      });

      it('refuses to sort by one key twice, naming orderBy', async () => {
        expectBadInput(
          await list.request({ orderBy: [{ field: orderField }, { field: orderField }] }),
          'orderBy',
          orderField,
        );
      });
    });
  }

  for (const { list } of LISTS) {
    it(`prices a page of ${list.field} by its size: 7 pages of 500 in one request are refused, of 50 allowed`, async () => {
      const pages = (first: number) =>
        `{ ${Array.from(
          { length: 7 },
          (_, i) =>
            `p${i}: ${list.field}(first: ${first}) { totalCount nodes { id } edges { cursor node { id } } pageInfo { hasNextPage endCursor } }`,
        ).join(' ')} }`;
      const refused = await graphql(pages(500));
      expect(refused.errors?.[0].extensions?.code).to.equal('BAD_USER_INPUT');
      expect(refused.errors?.[0].message).to.include('points');
      expect(Object.keys(await graphqlData(pages(50)))).to.have.length(7);
    });
  }
});
