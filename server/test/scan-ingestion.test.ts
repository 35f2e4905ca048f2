import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createApp } from '../src/app';
import { signCodePayload } from '../src/codes/code-payload';
import { decryptJson, decryptPersonId, hashPersonId } from '../src/scans/person-identity';
import { ingestionCounters } from '../src/scans/ingestion/scan-ingestion.service';
import { closeVenue, registerVenue } from './factories';
import {
  forgetRateLimits,
  graphql,
  graphqlData,
  holdTransaction,
  resetData,
  testEnv,
  type CallerName,
} from './harness';

/**
 * Scans in through both doors, POST /api/scans and the recordScans mutation, over real HTTP
 * with a real SCAN_SOURCE key and codes signed as posters are. The app's clock is pinned to
 * NOW so that "too old", "future" and local days are known.
 */
const NOW = '2021-08-12T10:00:00+07:00';
const REGISTERED = '2021-07-01T08:00:00+07:00';

const RECORD_SCANS = `mutation($scans: [ScanInput!]!) {
  recordScans(scans: $scans) { accepted duplicates rejected { index reason message } results { index id status reason } }
}`;

let personCounter = 0;
const newPerson = () => `09${String(++personCounter).padStart(8, '0')}`;

interface ScanBody {
  id: string;
  code: string;
  scannedAt: string;
  method: string;
  person: string;
  direction?: string;
  healthDeclaration?: { symptoms: boolean; contactWithCase: boolean; recentTravel: boolean };
}

function scanOf(code: string, more: Partial<ScanBody> = {}): ScanBody {
  return {
    id: randomUUID(),
    code,
    scannedAt: '2021-08-12T09:00:00+07:00',
    method: 'VISITOR_SCANNED_VENUE',
    person: newPerson(),
    ...more,
  };
}

/** The text a phone reads off the venue's poster: its code in force, signed as the server signs it. */
async function posterOf(venueId: string): Promise<string> {
  const data = await graphqlData<any>(
    'query($id: ID!) { venue(id: $id) { currentCode { version keyId } } }',
    { id: venueId },
  );
  const { version, keyId } = data.venue.currentCode;
  return signCodePayload(testEnv().config.codeSigningKeys, { venueId, version, keyId });
}

async function newVenue(wardCode = '00001'): Promise<{ id: string; code: string }> {
  const id = await registerVenue({ wardCode, registeredAt: REGISTERED });
  return { id, code: await posterOf(id) };
}

interface Post {
  status: number;
  body: any;
}

