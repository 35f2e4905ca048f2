import { expect } from 'chai';
import { graphql, graphqlData, resetData, testEnv } from '../../test/harness';
import { addScans, closeVenue, registerVenue } from '../../test/factories';
import { countStatements } from '../../test/statements';

/**
 * The figures as README 'The figures' defines them, asked for over HTTP as a client would.
 * Every expected number is small enough to count by hand from the fixture.
 * Local days are Asia/Ho_Chi_Minh (UTC+7); instants are written with their +07:00 offset.
 */

const FIGURES =
  'date registeredVenues activeVenues neverScannedVenues dormantVenues scans people activeRate';

interface Figures {
  date: string;
  registeredVenues: number;
  activeVenues: number;
  neverScannedVenues: number;
  dormantVenues: number;
  scans: number;
  people: number;
  activeRate: number;
}

/** The figures of any unit through `Query.complianceStats`. */
async function stats(unitCode: string, date: string): Promise<Figures> {
  const data = await graphqlData<{ complianceStats: Figures }>(
    `query Stats($unitCode: ID!, $date: Date!) {
       complianceStats(unitCode: $unitCode, date: $date) { ${FIGURES} }
     }`,
    { unitCode, date },
  );
  return data.complianceStats;
}

/** A full set of figures, zero unless given. */
function figures(date: string, given: Partial<Figures> = {}): Figures {
  return {
    date,
    registeredVenues: 0,
    activeVenues: 0,
    neverScannedVenues: 0,
    dormantVenues: 0,
    scans: 0,
    people: 0,
    activeRate: 0,
    ...given,
  };
}

function expectReadableError(
  error: { message: string; extensions?: Record<string, any> } | undefined,
  code: string,
  mentions: string[],
): void {
  expect(error, 'an error').to.not.equal(undefined);
  expect(error!.extensions?.code).to.equal(code);
  for (const text of mentions) expect(error!.message).to.contain(text);
  expect(error!.extensions?.stacktrace).to.equal(undefined);
  expect(JSON.stringify(error)).to.not.match(/\n\s+at |\bat .*\.(ts|js):\d+/);
}

