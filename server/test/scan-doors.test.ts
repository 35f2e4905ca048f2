import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { signCodePayload } from '../src/codes/code-payload';
import { registerVenue } from './factories';
import { graphql, graphqlData, resetData, testEnv } from './harness';

/**
 * One table of malformed scans, each sent in a batch with one good scan through both doors:
 * POST /api/scans and recordScans (with the scans as variables, and written into the query's
 * text). An app must get the same answer for an item whichever door it used.
 */
const NOW = '2021-08-12T10:00:00+07:00';
const MISSING = Symbol('missing');

const RESULT_FIELDS =
  'accepted duplicates rejected { index reason message } results { index id status reason }';
const RECORD_SCANS = `mutation($scans: [ScanInput!]!) { recordScans(scans: $scans) { ${RESULT_FIELDS} } }`;

interface Row {
  /** The field changed: `healthDeclaration.symptoms` changes a member of a declaration. */
  path: string;
  value: unknown;
  why: string;
  /** The field the message must name, when not `path`. */
  names?: string;
  /** Not malformed: a field with a default, or an answer the app may leave out. */
  accepted?: true;
}

const ANY_TYPE = (path: string, valid: unknown): Row[] => [
  { path, value: MISSING, why: 'left out' },
  { path, value: null, why: 'null' },
  { path, value: 42, why: 'a number' },
  { path, value: true, why: 'a boolean' },
  { path, value: { value: valid }, why: 'an object' },
  { path, value: [valid], why: 'an array holding a good value' },
  { path, value: '', why: 'empty' },
];

const ANSWER = (path: string): Row[] => [
  { path, value: MISSING, why: 'left out' },
  { path, value: null, why: 'null' },
  { path, value: 'false', why: 'a string' },
  { path, value: 0, why: 'a number' },
  { path, value: { answer: false }, why: 'an object' },
  { path, value: [false], why: 'an array' },
];

const ROWS: Row[] = [
  ...ANY_TYPE('id', randomUUID()),
  { path: 'id', value: 'scan-14', why: 'not a UUID' },
  { path: 'id', value: `${randomUUID()}0`, why: 'a UUID with a character too many' },
  { path: 'id', value: ` ${randomUUID()}`, why: 'a UUID with a space before it' },

  ...ANY_TYPE('code', 'QM1.x'),

  ...ANY_TYPE('scannedAt', '2021-08-12T09:00:00+07:00'),
  { path: 'scannedAt', value: 1_628_733_600_000, why: 'milliseconds since 1970' },
  { path: 'scannedAt', value: 'yesterday', why: 'not a time' },
  { path: 'scannedAt', value: '2021-08-12T09:00:00', why: 'without its offset' },
  { path: 'scannedAt', value: '2021-08-12', why: 'a day without a time' },
  { path: 'scannedAt', value: '2021-02-30T09:00:00+07:00', why: 'a day that does not exist' },
  { path: 'scannedAt', value: '2021-08-12T24:00:00+07:00', why: 'hour 24' },
  { path: 'scannedAt', value: '2021-08-12T09:00:00+15:00', why: 'an offset past 14 hours' },

  ...ANY_TYPE('direction', 'IN').map((row): Row =>
    row.value === MISSING || row.value === null ? { ...row, accepted: true } : row,
  ),
  { path: 'direction', value: 'in', why: 'in lower case' },
  { path: 'direction', value: 'SIDEWAYS', why: 'an unknown value' },
  { path: 'direction', value: 'OUT', why: 'OUT', accepted: true },

  ...ANY_TYPE('method', 'VISITOR_SCANNED_VENUE'),
  { path: 'method', value: 'TELEPATHY', why: 'an unknown value' },
  { path: 'method', value: 'visitor_scanned_venue', why: 'in lower case' },
  { path: 'method', value: 'MANUAL_ENTRY', why: 'MANUAL_ENTRY', accepted: true },

  ...ANY_TYPE('person', '0912345678'),
  { path: 'person', value: 912_345_678, why: 'a phone number as a number' },
  { path: 'person', value: '12345', why: 'five digits, one too few' },
  { path: 'person', value: '1'.repeat(21), why: '21 digits, one too many' },
  { path: 'person', value: '09-12', why: 'too short once the dash is taken out' },
  { path: 'person', value: '0912 345 678!', why: 'with a character that is not a letter or digit' },
  { path: 'person', value: '0912 345.678', why: 'with spaces and dots', accepted: true },

  { path: 'healthDeclaration', value: MISSING, why: 'left out', accepted: true },
  { path: 'healthDeclaration', value: null, why: 'null', accepted: true },
  { path: 'healthDeclaration', value: 'none', why: 'a string' },
  { path: 'healthDeclaration', value: false, why: 'a boolean' },
  { path: 'healthDeclaration', value: 0, why: 'a number' },
  { path: 'healthDeclaration', value: [false, false, false], why: 'an array of three answers' },
  {
    path: 'healthDeclaration',
    value: {},
    why: 'an object without answers',
    names: 'healthDeclaration.symptoms',
  },
  ...ANSWER('healthDeclaration.symptoms'),
  ...ANSWER('healthDeclaration.contactWithCase'),
  ...ANSWER('healthDeclaration.recentTravel'),
];