async function postScans(
  body: unknown,
  options: { as?: CallerName | 'anonymous' | { token: string }; contentType?: string } = {},
): Promise<Post> {
  const as = options.as ?? 'scanSource';
  const token =
    as === 'anonymous' ? undefined : typeof as === 'string' ? testEnv().tokens[as] : as.token;
  const response = await fetch(`${testEnv().baseUrl}/api/scans`, {
    method: 'POST',
    headers: {
      'content-type': options.contentType ?? 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

async function recordScans(scans: unknown[]) {
  return graphql<any>(RECORD_SCANS, { scans }, 'scanSource');
}

async function sql<T = any>(text: string, params: unknown[] = []): Promise<T[]> {
  return testEnv().orm.em.getConnection().execute(text, params);
}

async function storedRows(id: string): Promise<number> {
  return (await sql('select count(*)::int as n from scan where id = ?', [id]))[0].n;
}

async function venueActivity(id: string) {
  const data = await graphqlData<any>(
    'query($id: ID!) { venue(id: $id) { lastScanAt totalScans scanStatus } }',
    { id },
  );
  return data.venue;
}

async function figures(unitCode: string, date: string) {
  const data = await graphqlData<any>(
    'query($u: ID!, $d: Date!) { complianceStats(unitCode: $u, date: $d) { scans people activeVenues } }',
    { u: unitCode, d: date },
  );
  return data.complianceStats;
}

/** The payload with the character at `at` replaced by another of the same kind. */
function alter(payload: string, at: number): string {
  const ch = payload[at];
  const other = /[0-9]/.test(ch) ? String((Number(ch) + 1) % 10) : ch === 'A' ? 'B' : 'A';
  return payload.slice(0, at) + other + payload.slice(at + 1);
}

describe('scan ingestion: POST /api/scans and recordScans', () => {
  before(async () => {
    await resetData();
    testEnv().clock.set(NOW);
  });
  // a test that moves the clock leaves it at NOW for the next, even when it fails
  afterEach(() => testEnv().clock.set(NOW));
  after(() => testEnv().clock.reset());

  it("accepts a scan of a registered venue's poster, and the figures and venue show it at once", async () => {
    const venue = await newVenue('00004');
    const before = await figures('00004', '2021-08-12');
    const districtBefore = await figures('001', '2021-08-12');
    const scan = scanOf(venue.code, { scannedAt: '2021-08-12T09:15:00+07:00' });
    const answer = await postScans(scan);
    expect(answer.status).to.equal(200);
    expect(answer.body).to.deep.equal({
      accepted: 1,
      duplicates: 0,
      rejected: [],
      results: [{ index: 0, id: scan.id, status: 'ACCEPTED' }],
    });
    const after = await figures('00004', '2021-08-12');
    expect(after).to.deep.equal({
      scans: before.scans + 1,
      people: before.people + 1,
      activeVenues: before.activeVenues + 1,
    });
    expect(await figures('001', '2021-08-12')).to.include({ scans: districtBefore.scans + 1 });
    expect(await venueActivity(venue.id)).to.deep.equal({
      lastScanAt: '2021-08-12T02:15:00.000Z',
      totalScans: 1,
      scanStatus: 'ACTIVE',
    });
  });

  it('stores a scan retried ten times once, and answers every retry DUPLICATE', async () => {
    const venue = await newVenue();
    const scan = scanOf(venue.code);
    expect((await postScans(scan)).body.accepted).to.equal(1);
    for (let attempt = 0; attempt < 10; attempt++) {
      // an app that lost the answer sends the same body again; one sends it with a new device time
      const retry = attempt === 9 ? { ...scan, scannedAt: '2021-08-11T07:00:00+07:00' } : scan;
      const answer = await postScans(retry);
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      expect(answer.body).to.deep.equal({
        accepted: 0,
        duplicates: 1,
        rejected: [],
        results: [{ index: 0, id: scan.id, status: 'DUPLICATE' }],
      });
    }
    const viaGraphql = await recordScans([scan]);
    expect(viaGraphql.data?.recordScans).to.include({ accepted: 0, duplicates: 1 });
    expect(await storedRows(scan.id)).to.equal(1);
    expect((await venueActivity(venue.id)).totalScans).to.equal(1);
  });

  it('stores exactly one row when requests with the same scan id arrive together', async () => {
    const venue = await newVenue();
    const scan = scanOf(venue.code);
    const other = scanOf(venue.code);
    const answers = await Promise.all([
      ...Array.from({ length: 6 }, () => postScans(scan)),
      // the same id with another time is the same scan, even when it arrives at the same moment
      ...Array.from({ length: 3 }, (_, i) =>
        postScans({ ...other, scannedAt: `2021-08-12T0${i + 1}:00:00+07:00` }),
      ),
      recordScans([scan]).then((r) => ({ status: r.status, body: r.data!.recordScans })),
    ]);
    const statuses = (id: string) =>
      answers.flatMap((a) =>
        a.body.results.filter((r: any) => r.id === id).map((r: any) => r.status),
      );
    expect(statuses(scan.id).sort()).to.deep.equal(['ACCEPTED', ...Array(6).fill('DUPLICATE')]);
    expect(statuses(other.id).sort()).to.deep.equal(['ACCEPTED', 'DUPLICATE', 'DUPLICATE']);
    expect(await storedRows(scan.id)).to.equal(1);
    expect(await storedRows(other.id)).to.equal(1);
    expect((await venueActivity(venue.id)).totalScans).to.equal(2);
  });

  it('stores one row when a scan and its retry with another time reach two servers at once', async () => {
    // a second app on the same database, with its own group committer: another server process
    const env = testEnv();
    const second = await createApp({
      orm: env.orm,
      areas: env.areas,
      config: env.config,
      now: env.clock.now,
    });
    try {
      const secondUrl = `http://127.0.0.1:${await second.listen(0, '127.0.0.1')}/api/scans`;
      const venue = await newVenue();
      for (let round = 0; round < 10; round++) {
        const scan = scanOf(venue.code);
        const [here, there] = await Promise.all([
          postScans(scan),
          fetch(secondUrl, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${env.tokens.scanSource}`,
            },
            body: JSON.stringify({ ...scan, scannedAt: '2021-08-12T09:30:00+07:00' }),
          }).then(async (r) => ({ status: r.status, body: await r.json() })),
        ]);
        const statuses = [here, there].map((a) => a.body.results[0].status).sort();
        expect(statuses, `round ${round}`).to.deep.equal(['ACCEPTED', 'DUPLICATE']);
        expect(await storedRows(scan.id)).to.equal(1);
      }
      expect((await venueActivity(venue.id)).totalScans).to.equal(10);
    } finally {
      await second.close();
    }
  });

  it('takes the scans a venue had before it closed, sent late, and refuses those after', async () => {
    const venue = await newVenue();
    await closeVenue(venue.id, '2021-08-12T08:00:00+07:00');
    // an offline kiosk uploads the morning's scans after the closing
    const answer = await postScans({
      scans: [
        scanOf(venue.code, { scannedAt: '2021-08-12T07:59:59+07:00' }),
        scanOf(venue.code, { scannedAt: '2021-08-12T08:00:00+07:00' }),
      ],
    });
    expect(answer.body.results.map((r: any) => [r.status, r.reason])).to.deep.equal([
      ['ACCEPTED', undefined],
      ['REJECTED', 'CLOSED_VENUE'],
    ]);
    expect((await venueActivity(venue.id)).totalScans).to.equal(1);
  });

  it('judges each item of a mixed batch on its own, by index, through both doors alike', async () => {
    const good = await newVenue('00004');
    const closed = await newVenue();
    await closeVenue(closed.id, '2021-08-11T18:00:00+07:00');
    const reissued = await newVenue();
    await graphqlData('mutation($id: ID!) { reissueVenueCode(id: $id) { id } }', {
      id: reissued.id,
    });
    const late = await registerVenue({ registeredAt: '2021-08-10T12:00:00+07:00' });
    const lateCode = await posterOf(late);
    const unknownVenue = signCodePayload(testEnv().config.codeSigningKeys, {
      venueId: randomUUID(),
      version: 1,
      keyId: testEnv().config.codeKeyId,
    });
    const skew = testEnv().config.scanClockSkewSeconds;
    const days = testEnv().config.scanRetentionDays;
    const now = new Date(NOW).getTime();
    const makeBatch = () => {
      const first = scanOf(good.code);
      return [
        first,
        { ...scanOf(good.code), person: '12' },
        scanOf('https://example.com/not-a-venue'),
        scanOf(alter(good.code, 10)),
        scanOf(reissued.code),
        scanOf(unknownVenue),
        scanOf(closed.code),
        scanOf(good.code, { scannedAt: new Date(now + (skew + 60) * 1000).toISOString() }),
        scanOf(good.code, { scannedAt: new Date(now - (days + 1) * 86_400_000).toISOString() }),
        scanOf(lateCode, { scannedAt: '2021-08-10T11:59:59+07:00' }),
        { ...first, person: newPerson() },
        { ...scanOf(good.code), scannedAt: 'yesterday' },
        { ...scanOf(good.code), code: '' },
        scanOf(lateCode, { scannedAt: '2021-08-10T12:00:00+07:00', direction: 'OUT' }),
        { ...scanOf(good.code), id: 'scan-14' },
      ];
    };
    const expected = [
      ['ACCEPTED'],
      ['REJECTED', 'MALFORMED_ITEM', /^person: /],
      ['REJECTED', 'MALFORMED_CODE'],
      ['REJECTED', 'FORGED_CODE'],
      ['REJECTED', 'REVOKED_CODE'],
      ['REJECTED', 'UNKNOWN_VENUE'],
      ['REJECTED', 'CLOSED_VENUE'],
      ['REJECTED', 'FUTURE_TIME', /^scannedAt: /],
      ['REJECTED', 'TOO_OLD', /^scannedAt: /],
      ['REJECTED', 'BEFORE_REGISTRATION', /^scannedAt: /],
      ['DUPLICATE'],
      ['REJECTED', 'MALFORMED_ITEM', /^scannedAt: /],
      ['REJECTED', 'MALFORMED_ITEM', /^code: /],
      ['ACCEPTED'],
      ['REJECTED', 'MALFORMED_ITEM', /^id: /],
    ] as const;

    const checkAnswer = (batch: any[], answer: any) => {
      expect(answer.accepted).to.equal(2);
      expect(answer.duplicates).to.equal(1);
      expect(answer.results).to.have.length(batch.length);
      const rejectedAt = answer.rejected.map((r: any) => r.index);
      expected.forEach(([status, reason, message], index) => {
        const result = answer.results[index];
        expect(result.index).to.equal(index);
        expect(result.status, `item ${index}`).to.equal(status);
        expect(result.reason ?? undefined, `item ${index}`).to.equal(reason);
        expect(result.id).to.equal(index === 14 ? null : batch[index].id);
        const rejection = answer.rejected.find((r: any) => r.index === index);
        if (status !== 'REJECTED') return expect(rejection).to.equal(undefined);
        expect(rejection.reason).to.equal(reason);
        expect(rejection.message).to.be.a('string').and.not.equal('');
        if (message) expect(rejection.message).to.match(message);
      });
      expect(rejectedAt).to.deep.equal([...rejectedAt].sort((a: number, b: number) => a - b));
    };

    const viaHttp = makeBatch();
    const http = await postScans({ scans: viaHttp });
    expect(http.status).to.equal(200);
    checkAnswer(viaHttp, http.body);

    const viaGraphql = makeBatch();
    const graphqlAnswer = await recordScans(viaGraphql);
    expect(graphqlAnswer.errors).to.equal(undefined);
    checkAnswer(viaGraphql, graphqlAnswer.data!.recordScans);
    const acceptedIds = [viaHttp[0], viaHttp[13], viaGraphql[0], viaGraphql[13]].map((i) => i.id);
    for (const item of [...viaHttp, ...viaGraphql]) {
      if (item.id === 'scan-14') continue;
      const stored = acceptedIds.includes(item.id) ? 1 : 0;
      expect(await storedRows(item.id), JSON.stringify(item)).to.equal(stored);
    }
  });

  it('judges one id sent several times in a batch in order: a refused item does not take the id, the first good one does', async () => {
    const venue = await newVenue();
    const reissued = await newVenue();
    await graphqlData('mutation($id: ID!) { reissueVenueCode(id: $id) { id } }', {
      id: reissued.id,
    });
    const id = randomUUID();
    const future = new Date(new Date(NOW).getTime() + 3_600_000).toISOString();
    const batch = [
      scanOf(reissued.code, { id }),
      scanOf(venue.code, { id, scannedAt: future }),
      scanOf(venue.code, { id }),
      scanOf(venue.code, { id, direction: 'OUT' }),
      // a refused code is told before a bad time, as for a scan alone
      scanOf(reissued.code, { scannedAt: future }),
    ];
    const answer = await postScans({ scans: batch });
    expect(answer.body.results.map((r: any) => r.reason ?? r.status)).to.deep.equal([
      'REVOKED_CODE',
      'FUTURE_TIME',
      'ACCEPTED',
      'DUPLICATE',
      'REVOKED_CODE',
    ]);
    const stored = await sql('select direction from scan where id = ?', [id]);
    expect(stored).to.deep.equal([{ direction: 'IN' }]);
    // sent again, every item of that id is a duplicate: a known id wins over any refusal
    const again = await postScans({ scans: batch.slice(0, 4) });
    expect(again.body.results.map((r: any) => r.status)).to.deep.equal(Array(4).fill('DUPLICATE'));
  });

  it('rejects a code with any one character altered: forged, or not a code at all', async () => {
    const venue = await newVenue();
    const batch = [...venue.code].map((_, at) => scanOf(alter(venue.code, at)));
    const answer = await postScans({ scans: batch });
    expect(answer.body.accepted).to.equal(0);
    const separators = [...venue.code].flatMap((ch, at) => (ch === '.' ? [at] : []));
    answer.body.results.forEach((result: any, at: number) => {
      // the "QM1" prefix and the dots are the format; every other character is signed
      const format = at < 3 || separators.includes(at);
      expect(result.reason, `character ${at}`).to.equal(format ? 'MALFORMED_CODE' : 'FORGED_CODE');
    });
    expect((await postScans(scanOf(venue.code))).body.accepted).to.equal(1);
  });

  it("rejects a reissued venue's old poster as revoked, and still answers DUPLICATE to a retry of a scan taken before", async () => {
    const venue = await newVenue();
    const before = scanOf(venue.code);
    expect((await postScans(before)).body.accepted).to.equal(1);
    await graphqlData('mutation($id: ID!) { reissueVenueCode(id: $id) { id } }', { id: venue.id });
    const oldPoster = await postScans(scanOf(venue.code));
    expect(oldPoster.body.results[0]).to.include({ status: 'REJECTED', reason: 'REVOKED_CODE' });
    expect((await postScans(before)).body.results[0].status).to.equal('DUPLICATE');
    expect((await postScans(scanOf(await posterOf(venue.id)))).body.accepted).to.equal(1);
  });

  it('takes device times up to the allowed skew ahead and back to the retention period, not past them', async () => {
    const venue = await newVenue();
    const { scanClockSkewSeconds: skew, scanRetentionDays: days } = testEnv().config;
    const now = new Date(NOW).getTime();
    const at = (ms: number) => new Date(ms).toISOString();
    const batch = [
      scanOf(venue.code, { scannedAt: at(now + skew * 1000) }),
      scanOf(venue.code, { scannedAt: at(now + skew * 1000 + 1) }),
      scanOf(venue.code, { scannedAt: at(now - days * 86_400_000 + 1000) }),
      scanOf(venue.code, { scannedAt: at(now - days * 86_400_000 - 1000) }),
      scanOf(venue.code, { scannedAt: '2021-07-01T08:00:00+07:00' }),
      scanOf(venue.code, { scannedAt: '2021-07-01T07:59:59.999+07:00' }),
      // a device clock gone far astray is refused like any other, beside good scans
      scanOf(venue.code, { scannedAt: '9999-12-31T23:59:59+07:00' }),
      scanOf(venue.code, { scannedAt: '1000-01-01T00:00:00Z' }),
    ];
    testEnv().clock.set('2021-07-20T10:00:00+07:00');
    try {
      const early = await postScans({ scans: batch.slice(4, 6) });
      expect(early.body.results.map((r: any) => r.reason ?? r.status)).to.deep.equal([
        'ACCEPTED',
        'BEFORE_REGISTRATION',
      ]);
    } finally {
      testEnv().clock.set(NOW);
    }
    const answer = await postScans({ scans: [...batch.slice(0, 4), ...batch.slice(6)] });
    expect(answer.body.results.map((r: any) => r.reason ?? r.status)).to.deep.equal([
      'ACCEPTED',
      'FUTURE_TIME',
      'ACCEPTED',
      'TOO_OLD',
      'FUTURE_TIME',
      'TOO_OLD',
    ]);
  });

  it('counts a scan at 23:59:59 on its local day and one at 00:00:00 on the next', async () => {
    const venue = await newVenue('00037');
    const before = {
      d9: await figures('00037', '2021-08-09'),
      d10: await figures('00037', '2021-08-10'),
    };
    const answer = await postScans({
      scans: [
        scanOf(venue.code, { scannedAt: '2021-08-09T23:59:59.999+07:00' }),
        scanOf(venue.code, { scannedAt: '2021-08-09T17:00:00Z' }),
        scanOf(venue.code, { scannedAt: '2021-08-10T00:00:00+07:00' }),
      ],
    });
    expect(answer.body.accepted).to.equal(3);
    expect((await figures('00037', '2021-08-09')).scans).to.equal(before.d9.scans + 1);
    expect((await figures('00037', '2021-08-10')).scans).to.equal(before.d10.scans + 2);
  });

  it('keeps the rollups equal to a recount from the raw scans after random traffic', async () => {
    const venues = [
      await newVenue('00001'),
      await newVenue('00001'),
      await newVenue('00004'),
      await newVenue('00037'),
    ];
    const people = Array.from({ length: 30 }, () => newPerson());
    let seed = 20210809;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
    const days = ['2021-08-09', '2021-08-10', '2021-08-11'];
    const timeOn = (day: string): string => {
      const edge = random();
      if (edge < 0.15)
        return `${day}T23:59:${String(Math.floor(random() * 60)).padStart(2, '0')}.999+07:00`;
      if (edge < 0.3)
        return `${day}T00:00:00.${String(Math.floor(random() * 1000)).padStart(3, '0')}+07:00`;
      const minutes = Math.floor(random() * 24 * 60);
      return `${day}T${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:00+07:00`;
    };
    const items: ScanBody[] = [];
    for (let i = 0; i < 300; i++) {
      if (items.length > 10 && random() < 0.12) {
        // a retry: the same scan again, sometimes with a different device time
        const earlier = pick(items);
        items.push(random() < 0.5 ? earlier : { ...earlier, scannedAt: timeOn(pick(days)) });
        continue;
      }
      items.push({
        ...scanOf(pick(venues).code, {
          scannedAt: timeOn(pick(days)),
          person: pick(people),
          direction: random() < 0.3 ? 'OUT' : 'IN',
        }),
        ...(random() < 0.3
          ? {
              healthDeclaration: {
                symptoms: random() < 0.2,
                contactWithCase: random() < 0.1,
                recentTravel: random() < 0.2,
              },
            }
          : {}),
      });
    }
    // sent in requests of 1 to 40 scans, 8 at a time, through both doors
    const requests: ScanBody[][] = [];
    for (let at = 0; at < items.length;) {
      const size = 1 + Math.floor(random() * 40);
      requests.push(items.slice(at, at + size));
      at += size;
    }
    let accepted = 0;
    let duplicates = 0;
    for (let at = 0; at < requests.length; at += 8) {
      const answers = await Promise.all(
        requests.slice(at, at + 8).map(async (scans, i) => {
          if (i % 2 === 0) return (await postScans({ scans })).body;
          return (await recordScans(scans)).data!.recordScans;
        }),
      );
      for (const answer of answers) {
        expect(answer.rejected).to.deep.equal([]);
        accepted += answer.accepted;
        duplicates += answer.duplicates;
      }
    }
    const distinct = new Set(items.map((i) => i.id)).size;
    expect(accepted).to.equal(distinct);
    expect(duplicates).to.equal(items.length - distinct);

    const [activity, recountActivity] = await Promise.all([
      sql(
        `select venue_id, first_scan_at, last_scan_at, scans::int from venue_activity order by venue_id`,
      ),
      sql(`select venue_id, min(scanned_at) as first_scan_at, max(scanned_at) as last_scan_at, count(*)::int as scans
           from scan group by venue_id order by venue_id`),
    ]);
    expect(activity).to.deep.equal(recountActivity);
    const [perDay, recountPerDay] = await Promise.all([
      sql(
        `select venue_id, day::text, scans, risk_declarations from venue_day_scans order by venue_id, day`,
      ),
      sql(`select venue_id, (scanned_at at time zone 'Asia/Ho_Chi_Minh')::date::text as day, count(*)::int as scans,
             count(*) filter (where reports_risk)::int as risk_declarations
           from scan group by 1, 2 order by 1, 2`),
    ]);
    expect(perDay).to.deep.equal(recountPerDay);
    expect(perDay.some((row: any) => row.risk_declarations > 0)).to.equal(true);
    const [persons, recountPersons] = await Promise.all([
      sql(`select ward_code, day::text, encode(person_hash, 'hex') as person from ward_day_person
           order by 1, 2, 3`),
      sql(`select distinct v.ward_code, (s.scanned_at at time zone 'Asia/Ho_Chi_Minh')::date::text as day,
             encode(s.person_hash, 'hex') as person
           from scan s join venue v on v.id = s.venue_id
           order by 1, 2, 3`),
    ]);
    expect(persons).to.deep.equal(recountPersons);
    // and the figures read those rollups, at every level: a person seen in two wards is one
    // person of the district and of the city
    const units = { ward_code: '00001', district_code: '001', city_code: '01' };
    for (const day of days) {
      for (const [column, unitCode] of Object.entries(units)) {
        const [recount] = await sql(
          `select count(*)::int as scans, count(distinct s.person_hash)::int as people
           from scan s join venue v on v.id = s.venue_id
           where v.${column} = ? and (s.scanned_at at time zone 'Asia/Ho_Chi_Minh')::date = ?::date`,
          [unitCode, day],
        );
        expect(await figures(unitCode, day), `${unitCode} ${day}`).to.deep.include(recount);
      }
    }
  });

  it('commits 64 concurrent single-scan requests in far fewer transactions, answering each its own', async () => {
    const venue = await newVenue();
    const items = Array.from({ length: 64 }, (_, i) => {
      if (i % 16 === 5) return scanOf(alter(venue.code, 30));
      if (i % 16 === 9) return 'PAIR';
      return scanOf(venue.code);
    });
    // some requests repeat the scan of the request before them: one of each pair is kept
    const bodies = items.map((item, i) => (item === 'PAIR' ? (items[i - 1] as ScanBody) : item));
    // The database is held busy while the requests arrive (the flushes' writes wait for this
    // lock), as under load: the first flushes take every slot and wait, and what arrives
    // meanwhile must wait in the queue and go together, not one transaction each. (Counting
    // flushes of requests that race a 1 ms gather instead depended on the machine's speed.)
    const release = await holdTransaction('lock table venue_activity in exclusive mode');
    const before = { ...ingestionCounters };
    let answering: Promise<Post[]>;
    try {
      answering = Promise.all(bodies.map((body) => postScans(body)));
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      await release();
    }
    const answers = await answering;
    const flushes = ingestionCounters.flushes - before.flushes;
    // at most one per flush slot while the lock was held, then the waiting ones together
    expect(flushes, `${flushes} flushes`).to.be.at.most(8);
    answers.forEach((answer, i) => {
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      expect(answer.body.results).to.have.length(1);
      expect(answer.body.results[0].id).to.equal((bodies[i] as ScanBody).id);
      if (i % 16 === 5) expect(answer.body.results[0].reason).to.equal('FORGED_CODE');
    });
    for (let i = 0; i < 64; i++) {
      if (i % 16 !== 9) continue;
      const pair = [answers[i - 1], answers[i]].map((a) => a.body.results[0].status).sort();
      expect(pair).to.deep.equal(['ACCEPTED', 'DUPLICATE']);
    }
    const stored = 64 - 4 - 4;
    expect((await venueActivity(venue.id)).totalScans).to.equal(stored);
    expect(answers.reduce((sum, a) => sum + a.body.accepted, 0)).to.equal(stored);
  });

  /**
   * Resolves once `sessions` sessions of this database wait for a lock, or once `unless`
   * settles (a request answered without waiting).
   */
  async function waitingOnLocks(sessions: number, unless?: Promise<unknown>): Promise<void> {
    let settled = false;
    unless?.then(
      () => (settled = true),
      () => (settled = true),
    );
    while (!settled) {
      const [{ n }] = await sql<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity
         where datname = current_database() and wait_event_type = 'Lock'`,
      );
      if (n >= sessions) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  const changes = [
    {
      change: 'its code is reissued',
      refusal: 'REVOKED_CODE',
      make: (venueId: string) =>
        graphqlData('mutation($id: ID!) { reissueVenueCode(id: $id) { id } }', { id: venueId }),
    },
    {
      change: 'the venue is closed',
      refusal: 'CLOSED_VENUE',
      make: (venueId: string) => closeVenue(venueId, '2021-08-12T08:00:00+07:00'),
    },
    {
      change: 'the scan ages past retention',
      refusal: 'TOO_OLD',
      make: async () => testEnv().clock.set('2021-09-11T10:00:00+07:00'),
    },
  ];
  for (const { change, refusal, make } of changes) {
    it(`answers DUPLICATE, not ${refusal}, to a retry whose first sending is still being stored when ${change}`, async () => {
      const venue = await newVenue();
      // with the venue's activity row in place, the first sending's flush claims the scan's id
      // and then waits for this row's lock, as behind a stalled database
      expect((await postScans(scanOf(venue.code))).body.accepted).to.equal(1);
      const scan = scanOf(venue.code);
      const release = await holdTransaction(
        `select 1 from venue_activity where venue_id = '${venue.id}' for update`,
      );
      let first: Promise<Post>;
      let retry: Promise<Post>;
      try {
        first = postScans(scan);
        await waitingOnLocks(1);
        await make(venue.id);
        // the client gave up waiting and sends the scan again: refused as such, it must wait
        // for the first sending's end to learn that the scan is stored
        retry = postScans(scan);
        await waitingOnLocks(2, retry);
      } finally {
        await release();
      }
      expect((await first).body.results[0]).to.include({ id: scan.id, status: 'ACCEPTED' });
      expect((await retry).body.results[0]).to.include({ id: scan.id, status: 'DUPLICATE' });
      expect(await storedRows(scan.id)).to.equal(1);
      expect((await venueActivity(venue.id)).totalScans).to.equal(2);
      // with nobody storing it, the same refusal stands and nothing is kept
      const late = scanOf(venue.code);
      const refused = await postScans(late);
      expect(refused.body.results[0]).to.include({ status: 'REJECTED', reason: refusal });
      expect((await venueActivity(venue.id)).totalScans).to.equal(2);
      // the check's claim on its id was rolled back: it keeps no later sending of it out
      const [{ n }] = await sql<{ n: number }>(
        'select count(*)::int as n from scan_id where id = ?',
        [late.id],
      );
      expect(n).to.equal(0);
    });
  }

  it('answers the scans in progress when the server stops, and takes no new requests', async () => {
    const venue = await newVenue();
    const env = testEnv();
    const app = await createApp(
      { orm: env.orm, areas: env.areas, config: env.config, now: env.clock.now },
      () => undefined,
    );
    const url = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}/api/scans`;
    const post = (body: ScanBody) =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${env.tokens.scanSource}`,
        },
        body: JSON.stringify(body),
      });
    const scan = scanOf(venue.code);
    // the scan's flush waits for this lock, so the request is still in progress at the stop
    const release = await holdTransaction('lock table venue_activity in exclusive mode');
    let closing: Promise<void> | undefined;
    let answered: Promise<Response>;
    try {
      const before = ingestionCounters.scans;
      answered = post(scan);
      // its flush has begun (and waits for the lock) before the stop
      while (ingestionCounters.scans === before) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      closing = app.close();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const late = await post(scanOf(venue.code)).then(
        () => 'answered',
        () => 'refused',
      );
      expect(late, 'a request sent after the stop began').to.equal('refused');
    } finally {
      await release();
      await closing;
    }
    const answer = await answered;
    expect(answer.status).to.equal(200);
    expect(((await answer.json()) as any).results[0]).to.include({
      id: scan.id,
      status: 'ACCEPTED',
    });
    expect((await venueActivity(venue.id)).totalScans).to.equal(1);
  });

  it('answers 500 to every request of a flush that failed, keeps none of it, and takes the retry', async () => {
    const venue = await newVenue();
    const bystander = await newVenue();
    await sql(`create function quetma_test_fail() returns trigger language plpgsql as
      $$ begin raise exception 'storage failed (test)'; end $$`);
    await sql(`create trigger quetma_test_fail before insert on venue_activity for each row
      when (new.venue_id = '${venue.id}') execute function quetma_test_fail()`);
    const doomed = scanOf(venue.code);
    const neighbour = scanOf(bystander.code);
    let failed: Post[];
    try {
      failed = await Promise.all([postScans(doomed), postScans(neighbour)]);
    } finally {
      await sql('drop trigger quetma_test_fail on venue_activity');
      await sql('drop function quetma_test_fail()');
    }
    const doomedAnswer = failed[0];
    expect(doomedAnswer.status).to.equal(500);
    expect(doomedAnswer.body.errors[0].message).to.match(/send the same request again/);
    expect(doomedAnswer.body.errors[0].message).to.not.match(/storage failed|venue_activity/);
    expect(await storedRows(doomed.id)).to.equal(0);
    // the neighbour shared the transaction or not: either way its answer tells the truth
    expect(await storedRows(neighbour.id)).to.equal(failed[1].status === 200 ? 1 : 0);
    const retry = await postScans(doomed);
    expect(retry.body.results[0].status).to.equal('ACCEPTED');
    expect((await postScans(neighbour)).status).to.equal(200);
    expect(await storedRows(neighbour.id)).to.equal(1);
  });

  it('stores a health declaration encrypted, counts one that reports a risk, and keeps it out of the audit log', async () => {
    const venue = await newVenue();
    const risky = scanOf(venue.code, {
      person: '0987 654 321',
      healthDeclaration: { symptoms: false, contactWithCase: true, recentTravel: false },
    });
    const clear = scanOf(venue.code, {
      healthDeclaration: { symptoms: false, contactWithCase: false, recentTravel: false },
    });
    const none = scanOf(venue.code);
    const answer = await recordScans([risky, clear, none]);
    expect(answer.data?.recordScans.accepted).to.equal(3);
    const rows = await sql(
      `select id, declaration_encrypted, reports_risk, person_hash, person_encrypted, source_key_id from scan
       where id in (?, ?, ?)`,
      [risky.id, clear.id, none.id],
    );
    const row = (id: string) => rows.find((r: any) => r.id === id);
    const { config } = testEnv();
    const sealed: Buffer = row(risky.id).declaration_encrypted;
    expect(sealed.includes(Buffer.from(JSON.stringify(risky.healthDeclaration)))).to.equal(false);
    expect(sealed.includes(Buffer.from('contactWithCase'))).to.equal(false);
    expect(decryptJson(config.personEncryptionKey, sealed)).to.deep.equal(risky.healthDeclaration);
    expect(row(risky.id).reports_risk).to.equal(true);
    expect(row(clear.id).reports_risk).to.equal(false);
    expect(row(clear.id).declaration_encrypted).to.be.instanceOf(Buffer);
    expect(row(none.id).declaration_encrypted).to.equal(null);
    // the identifier: a keyed hash and a sealed copy, never the number itself
    const person: Buffer = row(risky.id).person_encrypted;
    expect(person.includes(Buffer.from('0987654321'))).to.equal(false);
    expect(decryptPersonId(config.personEncryptionKey, person)).to.equal('0987654321');
    expect(row(risky.id).person_hash).to.deep.equal(
      hashPersonId(config.personHashKey, '0987654321'),
    );
    const me = await graphqlData<any>('{ me { id } }', {}, 'scanSource');
    expect(row(risky.id).source_key_id).to.equal(me.me.id);
    const [day] = await sql(
      `select scans, risk_declarations from venue_day_scans where venue_id = ? and day = '2021-08-12'`,
      [venue.id],
    );
    expect(day).to.deep.equal({ scans: 3, risk_declarations: 1 });

    const audit = await graphqlData<any>(
      '{ auditLog(first: 100, filter: { action: "Mutation.recordScans" }) { nodes { arguments outcome } } }',
    );
    const entry = audit.auditLog.nodes.find((n: any) =>
      JSON.stringify(n.arguments).includes(risky.id),
    );
    expect(entry.outcome).to.equal('OK');
    const logged = JSON.stringify(entry.arguments);
    expect(logged).to.not.include('0987');
    expect(logged).to.not.include('contactWithCase');
  });

  it('refuses a request over 1,000 scans whole: 413 over HTTP, BAD_USER_INPUT in GraphQL', async () => {
    const venue = await newVenue();
    const scans = Array.from({ length: 1_001 }, () => scanOf(venue.code));
    const http = await postScans({ scans });
    expect(http.status).to.equal(413);
    expect(http.body.errors[0].message).to.match(/At most 1000 scans/);
    const viaGraphql = await recordScans(scans);
    expect(viaGraphql.errors?.[0].extensions?.code).to.equal('BAD_USER_INPUT');
    expect(viaGraphql.data?.recordScans ?? null).to.equal(null);
    expect((await venueActivity(venue.id)).totalScans).to.equal(0);
    const full = await postScans({ scans: scans.slice(0, 1_000) });
    expect(full.body.accepted).to.equal(1_000);
  });

  it('answers requests it cannot read with 400, 413 and 415, and callers without the right key with 401 and 403', async () => {
    const venue = await newVenue();
    const scan = scanOf(venue.code);
    const malformed = await postScans('{"scans": [', {});
    expect(malformed.status).to.equal(400);
    expect(malformed.body.errors[0].message).to.match(/not valid JSON/);
    expect((await postScans('[]')).status).to.equal(400);
    expect((await postScans({ scans: 'all of them' })).status).to.equal(400);
    const wrongType = await postScans(scan, { contentType: 'text/plain' });
    expect(wrongType.status).to.equal(415);
    expect(wrongType.body.errors[0].extensions.code).to.equal('UNSUPPORTED_MEDIA_TYPE');
    expect(
      (await postScans(scan, { contentType: 'application/json; charset=utf-8' })).status,
    ).to.equal(200);
    const huge = await postScans({ scans: [scan], padding: 'x'.repeat(1_100_000) });
    expect(huge.status).to.equal(413);

    const anonymous = await postScans(scan, { as: 'anonymous' });
    expect(anonymous.status).to.equal(401);
    expect(anonymous.body.errors[0].extensions.code).to.equal('UNAUTHENTICATED');
    const key = testEnv().tokens.scanSource;
    const badKey = key.slice(0, -1) + (key.endsWith('x') ? 'y' : 'x');
    expect((await postScans(scan, { as: { token: badKey } })).status).to.equal(401);
    for (const as of ['admin', 'integrator', 'tracer', 'phucXa'] as const) {
      const refused = await postScans(scan, { as });
      expect(refused.status, as).to.equal(403);
      expect(refused.body.errors[0].extensions.code).to.equal('FORBIDDEN');
    }
    const get = await fetch(`${testEnv().baseUrl}/api/scans`, {
      headers: { authorization: `Bearer ${testEnv().tokens.scanSource}` },
    });
    expect(get.status).to.equal(405);
    // none of the refused requests stored the scan: the one with charset did
    expect(await storedRows(scan.id)).to.equal(1);
  });

  it('counts POST /api/scans against the same per-key limit as /graphql', async () => {
    const env = testEnv();
    const app = await createApp({
      orm: env.orm,
      areas: env.areas,
      config: { ...env.config, rateLimitPerMinute: 3 },
      now: env.clock.now,
    });
    try {
      const base = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
      const venue = await newVenue();
      const send = (path: string, body: unknown) =>
        fetch(`${base}${path}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${env.tokens.scanSource}`,
          },
          body: JSON.stringify(body),
        });
      expect((await send('/api/scans', scanOf(venue.code))).status).to.equal(200);
      expect((await send('/graphql', { query: '{ me { role } }' })).status).to.equal(200);
      expect((await send('/api/scans', scanOf(venue.code))).status).to.equal(200);
      const refused = await send('/api/scans', scanOf(venue.code));
      expect(refused.status).to.equal(429);
      expect(refused.headers.get('retry-after')).to.match(/^\d+$/);
    } finally {
      await app.close();
      // the key's bucket, drained under this app's limit, is the suite's app's too
      await forgetRateLimits();
    }
  });
});
