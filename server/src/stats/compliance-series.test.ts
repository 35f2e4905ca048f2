import { expect } from 'chai';
import { addDays } from '@quetma/shared';
import {
  graphql,
  graphqlData,
  resetData,
  testEnv,
  type CallerName,
  type GraphQLResponse,
} from '../../test/harness';
import { addScans, closeVenue, registerVenue } from '../../test/factories';
import { countStatements } from '../../test/statements';
import { dropExpiredScanPartitions } from '../scans/retention/retention';

/**
 * A unit's figures as a series of days (`complianceSeries`, `statsSeries` on City, District
 * and Ward): each day of a series must be what `complianceStats(unitCode, date)` answers for
 * that day, over a history whose figures move from day to day.
 */

const FIGURES =
  'date unitCode registeredVenues activeVenues neverScannedVenues dormantVenues scans people activeRate';
const FROM = '2021-07-28';
const TO = '2021-08-31';
const UNITS = ['00001', '00004', '00037', '001', '002', '01'];

interface Figures {
  date: string;
  unitCode: string;
  registeredVenues: number;
  activeVenues: number;
  neverScannedVenues: number;
  dormantVenues: number;
  scans: number;
  people: number;
  activeRate: number;
}

const SERIES = `query S($u: ID!, $from: Date!, $to: Date!) {
  complianceSeries(unitCode: $u, from: $from, to: $to) { ${FIGURES} }
}`;

async function series(unitCode: string, from = FROM, to = TO, as: CallerName = 'admin') {
  const data = await graphqlData<{ complianceSeries: Figures[] }>(
    SERIES,
    { u: unitCode, from, to },
    as,
  );
  return data.complianceSeries;
}

/** One day's figures, asked for on its own, in a request of its own. */
async function oneDay(unitCode: string, date: string): Promise<Figures> {
  const data = await graphqlData<{ complianceStats: Figures }>(
    `query D($u: ID!, $d: Date!) { complianceStats(unitCode: $u, date: $d) { ${FIGURES} } }`,
    { u: unitCode, d: date },
  );
  return data.complianceStats;
}

function daysFrom(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
}

function expectRefused(result: GraphQLResponse, code: string, field?: string, ...parts: string[]) {
  const answer = JSON.stringify(result);
  expect(result.errors, answer).to.be.an('array').with.length.greaterThan(0);
  const error = result.errors![0];
  expect(error.extensions?.code, answer).to.equal(code);
  if (field) expect(error.extensions?.field, answer).to.equal(field);
  for (const part of parts) expect(error.message, answer).to.include(part);
  expect(error.extensions?.stacktrace, answer).to.equal(undefined);
}