describe('compliance figures (GraphQL)', () => {
  beforeEach(async () => {
    await resetData();
    testEnv().clock.set('2021-08-31T12:00:00+07:00');
  });

  describe('registered', () => {
    it('counts a venue from its local registration day, even when registered at 23:59', async () => {
      await registerVenue({ wardCode: '00001', registeredAt: '2021-08-09T23:59:00+07:00' });

      expect((await stats('00001', '2021-08-08')).registeredVenues).to.equal(0);
      expect((await stats('00001', '2021-08-09')).registeredVenues).to.equal(1);
      expect((await stats('00001', '2021-08-10')).registeredVenues).to.equal(1);
    });

    it('does not count on D a venue registered at 00:00 local of D+1 (16:00 UTC on D)', async () => {
      await registerVenue({ wardCode: '00001', registeredAt: '2021-08-09T23:59:00+07:00' });
      await registerVenue({ wardCode: '00001', registeredAt: '2021-08-10T00:00:00+07:00' });

      expect((await stats('00001', '2021-08-09')).registeredVenues).to.equal(1);
      expect((await stats('00001', '2021-08-10')).registeredVenues).to.equal(2);
    });

    it('still counts a venue on the day it closed mid-way, but not on the next day', async () => {
      const id = await registerVenue({
        wardCode: '00001',
        registeredAt: '2021-08-01T08:00:00+07:00',
      });
      await closeVenue(id, '2021-08-09T12:00:00+07:00');

      expect((await stats('00001', '2021-08-08')).registeredVenues).to.equal(1);
      expect((await stats('00001', '2021-08-09')).registeredVenues).to.equal(1);
      expect((await stats('00001', '2021-08-10')).registeredVenues).to.equal(0);
    });

    // "not closed before the start of D": closing at 00:00 of D is not before D's start
    it('counts on D a venue closed at exactly 00:00 local of D, but not one closed a moment earlier', async () => {
      const atStart = await registerVenue({
        wardCode: '00001',
        registeredAt: '2021-08-01T08:00:00+07:00',
      });
      const justBefore = await registerVenue({
        wardCode: '00001',
        registeredAt: '2021-08-01T08:00:00+07:00',
      });
      await closeVenue(atStart, '2021-08-09T00:00:00+07:00');
      await closeVenue(justBefore, '2021-08-08T23:59:59.999+07:00');

      expect((await stats('00001', '2021-08-08')).registeredVenues).to.equal(2);
      expect((await stats('00001', '2021-08-09')).registeredVenues).to.equal(1);
      expect((await stats('00001', '2021-08-10')).registeredVenues).to.equal(0);
    });

    it('counts only the venues of the unit asked for', async () => {
      await registerVenue({ wardCode: '00001', registeredAt: '2021-08-01T08:00:00+07:00' });
      await registerVenue({ wardCode: '00001', registeredAt: '2021-08-02T08:00:00+07:00' });
      await registerVenue({ wardCode: '00004', registeredAt: '2021-08-03T08:00:00+07:00' });
      await registerVenue({ wardCode: '00037', registeredAt: '2021-08-04T08:00:00+07:00' });

      const day = '2021-08-09';
      expect((await stats('00001', day)).registeredVenues).to.equal(2);
      expect((await stats('00004', day)).registeredVenues).to.equal(1);
      expect((await stats('00037', day)).registeredVenues).to.equal(1);
      expect((await stats('001', day)).registeredVenues).to.equal(3);
      expect((await stats('002', day)).registeredVenues).to.equal(1);
      expect((await stats('01', day)).registeredVenues).to.equal(4);
    });
  });

  describe('active', () => {
    it('counts a scan at 23:59:59 local on D for D, not for D+1', async () => {
      const id = await registerVenue({
        wardCode: '00001',
        registeredAt: '2021-08-01T08:00:00+07:00',
      });
      await addScans([{ venueId: id, at: '2021-08-09T23:59:59+07:00' }]);

      expect(await stats('00001', '2021-08-09')).to.deep.equal(
        figures('2021-08-09', {
          registeredVenues: 1,
          activeVenues: 1,
          scans: 1,
          people: 1,
          activeRate: 1,
        }),
      );
      expect(await stats('00001', '2021-08-10')).to.deep.equal(
        figures('2021-08-10', { registeredVenues: 1 }),
      );
    });

    it('counts a scan at 00:00 local of D+1 (still D in UTC) for D+1 only', async () => {
      const id = await registerVenue({
        wardCode: '00001',
        registeredAt: '2021-08-01T08:00:00+07:00',
      });
      // 2021-08-10T00:00+07:00 is 2021-08-09T17:00Z: the UTC date is the 9th, the local day the 10th.
      await addScans([{ venueId: id, at: '2021-08-10T00:00:00+07:00' }]);

      expect(await stats('00001', '2021-08-09')).to.deep.equal(
        figures('2021-08-09', { registeredVenues: 1, neverScannedVenues: 1 }),
      );
      expect(await stats('00001', '2021-08-10')).to.deep.equal(
        figures('2021-08-10', {
          registeredVenues: 1,
          activeVenues: 1,
          scans: 1,
          people: 1,
          activeRate: 1,
        }),
      );
    });

    it('counts a scan at 06:59:59 local (23:59:59 UTC of the day before) for the local day', async () => {
      const id = await registerVenue({
        wardCode: '00001',
        registeredAt: '2021-08-01T08:00:00+07:00',
      });
      await addScans([{ venueId: id, at: '2021-08-09T23:59:59Z' }]);

      expect((await stats('00001', '2021-08-09')).activeVenues).to.equal(0);
      expect((await stats('00001', '2021-08-10')).activeVenues).to.equal(1);
    });

    it('counts a venue with several scans on D once', async () => {
      const a = await registerVenue({
        wardCode: '00001',
        registeredAt: '2021-08-01T08:00:00+07:00',
      });
      const b = await registerVenue({
        wardCode: '00001',
        registeredAt: '2021-08-01T09:00:00+07:00',
      });
      await registerVenue({ wardCode: '00001', registeredAt: '2021-08-01T10:00:00+07:00' });
      await addScans([
        { venueId: a, at: '2021-08-09T08:00:00+07:00' },
        { venueId: a, at: '2021-08-09T12:00:00+07:00' },
        { venueId: a, at: '2021-08-09T18:00:00+07:00' },
        { venueId: b, at: '2021-08-09T09:00:00+07:00' },
      ]);

      const day = await stats('00001', '2021-08-09');
      expect(day.registeredVenues).to.equal(3);
      expect(day.activeVenues).to.equal(2);
      expect(day.scans).to.equal(4);
    });
  });

  describe('never scanned', () => {
    it('counts venues with no scan up to the end of D, including those first scanned on D+1', async () => {
      await registerVenue({ wardCode: '00001', registeredAt: '2021-08-01T08:00:00+07:00' });
      const laterFirst = await registerVenue({
        wardCode: '00001',
        registeredAt: '2021-08-01T09:00:00+07:00',
      });
      const scannedBefore = await registerVenue({
        wardCode: '00001',
        registeredAt: '2021-08-01T10:00:00+07:00',
      });
      await addScans([
        { venueId: scannedBefore, at: '2021-08-05T10:00:00+07:00' },
        { venueId: laterFirst, at: '2021-08-10T00:00:00+07:00' },
      ]);

      expect((await stats('00001', '2021-08-04')).neverScannedVenues).to.equal(3);
      expect((await stats('00001', '2021-08-05')).neverScannedVenues).to.equal(2);
      expect((await stats('00001', '2021-08-09')).neverScannedVenues).to.equal(2);
      expect((await stats('00001', '2021-08-10')).neverScannedVenues).to.equal(1);
    });

    it('does not count a venue that is not registered on D', async () => {
      await registerVenue({ wardCode: '00001', registeredAt: '2021-08-10T08:00:00+07:00' });
      const closed = await registerVenue({
        wardCode: '00001',
        registeredAt: '2021-08-01T08:00:00+07:00',
      });
      await closeVenue(closed, '2021-08-05T08:00:00+07:00');

      expect(await stats('00001', '2021-08-09')).to.deep.equal(figures('2021-08-09'));
    });
  });

  describe('dormant', () => {
    it('counts venues scanned before but not in the 7 days D-6 … D', async () => {
      const reg = { wardCode: '00001', registeredAt: '2021-08-01T08:00:00+07:00' };
      // D = 2021-08-20: the window is 2021-08-14 … 2021-08-20.
      const lastOnDMinus7 = await registerVenue(reg);
      const onDMinus6 = await registerVenue(reg);
      const oldAndRecent = await registerVenue(reg);
      const firstInWindow = await registerVenue(reg);
      await registerVenue(reg); // never scanned
      const oldThenAfterD = await registerVenue(reg);
      await addScans([
        { venueId: lastOnDMinus7, at: '2021-08-13T23:59:59+07:00' },
        { venueId: onDMinus6, at: '2021-08-14T00:00:00+07:00' },
        { venueId: oldAndRecent, at: '2021-08-02T10:00:00+07:00' },
        { venueId: oldAndRecent, at: '2021-08-18T10:00:00+07:00' },
        { venueId: firstInWindow, at: '2021-08-19T10:00:00+07:00' },
        { venueId: oldThenAfterD, at: '2021-08-05T10:00:00+07:00' },
        { venueId: oldThenAfterD, at: '2021-08-22T10:00:00+07:00' },
      ]);

      // On the 20th: lastOnDMinus7 and oldThenAfterD (its scan on the 22nd has not happened yet).
      expect(await stats('00001', '2021-08-20')).to.deep.equal(
        figures('2021-08-20', { registeredVenues: 6, neverScannedVenues: 1, dormantVenues: 2 }),
      );
      // On the 19th the window is 13 … 19: lastOnDMinus7 is recent; only oldThenAfterD is dormant.
      expect((await stats('00001', '2021-08-19')).dormantVenues).to.equal(1);
      // On the 21st the window is 15 … 21: onDMinus6 (14th) joins them.
      expect((await stats('00001', '2021-08-21')).dormantVenues).to.equal(3);
    });

    it('does not count a closed venue, however long ago it scanned', async () => {
      const id = await registerVenue({
        wardCode: '00001',
        registeredAt: '2021-08-01T08:00:00+07:00',
      });
      await addScans([{ venueId: id, at: '2021-08-02T10:00:00+07:00' }]);
      await closeVenue(id, '2021-08-15T10:00:00+07:00');

      expect((await stats('00001', '2021-08-15')).dormantVenues).to.equal(1);
      expect((await stats('00001', '2021-08-16')).dormantVenues).to.equal(0);
    });
  });

  describe('scans and people', () => {
    it('counts one person scanning at two venues of one ward once, and both scans', async () => {
      const a = await registerVenue({
        wardCode: '00001',
        registeredAt: '2021-08-01T08:00:00+07:00',
      });
      const b = await registerVenue({
        wardCode: '00001',
        registeredAt: '2021-08-01T09:00:00+07:00',
      });
      await addScans([
        { venueId: a, at: '2021-08-09T08:00:00+07:00', person: '0912000001' },
        { venueId: b, at: '2021-08-09T19:00:00+07:00', person: '0912000001' },
      ]);

      for (const unit of ['00001', '001', '01']) {
        const day = await stats(unit, '2021-08-09');
        expect({ unit, scans: day.scans, people: day.people }).to.deep.equal({
          unit,
          scans: 2,
          people: 1,
        });
      }
    });

    it('counts one person in two districts once for the city and once in each district', async () => {
      const baDinh = await registerVenue({
        wardCode: '00001',
        registeredAt: '2021-08-01T08:00:00+07:00',
      });
      const hoanKiem = await registerVenue({
        wardCode: '00037',
        registeredAt: '2021-08-01T08:00:00+07:00',
      });
      await addScans([
        { venueId: baDinh, at: '2021-08-09T08:00:00+07:00', person: '0912000001' },
        { venueId: hoanKiem, at: '2021-08-09T12:00:00+07:00', person: '0912000001' },
      ]);

      const city = await stats('01', '2021-08-09');
      expect([city.scans, city.people]).to.deep.equal([2, 1]);
      const d001 = await stats('001', '2021-08-09');
      expect([d001.scans, d001.people]).to.deep.equal([1, 1]);
      const d002 = await stats('002', '2021-08-09');
      expect([d002.scans, d002.people]).to.deep.equal([1, 1]);
    });

    it('counts distinct persons separately and only the scans of D', async () => {
      const a = await registerVenue({
        wardCode: '00004',
        registeredAt: '2021-08-01T08:00:00+07:00',
      });
      await addScans([
        { venueId: a, at: '2021-08-09T08:00:00+07:00', person: '0912000001' },
        { venueId: a, at: '2021-08-09T09:00:00+07:00', person: '0912000002' },
        { venueId: a, at: '2021-08-09T10:00:00+07:00', person: '0912000003' },
        { venueId: a, at: '2021-08-09T17:00:00+07:00', person: '0912000001' },
        { venueId: a, at: '2021-08-10T00:00:00+07:00', person: '0912000002' },
        { venueId: a, at: '2021-08-08T23:59:59+07:00', person: '0912000004' },
      ]);

      const d9 = await stats('00004', '2021-08-09');
      expect([d9.scans, d9.people]).to.deep.equal([4, 3]);
      const d10 = await stats('00004', '2021-08-10');
      expect([d10.scans, d10.people]).to.deep.equal([1, 1]);
      const d8 = await stats('00004', '2021-08-08');
      expect([d8.scans, d8.people]).to.deep.equal([1, 1]);
      // The neighbouring ward of the same district saw none of it.
      const other = await stats('00001', '2021-08-09');
      expect([other.scans, other.people]).to.deep.equal([0, 0]);
    });
  });

  describe('active rate', () => {
    it('is active / registered', async () => {
      const venues: string[] = [];
      for (let i = 0; i < 4; i += 1) {
        venues.push(
          await registerVenue({ wardCode: '00001', registeredAt: '2021-08-01T08:00:00+07:00' }),
        );
      }
      await addScans([
        { venueId: venues[0], at: '2021-08-09T08:00:00+07:00' },
        { venueId: venues[1], at: '2021-08-09T09:00:00+07:00' },
        { venueId: venues[2], at: '2021-08-09T10:00:00+07:00' },
        { venueId: venues[0], at: '2021-08-10T10:00:00+07:00' },
      ]);

      const d9 = await stats('00001', '2021-08-09');
      expect([d9.activeVenues, d9.registeredVenues, d9.activeRate]).to.deep.equal([3, 4, 0.75]);
      const d10 = await stats('00001', '2021-08-10');
      expect([d10.activeVenues, d10.registeredVenues, d10.activeRate]).to.deep.equal([1, 4, 0.25]);
    });

    it('is 0 when nothing is registered, with every other figure 0 too', async () => {
      // A venue elsewhere, so the city is not empty but the ward is.
      await registerVenue({ wardCode: '00037', registeredAt: '2021-08-01T08:00:00+07:00' });

      expect(await stats('00004', '2021-08-09')).to.deep.equal(figures('2021-08-09'));
      expect(await stats('001', '2021-08-09')).to.deep.equal(figures('2021-08-09'));
      expect((await stats('01', '2021-08-09')).registeredVenues).to.equal(1);
    });
  });

  describe('the same numbers through every entry point', () => {
    async function fixture(): Promise<void> {
      const reg = (wardCode: string) =>
        registerVenue({ wardCode, registeredAt: '2021-08-01T08:00:00+07:00' });
      const w1a = await reg('00001');
      const w1b = await reg('00001');
      await reg('00001'); // never scanned
      const w4 = await reg('00004');
      const w37a = await reg('00037');
      const w37b = await reg('00037');
      await addScans([
        { venueId: w1a, at: '2021-08-09T08:00:00+07:00', person: '0912000001' },
        { venueId: w1a, at: '2021-08-09T09:00:00+07:00', person: '0912000002' },
        { venueId: w1b, at: '2021-08-01T09:00:00+07:00', person: '0912000003' }, // dormant on the 9th
        { venueId: w4, at: '2021-08-09T10:00:00+07:00', person: '0912000001' },
        { venueId: w37a, at: '2021-08-09T23:59:59+07:00', person: '0912000001' },
        { venueId: w37b, at: '2021-08-05T10:00:00+07:00', person: '0912000004' },
      ]);
    }

    // Hand count for 2021-08-09:
    const expected: Record<string, Figures> = {
      '00001': figures('2021-08-09', {
        registeredVenues: 3,
        activeVenues: 1,
        neverScannedVenues: 1,
        dormantVenues: 1,
        scans: 2,
        people: 2,
        activeRate: 1 / 3,
      }),
      '00004': figures('2021-08-09', {
        registeredVenues: 1,
        activeVenues: 1,
        scans: 1,
        people: 1,
        activeRate: 1,
      }),
      '00037': figures('2021-08-09', {
        registeredVenues: 2,
        activeVenues: 1,
        scans: 1,
        people: 1,
        activeRate: 0.5,
      }),
      '001': figures('2021-08-09', {
        registeredVenues: 4,
        activeVenues: 2,
        neverScannedVenues: 1,
        dormantVenues: 1,
        scans: 3,
        people: 2,
        activeRate: 0.5,
      }),
      '002': figures('2021-08-09', {
        registeredVenues: 2,
        activeVenues: 1,
        scans: 1,
        people: 1,
        activeRate: 0.5,
      }),
      '01': figures('2021-08-09', {
        registeredVenues: 6,
        activeVenues: 3,
        neverScannedVenues: 1,
        dormantVenues: 1,
        scans: 4,
        people: 2,
        activeRate: 0.5,
      }),
    };

    it('through complianceStats(unitCode, date)', async () => {
      await fixture();
      for (const [code, want] of Object.entries(expected)) {
        expect({ code, ...(await stats(code, '2021-08-09')) }).to.deep.equal({ code, ...want });
      }
    });

    it('through city { stats }, district(code) { stats } and ward(code) { stats } in one request', async () => {
      await fixture();
      const data = await graphqlData<any>(
        `query Units($date: Date!) {
           city(code: "01") { stats(date: $date) { ${FIGURES} } }
           d001: district(code: "001") { stats(date: $date) { ${FIGURES} } }
           d002: district(code: "002") { stats(date: $date) { ${FIGURES} } }
           w00001: ward(code: "00001") { stats(date: $date) { ${FIGURES} } }
           w00004: ward(code: "00004") { stats(date: $date) { ${FIGURES} } }
           w00037: ward(code: "00037") { stats(date: $date) { ${FIGURES} } }
         }`,
        { date: '2021-08-09' },
      );
      expect(data.city.stats).to.deep.equal(expected['01']);
      expect(data.d001.stats).to.deep.equal(expected['001']);
      expect(data.d002.stats).to.deep.equal(expected['002']);
      expect(data.w00001.stats).to.deep.equal(expected['00001']);
      expect(data.w00004.stats).to.deep.equal(expected['00004']);
      expect(data.w00037.stats).to.deep.equal(expected['00037']);
    });

    it('through the tree: city { districts { stats } } and district { wards { stats } }', async () => {
      await fixture();
      const data = await graphqlData<any>(
        `query Tree($date: Date!) {
           city { districts { code stats(date: $date) { ${FIGURES} } } }
           district(code: "001") { wards { code stats(date: $date) { ${FIGURES} } } }
         }`,
        { date: '2021-08-09' },
      );
      const districts = new Map<string, Figures>(
        data.city.districts.map((d: any) => [d.code, d.stats]),
      );
      expect(districts.size).to.equal(30);
      expect(districts.get('001')).to.deep.equal(expected['001']);
      expect(districts.get('002')).to.deep.equal(expected['002']);
      expect(districts.get('003')).to.deep.equal(figures('2021-08-09'));
      const wards = new Map<string, Figures>(
        data.district.wards.map((w: any) => [w.code, w.stats]),
      );
      expect(wards.get('00001')).to.deep.equal(expected['00001']);
      expect(wards.get('00004')).to.deep.equal(expected['00004']);
      expect(wards.get('00006')).to.deep.equal(figures('2021-08-09'));
      const totalRegistered = [...districts.values()].reduce((n, s) => n + s.registeredVenues, 0);
      expect(totalRegistered).to.equal(expected['01'].registeredVenues);
    });

    it('for two days asked for in one request, each with its own figures', async () => {
      await fixture();
      const data = await graphqlData<any>(
        `{ ward(code: "00037") {
             d9: stats(date: "2021-08-09") { ${FIGURES} }
             d10: stats(date: "2021-08-10") { ${FIGURES} }
           } }`,
      );
      expect(data.ward.d9).to.deep.equal(expected['00037']);
      expect(data.ward.d10).to.deep.equal(figures('2021-08-10', { registeredVenues: 2 }));
    });
  });

  describe('errors', () => {
    const statsQuery = `query Stats($unitCode: ID!, $date: Date!) {
      complianceStats(unitCode: $unitCode, date: $date) { registeredVenues }
    }`;

    for (const bad of ['2021-02-30', '09/08/2021']) {
      it(`rejects the malformed date ${bad} as BAD_USER_INPUT, naming the value`, async () => {
        const viaVariable = await graphql(statsQuery, { unitCode: '01', date: bad });
        expect(viaVariable.data ?? null).to.equal(null);
        expectReadableError(viaVariable.errors?.[0], 'BAD_USER_INPUT', [bad]);

        const onWard = await graphql(
          `
            query W($date: Date!) {
              ward(code: "00001") {
                stats(date: $date) {
                  scans
                }
              }
            }
          `,
          { date: bad },
        );
        expectReadableError(onWard.errors?.[0], 'BAD_USER_INPUT', [bad]);
      });
    }

    it('rejects a malformed date written in the query itself, naming the value', async () => {
      const result = await graphql(`
        {
          complianceStats(unitCode: "01", date: "2021-02-30") {
            registeredVenues
          }
        }
      `);
      expect(result.data ?? null).to.equal(null);
      expect(result.errors).to.have.length.greaterThan(0);
      // Apollo reports a bad literal as a validation failure (the scalar itself says BAD_USER_INPUT).
      expect(result.errors![0].extensions?.code).to.be.oneOf([
        'BAD_USER_INPUT',
        'GRAPHQL_VALIDATION_FAILED',
      ]);
      expect(result.errors![0].message).to.contain('2021-02-30');
      expect(result.errors![0].extensions?.stacktrace).to.equal(undefined);
    });

    it('answers for the local today even when UTC is still on the day before', async () => {
      // 06:00 in Hà Nội on the 10th is 23:00 UTC on the 9th.
      testEnv().clock.set('2021-08-10T06:00:00+07:00');
      await registerVenue({ wardCode: '00001', registeredAt: '2021-08-10T05:00:00+07:00' });

      expect((await stats('00001', '2021-08-10')).registeredVenues).to.equal(1);
    });

    it('rejects a date after the local today as BAD_USER_INPUT naming `date`', async () => {
      testEnv().clock.set('2021-08-10T06:00:00+07:00');

      const direct = await graphql(statsQuery, { unitCode: '01', date: '2021-08-11' });
      expect(direct.data ?? null).to.equal(null);
      expectReadableError(direct.errors?.[0], 'BAD_USER_INPUT', ['date', '2021-08-11']);
      expect(direct.errors![0].extensions?.field).to.equal('date');

      const onCity = await graphql(`
        {
          city {
            stats(date: "2021-08-11") {
              registeredVenues
            }
          }
        }
      `);
      expectReadableError(onCity.errors?.[0], 'BAD_USER_INPUT', ['date', '2021-08-11']);
      expect(onCity.errors![0].extensions?.field).to.equal('date');
    });

    for (const code of ['99', '999', '99999']) {
      it(`answers NOT_FOUND for the unknown unit code ${code}, naming it`, async () => {
        const result = await graphql(statsQuery, { unitCode: code, date: '2021-08-09' });
        expect(result.data ?? null).to.equal(null);
        expectReadableError(result.errors?.[0], 'NOT_FOUND', [code]);
      });
    }

    it('rejects the malformed unit code abc as BAD_USER_INPUT naming unitCode and the value', async () => {
      const result = await graphql(statsQuery, { unitCode: 'abc', date: '2021-08-09' });
      expect(result.data ?? null).to.equal(null);
      expectReadableError(result.errors?.[0], 'BAD_USER_INPUT', ['unitCode', 'abc']);
      expect(result.errors![0].extensions?.field).to.equal('unitCode');

      const district = await graphql(`
        {
          district(code: "abc") {
            stats(date: "2021-08-09") {
              scans
            }
          }
        }
      `);
      expectReadableError(district.errors?.[0], 'BAD_USER_INPUT', ['code', 'abc']);
    });
  });

  describe('batching', () => {
    it("reads all 30 districts' figures in as many SQL statements as one district's", async () => {
      await registerVenue({ wardCode: '00001', registeredAt: '2021-08-01T08:00:00+07:00' });
      await registerVenue({ wardCode: '00037', registeredAt: '2021-08-01T08:00:00+07:00' });
      const one = `{ district(code: "001") { stats(date: "2021-08-09") { registeredVenues } } }`;
      const all = `{ city(code: "01") { districts { code stats(date: "2021-08-09") { registeredVenues } } } }`;
      // Warm up: a fresh pool connection may send set-up statements of its own.
      await graphqlData(one);
      await graphqlData(all);

      let oneData: any;
      let allData: any;
      const forOne = await countStatements(async () => {
        oneData = await graphqlData(one);
      });
      const forAll = await countStatements(async () => {
        allData = await graphqlData(all);
      });

      expect(oneData.district.stats.registeredVenues).to.equal(1);
      expect(allData.city.districts).to.have.length(30);
      const registered = allData.city.districts.map((d: any) => d.stats.registeredVenues);
      expect(registered.reduce((a: number, b: number) => a + b, 0)).to.equal(2);
      expect(forOne).to.be.greaterThan(0); // the counter does see the server's statements
      expect(forAll).to.equal(forOne);
      expect(forAll).to.be.at.most(3);
    });

    it('batches the wards of every district too: 30 districts and 579 wards in two levels', async () => {
      const query = `{ city { districts { stats(date: "2021-08-09") { scans }
                       wards { stats(date: "2021-08-09") { scans } } } } }`;
      await graphqlData(query);
      let data: any;
      const count = await countStatements(async () => {
        data = await graphqlData(query);
      });
      expect(data.city.districts.flatMap((d: any) => d.wards)).to.have.length(579);
      expect(count).to.be.at.most(3);
    });
  });
});
