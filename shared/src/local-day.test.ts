import { expect } from 'chai';
import { addDays, isLocalDay, localDayOf, localDayStart } from './local-day';

describe('local days in Asia/Ho_Chi_Minh', () => {
  it('starts a day at 17:00 UTC of the day before', () => {
    expect(localDayStart('2021-08-09').toISOString()).to.equal('2021-08-08T17:00:00.000Z');
  });

  it('puts 23:59 local on that day and 00:00 local on the next', () => {
    expect(localDayOf(new Date('2021-08-09T23:59:59+07:00'))).to.equal('2021-08-09');
    expect(localDayOf(new Date('2021-08-10T00:00:00+07:00'))).to.equal('2021-08-10');
    expect(localDayOf(new Date('2021-08-09T17:00:00Z'))).to.equal('2021-08-10');
  });

  it('adds days across month and year ends', () => {
    expect(addDays('2021-08-31', 1)).to.equal('2021-09-01');
    expect(addDays('2022-01-03', -6)).to.equal('2021-12-28');
  });

  it('accepts only real calendar days', () => {
    expect(isLocalDay('2021-08-09')).to.equal(true);
    expect(isLocalDay('2021-02-29')).to.equal(false);
    expect(isLocalDay('2024-02-29')).to.equal(true);
    expect(isLocalDay('09/08/2021')).to.equal(false);
    expect(() => localDayStart('2021-13-01')).to.throw(RangeError);
  });
});
