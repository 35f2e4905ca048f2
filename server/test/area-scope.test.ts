import { expect } from 'chai';
import { registerVenue } from './factories';
import { graphql, graphqlData, resetData, type CallerName } from './harness';

/**
 * What officers must see in the venue list and what they must not: a district officer pages
 * through their district's venues only, whatever the filter says; a ward officer through their
 * ward's; a venue elsewhere is refused by id; an integrator sees the whole city, without the
 * registrants' phones.
 */

const PAGE = `query Page($first: Int, $after: String, $filter: VenueFilter) {
  venues(first: $first, after: $after, filter: $filter) {
    totalCount
    edges { cursor node { id name ward { code } district { code } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface Listed {
  id: string;
  name: string;
  ward: string;
  district: string;
}

/** Walks every page (`first`, then `after` the last cursor); checks totalCount on each page. */
async function walk(
  as: CallerName,
  filter: Record<string, unknown> | undefined,
  first: number,
): Promise<{ venues: Listed[]; pages: number; totalCounts: number[] }> {
  const venues: Listed[] = [];
  const totalCounts: number[] = [];
  let after: string | undefined;
  let pages = 0;
  for (;;) {
    const data = await graphqlData<any>(PAGE, { first, after, filter }, as);
    pages += 1;
    totalCounts.push(data.venues.totalCount);
    expect(data.venues.edges.length).to.be.at.most(first);
    for (const { node } of data.venues.edges) {
      venues.push({
        id: node.id,
        name: node.name,
        ward: node.ward.code,
        district: node.district.code,
      });
    }
    if (!data.venues.pageInfo.hasNextPage) break;
    after = data.venues.pageInfo.endCursor;
    expect(pages, 'more pages than venues: the walk does not advance').to.be.below(20);
  }
  return { venues, pages, totalCounts };
}

describe('area scope: officers see their own district or ward only', () => {
  /** Venue ids by ward; the names interleave the two districts in name order. */
  const made: Record<string, string[]> = { '00001': [], '00004': [], '00037': [], '00040': [] };
  const baDinh = () => [...made['00001'], ...made['00004']].sort();
  const hoanKiem = () => [...made['00037'], ...made['00040']].sort();

  before(async () => {
    await resetData();
    // A…I in name order, alternating between Ba Đình and Hoàn Kiếm, so each page of an
    // unscoped list would mix the two districts
    const plan: [string, string][] = [
      ['A', '00001'],
      ['B', '00037'],
      ['C', '00004'],
      ['D', '00040'],
      ['E', '00001'],
      ['F', '00037'],
      ['G', '00001'],
      ['H', '00040'],
      ['I', '00004'],
    ];
    for (const [letter, wardCode] of plan) {
      made[wardCode].push(
        await registerVenue({
          name: `${letter} Quán phạm vi`,
          wardCode,
          address: `Số ${letter} phố Lý`,
        }),
      );
    }
  });

  it('has the venues it needs: 5 in Ba Đình (00001, 00004) and 4 in Hoàn Kiếm (00037, 00040)', async () => {
    const all = await walk('admin', undefined, 50);
    expect(
      all.venues
        .filter((v) => v.district === '001')
        .map((v) => v.id)
        .sort(),
    ).to.deep.equal(baDinh());
    expect(
      all.venues
        .filter((v) => v.district === '002')
        .map((v) => v.id)
        .sort(),
    ).to.deep.equal(hoanKiem());
    expect(all.venues).to.have.length(9);
  });

  it('a Ba Đình officer paging 2 at a time sees every Ba Đình venue once and nothing else', async () => {
    const { venues, pages, totalCounts } = await walk('baDinh', undefined, 2);
    expect(venues.map((v) => v.district)).to.deep.equal(['001', '001', '001', '001', '001']);
    expect(venues.map((v) => v.id).sort()).to.deep.equal(baDinh());
    expect(pages).to.equal(3);
    expect(totalCounts).to.deep.equal([5, 5, 5]);
    // in name order, as the list promises
    expect(venues.map((v) => v.name[0])).to.deep.equal(['A', 'C', 'E', 'G', 'I']);
  });

  it('a Hoàn Kiếm officer paging 2 at a time sees the Hoàn Kiếm venues only', async () => {
    const { venues, totalCounts } = await walk('hoanKiem', undefined, 2);
    expect(venues.map((v) => v.id).sort()).to.deep.equal(hoanKiem());
    expect(new Set(venues.map((v) => v.district))).to.deep.equal(new Set(['002']));
    expect(new Set(totalCounts)).to.deep.equal(new Set([4]));
  });

  it("a Ba Đình officer filtering on the city (01) still gets Ba Đình's venues only", async () => {
    const { venues, totalCounts } = await walk('baDinh', { unitCode: '01' }, 2);
    expect(venues.map((v) => v.id).sort()).to.deep.equal(baDinh());
    expect(new Set(totalCounts)).to.deep.equal(new Set([5]));
  });

  it('a Ba Đình officer searching for words every venue has finds the 5 of Ba Đình only', async () => {
    const data = await graphqlData<any>(
      'query($f: VenueFilter) { venues(filter: $f) { totalCount nodes { id district { code } } } }',
      { f: { search: 'quan pham vi' } },
      'baDinh',
    );
    expect(data.venues.totalCount).to.equal(5);
    expect(data.venues.nodes.map((n: any) => n.id).sort()).to.deep.equal(baDinh());
  });

  it('a Ba Đình officer filtering on Hoàn Kiếm (002) is refused with FORBIDDEN', async () => {
    const result = await graphql(PAGE, { first: 2, filter: { unitCode: '002' } }, 'baDinh');
    expect(
      result.errors?.map((e) => e.extensions?.code),
      JSON.stringify(result),
    ).to.deep.equal(['FORBIDDEN']);
    expect(result.data?.venues ?? null).to.equal(null);
  });

  it("a ward officer of Phúc Xá filtering on Ba Đình (001) gets Phúc Xá's venues only", async () => {
    const { venues, totalCounts } = await walk('phucXa', { unitCode: '001' }, 2);
    expect(venues.map((v) => v.id).sort()).to.deep.equal([...made['00001']].sort());
    expect(new Set(venues.map((v) => v.ward))).to.deep.equal(new Set(['00001']));
    expect(new Set(totalCounts)).to.deep.equal(new Set([3]));
  });

  it('a ward officer of Phúc Xá filtering on Trúc Bạch (00004), a ward beside theirs, is refused', async () => {
    const result = await graphql(PAGE, { filter: { unitCode: '00004' } }, 'phucXa');
    expect(
      result.errors?.map((e) => e.extensions?.code),
      JSON.stringify(result),
    ).to.deep.equal(['FORBIDDEN']);
    expect(result.data?.venues ?? null).to.equal(null);
  });

  it('a Ba Đình officer asking for a Hoàn Kiếm venue by id is refused with FORBIDDEN', async () => {
    const query = 'query($id: ID!) { venue(id: $id) { id name } }';
    const own = await graphqlData<any>(query, { id: made['00004'][0] }, 'baDinh');
    expect(own.venue.id).to.equal(made['00004'][0]);
    for (const id of hoanKiem()) {
      const result = await graphql(query, { id }, 'baDinh');
      expect(
        result.errors?.map((e) => e.extensions?.code),
        JSON.stringify(result),
      ).to.deep.equal(['FORBIDDEN']);
      expect(result.data?.venue ?? null).to.equal(null);
    }
  });

  it('an integrator sees every venue of the city, but asking for registrantPhone is FORBIDDEN', async () => {
    const { venues, totalCounts } = await walk('integrator', undefined, 4);
    expect(venues.map((v) => v.id).sort()).to.deep.equal([...baDinh(), ...hoanKiem()].sort());
    expect(new Set(totalCounts)).to.deep.equal(new Set([9]));

    const result = await graphql(
      '{ venues { totalCount nodes { id registrantPhone } } }',
      {},
      'integrator',
    );
    expect(
      result.errors?.map((e) => e.extensions?.code),
      JSON.stringify(result),
    ).to.deep.equal(['FORBIDDEN']);
    expect(result.data?.venues ?? null).to.equal(null);
    expect(JSON.stringify(result)).to.not.match(/\+84\d{9}/);
  });
});
