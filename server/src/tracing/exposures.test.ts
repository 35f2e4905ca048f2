import { expect } from 'chai';
import { queryRows } from '../db/sql';
import { graphql, graphqlData, resetData, testEnv, type CallerName } from '../../test/harness';
import { addScans, registerVenue } from '../../test/factories';

/**
 * Exposure tracing over HTTP, as a tracing team asks it. The fixture is one local day
 * (2021-08-10, Asia/Ho_Chi_Minh) at three venues, small enough to check each overlap by hand;
 * the default stay is config's 60 minutes.
 */

const EXPOSURES = `query Trace($subject: String!, $from: DateTime!, $to: DateTime!) {
  exposures(subject: $subject, from: $from, to: $to) {
    subject from to contacts
    visits {
      venue { id name ward { code } district { code } }
      start end checkedOut
      peoplePresent { identifier overlapStart overlapEnd reportsRisk }
    }
  } }`;

/** An instant of local time, as UTC ISO (how DateTime comes back). */
const t = (hhmm: string, day = '2021-08-10') => new Date(`${day}T${hhmm}:00+07:00`).toISOString();
const local = (hhmm: string, day = '2021-08-10') => `${day}T${hhmm}:00+07:00`;

const WINDOW = { from: local('00:00'), to: local('00:00', '2021-08-11') };

/** The subject, written as a tracer might type it, and as identifiers are stored. */
const SUBJECT = '0912 000 001';
const SUBJECT_ID = '0912000001';
const P1 = '0912000011';
/** A citizen ID number rather than a phone. */
const P2 = '001099012345';
const P3 = '0912000013';
const P4 = '0912000014';
const P5 = '0912000015';
const P6 = '0912000016';
const P7 = '0912000017';
const P8 = '0912000018';
const P9 = '0912000019';
const P10 = '0912000020';
const P11 = '0912000021';

const venue: Record<'a' | 'b' | 'c', string> = { a: '', b: '', c: '' };

async function trace(
  subject = SUBJECT,
  window: { from: string; to: string } = WINDOW,
  as: CallerName | 'anonymous' = 'tracer',
) {
  return graphql<any>(EXPOSURES, { subject, ...window }, as);
}