describe('figures as a series of days', () => {
  before(async function () {
    this.timeout(60_000);
    await resetData();
    const now = new Date('2021-08-31T12:00:00+07:00');
    testEnv().clock.set(now);
    const a = await registerVenue({ wardCode: '00001', registeredAt: '2021-07-20T08:00:00+07:00' });
    const b = await registerVenue({ wardCode: '00001', registeredAt: '2021-07-25T08:00:00+07:00' });
    const c = await registerVenue({ wardCode: '00004', registeredAt: '2021-08-01T08:00:00+07:00' });
    await registerVenue({ wardCode: '00037', registeredAt: '2021-08-10T15:00:00+07:00' });
    await addScans([
      { venueId: a, at: '2021-08-02T08:00:00+07:00', person: '0912000001' },
      { venueId: a, at: '2021-08-03T08:00:00+07:00', person: '0912000001' },
      { venueId: a, at: '2021-08-03T09:00:00+07:00', person: '0912000002' },
      { venueId: a, at: '2021-08-10T09:00:00+07:00', person: '0912000003' },
      { venueId: a, at: '2021-08-20T09:00:00+07:00', person: '0912000001' },
      { venueId: a, at: '2021-08-20T18:00:00+07:00', person: '0912000001' },
      { venueId: b, at: '2021-08-02T10:00:00+07:00', person: '0912000002' },
      { venueId: c, at: '2021-08-04T23:59:59+07:00', person: '0912000001' },
      { venueId: c, at: '2021-08-05T00:00:00+07:00', person: '0912000004' },
      { venueId: c, at: '2021-08-25T10:00:00+07:00', person: '0912000005' },
    ]);
    // a closing mid-way through the series
    await closeVenue(b, '2021-08-15T10:00:00+07:00');
    // registered after the others' scans were stored, dated back into the series
    const late = await registerVenue({
      wardCode: '00004',
      registeredAt: '2021-08-12T09:00:00+07:00',
    });
    await addScans([
      { venueId: late, at: '2021-08-12T10:00:00+07:00', person: '0912000001' },
      { venueId: late, at: '2021-08-13T10:00:00+07:00', person: '0912000006' },
    ]);
    // scan retention: the person-level data of the days before 2021-08-05 is gone, their people
    // figures are the counts it kept
    const retired = await dropExpiredScanPartitions(testEnv().orm, 26, now);
    expect(retired.retiredPeopleDays).to.include.members([
      '2021-08-02',
      '2021-08-03',
      '2021-08-04',
    ]);
  });

  after(() => testEnv().clock.reset());

  it('answers one entry per local day from `from` to `to`, each equal to complianceStats of that day', async function () {
    this.timeout(60_000);
    const days = daysFrom(FROM, TO);
    for (const unit of UNITS) {
      const got = await series(unit);
      expect(got.map((f) => f.date)).to.deep.equal(days);
      for (const [i, day] of days.entries()) {
        expect({ unit, ...got[i] }).to.deep.equal({ unit, ...(await oneDay(unit, day)) });
      }
    }
  });

  it('moves from day to day as the history says (a hand count of some days)', async () => {
    const phucXa = new Map((await series('00001')).map((f) => [f.date, f]));
    // b still counts on the day it closed, not the day after
    expect(phucXa.get('2021-08-15')!.registeredVenues).to.equal(2);
    expect(phucXa.get('2021-08-16')!.registeredVenues).to.equal(1);
    // a last scanned on the 10th: dormant once the 7 days up to D hold no scan of it
    expect(phucXa.get('2021-08-16')!.dormantVenues).to.equal(0);
    expect(phucXa.get('2021-08-17')!.dormantVenues).to.equal(1);
    expect(phucXa.get('2021-08-20')).to.include({ activeVenues: 1, scans: 2, people: 1 });
    const trucBach = new Map((await series('00004')).map((f) => [f.date, f]));
    // the backdated venue counts from its registration day on
    expect(trucBach.get('2021-08-11')!.registeredVenues).to.equal(1);
    expect(trucBach.get('2021-08-12')).to.include({ registeredVenues: 2, activeVenues: 1 });
    const city = new Map((await series('01')).map((f) => [f.date, f]));
    // a retired day's people, counted once across the two wards
    expect(city.get('2021-08-03')).to.include({ scans: 2, people: 2 });
    expect(city.get('2021-08-01')).to.include({ registeredVenues: 3, neverScannedVenues: 3 });
    // c's first scan, at 23:59:59, counts for the 4th
    expect(city.get('2021-08-04')).to.include({ scans: 1, people: 1, neverScannedVenues: 0 });
    expect(city.get('2021-07-28')).to.include({ registeredVenues: 2, neverScannedVenues: 2 });
  });

  it('answers the same through statsSeries on City, District and Ward', async () => {
    const data = await graphqlData<any>(
      `query U($from: Date!, $to: Date!) {
         city { statsSeries(from: $from, to: $to) { ${FIGURES} } }
         district(code: "001") { statsSeries(from: $from, to: $to) { ${FIGURES} } }
         ward(code: "00004") { statsSeries(from: $from, to: $to) { ${FIGURES} } }
         administrativeUnit(code: "002") { ... on District { statsSeries(from: $from, to: $to) { ${FIGURES} } } }
       }`,
      { from: FROM, to: TO },
    );
    expect(data.city.statsSeries).to.deep.equal(await series('01'));
    expect(data.district.statsSeries).to.deep.equal(await series('001'));
    expect(data.ward.statsSeries).to.deep.equal(await series('00004'));
    expect(data.administrativeUnit.statsSeries).to.deep.equal(await series('002'));
  });

  it('answers a single day, and up to 366 days ending today', async () => {
    expect(await series('001', '2021-08-15', '2021-08-15')).to.deep.equal([
      await oneDay('001', '2021-08-15'),
    ]);
    const year = await series('00001', '2020-08-31', '2021-08-31');
    expect(year).to.have.length(366);
    expect(year[0]).to.deep.equal({ ...(await oneDay('00001', '2020-08-31')) });
    expect(year[365]).to.deep.equal(await oneDay('00001', '2021-08-31'));
  });

  it('reads a month for a ward and a district in as many statements as a day for each', async () => {
    const query = (from: string) => `{
      ward(code: "00001") { statsSeries(from: "${from}", to: "2021-08-31") { scans } }
      district(code: "001") { statsSeries(from: "${from}", to: "2021-08-31") { scans } }
    }`;
    await graphqlData(query('2021-08-31'));
    const forDay = await countStatements(() => graphqlData(query('2021-08-31')));
    let month: any;
    const forMonth = await countStatements(async () => {
      month = await graphqlData(query('2021-08-01'));
    });
    expect(month.ward.statsSeries).to.have.length(31);
    expect(forDay).to.be.greaterThan(0);
    expect(forMonth).to.equal(forDay);
  });

  describe('refusals', () => {
    const ask = (unitCode: string, from: string, to: string, as: CallerName = 'admin') =>
      graphql(SERIES, { u: unitCode, from, to }, as);

    it('refuses a range that ends before it starts, naming to', async () => {
      expectRefused(await ask('01', '2021-08-10', '2021-08-09'), 'BAD_USER_INPUT', 'to', 'before');
      const onWard = await graphql(
        '{ ward(code: "00001") { statsSeries(from: "2021-08-10", to: "2021-08-09") { scans } } }',
      );
      expectRefused(onWard, 'BAD_USER_INPUT', 'to', 'before');
    });

    it('refuses more than 366 days, naming to and the count', async () => {
      expectRefused(
        await ask('01', '2020-08-30', '2021-08-31'),
        'BAD_USER_INPUT',
        'to',
        '367',
        '366',
      );
    });

    it('refuses a range ending after the local today, naming to and today', async () => {
      expectRefused(
        await ask('001', '2021-08-30', '2021-09-01'),
        'BAD_USER_INPUT',
        'to',
        '2021-08-31',
      );
    });

    it('answers NOT_FOUND for an unknown unit and BAD_USER_INPUT for a malformed code, naming unitCode', async () => {
      expectRefused(await ask('99999', '2021-08-01', '2021-08-02'), 'NOT_FOUND', 'unitCode');
      expectRefused(await ask('abc', '2021-08-01', '2021-08-02'), 'BAD_USER_INPUT', 'unitCode');
    });

    it("gives officers their own area's series and refuses another's, naming both units", async () => {
      expect(await series('00004', FROM, TO, 'baDinh')).to.deep.equal(await series('00004'));
      expect(await series('00001', FROM, TO, 'phucXa')).to.deep.equal(await series('00001'));
      expectRefused(await ask('002', FROM, TO, 'baDinh'), 'FORBIDDEN', undefined, '002', '001');
      expectRefused(await ask('00004', FROM, TO, 'phucXa'), 'FORBIDDEN', undefined, '00004');
      const upward = await graphql(
        `{ ward(code: "00001") { district { statsSeries(from: "${FROM}", to: "${TO}") { scans } } } }`,
        {},
        'phucXa',
      );
      expectRefused(upward, 'FORBIDDEN', undefined, '001');
      expectRefused(await ask('01', FROM, TO, 'tracer'), 'FORBIDDEN');
    });

    it('prices each day: the 30 districts over a year are refused, over a month allowed', async () => {
      const districts = (from: string) =>
        graphql(
          `{ city { districts { statsSeries(from: "${from}", to: "2021-08-31") { scans } } } }`,
        );
      const year = await districts('2020-09-01');
      expect(year.errors?.[0]?.extensions, JSON.stringify(year)).to.include({
        code: 'BAD_USER_INPUT',
        limit: 25_000,
      });
      const month = await districts('2021-08-01');
      expect(month.errors, JSON.stringify(month)).to.equal(undefined);
      expect(month.data!.city.districts).to.have.length(30);
    });
  });
});