let code: string;
let personCounter = 0;

function goodScan(): Record<string, unknown> {
  return {
    id: randomUUID(),
    code,
    scannedAt: '2021-08-12T09:00:00+07:00',
    direction: 'IN',
    method: 'VISITOR_SCANNED_VENUE',
    person: `09${String(++personCounter).padStart(8, '0')}`,
  };
}

/** A good scan (with a fresh id, so that each door stores its own) with the row's change. */
function scanOf(row: Row): Record<string, unknown> {
  const scan = goodScan();
  const [field, member] = row.path.split('.');
  let target = scan;
  if (member) {
    target = { symptoms: false, contactWithCase: false, recentTravel: false };
    scan[field] = target;
  }
  const key = member ?? field;
  if (row.value === MISSING) delete target[key];
  else target[key] = row.value;
  return scan;
}

/** A value written as a GraphQL literal, as a client that does not use variables sends it. */
function literal(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const fields = Object.entries(value).map(([key, inner]) => `${key}: ${literal(inner)}`);
    return `{ ${fields.join(', ')} }`;
  }
  return JSON.stringify(value);
}

type Door = (scans: Record<string, unknown>[]) => Promise<any>;

const DOORS: Record<string, Door> = {
  'POST /api/scans': async (scans) => {
    const response = await fetch(`${testEnv().baseUrl}/api/scans`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${testEnv().tokens.scanSource}`,
      },
      body: JSON.stringify({ scans }),
    });
    const body = await response.json();
    expect(response.status, JSON.stringify(body)).to.equal(200);
    return body;
  },
  'recordScans, scans as variables': async (scans) => {
    const answer = await graphql<any>(RECORD_SCANS, { scans }, 'scanSource');
    expect(answer.errors, JSON.stringify(answer.errors)).to.equal(undefined);
    return answer.data!.recordScans;
  },
  'recordScans, scans in the query': async (scans) => {
    const query = `mutation { recordScans(scans: ${literal(scans)}) { ${RESULT_FIELDS} } }`;
    const answer = await graphql<any>(query, undefined, 'scanSource');
    expect(answer.errors, JSON.stringify(answer.errors)).to.equal(undefined);
    return answer.data!.recordScans;
  },
};

/** What an app sees of one item, with the door's own ids put back to the row's placeholders. */
function itemAnswer(answer: any, index: number, sent: Record<string, unknown>) {
  const result = answer.results.find((r: any) => r.index === index);
  const rejection = answer.rejected.find((r: any) => r.index === index);
  const ownId = typeof sent.id === 'string' ? sent.id.toLowerCase() : undefined;
  return {
    id: result.id === null ? null : result.id === ownId ? '(its own id)' : result.id,
    status: result.status,
    reason: result.reason ?? null,
    rejection: rejection ? { reason: rejection.reason, message: rejection.message } : null,
  };
}

describe('scan doors: a malformed item gets the same answer through POST /api/scans and recordScans', () => {
  before(async () => {
    await resetData();
    testEnv().clock.set(NOW);
    const venueId = await registerVenue({ registeredAt: '2021-07-01T08:00:00+07:00' });
    const data = await graphqlData<any>(
      'query($id: ID!) { venue(id: $id) { currentCode { version keyId } } }',
      { id: venueId },
    );
    const { version, keyId } = data.venue.currentCode;
    code = signCodePayload(testEnv().config.codeSigningKeys, { venueId, version, keyId });
  });
  after(() => testEnv().clock.reset());

  ROWS.forEach((row, n) => {
    const shown = row.value === MISSING ? '' : ` (${literal(row.value)})`;
    const verdict = row.accepted ? 'accepted' : `MALFORMED_ITEM naming ${row.names ?? row.path}`;
    it(`${row.path} ${row.why}${shown}: ${verdict}`, async () => {
      // the item goes first or second, so that its index is the door's to keep
      const at = n % 2;
      const answers = [];
      for (const [door, send] of Object.entries(DOORS)) {
        const item = scanOf(row);
        const good = goodScan();
        const batch = at === 0 ? [item, good] : [good, item];
        const answer = await send(batch);
        expect(answer.results, door).to.have.length(2);
        expect(itemAnswer(answer, 1 - at, good), `${door}: the good scan`).to.deep.equal({
          id: '(its own id)',
          status: 'ACCEPTED',
          reason: null,
          rejection: null,
        });
        const accepted = row.accepted ? 2 : 1;
        expect(answer, door).to.include({ accepted, duplicates: 0 });
        answers.push({ door, item: itemAnswer(answer, at, item) });
      }

      const [first, ...others] = answers;
      if (row.accepted) {
        expect(first.item, first.door).to.include({ status: 'ACCEPTED', rejection: null });
      } else {
        expect(first.item.status, first.door).to.equal('REJECTED');
        expect(first.item.reason, first.door).to.equal('MALFORMED_ITEM');
        expect(first.item.rejection?.reason, first.door).to.equal('MALFORMED_ITEM');
        expect(first.item.rejection?.message, first.door).to.match(
          new RegExp(`^${(row.names ?? row.path).replace('.', '\\.')}: .+`),
        );
      }
      for (const other of others) expect(other.item, other.door).to.deep.equal(first.item);
    });
  });

  it('reads unquoted names and variables in a scan written in the query, as when its fields were typed', async () => {
    const taken = goodScan();
    const refused = goodScan();
    const fields = (scan: Record<string, unknown>) =>
      ['id', 'code', 'scannedAt'].map((key) => `${key}: ${literal(scan[key])}`).join(', ');
    const query = `mutation($person: ScanValue, $declaration: ScanValue) { recordScans(scans: [
      { ${fields(taken)}, method: MANUAL_ENTRY, direction: OUT, person: $person, healthDeclaration: $declaration },
      { ${fields(refused)}, method: TELEPATHY, person: $person }
    ]) { ${RESULT_FIELDS} } }`;
    const declaration = { symptoms: true, contactWithCase: false, recentTravel: false };
    const answer = await graphql<any>(query, { person: '0987 654 321', declaration }, 'scanSource');
    expect(answer.errors, JSON.stringify(answer.errors)).to.equal(undefined);
    expect(answer.data!.recordScans.accepted).to.equal(1);
    expect(answer.data!.recordScans.rejected).to.deep.equal([
      {
        index: 1,
        reason: 'MALFORMED_ITEM',
        message: 'method: must be one of VISITOR_SCANNED_VENUE, STAFF_SCANNED_PERSON, MANUAL_ENTRY',
      },
    ]);
    const stored = await testEnv()
      .orm.em.getConnection()
      .execute('select method, direction, reports_risk from scan where id = ?', [taken.id]);
    expect(stored).to.deep.equal([
      { method: 'MANUAL_ENTRY', direction: 'OUT', reports_risk: true },
    ]);

    // a variable inside a field's value would be lost on the way: refused, and nothing stored
    const inside = goodScan();
    const answerInside = await graphql<any>(
      `mutation($symptoms: Boolean) { recordScans(scans: [{ ${fields(inside)}, method: MANUAL_ENTRY, person: "0987654321",
        healthDeclaration: { symptoms: $symptoms, contactWithCase: false, recentTravel: false } }]) { accepted } }`,
      { symptoms: true },
      'scanSource',
    );
    expect(answerInside.data?.recordScans ?? null).to.equal(null);
    expect(answerInside.errors?.[0].message).to.equal(
      "A variable ($symptoms) cannot stand inside a scan field's value: send the whole field, or all the scans, as a variable.",
    );
    const kept = await testEnv()
      .orm.em.getConnection()
      .execute('select count(*)::int as n from scan where id = ?', [inside.id]);
    expect(kept).to.deep.equal([{ n: 0 }]);
  });
});