describe('exposure tracing (Query.exposures)', () => {
  before(async () => {
    await resetData();
    venue.a = await registerVenue({ name: 'Quán Phở A', wardCode: '00001' });
    venue.b = await registerVenue({ name: 'Cà phê B', wardCode: '00001' });
    venue.c = await registerVenue({ name: 'Siêu thị C', wardCode: '00004' });
    const { a, b, c } = venue;
    const s = (venueId: string, at: string, direction: 'IN' | 'OUT' = 'IN') => ({
      venueId,
      at,
      person: SUBJECT,
      direction,
    });
    await addScans([
      // the subject: a visit before the window, one across its start, then the day
      s(b, local('20:00', '2021-08-09')),
      s(b, local('20:30', '2021-08-09'), 'OUT'),
      s(c, local('23:30', '2021-08-09')),
      s(c, local('00:30'), 'OUT'),
      s(a, local('08:00')),
      s(a, local('09:00'), 'OUT'),
      s(b, local('10:00')), // no check-out: the default stay, to 11:00
      s(c, local('12:00')),
      s(c, local('12:30'), 'OUT'),
      s(a, local('14:00')), // no check-out, and at C from 14:20: the stay is cut there
      s(c, local('14:20')),
      s(c, local('14:40'), 'OUT'),
      s(a, local('08:00', '2021-08-11')), // after the window
    ]);
    const p = (
      person: string,
      venueId: string,
      at: string,
      direction: 'IN' | 'OUT' = 'IN',
      reportsRisk = false,
    ) => ({ venueId, at, person, direction, reportsRisk });
    await addScans([
      // at A during 08:00–09:00
      p(P1, a, local('07:30')),
      p(P1, a, local('08:15'), 'OUT'),
      p(P2, a, local('08:30'), 'IN', true), // no check-out: there until 09:30
      p(P3, a, local('09:00')), // arrives as the subject leaves
      p(P3, a, local('09:30'), 'OUT'),
      p(P4, a, local('06:00')),
      p(P4, a, local('08:00'), 'OUT'), // leaves as the subject arrives
      p(P5, a, local('05:00')), // default stay ends at 06:00
      // at B while the subject is at A: another venue, not a contact
      p(P6, b, local('08:00')),
      p(P6, b, local('09:30'), 'OUT'),
      // at B during 10:00–11:00
      p(P1, b, local('10:30')),
      p(P1, b, local('10:45'), 'OUT'),
      p(P7, b, local('10:59')),
      p(P7, b, local('11:30'), 'OUT'),
      p(P9, b, local('11:00')), // arrives as the subject's default stay ends
      p(P11, b, local('10:10')), // no check-out, but checks in at C at 10:20: left B then
      p(P11, c, local('10:20')),
      p(P11, c, local('10:40'), 'OUT'),
      // at C during 12:00–12:30
      p(P8, c, local('11:00')),
      p(P8, c, local('12:10'), 'OUT'),
      // at A after the subject left for C at 14:20
      p(P10, a, local('14:25')),
      p(P10, a, local('14:50'), 'OUT'),
      // a risk declaration at A on another day
      p(P10, a, local('09:00', '2021-08-11'), 'IN', true),
    ]);
  });

  after(resetData);

  it('lists the visits overlapping the window with the people present at overlapping times', async () => {
    const result = await trace();
    expect(result.errors, JSON.stringify(result.errors)).to.equal(undefined);
    const report = result.data.exposures;
    expect(report.subject).to.equal(SUBJECT_ID);
    expect(report.from).to.equal(t('00:00'));
    expect(report.to).to.equal(t('00:00', '2021-08-11'));
    const visits = report.visits.map((v: any) => ({
      venue: v.venue.id,
      start: v.start,
      end: v.end,
      checkedOut: v.checkedOut,
      people: v.peoplePresent.map((c: any) => [
        c.identifier,
        c.overlapStart,
        c.overlapEnd,
        c.reportsRisk,
      ]),
    }));
    expect(visits).to.deep.equal([
      // began before the window, ended inside it
      {
        venue: venue.c,
        start: t('23:30', '2021-08-09'),
        end: t('00:30'),
        checkedOut: true,
        people: [],
      },
      {
        venue: venue.a,
        start: t('08:00'),
        end: t('09:00'),
        checkedOut: true,
        people: [
          [P1, t('08:00'), t('08:15'), false],
          [P2, t('08:30'), t('09:00'), true],
        ],
      },
      {
        venue: venue.b,
        start: t('10:00'),
        end: t('11:00'),
        checkedOut: false,
        people: [
          [P11, t('10:10'), t('10:20'), false],
          [P1, t('10:30'), t('10:45'), false],
          [P7, t('10:59'), t('11:00'), false],
        ],
      },
      {
        venue: venue.c,
        start: t('12:00'),
        end: t('12:30'),
        checkedOut: true,
        people: [[P8, t('12:00'), t('12:10'), false]],
      },
      { venue: venue.a, start: t('14:00'), end: t('14:20'), checkedOut: false, people: [] },
      { venue: venue.c, start: t('14:20'), end: t('14:40'), checkedOut: true, people: [] },
    ]);
    // P1 was there twice; P3, P4, P5 (touching or earlier), P6 (elsewhere), P9 and P10 (after) were not
    expect(report.contacts).to.equal(5);
  });

  it('gives each venue with its ward and district', async () => {
    const { exposures } = (await trace()).data;
    const a = exposures.visits.find((v: any) => v.venue.id === venue.a).venue;
    expect(a).to.deep.equal({
      id: venue.a,
      name: 'Quán Phở A',
      ward: { code: '00001' },
      district: { code: '001' },
    });
    const c = exposures.visits.find((v: any) => v.venue.id === venue.c).venue;
    expect(c.ward.code).to.equal('00004');
  });

  it('decrypts identifiers to the canonical form the person gave, phone or ID number, never the subject', async () => {
    const { exposures } = (await trace()).data;
    const identifiers = exposures.visits.flatMap((v: any) =>
      v.peoplePresent.map((c: any) => c.identifier),
    );
    expect([...new Set(identifiers)].sort()).to.deep.equal([P1, P2, P7, P8, P11].sort());
    expect(identifiers).to.not.include(SUBJECT_ID);
  });

  it('finds the same person however the subject is written', async () => {
    const plain = (await trace(SUBJECT_ID)).data.exposures;
    const dotted = (await trace('0912.000.001')).data.exposures;
    const spaced = (await trace(SUBJECT)).data.exposures;
    expect(plain.visits).to.have.length(6);
    expect(dotted).to.deep.equal(plain);
    expect(spaced).to.deep.equal(plain);
  });

  it('finds nothing for a person who never scanned, and nothing outside the window', async () => {
    const nobody = (await trace('0987654321')).data.exposures;
    expect(nobody).to.include({ subject: '0987654321', contacts: 0 });
    expect(nobody.visits).to.deep.equal([]);
    const later = (await trace(SUBJECT, { from: local('15:00'), to: local('08:00', '2021-08-11') }))
      .data.exposures;
    expect(later.visits).to.deep.equal([]);
    // the next day's visit is found when the window reaches it: its start is inside
    const nextDay = (
      await trace(SUBJECT, { from: local('08:00', '2021-08-11'), to: local('08:01', '2021-08-11') })
    ).data.exposures;
    expect(nextDay.visits.map((v: any) => [v.venue.id, v.start, v.end])).to.deep.equal([
      [venue.a, t('08:00', '2021-08-11'), t('09:00', '2021-08-11')],
    ]);
  });

  it('is for tracers only', async () => {
    for (const as of [
      'admin',
      'baDinh',
      'hoanKiem',
      'phucXa',
      'integrator',
      'scanSource',
    ] as const) {
      const result = await trace(SUBJECT, WINDOW, as);
      expect(
        result.errors?.map((e) => e.extensions?.code),
        as,
      ).to.deep.equal(['FORBIDDEN']);
      expect(result.data?.exposures ?? null, as).to.equal(null);
    }
    const anonymous = await trace(SUBJECT, WINDOW, 'anonymous');
    expect(anonymous.errors?.map((e) => e.extensions?.code)).to.deep.equal(['UNAUTHENTICATED']);
  });

  describe('arguments', () => {
    async function refusal(subject: string, from: string, to: string) {
      const result = await trace(subject, { from, to });
      expect(result.data?.exposures ?? null).to.equal(null);
      expect(result.errors, JSON.stringify(result)).to.have.length(1);
      return result.errors![0];
    }

    it('refuses a window that ends before or as it starts, naming `to`', async () => {
      for (const to of [local('08:00'), local('07:59')]) {
        const error = await refusal(SUBJECT, local('08:00'), to);
        expect(error.extensions).to.include({ code: 'BAD_USER_INPUT', field: 'to' });
        expect(error.message).to.match(/^to: /);
      }
    });

    it('takes a window of 30 days, and refuses one a second longer, naming `to`', async () => {
      const from = local('00:00', '2021-08-01');
      const ok = await trace(SUBJECT, { from, to: local('00:00', '2021-08-31') });
      expect(ok.errors).to.equal(undefined);
      expect(ok.data.exposures.visits).to.have.length(8);
      const error = await refusal(SUBJECT, from, '2021-08-31T00:00:01+07:00');
      expect(error.extensions).to.include({ code: 'BAD_USER_INPUT', field: 'to' });
      expect(error.message).to.contain('30 days');
    });

    it('refuses a subject shorter than 6 or longer than 20 characters, without repeating it', async () => {
      for (const subject of ['09123', ' 0 9 1 2 3 ', '0'.repeat(21), '']) {
        const error = await refusal(subject, WINDOW.from, WINDOW.to);
        expect(error.extensions, JSON.stringify(subject)).to.include({
          code: 'BAD_USER_INPUT',
          field: 'subject',
        });
        if (subject.trim()) expect(error.message).to.not.contain(subject.trim());
      }
      // 6 and 20 characters are fine
      for (const subject of ['091234', '0'.repeat(20)]) {
        expect((await trace(subject)).errors, subject).to.equal(undefined);
      }
    });

    it('refuses a time that is not an ISO date-time', async () => {
      const error = await refusal(SUBJECT, 'yesterday', WINDOW.to);
      expect(error.extensions?.code).to.equal('BAD_USER_INPUT');
    });
  });

  describe('the audit log', () => {
    let lastId = '0';
    beforeEach(async () => {
      const [row] = await queryRows<{ id: string }>(
        testEnv().orm,
        'select coalesce(max(id), 0)::text as id from audit_log',
      );
      lastId = row.id;
    });
    const newEntries = () =>
      queryRows<any>(
        testEnv().orm,
        `select action, role, actor_label as "actorLabel", arguments, outcome, audit_log::text as "text"
         from audit_log where id > $1::bigint order by id`,
        [lastId],
      );

    it('records every look-up with who asked and the window, the subject hidden', async () => {
      await graphqlData(EXPOSURES, { subject: SUBJECT, ...WINDOW }, 'tracer');
      const [entry, ...rest] = await newEntries();
      expect(rest).to.have.length(0);
      expect(entry).to.include({
        action: 'Query.exposures',
        role: 'TRACER',
        actorLabel: 'tracer@test.quetma.vn',
        outcome: 'OK',
      });
      expect(entry.arguments).to.deep.equal({
        subject: '[REDACTED]',
        from: t('00:00'),
        to: t('00:00', '2021-08-11'),
      });
      expect(entry.text).to.not.contain(SUBJECT_ID).and.not.contain('000 001');
    });

    it('records refused and invalid look-ups too, with their outcome', async () => {
      await trace(SUBJECT, WINDOW, 'admin');
      await trace('09123', WINDOW);
      const entries = await newEntries();
      expect(entries.map((e) => [e.action, e.role, e.outcome, e.arguments.subject])).to.deep.equal([
        ['Query.exposures', 'CITY_ADMIN', 'FORBIDDEN', '[REDACTED]'],
        ['Query.exposures', 'TRACER', 'BAD_USER_INPUT', '[REDACTED]'],
      ]);
    });
  });

  describe('Venue.riskDeclarations', () => {
    const RISK = `query Risk($id: ID!) { venue(id: $id) {
      id today: riskDeclarations(date: "2021-08-10") next: riskDeclarations(date: "2021-08-11")
      before: riskDeclarations(date: "2021-08-09") } }`;

    it("counts a venue's risk declarations per local day, for tracers", async () => {
      const data = await graphqlData<any>(RISK, { id: venue.a }, 'tracer');
      expect(data.venue).to.deep.equal({ id: venue.a, today: 1, next: 1, before: 0 });
      const other = await graphqlData<any>(RISK, { id: venue.b }, 'tracer');
      expect(other.venue).to.include({ today: 0, next: 0, before: 0 });
    });

    it('is on the venues of an exposure report', async () => {
      const data = await graphqlData<any>(
        `query($s: String!, $from: DateTime!, $to: DateTime!) { exposures(subject: $s, from: $from, to: $to) {
           visits { venue { id riskDeclarations(date: "2021-08-10") } } } }`,
        { s: SUBJECT, ...WINDOW },
        'tracer',
      );
      const counts = data.exposures.visits.map((v: any) => [v.venue.id, v.venue.riskDeclarations]);
      expect(counts).to.deep.include([venue.a, 1]);
      expect(counts).to.deep.include([venue.b, 0]);
    });

    it('is refused to everyone else, who may still read the venue', async () => {
      for (const as of ['admin', 'baDinh', 'phucXa', 'integrator'] as const) {
        const result = await graphql<any>(RISK, { id: venue.a }, as);
        expect(
          result.errors?.map((e) => e.extensions?.code),
          as,
        ).to.deep.equal(['FORBIDDEN']);
        const plain = await graphqlData<any>(
          'query($id: ID!) { venue(id: $id) { id } }',
          {
            id: venue.a,
          },
          as,
        );
        expect(plain.venue.id).to.equal(venue.a);
      }
    });
  });
});
