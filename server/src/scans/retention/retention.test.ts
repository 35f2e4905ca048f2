import { expect } from 'chai';
import { addDays, localDayStart } from '@quetma/shared';
import { queryRows } from '../../db/sql';
import { graphqlData, holdTransaction, resetData, testEnv } from '../../../test/harness';
import { addScans, closeVenue, registerVenue, type ScanSpec } from '../../../test/factories';
import { waitFor } from '../../../test/own-database';
import { startJobQueue } from '../../jobs/job-queue';
import {
  describeRetention,
  dropExpiredScanPartitions,
  partitionDay,
  type RetentionResult,
} from './retention';
import { scanRetentionJob } from './retention.job';

/**
 * Retention of person-level scan data: 41 days of scans (2021-07-31 … 2021-09-09), today
 * pinned to 2021-09-09, 30 days kept. Partitions of days before 2021-08-10 go; every figure of
 * every day stays what it was.
 */

const TODAY = '2021-09-09';
const NOW = `${TODAY}T12:00:00+07:00`;
const FIRST_DAY = '2021-07-31';
const KEPT_FROM = '2021-08-10';
const FIGURES =
  'unitCode date registeredVenues activeVenues neverScannedVenues dormantVenues scans people activeRate';

/** Phúc Xá, Trúc Bạch (both Ba Đình), Phúc Tân (Hoàn Kiếm), their districts and the city. */
const UNITS = ['00001', '00004', '00037', '001', '002', '01'];
/** Old days (their partitions are dropped), the boundary, and recent ones. */
const DAYS = [
  '2021-07-31',
  '2021-08-01',
  '2021-08-05',
  '2021-08-09',
  '2021-08-10',
  '2021-08-20',
  '2021-08-31',
  TODAY,
];

const PEOPLE = [
  '0912000101',
  '0912000102',
  '0912000103',
  '0912000104',
  '0912000105',
  '001099000106',
];

function daysFrom(first: string, last: string): string[] {
  const days: string[] = [];
  for (let day = first; day <= last; day = addDays(day, 1)) days.push(day);
  return days;
}

async function allFigures(): Promise<Record<string, unknown>> {
  const figures: Record<string, unknown> = {};
  for (const unitCode of UNITS) {
    for (const date of DAYS) {
      const data = await graphqlData<any>(
        `query($u: ID!, $d: Date!) { complianceStats(unitCode: $u, date: $d) { ${FIGURES} } }`,
        { u: unitCode, d: date },
      );
      figures[`${unitCode} ${date}`] = data.complianceStats;
    }
  }
  return figures;
}

async function scanPartitions(): Promise<string[]> {
  const rows = await queryRows<{ name: string }>(
    testEnv().orm,
    `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
     where i.inhparent = 'scan'::regclass order by 1`,
  );
  return rows.map((r) => r.name);
}

async function count(sql: string, values: unknown[] = []): Promise<number> {
  const [row] = await queryRows<{ n: number }>(testEnv().orm, sql, values);
  return row.n;
}

