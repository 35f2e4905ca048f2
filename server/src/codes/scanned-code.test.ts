import { randomBytes, randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { closeVenue, registerVenue } from '../../test/factories';
import { graphqlData, resetData, testEnv } from '../../test/harness';
import { signCodePayload } from './code-payload';
import { checkScannedCode, checkScannedCodes, type ScannedCodeCheck } from './scanned-code';
import { reissueVenueCode } from './venue-code.service';

/** The payload printed on a venue's poster now, as the API hands it out. */
async function currentPayload(venueId: string): Promise<string> {
  const data = await graphqlData<any>(
    'query($id: ID!) { venue(id: $id) { currentCode { payload } } }',
    { id: venueId },
  );
  return data.venue.currentCode.payload;
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * For the character at `i`: another one its field allows (the version is base 36, the other
 * fields base64url), or null for the fixed prefix and separators; and one no field allows.
 */
function replacements(payload: string, i: number): { inField: string | null; outside: string } {
  const swap = (ch: string) => payload.slice(0, i) + ch + payload.slice(i + 1);
  const field = payload.slice(0, i).split('.').length - 1;
  const original = payload[i];
  let inField: string | null = null;
  if (field > 0 && original !== '.') {
    const alphabet = (field === 2 ? BASE36 : BASE64URL).replace(original, '');
    inField = swap(alphabet[(i * 7) % alphabet.length]);
  }
  return { inField, outside: swap('~') };
}

/** A check's answer without the venue's registration time (asserted once, above). */
function withoutRegistration(check: ScannedCodeCheck) {
  if (!check.ok) return check;
  return { ok: true, venueId: check.venueId, version: check.version, wardCode: check.wardCode };
}

describe('checkScannedCode: a scanned payload against the signing keys and the database', () => {
  let venueId: string;
  let payload: string;

  before(async () => {
    await resetData();
    venueId = await registerVenue({
      name: 'Quán Phở Bát Đàn',
      wardCode: '00001',
      registeredAt: '2021-08-01T08:00:00+07:00',
    });
    payload = await currentPayload(venueId);
  });

  it("accepts a venue's current payload, naming the venue, version, ward and registration", async () => {
    const { orm, config } = testEnv();
    expect(await checkScannedCode(orm, config.codeSigningKeys, payload)).to.deep.equal({
      ok: true,
      venueId,
      version: 1,
      wardCode: '00001',
      registeredAt: new Date('2021-08-01T08:00:00+07:00'),
    });
  });

  it('rejects a payload with any one character changed, at every position, as forged or malformed', async () => {
    const { orm, config } = testEnv();
    let checked = 0;
    for (let i = 0; i < payload.length; i++) {
      const { inField, outside } = replacements(payload, i);
      // inside the venue, version, key id or signature the shape still holds: only the signature
      // can tell, so it is forged; the prefix and the separators are the shape
      const changed = inField ?? `${payload.slice(0, i)}X${payload.slice(i + 1)}`;
      expect(
        await checkScannedCode(orm, config.codeSigningKeys, changed),
        `position ${i}: ${changed}`,
      ).to.deep.equal({ ok: false, reason: inField ? 'FORGED_CODE' : 'MALFORMED_CODE' });
      expect(
        await checkScannedCode(orm, config.codeSigningKeys, outside),
        `position ${i}: ${outside}`,
      ).to.deep.equal({ ok: false, reason: 'MALFORMED_CODE' });
      checked += 2;
    }
    expect(checked).to.equal(2 * payload.length);
  });

  it('rejects a payload cut short, lengthened, or not a string as malformed', async () => {
    const { orm, config } = testEnv();
    const results = await checkScannedCodes(orm, config.codeSigningKeys, [
      payload.slice(0, -1),
      `${payload}A`,
      '',
      ` ${payload}`,
      42 as unknown as string,
    ]);
    expect(results.map((r) => !r.ok && r.reason)).to.deep.equal(Array(5).fill('MALFORMED_CODE'));
  });

  it('rejects a well-signed payload for a venue that does not exist, or a version never issued', async () => {
    const { orm, config } = testEnv();
    const keys = config.codeSigningKeys;
    const keyId = config.codeKeyId;
    const unknownVenue = signCodePayload(keys, { venueId: randomUUID(), version: 1, keyId });
    const unknownVersion = signCodePayload(keys, { venueId, version: 9, keyId });
    const hugeVersion = signCodePayload(keys, { venueId, version: 36 ** 6 - 1, keyId });
    expect(
      await checkScannedCodes(orm, keys, [unknownVenue, unknownVersion, hugeVersion]),
    ).to.deep.equal(Array(3).fill({ ok: false, reason: 'UNKNOWN_VENUE' }));
  });

  it('rejects the code of a closed venue, and still accepts a suspended one', async () => {
    const { orm, config } = testEnv();
    const closing = await registerVenue({
      wardCode: '00004',
      registeredAt: '2021-08-01T08:00:00+07:00',
    });
    const suspended = await registerVenue({ wardCode: '00004' });
    const closingPayload = await currentPayload(closing);
    const suspendedPayload = await currentPayload(suspended);
    await closeVenue(closing, '2021-08-10T08:00:00+07:00');
    await graphqlData(
      'mutation($id: ID!) { updateVenue(id: $id, input: { status: SUSPENDED }) { id } }',
      {
        id: suspended,
      },
    );
    expect(await checkScannedCode(orm, config.codeSigningKeys, closingPayload)).to.deep.equal({
      ok: false,
      reason: 'CLOSED_VENUE',
    });
    expect(await checkScannedCode(orm, config.codeSigningKeys, suspendedPayload)).to.include({
      ok: true,
      venueId: suspended,
      wardCode: '00004',
    });
  });

  it('answers a batch in its own order, repeated payloads included', async () => {
    const { orm, config } = testEnv();
    const other = await registerVenue({ wardCode: '00037' });
    const otherPayload = await currentPayload(other);
    const forged = payload.slice(0, -2) + (payload.endsWith('AA') ? 'BB' : 'AA');
    const results = await checkScannedCodes(orm, config.codeSigningKeys, [
      otherPayload,
      forged,
      payload,
      otherPayload,
      'not a code',
    ]);
    expect(results.map(withoutRegistration)).to.deep.equal([
      { ok: true, venueId: other, version: 1, wardCode: '00037' },
      { ok: false, reason: 'FORGED_CODE' },
      { ok: true, venueId, version: 1, wardCode: '00001' },
      { ok: true, venueId: other, version: 1, wardCode: '00037' },
      { ok: false, reason: 'MALFORMED_CODE' },
    ]);
    expect(await checkScannedCodes(orm, config.codeSigningKeys, [])).to.deep.equal([]);
  });
});

describe('venue codes across a key rotation', () => {
  const OLD = 'k1';
  const NEW = 'k2';
  const NEW_SECRET = randomBytes(32);
  let oldKeyOnly: string;
  let rotated: string;
  let rotatedOldPayload: string;

  before(async () => {
    await resetData();
    expect(testEnv().config.codeKeyId, 'the test app signs new codes with k1').to.equal(OLD);
    oldKeyOnly = await registerVenue({ name: 'Cửa hàng chưa in lại mã' });
    rotated = await registerVenue({ name: 'Cửa hàng đã in lại mã' });
    rotatedOldPayload = await currentPayload(rotated);
  });

  /** The server's keys after the operator adds `k2` and makes it the key for new codes. */
  const bothKeys = () => {
    const keys = new Map(testEnv().config.codeSigningKeys);
    keys.set(NEW, NEW_SECRET);
    return keys;
  };

  it('keeps accepting codes signed with an old key id while that key is still configured', async () => {
    const { orm, config, areas } = testEnv();
    await reissueVenueCode(
      { em: orm.em.fork(), areas, now: new Date(), codeKeyId: NEW, scope: undefined },
      rotated,
    );
    const keys = bothKeys();
    const newPayload = signCodePayload(keys, { venueId: rotated, version: 2, keyId: NEW });
    const untouched = signCodePayload(keys, { venueId: oldKeyOnly, version: 1, keyId: OLD });
    expect(untouched).to.equal(await currentPayload(oldKeyOnly));
    const results = await checkScannedCodes(orm, keys, [untouched, newPayload, rotatedOldPayload]);
    expect(results.map(withoutRegistration)).to.deep.equal([
      { ok: true, venueId: oldKeyOnly, version: 1, wardCode: '00001' },
      { ok: true, venueId: rotated, version: 2, wardCode: '00001' },
      { ok: false, reason: 'REVOKED_CODE' },
    ]);
    // the app's own keys do not know k2 yet: its new version cannot be read there
    expect(await checkScannedCode(orm, config.codeSigningKeys, newPayload)).to.deep.equal({
      ok: false,
      reason: 'FORGED_CODE',
    });
  });

  it('rejects codes signed with a key once it is retired from the map, as forged', async () => {
    const { orm } = testEnv();
    const keys = bothKeys();
    const untouched = signCodePayload(keys, { venueId: oldKeyOnly, version: 1, keyId: OLD });
    const newPayload = signCodePayload(keys, { venueId: rotated, version: 2, keyId: NEW });
    // checked, and remembered as good, while its key was still there
    expect((await checkScannedCodes(orm, keys, [untouched]))[0].ok).to.equal(true);
    keys.delete(OLD);
    expect(
      (await checkScannedCodes(orm, keys, [untouched, rotatedOldPayload, newPayload])).map(
        withoutRegistration,
      ),
    ).to.deep.equal([
      { ok: false, reason: 'FORGED_CODE' },
      { ok: false, reason: 'FORGED_CODE' },
      { ok: true, venueId: rotated, version: 2, wardCode: '00001' },
    ]);
  });

  it('rejects a version signed with another of our keys than the one it was issued with', async () => {
    const { orm } = testEnv();
    const keys = bothKeys();
    // version 2 was issued under k2; the same claims under k1 never left the server
    const wrongKey = signCodePayload(keys, { venueId: rotated, version: 2, keyId: OLD });
    expect(await checkScannedCode(orm, keys, wrongKey)).to.deep.equal({
      ok: false,
      reason: 'FORGED_CODE',
    });
  });
});
