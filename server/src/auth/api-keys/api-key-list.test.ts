import { expect } from 'chai';
import { foldForSearch } from '@quetma/shared';
import { queryRows } from '../../db/sql';
import { graphql, graphqlData, testEnv } from '../../../test/harness';
import {
  compareText,
  expectBadInput,
  listQuery,
  walkByCursor,
  walkByOffset,
} from '../../../test/connections';
import { createApiKey } from './api-key.service';
import type { ApiKeyRole } from './api-key.entity';

const KEYS = listQuery(
  'apiKeys',
  'ApiKeyFilter',
  'ApiKeyOrder',
  'id name role prefix ownerEmail createdAt expiresAt lastUsedAt revokedAt',
);

interface Known {
  id: string;
  name: string;
  role: ApiKeyRole;
  prefix: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/** Every key of this file has it in its name: the lists below ask for it, so others' keys stay out. */
const MARK = 'pgkey';

describe('Query.apiKeys', () => {
  const known: Known[] = [];
  const named = (name: string) => known.find((k) => k.name === `${name} ${MARK}`)!;

  before(async function () {
    this.timeout(60_000);
    const { orm } = testEnv();
    const [{ id: adminId }] = await queryRows<{ id: string }>(
      orm,
      `select id from app_user where email = 'admin@test.quetma.vn'`,
    );
    // two names that fold alike, Đ next to D, keys made in one instant and used in one instant
    const specs: [string, ApiKeyRole, string, string | null, string | null][] = [
      ['Kiosk Hoàn Kiếm', 'SCAN_SOURCE', '2031-02-01T08:00:00Z', '2031-03-01T08:00:00Z', null],
      ['kiosk hoan kiem', 'SCAN_SOURCE', '2031-02-01T08:00:00Z', '2031-03-01T08:00:00Z', null],
      ['Đống Đa gate', 'SCAN_SOURCE', '2031-02-01T08:00:00Z', null, null],
      ['Dashboard Ba Đình', 'INTEGRATOR', '2031-02-02T08:00:00Z', '2031-03-02T08:00:00Z', null],
      ['Open data', 'INTEGRATOR', '2031-02-03T08:00:00Z', null, '2032-01-01T00:00:00Z'],
      ['Old feed', 'INTEGRATOR', '2031-02-03T08:00:00Z', null, null],
    ];
    for (const [name, role, createdAt, lastUsedAt, expiresAt] of specs) {
      const { key } = await createApiKey(
        orm,
        { name: `${name} ${MARK}`, role, expiresAt: expiresAt ? new Date(expiresAt) : null },
        adminId,
        new Date(createdAt),
      );
      if (lastUsedAt) {
        await queryRows(orm, 'update api_key set last_used_at = $2 where id = $1', [
          key.id,
          lastUsedAt,
        ]);
      }
      known.push({
        id: key.id,
        name: key.name,
        role,
        prefix: key.prefix,
        createdAt: Date.parse(createdAt),
        lastUsedAt: lastUsedAt ? Date.parse(lastUsedAt) : null,
      });
    }
    await graphqlData('mutation($id: ID!) { revokeApiKey(id: $id) { id } }', {
      id: named('Old feed').id,
    });
  });

  afterEach(() => testEnv().clock.reset());

  /** The names (without the mark) of the keys the filter lists, sorted; checks totalCount too. */
  async function names(filter: Record<string, unknown>): Promise<string[]> {
    const page = await KEYS.page({
      filter: { ...filter, search: `${MARK} ${filter.search ?? ''}` },
      first: 500,
    });
    expect(page.totalCount, JSON.stringify(filter)).to.equal(page.nodes.length);
    return page.nodes.map((n) => n.name.replace(` ${MARK}`, '')).sort();
  }

  describe('filters', () => {
    it('lists every key of the mark, with its fields and never its secret', async () => {
      const page = await KEYS.page({ filter: { search: MARK }, first: 500 });
      expect(page.totalCount).to.equal(known.length);
      expect(page.nodes.find((n) => n.id === named('Open data').id)).to.deep.include({
        role: 'INTEGRATOR',
        ownerEmail: 'admin@test.quetma.vn',
        createdAt: '2031-02-03T08:00:00.000Z',
        expiresAt: '2032-01-01T00:00:00.000Z',
        lastUsedAt: null,
        revokedAt: null,
      });
    });

    it('filters by role', async () => {
      expect(await names({ role: 'INTEGRATOR' })).to.deep.equal([
        'Dashboard Ba Đình',
        'Old feed',
        'Open data',
      ]);
      expect(await names({ role: 'SCAN_SOURCE' })).to.have.length(3);
    });

    it('filters active, expired and revoked keys, by the server’s clock', async () => {
      expect(await names({ status: 'REVOKED' })).to.deep.equal(['Old feed']);
      expect(await names({ status: 'EXPIRED' })).to.deep.equal([]);
      expect(await names({ status: 'ACTIVE' })).to.have.length(5);
      // from the instant it expires, a key is expired, not active
      testEnv().clock.set('2032-01-01T00:00:00Z');
      expect(await names({ status: 'EXPIRED' })).to.deep.equal(['Open data']);
      expect(await names({ status: 'ACTIVE' })).to.not.include('Open data');
      expect(await names({ status: 'ACTIVE' })).to.have.length(4);
    });

    it('searches the name ignoring case and diacritics, and the prefix', async () => {
      expect(await names({ search: 'hoan KIEM' })).to.deep.equal([
        'Kiosk Hoàn Kiếm',
        'kiosk hoan kiem',
      ]);
      expect(await names({ search: 'đống' })).to.deep.equal(['Đống Đa gate']);
      expect(await names({ search: 'ba dinh dashboard' })).to.deep.equal(['Dashboard Ba Đình']);
      const { prefix } = named('Open data');
      expect(await names({ search: prefix })).to.deep.equal(['Open data']);
      expect(await names({ search: prefix.toUpperCase() })).to.deep.equal(['Open data']);
      expect(await names({ search: '%' })).to.deep.equal([]);
    });

    it('lists the keys of the ids asked for (getMany), with the other conditions', async () => {
      const ids = [named('Open data').id, named('Old feed').id];
      expect(await names({ ids })).to.deep.equal(['Old feed', 'Open data']);
      expect(await names({ ids, status: 'ACTIVE' })).to.deep.equal(['Open data']);
    });

    it('refuses an id that is not a UUID, naming ids', async () => {
      expectBadInput(await KEYS.request({ filter: { ids: ['qmk_abc'] } }), 'ids', 'API key');
    });
  });

  describe('sorting and paging', () => {
    const filter = { search: MARK };
    const orders: [string, (a: Known, b: Known) => number][] = [
      ['CREATED_AT', (a, b) => a.createdAt - b.createdAt],
      ['NAME', (a, b) => compareText(foldForSearch(a.name), foldForSearch(b.name))],
      ['ROLE', (a, b) => compareText(a.role, b.role)],
      // never-used keys sort as the oldest
      ['LAST_USED_AT', (a, b) => (a.lastUsedAt ?? -Infinity) - (b.lastUsedAt ?? -Infinity) || 0],
    ];

    it('lists the newest first by default', async () => {
      const page = await KEYS.page({ filter, first: 500 });
      expect(page.nodes.map((n) => n.id)).to.deep.equal(
        [...known]
          .sort((a, b) => b.createdAt - a.createdAt || compareText(a.id, b.id))
          .map((k) => k.id),
      );
    });

    for (const [field, compare] of orders) {
      for (const direction of ['ASC', 'DESC'] as const) {
        it(`sorts by ${field} ${direction}, ties by id, and pages through it by cursor and by offset`, async () => {
          const sign = direction === 'ASC' ? 1 : -1;
          const expected = [...known]
            .sort((a, b) => sign * compare(a, b) || compareText(a.id, b.id))
            .map((k) => k.id);
          const orderBy = [{ field, direction }];
          const onePage = await KEYS.page({ filter, orderBy, first: 500 });
          expect(onePage.nodes.map((n) => n.id)).to.deep.equal(expected);
          for (const first of [1, 4]) {
            expect(
              await walkByCursor(KEYS, { filter, orderBy }, first, known.length),
            ).to.deep.equal(expected);
            expect(
              await walkByOffset(KEYS, { filter, orderBy }, first, known.length),
            ).to.deep.equal(expected);
          }
        });
      }
    }

    it('refuses a cursor of another order, naming after', async () => {
      const page = await KEYS.page({ filter, first: 2 });
      expectBadInput(
        await KEYS.request({
          filter,
          orderBy: [{ field: 'NAME' }],
          after: page.pageInfo.endCursor,
        }),
        'after',
        'another orderBy',
      );
    });
  });

  it('is for city admins only', async () => {
    for (const [caller, code] of [
      ['baDinh', 'FORBIDDEN'],
      ['integrator', 'FORBIDDEN'],
      ['anonymous', 'UNAUTHENTICATED'],
    ] as const) {
      const result = await graphql(KEYS.query, { first: 1 }, caller);
      expect(result.errors?.[0].extensions?.code, caller).to.equal(code);
      expect(result.data?.apiKeys ?? null, caller).to.equal(null);
    }
  });
});