describe('scan retention', () => {
  let venue: Record<'daily' | 'stopped' | 'otherWard' | 'never' | 'late' | 'closed', string>;

  before(async () => {
    await resetData();
    testEnv().clock.set(NOW);
    venue = {
      daily: await registerVenue({ wardCode: '00001', registeredAt: '2021-07-01T08:00:00+07:00' }),
      stopped: await registerVenue({
        wardCode: '00001',
        registeredAt: '2021-07-01T09:00:00+07:00',
      }),
      otherWard: await registerVenue({
        wardCode: '00004',
        registeredAt: '2021-07-15T08:00:00+07:00',
      }),
      never: await registerVenue({ wardCode: '00037', registeredAt: '2021-07-20T08:00:00+07:00' }),
      late: await registerVenue({ wardCode: '00001', registeredAt: '2021-08-20T08:00:00+07:00' }),
      closed: await registerVenue({
        wardCode: '00037',
        registeredAt: '2021-07-10T08:00:00+07:00',
      }),
    };
    await closeVenue(venue.closed, '2021-08-15T17:00:00+07:00');

    const scans: ScanSpec[] = [];
    const visit = (venueId: string, day: string, hhmm: string, person: string, minutes = 30) => {
      const at = new Date(`${day}T${hhmm}:00+07:00`);
      scans.push({ venueId, at: at.toISOString(), person, direction: 'IN' });
      scans.push({
        venueId,
        at: new Date(at.getTime() + minutes * 60_000).toISOString(),
        person,
        direction: 'OUT',
      });
    };
    daysFrom(FIRST_DAY, TODAY).forEach((day, i) => {
      const person = (k: number) => PEOPLE[(i + k) % PEOPLE.length];
      visit(venue.daily, day, '08:00', person(0));
      visit(venue.daily, day, '12:00', person(1));
      // the same person in another ward of the district the same day: one person in 001 and 01
      if (i % 2 === 0) visit(venue.otherWard, day, '18:00', person(0));
      if (day <= '2021-08-05') visit(venue.stopped, day, '10:00', person(2));
      if (day >= '2021-08-25') visit(venue.late, day, '09:00', person(3));
      if (day <= '2021-08-14') visit(venue.closed, day, '11:00', person(4));
    });
    // either side of the cut-off: the last instant of 2021-08-09 and the first of 2021-08-10
    scans.push({ venueId: venue.daily, at: '2021-08-09T23:59:59.999+07:00', person: PEOPLE[5] });
    scans.push({ venueId: venue.daily, at: '2021-08-10T00:00:00+07:00', person: PEOPLE[5] });
    scans.push({
      venueId: venue.daily,
      at: '2021-08-01T15:00:00+07:00',
      person: PEOPLE[0],
      reportsRisk: true,
    });
    await addScans(scans);
  });

  after(resetData);

  it('names partitions by their local day', () => {
    expect(partitionDay('scan_p20210809')).to.equal('2021-08-09');
    expect(partitionDay('scan_default')).to.equal(undefined);
    expect(partitionDay('scan_p2021080')).to.equal(undefined);
  });

  it('drops the partitions of days before today − 30, keeps the rest, and every figure stays', async () => {
    const figuresBefore = await allFigures();
    // the fixture is worth checking: old days do have people and scans to lose
    expect(figuresBefore['01 2021-08-01']).to.include({ people: 5, activeVenues: 3 });
    expect(figuresBefore['001 2021-08-09']).to.include({ people: 3, scans: 5 });
    const ours = daysFrom(FIRST_DAY, TODAY).map((d) => `scan_p${d.replaceAll('-', '')}`);
    expect(await scanPartitions()).to.include.members(ours);
    const cutOff = localDayStart(KEPT_FROM);
    const recentScans = await count('select count(*)::int as n from scan where scanned_at >= $1', [
      cutOff,
    ]);
    const riskBefore = await riskDeclarationsOn('2021-08-01');
    const oldIds = await count('select count(*)::int as n from scan_id where scanned_at < $1', [
      cutOff,
    ]);
    expect(oldIds).to.be.greaterThan(0);

    const result = await dropExpiredScanPartitions(testEnv().orm, 30, testEnv().clock.now());

    expect(result.keptFrom).to.equal(KEPT_FROM);
    const expired = daysFrom(FIRST_DAY, '2021-08-09').map((d) => `scan_p${d.replaceAll('-', '')}`);
    expect(result.droppedPartitions).to.include.members(expired);
    expect(result.droppedPartitions.every((name) => partitionDay(name)! < KEPT_FROM)).to.equal(
      true,
    );
    expect(result.retiredPeopleDays).to.deep.equal(daysFrom(FIRST_DAY, '2021-08-09'));
    expect(result.forgottenScanIds).to.equal(oldIds);

    for (const name of expired) {
      const [row] = await queryRows<{ found: string | null }>(
        testEnv().orm,
        'select to_regclass($1)::text as found',
        [name],
      );
      expect(row.found, name).to.equal(null);
    }
    const left = await scanPartitions();
    expect(left).to.include.members(
      daysFrom(KEPT_FROM, TODAY).map((d) => `scan_p${d.replaceAll('-', '')}`),
    );
    expect(left.filter((name) => partitionDay(name)! < KEPT_FROM)).to.deep.equal([]);

    expect(
      await count('select count(*)::int as n from scan where scanned_at < $1', [cutOff]),
    ).to.equal(0);
    expect(
      await count('select count(*)::int as n from scan where scanned_at >= $1', [cutOff]),
    ).to.equal(recentScans);
    expect(
      await count('select count(*)::int as n from ward_day_person where day < $1::date', [
        KEPT_FROM,
      ]),
    ).to.equal(0);
    // the ids of the kept scans stay, so their retries stay duplicates
    expect(
      await count('select count(*)::int as n from scan_id where scanned_at < $1', [cutOff]),
    ).to.equal(0);
    expect(
      await count('select count(*)::int as n from scan_id where scanned_at >= $1', [cutOff]),
    ).to.equal(recentScans);

    expect(await allFigures()).to.deep.equal(figuresBefore);
    expect(await riskDeclarationsOn('2021-08-01'))
      .to.equal(riskBefore)
      .and.equal(1);
  });

  it('does nothing more when run again, and the figures still stand', async () => {
    const figuresBefore = await allFigures();
    const result = await dropExpiredScanPartitions(testEnv().orm, 30, testEnv().clock.now());
    expect(result).to.deep.equal({
      keptFrom: KEPT_FROM,
      droppedPartitions: [],
      retiredPeopleDays: [],
      forgottenScanIds: 0,
    } satisfies RetentionResult);
    expect(describeRetention(result, 30)).to.contain('nothing to delete');
    expect(await allFigures()).to.deep.equal(figuresBefore);
  });

  it('takes scans again for a day whose partition was dropped, making it anew', async () => {
    // this process remembered the partition as made; retention made it forget
    await addScans([{ venueId: venue.daily, at: '2021-08-03T10:00:00+07:00' }]);
    expect(await scanPartitions()).to.include('scan_p20210803');
    await dropExpiredScanPartitions(testEnv().orm, 30, testEnv().clock.now());
    expect(await scanPartitions()).to.not.include('scan_p20210803');
  });

  it('runs as the scan-retention job: at once when a server starts, logging what it dropped', async () => {
    await addScans([{ venueId: venue.daily, at: '2021-08-02T10:00:00+07:00' }]);
    const logged: string[] = [];
    const jobs = await startJobQueue({
      databaseUrl: testEnv().databaseUrl,
      definitions: [
        scanRetentionJob({ orm: testEnv().orm, retentionDays: 30, now: testEnv().clock.now }),
      ],
      worker: true,
      polling: { jobSeconds: 0.5, scheduleSeconds: 1 },
      log: (line, error) => logged.push(error ? `${line}: ${String(error)}` : line),
    });
    try {
      await waitFor('the start-up run', () =>
        logged.some((line) => line.startsWith('job scan-retention (start-up)')),
      );
    } finally {
      await jobs.stop();
    }
    const line = logged.find((l) => l.startsWith('job scan-retention (start-up)'))!;
    expect(line).to.contain('dropped 1 scan partition(s) (scan_p20210802');
    expect(line).to.contain(`keeping ${KEPT_FROM} on`);
  });

  it('drops a partition while a long query reads scans, and scans are stored meanwhile', async () => {
    await addScans([{ venueId: venue.daily, at: '2021-08-04T10:00:00+07:00' }]);
    // a tracing look-up or a dump holds scans open for its whole transaction
    const endReader = await holdTransaction('select count(*) from scan');
    let settled = false;
    let retention: Promise<RetentionResult> | undefined;
    try {
      retention = dropExpiredScanPartitions(testEnv().orm, 30, testEnv().clock.now());
      void retention.finally(() => (settled = true)).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 300));
      // a plain DROP waited for the reader here, and every insert into scan queued behind it
      await addScans([{ venueId: venue.daily, at: `${TODAY}T11:00:00+07:00` }]);
      expect(settled, 'retention ended before the reader did').to.equal(false);
    } finally {
      await endReader();
    }
    expect((await retention).droppedPartitions).to.deep.equal(['scan_p20210804']);
    expect(await scanPartitions()).to.not.include('scan_p20210804');
  });

  it('drops a day table that a run cut short left detached', async () => {
    await queryRows(
      testEnv().orm,
      'create table scan_p20210706 (like scan including defaults including constraints)',
    );
    const result = await dropExpiredScanPartitions(testEnv().orm, 30, testEnv().clock.now());
    expect(result.droppedPartitions).to.deep.equal(['scan_p20210706']);
    expect(
      await count(`select count(*)::int as n from pg_class where relname = 'scan_p20210706'`),
    ).to.equal(0);
  });

  async function riskDeclarationsOn(date: string): Promise<number> {
    const data = await graphqlData<any>(
      'query($id: ID!, $d: Date!) { venue(id: $id) { riskDeclarations(date: $d) } }',
      { id: venue.daily, d: date },
      'tracer',
    );
    return data.venue.riskDeclarations;
  }
});
