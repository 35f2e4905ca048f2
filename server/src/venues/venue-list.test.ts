import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { foldForSearch } from '@quetma/shared';
import { Client } from 'pg';
import {
  graphql,
  graphqlData,
  resetData,
  testEnv,
  type CallerName,
  type GraphQLResponse,
} from '../../test/harness';
import { compareText } from '../../test/connections';
import { addScans, closeVenue, registerVenue } from '../../test/factories';
import { RATE_LIMITS_APPLICATION_NAME } from '../protection/rate-limiter';

const LIST = `query List($filter: VenueFilter, $orderBy: [VenueOrder!], $first: Int, $after: String,
    $offset: Int) {
  venues(filter: $filter, orderBy: $orderBy, first: $first, after: $after, offset: $offset) {
    totalCount
    nodes { id name scanStatus }
    edges { cursor node { id } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

interface Page {
  totalCount: number;
  nodes: { id: string; name: string; scanStatus: string }[];
  edges: { cursor: string; node: { id: string } }[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
}

async function list(variables: Record<string, unknown> = {}): Promise<Page> {
  return (await graphqlData<{ venues: Page }>(LIST, variables)).venues;
}

async function names(filter: Record<string, unknown>): Promise<string[]> {
  const page = await list({ filter, first: 500 });
  expect(page.totalCount, JSON.stringify(filter)).to.equal(page.nodes.length);
  return page.nodes.map((n) => n.name).sort();
}

function expectBadInput(result: GraphQLResponse, field: string, ...messageParts: string[]) {
  expect(result.errors, JSON.stringify(result).slice(0, 400))
    .to.be.an('array')
    .with.length.greaterThan(0);
  const error = result.errors![0];
  expect(error.extensions?.code, error.message).to.equal('BAD_USER_INPUT');
  expect(error.extensions?.field, error.message).to.equal(field);
  expect(error.message).to.include(field);
  for (const part of messageParts) expect(error.message).to.include(part);
  expect(error.extensions ?? {}).to.not.have.property('stacktrace');
  expect(error.message).to.not.match(/\n\s+at /);
  expect(result.data?.venues ?? result.data?.venue ?? null).to.equal(null);
}

/** The stored sort key of a name (folding itself is tested in shared/src/search-text.test.ts). */
const fold = foldForSearch;

describe('Query.venues filters', () => {
  before(async () => {
    await resetData();
    await registerVenue({
      name: 'Quán Phở Hàng Bạc',
      address: 'Số 10 phố Hàng Bạc, Quận Hoàn Kiếm',
      wardCode: '00037',
      category: 'RESTAURANT',
    });
    await registerVenue({
      name: 'Cà phê Đống Đa',
      address: 'Số 5 đường Tôn Đức Thắng',
      wardCode: '00178',
      category: 'CAFE',
    });
    await registerVenue({
      name: 'Chợ Phúc Xá',
      address: 'Số 1 ngõ Phúc Xá',
      wardCode: '00001',
      category: 'MARKET',
    });
    const suspended = await registerVenue({
      name: 'Quán cơm Trúc Bạch',
      address: 'Số 3 phố Trúc Bạch',
      wardCode: '00004',
      category: 'RESTAURANT',
    });
    await graphqlData(
      `mutation S($id: ID!) { updateVenue(id: $id, input: { status: SUSPENDED }) { id } }`,
      {
        id: suspended,
      },
    );
    const closed = await registerVenue({
      name: 'Khách sạn Phúc Xá',
      address: 'Số 2 ngõ Phúc Xá',
      wardCode: '00001',
      category: 'HOTEL',
      registeredAt: '2021-07-01T08:00:00+07:00',
    });
    await closeVenue(closed, '2021-08-01T08:00:00+07:00');
  });

  it('lists every venue without a filter', async () => {
    expect(await names({})).to.have.length(5);
  });

  it('filters by city, district and ward code', async () => {
    expect(await names({ unitCode: '01' })).to.have.length(5);
    expect(await names({ unitCode: '001' })).to.have.members([
      'Chợ Phúc Xá',
      'Khách sạn Phúc Xá',
      'Quán cơm Trúc Bạch',
    ]);
    expect(await names({ unitCode: '00001' })).to.have.members([
      'Chợ Phúc Xá',
      'Khách sạn Phúc Xá',
    ]);
    expect(await names({ unitCode: '00004' })).to.have.members(['Quán cơm Trúc Bạch']);
    expect(await names({ unitCode: '002' })).to.have.members(['Quán Phở Hàng Bạc']);
    expect(await names({ unitCode: '006' })).to.have.members(['Cà phê Đống Đa']);
    // a real ward with no venues
    expect(await names({ unitCode: '00006' })).to.have.members([]);
  });

  for (const unitCode of ['99', '999', '99999']) {
    it(`answers BAD_USER_INPUT naming unitCode for the unknown unit ${unitCode}`, async () => {
      expectBadInput(await graphql(LIST, { filter: { unitCode } }), 'unitCode', unitCode);
    });
  }

  it('answers BAD_USER_INPUT naming unitCode for a code of no level (0001)', async () => {
    const result = await graphql(LIST, { filter: { unitCode: '0001' } });
    expect(result.errors?.[0]?.extensions?.code).to.equal('BAD_USER_INPUT');
    expect(result.errors![0].extensions!.field).to.match(/unitCode$/);
    expect(result.errors![0].message).to.include('unitCode');
  });

  it('filters by category', async () => {
    expect(await names({ category: 'RESTAURANT' })).to.have.members([
      'Quán cơm Trúc Bạch',
      'Quán Phở Hàng Bạc',
    ]);
    expect(await names({ category: 'HOTEL' })).to.have.members(['Khách sạn Phúc Xá']);
    expect(await names({ category: 'SCHOOL' })).to.have.members([]);
  });

  it('filters by status', async () => {
    expect(await names({ status: 'ACTIVE' })).to.have.members([
      'Cà phê Đống Đa',
      'Chợ Phúc Xá',
      'Quán Phở Hàng Bạc',
    ]);
    expect(await names({ status: 'SUSPENDED' })).to.have.members(['Quán cơm Trúc Bạch']);
    expect(await names({ status: 'CLOSED' })).to.have.members(['Khách sạn Phúc Xá']);
  });

  it('combines filters: every condition must hold', async () => {
    expect(await names({ unitCode: '001', category: 'RESTAURANT' })).to.have.members([
      'Quán cơm Trúc Bạch',
    ]);
    expect(await names({ unitCode: '001', status: 'ACTIVE' })).to.have.members(['Chợ Phúc Xá']);
    expect(await names({ category: 'RESTAURANT', status: 'ACTIVE' })).to.have.members([
      'Quán Phở Hàng Bạc',
    ]);
    expect(await names({ unitCode: '00001', search: 'phuc xa', status: 'CLOSED' })).to.have.members(
      ['Khách sạn Phúc Xá'],
    );
    expect(await names({ unitCode: '002', category: 'CAFE' })).to.have.members([]);
    expect(
      await names({ unitCode: '01', category: 'RESTAURANT', status: 'SUSPENDED', search: 'truc' }),
    ).to.have.members(['Quán cơm Trúc Bạch']);
  });
});

describe('Query.venues search', () => {
  before(async () => {
    await resetData();
    await registerVenue({
      name: 'Quán Phở Hàng Bạc',
      address: 'Số 10 phố Hàng Bạc, Quận Hoàn Kiếm',
      wardCode: '00037',
    });
    await registerVenue({ name: 'Cà phê Đống Đa', address: 'Số 5 đường Tôn Đức Thắng' });
    await registerVenue({ name: 'Quán cơm Trúc Bạch', address: 'Số 3 phố Trúc Bạch' });
    await registerVenue({ name: 'Nhà sách 100 Cửa', address: 'Số 1 ngõ 1000' });
  });

  const cases: [string, string[]][] = [
    ['hoan kiem', ['Quán Phở Hàng Bạc']],
    ['HOÀN KIẾM', ['Quán Phở Hàng Bạc']],
    ['Hoàn Kiếm'.normalize('NFD'), ['Quán Phở Hàng Bạc']],
    ['pho hang bac', ['Quán Phở Hàng Bạc']],
    ['hang bac pho', ['Quán Phở Hàng Bạc']],
    ['  BAC   hang  ', ['Quán Phở Hàng Bạc']],
    ['dong da', ['Cà phê Đống Đa']],
    ['DONG DA', ['Cà phê Đống Đa']],
    ['đống đa', ['Cà phê Đống Đa']],
    ['ton duc thang', ['Cà phê Đống Đa']],
    ['truc bach', ['Quán cơm Trúc Bạch']],
    ['quan', ['Quán Phở Hàng Bạc', 'Quán cơm Trúc Bạch']],
    ['hang bac kiem quan pho so 10', ['Quán Phở Hàng Bạc']],
    ['hoan kiem truc', []],
    ['bun cha', []],
  ];
  for (const [search, expected] of cases) {
    it(`finds ${JSON.stringify(expected)} for ${JSON.stringify(search)}`, async () => {
      expect(await names({ search })).to.have.members([...expected].sort());
    });
  }

  for (const search of ['%', '_', 'qu_n', 'pho%bac', '100%', '\\']) {
    it(`matches ${JSON.stringify(search)} literally: no venue has it, so none is found`, async () => {
      expect((await list()).totalCount).to.equal(4);
      expect(await names({ search })).to.have.members([]);
    });
  }

  it('finds a venue whose name holds % and _ by those characters', async () => {
    // registered last: the literal-match tests above count 4 venues
    const id = await registerVenue({ name: 'Giảm giá 50% tại Cửa_hàng', address: 'Số 7 phố Huế' });
    const page = await list({ filter: { search: '50% cua_hang' } });
    expect(page.nodes.map((n) => n.id)).to.deep.equal([id]);
    expect(await names({ search: '50%' })).to.have.members(['Giảm giá 50% tại Cửa_hàng']);
    expect(await names({ search: 'cua_hang' })).to.have.members(['Giảm giá 50% tại Cửa_hàng']);
  });
});

describe('Query.venues scanStatus', () => {
  const ids: Record<string, string> = {};

  before(async () => {
    await resetData();
    const registeredAt = '2021-07-01T08:00:00+07:00';
    for (const key of ['never', 'dormantOld', 'dormantEdge', 'activeEdge', 'activeToday']) {
      ids[key] = await registerVenue({ name: key, registeredAt });
    }
    await addScans([
      { venueId: ids.dormantOld, at: '2021-07-05T10:00:00+07:00' },
      { venueId: ids.dormantEdge, at: '2021-07-20T10:00:00+07:00' },
      // the last second of the day before the 7-day window (2021-08-03 … 2021-08-09)
      { venueId: ids.dormantEdge, at: '2021-08-02T23:59:59+07:00' },
      { venueId: ids.activeEdge, at: '2021-07-10T10:00:00+07:00' },
      // the first second of the window
      { venueId: ids.activeEdge, at: '2021-08-03T00:00:00+07:00' },
      { venueId: ids.activeToday, at: '2021-08-09T00:30:00+07:00' },
    ]);
  });

  beforeEach(() => {
    // 01:00 in Hà Nội is still the day before in UTC: the window must follow the local day
    testEnv().clock.set('2021-08-09T01:00:00+07:00');
  });

  after(() => testEnv().clock.reset());

  it('filters NEVER_SCANNED, DORMANT and ACTIVE against the local today and the 6 days before', async () => {
    expect(await names({ scanStatus: 'NEVER_SCANNED' })).to.have.members(['never']);
    expect(await names({ scanStatus: 'DORMANT' })).to.have.members(['dormantEdge', 'dormantOld']);
    expect(await names({ scanStatus: 'ACTIVE' })).to.have.members(['activeEdge', 'activeToday']);
  });

  it('gives each venue the scanStatus its filter puts it in', async () => {
    const all = await list({ first: 500 });
    expect(all.nodes).to.have.length(5);
    for (const status of ['NEVER_SCANNED', 'DORMANT', 'ACTIVE']) {
      const filtered = await list({ filter: { scanStatus: status } });
      expect(filtered.nodes.length).to.be.greaterThan(0);
      for (const node of filtered.nodes) expect(node.scanStatus, node.name).to.equal(status);
    }
    const byName = Object.fromEntries(all.nodes.map((n) => [n.name, n.scanStatus]));
    expect(byName).to.deep.equal({
      never: 'NEVER_SCANNED',
      dormantOld: 'DORMANT',
      dormantEdge: 'DORMANT',
      activeEdge: 'ACTIVE',
      activeToday: 'ACTIVE',
    });
  });

  it('moves with the clock: a day later the venue last scanned on 2021-08-03 00:00 is dormant', async () => {
    testEnv().clock.set('2021-08-10T12:00:00+07:00');
    expect(await names({ scanStatus: 'ACTIVE' })).to.have.members(['activeToday']);
    expect(await names({ scanStatus: 'DORMANT' })).to.have.members([
      'activeEdge',
      'dormantEdge',
      'dormantOld',
    ]);
    const venue = await graphqlData<any>(`query V($id: ID!) { venue(id: $id) { scanStatus } }`, {
      id: ids.activeEdge,
    });
    expect(venue.venue.scanStatus).to.equal('DORMANT');
  });

  it('combines scanStatus with other filters', async () => {
    expect(await names({ scanStatus: 'ACTIVE', search: 'today' })).to.have.members(['activeToday']);
    expect(await names({ scanStatus: 'NEVER_SCANNED', unitCode: '002' })).to.have.members([]);
    expect(await names({ scanStatus: 'NEVER_SCANNED', unitCode: '00001' })).to.have.members([
      'never',
    ]);
  });
});

interface Known {
  id: string;
  name: string;
  wardCode: string;
  registeredAt: number;
  lastScanAt: number | null;
}

describe('Query.venues paging', () => {
  const known: Known[] = [];

  before(async function () {
    this.timeout(60_000);
    await resetData();
    // names with ties (two spellings fold alike: "Quán Trùng Tên" and "quan trung ten"), Đ next
    // to D, equal registration times, several wards, scanned and never-scanned venues
    const specs: { name: string; wardCode: string; registeredAt: string }[] = [
      { name: 'Quán Trùng Tên', wardCode: '00001', registeredAt: '2021-07-01T08:00:00+07:00' },
      { name: 'Quán Trùng Tên', wardCode: '00004', registeredAt: '2021-07-01T08:00:00+07:00' },
      { name: 'quan trung ten', wardCode: '00001', registeredAt: '2021-07-01T08:00:00+07:00' },
      { name: 'Quán Trùng Tên', wardCode: '00040', registeredAt: '2021-07-02T08:00:00+07:00' },
      { name: 'Đống Đa Café', wardCode: '00178', registeredAt: '2021-07-03T08:00:00+07:00' },
      { name: 'Dong Da Bakery', wardCode: '00178', registeredAt: '2021-07-03T08:00:00+07:00' },
      { name: 'Dĩ An', wardCode: '00004', registeredAt: '2021-06-30T08:00:00+07:00' },
      { name: 'Ăn Uống 1', wardCode: '00001', registeredAt: '2021-05-01T08:00:00+07:00' },
      { name: 'An Uong 2', wardCode: '00001', registeredAt: '2021-05-01T08:00:00+07:00' },
      { name: 'Zeta', wardCode: '00037', registeredAt: '2021-07-04T08:00:00+07:00' },
      { name: 'Bánh Mì', wardCode: '00037', registeredAt: '2021-07-05T08:00:00+07:00' },
      { name: 'Bánh Mì', wardCode: '00037', registeredAt: '2021-07-05T08:00:00+07:00' },
      { name: 'Chè', wardCode: '00004', registeredAt: '2021-07-06T08:00:00+07:00' },
      { name: 'Xôi Yến', wardCode: '00040', registeredAt: '2021-07-07T08:00:00+07:00' },
      { name: 'Ốc', wardCode: '00040', registeredAt: '2021-07-08T08:00:00+07:00' },
      { name: 'Ô Mai', wardCode: '00178', registeredAt: '2021-07-08T08:00:00+07:00' },
      { name: 'Quán 10', wardCode: '00001', registeredAt: '2021-07-09T08:00:00+07:00' },
      { name: 'Quán 9', wardCode: '00001', registeredAt: '2021-07-09T08:00:00+07:00' },
    ];
    for (const spec of specs) {
      const id = await registerVenue(spec);
      known.push({
        id,
        name: spec.name,
        wardCode: spec.wardCode,
        registeredAt: Date.parse(spec.registeredAt),
        lastScanAt: null,
      });
    }
    // every third venue scanned; some on the same instant (ties in LAST_SCAN_AT)
    const scans = known
      .filter((_, i) => i % 3 === 0)
      .map((venue, i) => ({
        venueId: venue.id,
        at: `2021-08-0${1 + (i % 3)}T10:00:00+07:00`,
      }));
    await addScans(scans);
    for (const scan of scans) {
      known.find((v) => v.id === scan.venueId)!.lastScanAt = Date.parse(scan.at);
    }
  });

  /** Walks every page of size `first` with `after`, checking pageInfo and totalCount on the way. */
  async function walk(orderBy: unknown, first: number): Promise<string[]> {
    const seen: string[] = [];
    let after: string | null = null;
    for (let pageNumber = 0; pageNumber < 50; pageNumber += 1) {
      const page: Page = await list({ orderBy, first, after });
      expect(page.totalCount).to.equal(known.length);
      expect(page.nodes.map((n) => n.id)).to.deep.equal(page.edges.map((e) => e.node.id));
      expect(page.pageInfo.hasPreviousPage).to.equal(after !== null);
      if (page.edges.length) {
        expect(page.pageInfo.startCursor).to.equal(page.edges[0].cursor);
        expect(page.pageInfo.endCursor).to.equal(page.edges[page.edges.length - 1].cursor);
      }
      seen.push(...page.nodes.map((n) => n.id));
      if (!page.pageInfo.hasNextPage) {
        expect(page.nodes.length).to.be.at.most(first);
        return seen;
      }
      expect(page.nodes).to.have.length(first);
      after = page.pageInfo.endCursor;
    }
    throw new Error('paging did not end');
  }

  const orders: {
    title: string;
    orderBy: unknown;
    compare: (a: Known, b: Known) => number;
  }[] = [
    {
      title: 'NAME ASC (the default)',
      orderBy: undefined,
      compare: (a, b) => compareText(fold(a.name), fold(b.name)),
    },
    {
      title: 'NAME ASC, asked for',
      orderBy: [{ field: 'NAME', direction: 'ASC' }],
      compare: (a, b) => compareText(fold(a.name), fold(b.name)),
    },
    {
      title: 'REGISTERED_AT DESC',
      orderBy: [{ field: 'REGISTERED_AT', direction: 'DESC' }],
      compare: (a, b) => b.registeredAt - a.registeredAt,
    },
    {
      title: 'LAST_SCAN_AT ASC (never-scanned venues first)',
      orderBy: [{ field: 'LAST_SCAN_AT', direction: 'ASC' }],
      compare: (a, b) => (a.lastScanAt ?? -Infinity) - (b.lastScanAt ?? -Infinity) || 0,
    },
    {
      title: 'LAST_SCAN_AT DESC (never-scanned venues last)',
      orderBy: [{ field: 'LAST_SCAN_AT', direction: 'DESC' }],
      compare: (a, b) => (b.lastScanAt ?? -Infinity) - (a.lastScanAt ?? -Infinity) || 0,
    },
    {
      title: 'WARD_CODE ASC then NAME DESC',
      orderBy: [
        { field: 'WARD_CODE', direction: 'ASC' },
        { field: 'NAME', direction: 'DESC' },
      ],
      compare: (a, b) =>
        compareText(a.wardCode, b.wardCode) || compareText(fold(b.name), fold(a.name)),
    },
  ];

  for (const { title, orderBy, compare } of orders) {
    for (const first of [1, 4, 7]) {
      it(`walks ${title} in pages of ${first}: every venue once, in order`, async () => {
        const expected = [...known]
          .sort((a, b) => compare(a, b) || compareText(a.id, b.id))
          .map((v) => v.id);
        const walked = await walk(orderBy, first);
        expect(walked).to.deep.equal(expected);
        expect(new Set(walked).size).to.equal(known.length);
        // one big page agrees with the walk
        expect((await list({ orderBy, first: 500 })).nodes.map((n) => n.id)).to.deep.equal(
          expected,
        );
      });
    }
  }

  it('sorts never-scanned venues first for LAST_SCAN_AT ASC', async () => {
    const page = await list({ orderBy: [{ field: 'LAST_SCAN_AT' }], first: 500 });
    const neverScanned = known.filter((v) => v.lastScanAt === null).length;
    expect(neverScanned).to.be.greaterThan(0);
    const scanned = new Set(known.filter((v) => v.lastScanAt !== null).map((v) => v.id));
    const firstScanned = page.nodes.findIndex((n) => scanned.has(n.id));
    expect(firstScanned).to.equal(neverScanned);
  });

  it('skips rows with offset, alone and after a cursor', async () => {
    const all = (await list({ first: 500 })).nodes.map((n) => n.id);
    const skipped = await list({ offset: 3, first: 4 });
    expect(skipped.nodes.map((n) => n.id)).to.deep.equal(all.slice(3, 7));
    expect(skipped.pageInfo.hasPreviousPage).to.equal(true);
    expect(skipped.pageInfo.hasNextPage).to.equal(true);
    expect(skipped.totalCount).to.equal(known.length);

    const first = await list({ first: 4 });
    expect(first.pageInfo.hasPreviousPage).to.equal(false);
    const afterAndOffset = await list({ first: 4, after: first.pageInfo.endCursor, offset: 2 });
    expect(afterAndOffset.nodes.map((n) => n.id)).to.deep.equal(all.slice(6, 10));
    expect(afterAndOffset.pageInfo.hasPreviousPage).to.equal(true);

    const last = await list({ offset: known.length - 2, first: 4 });
    expect(last.nodes.map((n) => n.id)).to.deep.equal(all.slice(-2));
    expect(last.pageInfo.hasNextPage).to.equal(false);

    const beyond = await list({ offset: known.length, first: 4 });
    expect(beyond.nodes).to.deep.equal([]);
    expect(beyond.pageInfo).to.include({ hasNextPage: false, hasPreviousPage: true });
    expect(beyond.totalCount).to.equal(known.length);
  });

  it('says hasNextPage false on a last page that is exactly full', async () => {
    const page = await list({ first: known.length });
    expect(page.nodes).to.have.length(known.length);
    expect(page.pageInfo.hasNextPage).to.equal(false);
    const short = await list({ first: known.length - 1 });
    expect(short.pageInfo.hasNextPage).to.equal(true);
  });

  it('counts the matching venues whatever the page, with a filter too', async () => {
    const inWard = known.filter((v) => v.wardCode === '00001');
    const firstPage = await list({ filter: { unitCode: '00001' }, first: 2 });
    expect(firstPage.totalCount).to.equal(inWard.length);
    const secondPage = await list({
      filter: { unitCode: '00001' },
      first: 2,
      after: firstPage.pageInfo.endCursor,
    });
    expect(secondPage.totalCount).to.equal(inWard.length);
    const offsetPage = await list({ filter: { unitCode: '00001' }, first: 2, offset: 4 });
    expect(offsetPage.totalCount).to.equal(inWard.length);
  });

  for (const first of [0, -1, 501]) {
    it(`rejects first: ${first} as BAD_USER_INPUT naming first`, async () => {
      expectBadInput(await graphql(LIST, { first }), 'first', String(first));
    });
  }

  it('rejects a negative offset as BAD_USER_INPUT naming offset', async () => {
    expectBadInput(await graphql(LIST, { offset: -1 }), 'offset');
  });

  it('rejects the cursor "abc" as BAD_USER_INPUT naming after', async () => {
    expectBadInput(await graphql(LIST, { after: 'abc' }), 'after');
  });

  it('rejects cursors that decode to something other than this ordering’s key', async () => {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const after of [
      encode({ name: 'x' }),
      encode([]),
      encode(['quan trung ten']),
      encode(['quan trung ten', 'not-a-uuid']),
      encode(['quan', randomUUID(), 'extra']),
    ]) {
      expectBadInput(await graphql(LIST, { after }), 'after');
    }
  });

  it('rejects a NAME cursor used with REGISTERED_AT or the mixed order, naming after', async () => {
    const nameCursor = (await list({ first: 2 })).pageInfo.endCursor;
    for (const orderBy of [
      [{ field: 'REGISTERED_AT', direction: 'DESC' }],
      [{ field: 'LAST_SCAN_AT', direction: 'ASC' }],
      [
        { field: 'WARD_CODE', direction: 'ASC' },
        { field: 'NAME', direction: 'DESC' },
      ],
    ]) {
      expectBadInput(await graphql(LIST, { orderBy, after: nameCursor }), 'after');
    }
  });

  it('rejects a REGISTERED_AT cursor used with NAME, naming after', async () => {
    const registeredAtCursor = (
      await list({ orderBy: [{ field: 'REGISTERED_AT', direction: 'DESC' }], first: 2 })
    ).pageInfo.endCursor;
    expectBadInput(await graphql(LIST, { after: registeredAtCursor }), 'after');
  });
});

describe('Query.venues page size and batching', () => {
  const BULK = 120;
  let registered: string[];

  before(async function () {
    this.timeout(60_000);
    await resetData();
    registered = [];
    for (let i = 0; i < 5; i += 1) {
      registered.push(await registerVenue({ name: `Quán đăng ký ${i}`, wardCode: '00040' }));
    }
    // the rest in one statement, with their first code as registration issues it
    await testEnv()
      .orm.em.getConnection()
      .execute(
        `with made as (
           insert into venue (id, name, search_text, name_sort, category, address, ward_code,
             district_code, city_code, registrant_name, registrant_phone, registered_at, updated_at)
           select gen_random_uuid(), 'Quán số ' || lpad(i::text, 3, '0'),
             'quan so ' || lpad(i::text, 3, '0') || ' so ' || i || ' pho hue',
             'quan so ' || lpad(i::text, 3, '0'), 'RESTAURANT', 'Số ' || i || ' phố Huế',
             (array['00001', '00004', '00037', '00178'])[1 + i % 4],
             (array['001', '001', '002', '006'])[1 + i % 4], '01',
             'Nguyễn Văn An', '+84912345678', timestamptz '2021-07-01 08:00+07' + i * interval '1 hour', now()
           from generate_series(1, ${BULK - 5}) as i
           returning id, registered_at
         )
         insert into venue_code (id, venue_id, version, key_id, issued_at)
         select gen_random_uuid(), id, 1, 'test', registered_at from made`,
      );
  });

  it('has every venue, the bulk ones placed in their wards', async () => {
    expect((await list()).totalCount).to.equal(BULK);
    // bulk venue i is in ward 00037 (Quận Hoàn Kiếm, 002) when i % 4 === 2 and in 00178
    // (Quận Đống Đa, 006) when i % 4 === 3; the five registered ones are in 00040 (002)
    const bulk = Array.from({ length: BULK - 5 }, (_, i) => i + 1);
    expect((await list({ filter: { unitCode: '006' } })).totalCount).to.equal(
      bulk.filter((i) => i % 4 === 3).length,
    );
    expect((await list({ filter: { unitCode: '002' } })).totalCount).to.equal(
      bulk.filter((i) => i % 4 === 2).length + 5,
    );
  });

  it('answers 50 venues a page by default', async () => {
    const page = await list();
    expect(page.nodes).to.have.length(50);
    expect(page.pageInfo.hasNextPage).to.equal(true);
    expect(page.totalCount).to.equal(BULK);
  });

  it('answers up to 500 venues for first: 500', async () => {
    const page = await list({ first: 500 });
    expect(page.nodes).to.have.length(BULK);
    expect(page.pageInfo.hasNextPage).to.equal(false);
    expect(new Set(page.nodes.map((n) => n.id)).size).to.equal(BULK);
    for (const id of registered) expect(page.nodes.map((n) => n.id)).to.include(id);
  });

  it('reads a page with its wards, districts, cities and codes in as many statements for 100 venues as for 5', async () => {
    const query = `query P($first: Int) { venues(first: $first) { totalCount nodes {
      id name ward { name district { name city { name } } } currentCode { version } } } }`;
    const original = Client.prototype.query;
    let statements = 0;
    const countStatements = async (first: number) => {
      const before = statements;
      const data = await graphqlData<any>(query, { first });
      expect(data.venues.nodes).to.have.length(first);
      for (const node of data.venues.nodes) {
        expect(node.ward.district.city.name).to.equal('Thành phố Hà Nội');
        expect(node.currentCode).to.deep.equal({ version: 1 });
      }
      return statements - before;
    };
    (Client.prototype as any).query = function (this: any, ...args: unknown[]) {
      // not the rate limits' (each request's checks, on connections of their own)
      if (this.connectionParameters.application_name !== RATE_LIMITS_APPLICATION_NAME)
        statements += 1;
      return (original as any).apply(this, args);
    };
    try {
      // warm the pool first, so that opening a connection is counted in neither
      await countStatements(5);
      await countStatements(100);
      const small = await countStatements(5);
      const large = await countStatements(100);
      expect(small).to.be.greaterThan(0);
      expect(large).to.equal(small);
    } finally {
      Client.prototype.query = original;
    }
  });
});

describe('Query.venue', () => {
  let id: string;

  before(async () => {
    await resetData();
    id = await registerVenue({ name: 'Quán Phở Hàng Bạc', wardCode: '00037' });
  });

  it('returns the venue by id, in any letter case', async () => {
    const data = await graphqlData<any>(
      `query V($id: ID!) { venue(id: $id) { id name ward { code } district { code } } }`,
      { id },
    );
    expect(data.venue).to.deep.equal({
      id,
      name: 'Quán Phở Hàng Bạc',
      ward: { code: '00037' },
      district: { code: '002' },
    });
    const upper = await graphqlData<any>(`query V($id: ID!) { venue(id: $id) { id } }`, {
      id: id.toUpperCase(),
    });
    expect(upper.venue).to.deep.equal({ id });
  });

  it('returns null for an unknown UUID, without an error', async () => {
    const result = await graphql(
      `
        query V($id: ID!) {
          venue(id: $id) {
            id
          }
        }
      `,
      {
        id: randomUUID(),
      },
    );
    expect(result.errors).to.equal(undefined);
    expect(result.data).to.deep.equal({ venue: null });
  });

  it('answers BAD_USER_INPUT naming id for an id that is not a UUID', async () => {
    for (const bad of ['42', 'abc', `${id}x`]) {
      const result = await graphql(
        `
          query V($id: ID!) {
            venue(id: $id) {
              id
            }
          }
        `,
        { id: bad },
      );
      expectBadInput(result, 'id', 'UUID');
    }
  });
});

describe('Query.venues ids (getMany)', () => {
  const id: Record<string, string> = {};
  const PAGE = `query Ids($filter: VenueFilter) {
    venues(filter: $filter, first: 500) { totalCount nodes { id name ward { code } } }
  }`;

  async function named(filter: Record<string, unknown>, as: CallerName = 'admin') {
    const page = (await graphqlData<any>(PAGE, { filter }, as)).venues;
    expect(page.totalCount, JSON.stringify(filter)).to.equal(page.nodes.length);
    return page.nodes.map((n: { name: string }) => n.name).sort();
  }

  before(async () => {
    await resetData();
    for (const [name, wardCode] of [
      ['Phúc Xá 1', '00001'],
      ['Phúc Xá 2', '00001'],
      ['Trúc Bạch', '00004'],
      ['Phúc Tân', '00037'],
    ]) {
      id[name] = await registerVenue({ name, wardCode, category: 'CAFE' });
    }
  });

  it('lists the venues of the ids asked for, in any letter case, and none for no ids', async () => {
    expect(await named({ ids: [id['Phúc Xá 2'], id['Phúc Tân'].toUpperCase()] })).to.deep.equal([
      'Phúc Tân',
      'Phúc Xá 2',
    ]);
    expect(await named({ ids: [] })).to.deep.equal([]);
    expect(await named({ ids: [randomUUID()] })).to.deep.equal([]);
  });

  it('combines ids with the other conditions, all of which must hold', async () => {
    const ids = [id['Phúc Xá 1'], id['Trúc Bạch'], id['Phúc Tân']];
    expect(await named({ ids, unitCode: '001' })).to.deep.equal(['Phúc Xá 1', 'Trúc Bạch']);
    expect(await named({ ids, unitCode: '00037', category: 'CAFE' })).to.deep.equal(['Phúc Tân']);
    expect(await named({ ids, category: 'HOTEL' })).to.deep.equal([]);
  });

  it('gives an officer only the venues of their area among the ids, and counts only those', async () => {
    const all = Object.values(id);
    expect(await named({ ids: all }, 'baDinh')).to.deep.equal([
      'Phúc Xá 1',
      'Phúc Xá 2',
      'Trúc Bạch',
    ]);
    expect(await named({ ids: all }, 'phucXa')).to.deep.equal(['Phúc Xá 1', 'Phúc Xá 2']);
    expect(await named({ ids: [id['Phúc Tân']] }, 'baDinh')).to.deep.equal([]);
    expect(await named({ ids: all }, 'hoanKiem')).to.deep.equal(['Phúc Tân']);
  });

  it('refuses an id that is not a UUID, and more ids than a page holds, naming ids', async () => {
    expectBadInput(
      await graphql(PAGE, { filter: { ids: [id['Phúc Tân'], 'nope'] } }),
      'ids',
      '"nope"',
    );
    const many = Array.from({ length: 501 }, () => id['Phúc Tân']);
    expectBadInput(await graphql(PAGE, { filter: { ids: many } }), 'ids', '500');
  });
});
