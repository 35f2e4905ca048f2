import { expect } from 'chai';
import { REDACTED, redactArguments } from './redact';

const API_KEY = 'qmk_0a1b2c3d_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde';
const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjMifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

describe('redactArguments', () => {
  it('hides passwords, secrets and tokens of any spelling but keeps the email', () => {
    expect(
      redactArguments({
        email: 'can-bo@hanoi.gov.vn',
        password: 'correct horse battery staple',
        newPassword: 'another one',
        clientSecret: 's3cr3t',
        accessToken: 'abc',
        refreshToken: 'def',
        TOKEN: 'ghi',
      }),
    ).to.deep.equal({
      email: 'can-bo@hanoi.gov.vn',
      password: REDACTED,
      newPassword: REDACTED,
      clientSecret: REDACTED,
      accessToken: REDACTED,
      refreshToken: REDACTED,
      TOKEN: REDACTED,
    });
  });

  it('hides phones, registrant names, identifiers and the person looked up, however deep, and keeps the rest', () => {
    const args = {
      id: 'b1f0c2de-0000-4000-8000-000000000001',
      input: {
        name: 'Quán Phở Hàng Bạc',
        wardCode: '00001',
        registrantName: 'Nguyễn Văn An',
        registrantPhone: '0912 345 678',
        contacts: [{ phoneNumber: '+84912345678', label: 'chủ quán' }],
      },
      filter: { personId: 'p-1', subject: '079201000001', identifier: '079201000001' },
    };
    expect(redactArguments(args)).to.deep.equal({
      id: 'b1f0c2de-0000-4000-8000-000000000001',
      input: {
        name: 'Quán Phở Hàng Bạc',
        wardCode: '00001',
        registrantName: REDACTED,
        registrantPhone: REDACTED,
        contacts: [{ phoneNumber: REDACTED, label: 'chủ quán' }],
      },
      filter: { personId: REDACTED, subject: REDACTED, identifier: REDACTED },
    });
  });

  it('hides a whole object or list held under a secret name', () => {
    expect(redactArguments({ tokens: ['a', 'b'], secret: { value: 'x' } })).to.deep.equal({
      tokens: REDACTED,
      secret: REDACTED,
    });
  });

  it('catches an API key or a JWT in any string, whatever the argument is called', () => {
    expect(
      redactArguments({
        id: API_KEY,
        key: API_KEY,
        reason: `leaked: ${API_KEY}`,
        note: `Bearer ${JWT}`,
        list: ['fine', JWT],
        plain: 'qmk is a prefix we use',
      }),
    ).to.deep.equal({
      id: REDACTED,
      key: REDACTED,
      reason: REDACTED,
      note: REDACTED,
      list: ['fine', REDACTED],
      plain: 'qmk is a prefix we use',
    });
    expect(redactArguments(API_KEY)).to.equal(REDACTED);
  });

  it('writes dates as ISO strings and keeps numbers, booleans and nulls', () => {
    expect(
      redactArguments({
        closedAt: new Date('2021-08-09T03:00:00Z'),
        first: 20,
        isAgencyHeadquarters: false,
        reason: null,
        registrantPhone: null,
      }),
    ).to.deep.equal({
      closedAt: '2021-08-09T03:00:00.000Z',
      first: 20,
      isAgencyHeadquarters: false,
      reason: null,
      registrantPhone: null,
    });
  });

  it('copies: the arguments it was given are left as they were', () => {
    const input = Object.assign(Object.create(null), { password: 'p', nested: { phone: '1' } });
    const copy = redactArguments({ input }) as any;
    expect(input.password).to.equal('p');
    expect(input.nested.phone).to.equal('1');
    expect(copy.input).to.deep.equal({ password: REDACTED, nested: { phone: REDACTED } });
    expect(JSON.parse(JSON.stringify(copy))).to.deep.equal(copy);
  });
});
