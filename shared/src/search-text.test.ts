import { expect } from 'chai';
import { foldForSearch, normalizeName } from './search-text';

describe('foldForSearch', () => {
  it('drops case, tones and vowel marks, and đ', () => {
    expect(foldForSearch('Quận Hoàn Kiếm')).to.equal('quan hoan kiem');
    expect(foldForSearch('ĐỐNG ĐA')).to.equal('dong da');
    expect(foldForSearch('Phường Nghĩa Đô')).to.equal('phuong nghia do');
  });

  it('folds the two spellings of the same name alike (Hòa / Hoà)', () => {
    expect(foldForSearch('Ứng Hòa')).to.equal(foldForSearch('Ứng Hoà'));
  });

  it('folds decomposed (NFD) input like composed input', () => {
    expect(foldForSearch('Hoàn Kiếm'.normalize('NFD'))).to.equal('hoan kiem');
  });

  it('collapses white space', () => {
    expect(foldForSearch('  Hàng\t Bạc  ')).to.equal('hang bac');
  });
});

describe('normalizeName', () => {
  it('stores NFC with single spaces', () => {
    const decomposed = '  Phở   Thìn '.normalize('NFD');
    expect(normalizeName(decomposed)).to.equal('Phở Thìn'.normalize('NFC'));
  });
});
