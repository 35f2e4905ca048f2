import { expect } from 'chai';
import { normalizeVietnameseMobile } from './phone';

describe('normalizeVietnameseMobile', () => {
  it('accepts 0, 84 and +84 prefixes with separators', () => {
    for (const raw of [
      '0912345678',
      '0912 345 678',
      '84912345678',
      '+84 912-345-678',
      '(+84) 912.345.678',
    ]) {
      expect(normalizeVietnameseMobile(raw), raw).to.equal('+84912345678');
    }
  });

  it('rejects landlines, short numbers and letters', () => {
    for (const raw of ['0243826xxxx', '02438261234', '091234567', '09123456789', '123', '']) {
      expect(normalizeVietnameseMobile(raw), raw).to.equal(undefined);
    }
  });
});
