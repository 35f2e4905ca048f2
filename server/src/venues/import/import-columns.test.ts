import { expect } from 'chai';
import {
  fieldOfHeader,
  readCategory,
  readRegisteredAt,
  readYesNo,
  restoreLeadingZeros,
} from './import-columns';

describe('import columns and their values', () => {
  it('reads headers in English or Vietnamese, whatever their case, diacritics and punctuation', () => {
    expect(fieldOfHeader('wardCode')).to.equal('wardCode');
    expect(fieldOfHeader('Ward code')).to.equal('wardCode');
    expect(fieldOfHeader('Mã phường/xã')).to.equal('wardCode');
    expect(fieldOfHeader('MA PHUONG XA')).to.equal('wardCode');
    expect(fieldOfHeader('Số điện thoại')).to.equal('registrantPhone');
    expect(fieldOfHeader('so dien thoai')).to.equal('registrantPhone');
    expect(fieldOfHeader('Tên cơ sở')).to.equal('name');
    expect(fieldOfHeader('Ghi chú')).to.equal(undefined);
  });

  it('reads a category by its code, its labels, or a part of a label naming no other', () => {
    expect(readCategory('RESTAURANT')).to.equal('RESTAURANT');
    expect(readCategory('restaurant')).to.equal('RESTAURANT');
    expect(readCategory('Nhà hàng, quán ăn')).to.equal('RESTAURANT');
    expect(readCategory('quan an')).to.equal('RESTAURANT');
    expect(readCategory('Quán cà phê')).to.equal('CAFE');
    expect(readCategory('Apartment building')).to.equal('APARTMENT_BUILDING');
    expect(readCategory('Chung cư')).to.equal('APARTMENT_BUILDING');
    expect(readCategory('Cơ quan, công sở')).to.equal('AGENCY_OFFICE');
    expect(readCategory('Karaoke')).to.equal(undefined);
  });

  it('reads yes and no in both languages, an empty cell as no', () => {
    for (const yes of ['x', '1', 'Có', 'true', 'YES']) expect(readYesNo(yes), yes).to.equal(true);
    for (const no of ['', '0', 'không', 'Khong', 'false', 'no'])
      expect(readYesNo(no), no).to.equal(false);
    expect(readYesNo('maybe')).to.equal(undefined);
  });

  it('reads an instant with its offset, or a day (ISO or day first) as its start in Hà Nội', () => {
    expect(readRegisteredAt('2021-08-09T08:30:00+07:00')?.toISOString()).to.equal(
      '2021-08-09T01:30:00.000Z',
    );
    expect(readRegisteredAt('2021-08-09')?.toISOString()).to.equal('2021-08-08T17:00:00.000Z');
    expect(readRegisteredAt('9/8/2021')?.toISOString()).to.equal('2021-08-08T17:00:00.000Z');
    expect(readRegisteredAt('31/02/2021')).to.equal(undefined);
    expect(readRegisteredAt('hôm qua')).to.equal(undefined);
  });

  it("undoes a spreadsheet's dropped leading zeros on ward codes and phones, nothing more", () => {
    expect(restoreLeadingZeros('wardCode', '1')).to.equal('00001');
    expect(restoreLeadingZeros('wardCode', '00001')).to.equal('00001');
    expect(restoreLeadingZeros('wardCode', '123456')).to.equal('123456');
    expect(restoreLeadingZeros('registrantPhone', '912345678')).to.equal('0912345678');
    expect(restoreLeadingZeros('registrantPhone', '0912 345 678')).to.equal('0912 345 678');
    expect(restoreLeadingZeros('registrantPhone', '212345678')).to.equal('212345678');
  });
});
