import { expect } from 'chai';
import { addDays } from '@quetma/shared';
import {
  graphql,
  graphqlData,
  resetData,
  testEnv,
  type CallerName,
  type GraphQLResponse,
} from '../../../test/harness';
import { addScans, registerVenue } from '../../../test/factories';
import { countStatements } from '../../../test/statements';

/**
 * `Venue.activity(from, to)`: a venue's accepted scans per local day (Asia/Ho_Chi_Minh), every
 * day of the range present, compared with the scans stored in the scan table.
 */

interface Day {
  date: string;
  scans: number;
}

const ACTIVITY = `query A($id: ID!, $from: Date!, $to: Date!) {
  venue(id: $id) { id activity(from: $from, to: $to) { date scans } }
}`;

async function activity(id: string, from: string, to: string, as: CallerName = 'admin') {
  const data = await graphqlData<{ venue: { activity: Day[] } }>(ACTIVITY, { id, from, to }, as);
  return data.venue.activity;
}

/** What the scan table holds for the venue, per local day from `from` to `to`. */
async function storedScans(venueId: string, from: string, to: string): Promise<Day[]> {
  const rows: { day: string; n: number }[] = await testEnv()
    .orm.em.getConnection()
    .execute(
      `select to_char(scanned_at at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD') as day, count(*)::int as n
       from scan where venue_id = ? group by 1`,
      [venueId],
    );
  const byDay = new Map(rows.map((r) => [r.day, r.n]));
  const days: Day[] = [];
  for (let day = from; day <= to; day = addDays(day, 1))
    days.push({ date: day, scans: byDay.get(day) ?? 0 });
  return days;
}

function expectRefused(result: GraphQLResponse, code: string, field?: string, ...parts: string[]) {
  const answer = JSON.stringify(result);
  expect(result.errors, answer).to.be.an('array').with.length.greaterThan(0);
  const error = result.errors![0];
  expect(error.extensions?.code, answer).to.equal(code);
  if (field) expect(error.extensions?.field, answer).to.equal(field);
  for (const part of parts) expect(error.message, answer).to.include(part);
  expect(result.data?.venue ?? null, answer).to.equal(null);
}

