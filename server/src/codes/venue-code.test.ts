import { expect } from 'chai';
import { closeVenue, registerVenue } from '../../test/factories';
import { graphql, graphqlData, resetData, testEnv } from '../../test/harness';
import { queryRows } from '../db/sql';
import { signCodePayload, verifyCodePayload } from './code-payload';
import { checkScannedCode } from './scanned-code';

const CURRENT =
  'query($id: ID!) { venue(id: $id) { currentCode { version keyId payload issuedAt revokedAt } } }';
const REISSUE = `mutation($id: ID!) { reissueVenueCode(id: $id) {
  id status currentCode { version keyId payload issuedAt revokedAt } } }`;
const MISSING_ID = '0b7e8c1e-5a2f-4c3d-9e8f-123456789abc';

async function currentCode(id: string): Promise<any> {
  return (await graphqlData<any>(CURRENT, { id })).venue.currentCode;
}

async function storedVersions(venueId: string) {
  return queryRows<{ version: number; keyId: string; revokedAt: string | null }>(
    testEnv().orm,
    `select version, key_id as "keyId", revoked_at as "revokedAt" from venue_code
     where venue_id = $1 order by version`,
    [venueId],
  );
}

describe('VenueCode.payload', () => {
  before(resetData);

  it("is the venue's signed payload for its version and key, and checks out as that venue's", async () => {
    const { config, orm } = testEnv();
    const id = await registerVenue({ wardCode: '00004' });
    const code = await currentCode(id);
    expect(code).to.include({ version: 1, keyId: config.codeKeyId, revokedAt: null });
    expect(code.payload).to.equal(
      signCodePayload(config.codeSigningKeys, { venueId: id, version: 1, keyId: config.codeKeyId }),
    );
    expect(verifyCodePayload(config.codeSigningKeys, code.payload)).to.deep.equal({
      ok: true,
      venueId: id,
      version: 1,
      keyId: config.codeKeyId,
    });
    // short enough for a version-4 QR code, whose modules stay large on a 15 cm print
    expect(code.payload.length).to.be.at.most(62);
    expect(await checkScannedCode(orm, config.codeSigningKeys, code.payload)).to.include({
      ok: true,
    });
  });

  it('is the same payload every time it is asked for (nothing random is signed)', async () => {
    const id = await registerVenue();
    expect((await currentCode(id)).payload).to.equal((await currentCode(id)).payload);
  });
});

describe('Mutation.reissueVenueCode', () => {
  before(resetData);
  afterEach(() => testEnv().clock.reset());

  it('revokes the code in force and issues the next version, so old posters are refused', async () => {
    const { config, orm, clock } = testEnv();
    const id = await registerVenue({
      wardCode: '00001',
      registeredAt: '2021-08-01T08:00:00+07:00',
    });
    const first = await currentCode(id);
    clock.set('2021-08-09T10:00:00+07:00');

    const second = (await graphqlData<any>(REISSUE, { id })).reissueVenueCode;
    expect(second.id).to.equal(id);
    expect(second.currentCode).to.include({
      version: 2,
      keyId: config.codeKeyId,
      issuedAt: '2021-08-09T03:00:00.000Z',
      revokedAt: null,
    });
    expect(second.currentCode.payload).to.not.equal(first.payload);
    expect(await checkScannedCode(orm, config.codeSigningKeys, first.payload)).to.deep.equal({
      ok: false,
      reason: 'REVOKED_CODE',
    });
    expect(
      await checkScannedCode(orm, config.codeSigningKeys, second.currentCode.payload),
    ).to.deep.include({ ok: true, venueId: id, version: 2, wardCode: '00001' });

    const third = (await graphqlData<any>(REISSUE, { id })).reissueVenueCode.currentCode;
    expect(third.version).to.equal(3);
    expect(new Set([first.payload, second.currentCode.payload, third.payload]).size).to.equal(3);
    expect(
      await checkScannedCode(orm, config.codeSigningKeys, second.currentCode.payload),
    ).to.deep.equal({ ok: false, reason: 'REVOKED_CODE' });
    const stored = await storedVersions(id);
    expect(stored.map((v) => v.version)).to.deep.equal([1, 2, 3]);
    expect(stored.map((v) => v.revokedAt && new Date(v.revokedAt).toISOString())).to.deep.equal([
      '2021-08-09T03:00:00.000Z',
      '2021-08-09T03:00:00.000Z',
      null,
    ]);
    expect((await currentCode(id)).payload).to.equal(third.payload);
  });

  it('makes successive versions when two reissues of one venue race', async () => {
    const id = await registerVenue();
    const results = await Promise.all([graphql(REISSUE, { id }), graphql(REISSUE, { id })]);
    for (const result of results)
      expect(result.errors, JSON.stringify(result.errors)).to.equal(undefined);
    const stored = await storedVersions(id);
    expect(stored.map((v) => v.version)).to.deep.equal([1, 2, 3]);
    expect(stored.filter((v) => v.revokedAt === null).map((v) => v.version)).to.deep.equal([3]);
    // each answer shows the code in force when it was read: its own version, or the other
    // reissue's if that one committed first
    const shown = results.map((r) => r.data!.reissueVenueCode.currentCode.version);
    for (const version of shown) expect(version).to.be.oneOf([2, 3]);
    expect(Math.max(...shown)).to.equal(3);
  });

  it('lets an officer reissue in their own area only, and changes nothing when refused', async () => {
    const inPhucXa = await registerVenue({ wardCode: '00001' });
    const refused = await graphql(REISSUE, { id: inPhucXa }, 'hoanKiem');
    expect(refused.errors?.[0].extensions?.code).to.equal('FORBIDDEN');
    expect(refused.errors?.[0].message).to.include('outside your area');
    expect((await currentCode(inPhucXa)).version).to.equal(1);
    const allowed = await graphqlData<any>(REISSUE, { id: inPhucXa }, 'phucXa');
    expect(allowed.reissueVenueCode.currentCode.version).to.equal(2);
  });

  it('answers NOT_FOUND for an unknown venue and BAD_USER_INPUT for an id that is no UUID', async () => {
    const missing = await graphql(REISSUE, { id: MISSING_ID });
    expect(missing.errors?.[0].extensions).to.include({ code: 'NOT_FOUND', field: 'id' });
    const malformed = await graphql(REISSUE, { id: 'venue-1' });
    expect(malformed.errors?.[0].extensions).to.include({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(malformed.errors?.[0].message).to.include('UUID');
  });

  it('refuses a closed venue with CONFLICT, leaving its codes as they were', async () => {
    const id = await registerVenue({ registeredAt: '2021-08-01T08:00:00+07:00' });
    await closeVenue(id, '2021-08-05T08:00:00+07:00');
    const result = await graphql(REISSUE, { id });
    expect(result.errors?.[0].extensions).to.include({ code: 'CONFLICT', field: 'id' });
    expect(result.errors?.[0].message).to.include('closed');
    expect((await storedVersions(id)).map((v) => [v.version, v.revokedAt])).to.deep.equal([
      [1, null],
    ]);
  });
});
