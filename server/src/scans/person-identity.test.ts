import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import {
  decryptJson,
  decryptPersonId,
  encryptJson,
  encryptPersonId,
  hashPersonId,
} from './person-identity';

describe('person identity sealing', () => {
  const key = randomBytes(32);

  it('seals a health declaration so that its bytes do not show it, and opens it again', () => {
    const declaration = { symptoms: true, contactWithCase: false, recentTravel: false };
    const sealed = encryptJson(key, declaration);
    expect(sealed.includes(Buffer.from('symptoms'))).to.equal(false);
    expect(sealed.includes(Buffer.from('true'))).to.equal(false);
    expect(decryptJson(key, sealed)).to.deep.equal(declaration);
    // a fresh IV each time: equal declarations do not look equal
    expect(encryptJson(key, declaration).equals(sealed)).to.equal(false);
  });

  it('never uses a nonce twice, across refills of its pool of random nonces', () => {
    const nonces = new Set(
      Array.from({ length: 3_000 }, () =>
        encryptPersonId(key, '0912345678').subarray(0, 12).toString('hex'),
      ),
    );
    expect(nonces.size).to.equal(3_000);
  });

  it('refuses a sealed value that was altered, or opened with another key', () => {
    const sealed = encryptJson(key, { symptoms: false });
    const altered = Buffer.from(sealed);
    altered[altered.length - 1] ^= 1;
    expect(() => decryptJson(key, altered)).to.throw();
    expect(() => decryptJson(randomBytes(32), sealed)).to.throw();
  });

  it('opens an identifier as the person gave it, without separators', () => {
    expect(decryptPersonId(key, encryptPersonId(key, '0912 345-678'))).to.equal('0912345678');
    expect(decryptPersonId(key, encryptPersonId(key, '001 201.000-001'))).to.equal('001201000001');
  });

  it('matches one phone however it is written, and tells different people apart', () => {
    const same = ['0912345678', '+84 912 345 678', '84912345678'].map((p) => hashPersonId(key, p));
    expect(same[1].equals(same[0])).to.equal(true);
    expect(same[2].equals(same[0])).to.equal(true);
    expect(hashPersonId(key, '0912345679').equals(same[0])).to.equal(false);
  });
});