describe('Venue.activity: scans per local day', () => {
  const venue = {} as Record<'phucXa' | 'trucBach' | 'phucTan', string>;

  before(async () => {
    await resetData();
    testEnv().clock.set('2021-08-31T12:00:00+07:00');
    const registeredAt = '2021-08-01T08:00:00+07:00';
    venue.phucXa = await registerVenue({ wardCode: '00001', registeredAt });
    venue.trucBach = await registerVenue({ wardCode: '00004', registeredAt });
    venue.phucTan = await registerVenue({ wardCode: '00037', registeredAt });
    await addScans([
      { venueId: venue.phucXa, at: '2021-08-09T08:00:00+07:00' },
      { venueId: venue.phucXa, at: '2021-08-09T12:00:00+07:00', direction: 'OUT' },
      // the last instant of the 9th, and the first of the 10th (still the 9th in UTC)
      { venueId: venue.phucXa, at: '2021-08-09T23:59:59+07:00' },
      { venueId: venue.phucXa, at: '2021-08-10T00:00:00+07:00' },
      { venueId: venue.phucXa, at: '2021-08-12T10:00:00+07:00' },
      // outside the range asked for below
      { venueId: venue.phucXa, at: '2021-08-07T23:59:59+07:00' },
      { venueId: venue.phucXa, at: '2021-08-14T00:00:00+07:00' },
      { venueId: venue.trucBach, at: '2021-08-10T09:00:00+07:00' },
      { venueId: venue.trucBach, at: '2021-08-10T10:00:00+07:00' },
      { venueId: venue.trucBach, at: '2021-08-13T23:00:00+07:00' },
    ]);
  });

  after(() => testEnv().clock.reset());

  it('gives one entry per local day of the range, each the scans stored that day, days without as 0', async () => {
    const days = await activity(venue.phucXa, '2021-08-08', '2021-08-13');
    expect(days).to.deep.equal([
      { date: '2021-08-08', scans: 0 },
      { date: '2021-08-09', scans: 3 },
      { date: '2021-08-10', scans: 1 },
      { date: '2021-08-11', scans: 0 },
      { date: '2021-08-12', scans: 1 },
      { date: '2021-08-13', scans: 0 },
    ]);
    for (const id of Object.values(venue)) {
      expect(await activity(id, '2021-08-01', '2021-08-31')).to.deep.equal(
        await storedScans(id, '2021-08-01', '2021-08-31'),
      );
    }
  });

  it('gives a venue that never scanned a zero for every day', async () => {
    const days = await activity(venue.phucTan, '2021-08-09', '2021-08-11');
    expect(days).to.deep.equal([
      { date: '2021-08-09', scans: 0 },
      { date: '2021-08-10', scans: 0 },
      { date: '2021-08-11', scans: 0 },
    ]);
  });

  it('answers a single day, and the most days a range holds (366, up to today)', async () => {
    expect(await activity(venue.phucXa, '2021-08-09', '2021-08-09')).to.deep.equal([
      { date: '2021-08-09', scans: 3 },
    ]);
    const year = await activity(venue.trucBach, '2020-08-31', '2021-08-31');
    expect(year).to.have.length(366);
    expect(year[0].date).to.equal('2020-08-31');
    expect(year[365].date).to.equal('2021-08-31');
    expect(year).to.deep.equal(await storedScans(venue.trucBach, '2020-08-31', '2021-08-31'));
  });

  it('answers the venues of a page, each its own range, in as many statements for 3 venues as for 1', async () => {
    const query = `query P($ids: [ID!], $from: Date!, $to: Date!) {
      venues(filter: { ids: $ids }) { nodes { id
        week: activity(from: $from, to: $to) { date scans }
        tenth: activity(from: "2021-08-10", to: "2021-08-10") { scans } } } }`;
    const ask = (ids: string[]) =>
      graphqlData<any>(query, { ids, from: '2021-08-08', to: '2021-08-14' });
    await ask([venue.phucXa]);
    let all: any;
    const forOne = await countStatements(() => ask([venue.phucXa]));
    const forThree = await countStatements(async () => {
      all = await ask(Object.values(venue));
    });
    expect(forOne).to.be.greaterThan(0);
    expect(forThree).to.equal(forOne);
    for (const node of all.venues.nodes) {
      expect(node.week).to.deep.equal(await storedScans(node.id, '2021-08-08', '2021-08-14'));
    }
    const tenth = Object.fromEntries(all.venues.nodes.map((n: any) => [n.id, n.tenth[0].scans]));
    expect(tenth).to.deep.equal({
      [venue.phucXa]: 1,
      [venue.trucBach]: 2,
      [venue.phucTan]: 0,
    });
  });

  describe('refusals', () => {
    const ask = (from: string, to: string, as: CallerName = 'admin') =>
      graphql(ACTIVITY, { id: venue.phucXa, from, to }, as);

    it('refuses a range that ends before it starts, naming to', async () => {
      expectRefused(await ask('2021-08-10', '2021-08-09'), 'BAD_USER_INPUT', 'to', 'before');
    });

    it('refuses more than 366 days, naming to and the count', async () => {
      expectRefused(await ask('2020-08-30', '2021-08-31'), 'BAD_USER_INPUT', 'to', '367', '366');
    });

    it('refuses a range ending after today, naming to and today', async () => {
      expectRefused(await ask('2021-08-30', '2021-09-01'), 'BAD_USER_INPUT', 'to', '2021-08-31');
    });

    it('refuses a day that is not a calendar day', async () => {
      expectRefused(
        await ask('2021-02-30', '2021-03-01'),
        'BAD_USER_INPUT',
        undefined,
        '2021-02-30',
      );
    });

    it('prices each day asked for: a year for each of 500 venues is refused, a month for 50 is not', async () => {
      const page = (first: number, from: string) =>
        graphql(
          `{ venues(first: ${first}) { nodes { activity(from: "${from}", to: "2021-08-31") { date scans } } } }`,
        );
      const year = await page(500, '2020-08-31');
      expect(year.errors?.[0]?.extensions, JSON.stringify(year)).to.include({
        code: 'BAD_USER_INPUT',
        limit: 25_000,
      });
      expect(year.errors![0].extensions!.actual).to.be.greaterThan(500 * 366);
      const month = await page(50, '2021-08-01');
      expect(month.errors, JSON.stringify(month)).to.equal(undefined);
      expect(month.data!.venues.nodes[0].activity).to.have.length(31);
    });

    it('is figures: a tracer, who reads venues, may not read it', async () => {
      const plain = 'query V($id: ID!) { venue(id: $id) { id totalScans } }';
      const read = await graphqlData<any>(plain, { id: venue.phucXa }, 'tracer');
      expect(read.venue).to.deep.equal({ id: venue.phucXa, totalScans: 7 });
      expectRefused(await ask('2021-08-09', '2021-08-10', 'tracer'), 'FORBIDDEN');
    });

    it("gives officers their own venues' activity and refuses another area's venue", async () => {
      expect(await activity(venue.phucXa, '2021-08-09', '2021-08-10', 'phucXa')).to.deep.equal([
        { date: '2021-08-09', scans: 3 },
        { date: '2021-08-10', scans: 1 },
      ]);
      expect(await activity(venue.trucBach, '2021-08-10', '2021-08-10', 'baDinh')).to.deep.equal([
        { date: '2021-08-10', scans: 2 },
      ]);
      const other = await graphql(
        ACTIVITY,
        { id: venue.trucBach, from: '2021-08-10', to: '2021-08-10' },
        'phucXa',
      );
      expectRefused(other, 'FORBIDDEN', undefined, '00004');
    });
  });
});
