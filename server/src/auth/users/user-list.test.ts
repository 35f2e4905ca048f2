import { expect } from 'chai';
import { foldForSearch, type Role } from '@quetma/shared';
import { registerVenue } from '../../../test/factories';
import { graphql, graphqlData, testEnv, TEST_PASSWORD } from '../../../test/harness';
import {
  compareText,
  expectBadInput,
  listQuery,
  walkByCursor,
  walkByOffset,
} from '../../../test/connections';
import { createUser } from './user.service';

const USERS = listQuery(
  'users',
  'UserFilter',
  'UserOrder',
  'id email name role unitCode createdAt disabledAt',
);

interface Known {
  id: string;
  email: string;
  name: string;
  role: Role;
  unitCode: string | null;
  createdAt: number;
  disabled: boolean;
}

/** Every user of this file has it in their email: the lists below ask for it, so others' users stay out. */
const MARK = 'pgtest';

describe('Query.users', () => {
  const known: Known[] = [];
  const byEmail = (email: string) => known.find((u) => u.email === `${email}@${MARK}.vn`)!.id;

  before(async function () {
    this.timeout(60_000);
    const { orm, areas } = testEnv();
    // two names that fold alike, Đ next to D, three users created in one instant, officers of
    // two districts and their wards, and a name with LIKE's wildcards in it
    const specs: [string, string, Role, string | null, string][] = [
      ['an.nguyen', 'Nguyễn Văn An', 'WARD_OFFICER', '00001', '2031-01-01T08:00:00Z'],
      ['an2', 'nguyen van an', 'WARD_OFFICER', '00004', '2031-01-01T08:00:00Z'],
      ['ha.dang', 'Đặng Thu Hà', 'DISTRICT_OFFICER', '001', '2031-01-01T08:00:00Z'],
      ['minh', 'Dương Minh', 'DISTRICT_OFFICER', '002', '2031-01-02T08:00:00Z'],
      ['binh', 'Trần Bình', 'TRACER', null, '2031-01-02T08:00:00Z'],
      ['cuong', 'Lê Cường', 'CITY_ADMIN', null, '2031-01-03T08:00:00Z'],
      ['duc', 'Phạm Đức', 'WARD_OFFICER', '00037', '2031-01-03T08:00:00Z'],
      ['pct', 'Hoàng 100%_x', 'TRACER', null, '2031-01-04T08:00:00Z'],
    ];
    for (const [local, name, role, unitCode, at] of specs) {
      const user = await createUser(
        orm,
        areas,
        { email: `${local}@${MARK}.vn`, name, role, unitCode, password: TEST_PASSWORD },
        new Date(at),
      );
      known.push({ ...user, createdAt: Date.parse(at), disabled: false });
    }
    for (const local of ['binh', 'duc']) {
      await graphqlData('mutation($id: ID!) { disableUser(id: $id) { id } }', {
        id: byEmail(local),
      });
      known.find((u) => u.email === `${local}@${MARK}.vn`)!.disabled = true;
    }
  });

  /** The emails (before the @) of the users the filter lists, sorted; checks totalCount too. */
  async function emails(filter: Record<string, unknown>): Promise<string[]> {
    const page = await USERS.page({
      filter: { ...filter, search: `${MARK} ${filter.search ?? ''}` },
      first: 500,
    });
    expect(page.totalCount, JSON.stringify(filter)).to.equal(page.nodes.length);
    return page.nodes.map((n) => n.email.split('@')[0]).sort();
  }

  describe('filters', () => {
    it('lists every user of the mark, with their fields', async () => {
      const page = await USERS.page({ filter: { search: MARK }, first: 500 });
      expect(page.totalCount).to.equal(known.length);
      const an = page.nodes.find((n) => n.email === `an.nguyen@${MARK}.vn`)!;
      expect(an).to.deep.include({
        name: 'Nguyễn Văn An',
        role: 'WARD_OFFICER',
        unitCode: '00001',
        createdAt: '2031-01-01T08:00:00.000Z',
        disabledAt: null,
      });
    });

    it('filters by role', async () => {
      expect(await emails({ role: 'WARD_OFFICER' })).to.deep.equal(['an.nguyen', 'an2', 'duc']);
      expect(await emails({ role: 'TRACER' })).to.deep.equal(['binh', 'pct']);
      expect(await emails({ role: 'INTEGRATOR' })).to.deep.equal([]);
    });

    it('filters by unit: the unit itself and the units within it', async () => {
      expect(await emails({ unitCode: '001' })).to.deep.equal(['an.nguyen', 'an2', 'ha.dang']);
      expect(await emails({ unitCode: '00001' })).to.deep.equal(['an.nguyen']);
      expect(await emails({ unitCode: '002' })).to.deep.equal(['duc', 'minh']);
      expect(await emails({ unitCode: '01' })).to.deep.equal([
        'an.nguyen',
        'an2',
        'duc',
        'ha.dang',
        'minh',
      ]);
      // a real district with no officer of this file
      expect(await emails({ unitCode: '006' })).to.deep.equal([]);
    });

    for (const unitCode of ['99', '999', '99999']) {
      it(`answers BAD_USER_INPUT naming unitCode for the unknown unit ${unitCode}`, async () => {
        expectBadInput(await USERS.request({ filter: { unitCode } }), 'unitCode', unitCode);
      });
    }

    it('answers BAD_USER_INPUT naming unitCode for a code of no level (0001)', async () => {
      const result = await USERS.request({ filter: { unitCode: '0001' } });
      expect(result.errors?.[0]?.extensions).to.include({
        code: 'BAD_USER_INPUT',
        field: 'unitCode',
      });
    });

    it('filters enabled and disabled users', async () => {
      expect(await emails({ status: 'DISABLED' })).to.deep.equal(['binh', 'duc']);
      expect(await emails({ status: 'ENABLED' })).to.deep.equal([
        'an.nguyen',
        'an2',
        'cuong',
        'ha.dang',
        'minh',
        'pct',
      ]);
      const disabled = await USERS.page({ filter: { search: `${MARK} binh` } });
      expect(disabled.nodes[0].disabledAt).to.be.a('string');
    });

    for (const [search, expected] of [
      ['nguyen van', ['an.nguyen', 'an2']],
      ['NGUYỄN VĂN an', ['an.nguyen', 'an2']],
      ['dang THU', ['ha.dang']],
      ['đức', ['duc']],
      ['duong', ['minh']],
      ['ha.dang', ['ha.dang']],
      ['cuong le', ['cuong']],
      ['100%', ['pct']],
      ['%', ['pct']],
      ['_', ['pct']],
      ['nobody', []],
    ] as const) {
      it(`searches email and name ignoring case and diacritics: ${JSON.stringify(search)}`, async () => {
        expect(await emails({ search })).to.deep.equal(expected);
      });
    }

    it('refuses a search longer than 200 characters, naming search', async () => {
      const result = await USERS.request({ filter: { search: 'a'.repeat(201) } });
      expect(result.errors?.[0]?.extensions).to.include({
        code: 'BAD_USER_INPUT',
        field: 'search',
      });
    });

    it('lists the users of the ids asked for (getMany), in any letter case', async () => {
      const ids = [byEmail('an2'), byEmail('cuong').toUpperCase()];
      expect(await emails({ ids })).to.deep.equal(['an2', 'cuong']);
      expect(await emails({ ids: [] })).to.deep.equal([]);
      // with the other conditions, all of which must hold
      expect(await emails({ ids, role: 'CITY_ADMIN' })).to.deep.equal(['cuong']);
    });

    it('refuses an id that is not a UUID, and more ids than a page holds, naming ids', async () => {
      expectBadInput(await USERS.request({ filter: { ids: ['nope'] } }), 'ids', '"nope"');
      const many = Array.from({ length: 501 }, () => byEmail('an2'));
      expectBadInput(await USERS.request({ filter: { ids: many } }), 'ids', '500');
    });

    it('combines filters: every condition must hold', async () => {
      expect(await emails({ role: 'WARD_OFFICER', unitCode: '001' })).to.deep.equal([
        'an.nguyen',
        'an2',
      ]);
      expect(await emails({ role: 'WARD_OFFICER', status: 'DISABLED' })).to.deep.equal(['duc']);
      expect(await emails({ unitCode: '002', search: 'pham', status: 'ENABLED' })).to.deep.equal(
        [],
      );
    });
  });

  describe('sorting and paging', () => {
    const orders: [string, (a: Known, b: Known) => number][] = [
      ['EMAIL', (a, b) => compareText(a.email, b.email)],
      ['NAME', (a, b) => compareText(foldForSearch(a.name), foldForSearch(b.name))],
      ['ROLE', (a, b) => compareText(a.role, b.role)],
      ['UNIT_CODE', (a, b) => compareText(a.unitCode ?? '', b.unitCode ?? '')],
      ['CREATED_AT', (a, b) => a.createdAt - b.createdAt],
    ];
    const filter = { search: MARK };

    it('sorts by email by default', async () => {
      const page = await USERS.page({ filter, first: 500 });
      expect(page.nodes.map((n) => n.id)).to.deep.equal(
        [...known].sort((a, b) => compareText(a.email, b.email)).map((u) => u.id),
      );
    });

    for (const [field, compare] of orders) {
      for (const direction of ['ASC', 'DESC'] as const) {
        it(`sorts by ${field} ${direction}, ties by id, and pages through it by cursor and by offset`, async () => {
          const sign = direction === 'ASC' ? 1 : -1;
          const expected = [...known]
            .sort((a, b) => sign * compare(a, b) || compareText(a.id, b.id))
            .map((u) => u.id);
          const orderBy = [{ field, direction }];
          const onePage = await USERS.page({ filter, orderBy, first: 500 });
          expect(onePage.nodes.map((n) => n.id)).to.deep.equal(expected);
          for (const first of [1, 3]) {
            expect(
              await walkByCursor(USERS, { filter, orderBy }, first, known.length),
            ).to.deep.equal(expected);
            expect(
              await walkByOffset(USERS, { filter, orderBy }, first, known.length),
            ).to.deep.equal(expected);
          }
        });
      }
    }

    it('sorts by several keys: role, then name descending', async () => {
      const orderBy = [
        { field: 'ROLE', direction: 'ASC' },
        { field: 'NAME', direction: 'DESC' },
      ];
      const expected = [...known]
        .sort(
          (a, b) =>
            compareText(a.role, b.role) ||
            compareText(foldForSearch(b.name), foldForSearch(a.name)) ||
            compareText(a.id, b.id),
        )
        .map((u) => u.id);
      expect(await walkByCursor(USERS, { filter, orderBy }, 2, known.length)).to.deep.equal(
        expected,
      );
    });

    it('refuses a cursor of one order under another, and a venue cursor, naming after', async () => {
      const byName = await USERS.page({ filter, orderBy: [{ field: 'NAME' }], first: 2 });
      for (const orderBy of [
        undefined,
        [{ field: 'NAME', direction: 'DESC' }],
        [{ field: 'ROLE' }],
      ]) {
        expectBadInput(
          await USERS.request({ filter, orderBy, after: byName.pageInfo.endCursor }),
          'after',
          'another orderBy',
        );
      }
      await registerVenue();
      const venues = await graphqlData<any>('{ venues(first: 1) { pageInfo { endCursor } } }');
      expectBadInput(
        await USERS.request({ filter, after: venues.venues.pageInfo.endCursor }),
        'after',
        'another list',
      );
    });

    it('refuses to sort by one key twice, naming orderBy', async () => {
      expectBadInput(
        await USERS.request({
          orderBy: [{ field: 'EMAIL' }, { field: 'EMAIL', direction: 'DESC' }],
        }),
        'orderBy',
        'EMAIL',
      );
    });
  });

  it('is for city admins only', async () => {
    for (const [caller, code] of [
      ['baDinh', 'FORBIDDEN'],
      ['integrator', 'FORBIDDEN'],
      ['anonymous', 'UNAUTHENTICATED'],
    ] as const) {
      const result = await graphql(USERS.query, { first: 1 }, caller);
      expect(result.errors?.[0].extensions?.code, caller).to.equal(code);
      expect(result.data?.users ?? null, caller).to.equal(null);
    }
  });
});
