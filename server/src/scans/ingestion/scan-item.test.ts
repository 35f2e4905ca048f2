import { expect } from 'chai';
import { parseInstant, parseScanItem } from './scan-item';

const GOOD = {
  id: '0B1F8A52-3C4D-4E5F-8A6B-7C8D9E0F1A2B',
  code: 'QM1.anything',
  scannedAt: '2021-08-09T08:30:00+07:00',
  method: 'VISITOR_SCANNED_VENUE',
  person: '0912 345.678',
};

function failure(raw: unknown) {
  const parsed = parseScanItem(raw);
  if (parsed.ok) throw new Error(`expected ${JSON.stringify(raw)} to be malformed`);
  return parsed;
}

describe('parseScanItem', () => {
  it('reads a well-formed scan: lower-case id, direction IN by default, canonical person', () => {
    const parsed = parseScanItem(GOOD);
    expect(parsed.ok).to.equal(true);
    if (!parsed.ok) return;
    expect(parsed.item).to.deep.equal({
      id: '0b1f8a52-3c4d-4e5f-8a6b-7c8d9e0f1a2b',
      code: 'QM1.anything',
      scannedAt: new Date('2021-08-09T01:30:00Z'),
      direction: 'IN',
      method: 'VISITOR_SCANNED_VENUE',
      person: '0912345678',
      healthDeclaration: null,
    });
  });

  it('keeps only the three answers of a health declaration', () => {
    const parsed = parseScanItem({
      ...GOOD,
      direction: 'OUT',
      healthDeclaration: { symptoms: false, contactWithCase: true, recentTravel: false, note: 'x' },
    });
    expect(parsed.ok && parsed.item.healthDeclaration).to.deep.equal({
      symptoms: false,
      contactWithCase: true,
      recentTravel: false,
    });
    expect(parsed.ok && parsed.item.direction).to.equal('OUT');
  });

  it('names the field at fault, and keeps the id when it was usable', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...GOOD, id: 'scan-1' }, 'id'],
      [{ ...GOOD, id: undefined }, 'id'],
      [{ ...GOOD, code: 42 }, 'code'],
      [{ ...GOOD, code: '' }, 'code'],
      [{ ...GOOD, scannedAt: '2021-08-09T08:30:00' }, 'scannedAt'],
      [{ ...GOOD, scannedAt: 1628472600000 }, 'scannedAt'],
      [{ ...GOOD, direction: 'in' }, 'direction'],
      [{ ...GOOD, method: undefined }, 'method'],
      [{ ...GOOD, method: 'TELEPATHY' }, 'method'],
      [{ ...GOOD, person: '12345' }, 'person'],
      [{ ...GOOD, person: '1'.repeat(21) }, 'person'],
      [{ ...GOOD, person: 'nguyễn' }, 'person'],
      [{ ...GOOD, person: 912345678 }, 'person'],
      [{ ...GOOD, healthDeclaration: true }, 'healthDeclaration'],
      [{ ...GOOD, healthDeclaration: { symptoms: true } }, 'healthDeclaration.contactWithCase'],
      [
        {
          ...GOOD,
          healthDeclaration: { symptoms: 'no', contactWithCase: false, recentTravel: false },
        },
        'healthDeclaration.symptoms',
      ],
    ];
    for (const [raw, field] of cases) {
      const parsed = failure(raw);
      expect(parsed.field, JSON.stringify(raw)).to.equal(field);
      expect(parsed.message).to.match(new RegExp(`^${field.replace('.', '\\.')}: `));
      expect(parsed.id).to.equal(field === 'id' ? null : '0b1f8a52-3c4d-4e5f-8a6b-7c8d9e0f1a2b');
    }
  });

  it('counts a person identifier without its spaces, dots and dashes: 6 to 20 characters', () => {
    expect(parseScanItem({ ...GOOD, person: '12-34-56' }).ok).to.equal(true);
    expect(parseScanItem({ ...GOOD, person: '+84 912 345 678' }).ok).to.equal(true);
    expect(parseScanItem({ ...GOOD, person: 'b1234567' }).ok).to.equal(true);
    expect(parseScanItem({ ...GOOD, person: '1.2.3.4.5' }).ok).to.equal(false);
    expect(parseScanItem({ ...GOOD, person: '1'.repeat(20) }).ok).to.equal(true);
  });

  it('refuses what is not an object', () => {
    for (const raw of [null, 'scan', 3, [GOOD]]) {
      expect(failure(raw)).to.include({ field: 'scan', id: null });
    }
  });
});

describe('parseInstant', () => {
  it('reads ISO 8601 times with an offset, to the millisecond', () => {
    expect(parseInstant('2021-08-09T23:59:59+07:00')).to.deep.equal(
      new Date('2021-08-09T16:59:59Z'),
    );
    expect(parseInstant('2021-08-09T16:59:59Z')).to.deep.equal(new Date('2021-08-09T16:59:59Z'));
    expect(parseInstant('2021-08-09T16:59:59.123456z')).to.deep.equal(
      new Date('2021-08-09T16:59:59.123Z'),
    );
    expect(parseInstant('2021-08-09T09:00-0700')).to.deep.equal(new Date('2021-08-09T16:00:00Z'));
  });

  it('refuses times without an offset and days or hours that do not exist', () => {
    for (const text of [
      '2021-08-09T08:30:00',
      '2021-08-09',
      '2021-02-29T08:00:00+07:00',
      '2021-04-31T08:00:00+07:00',
      '2021-08-09T24:00:00+07:00',
      '2021-08-09T08:60:00+07:00',
      '2021-08-09T08:30:00+15:00',
      'yesterday',
    ]) {
      expect(parseInstant(text), text).to.equal(undefined);
    }
    expect(parseInstant('2024-02-29T08:00:00+07:00')).to.be.instanceOf(Date);
  });
});
