import { expect } from 'chai';
import { CsvRecords, UnclosedQuoteError, type CsvRecord } from './csv-records';

/** The records of `text` delivered in pieces of `size` characters (every size must agree). */
function parse(text: string, size = text.length || 1): CsvRecord[] {
  const reader = new CsvRecords();
  const records: CsvRecord[] = [];
  for (let i = 0; i < text.length; i += size) records.push(...reader.push(text.slice(i, i + size)));
  return [...records, ...reader.end()];
}

function parseInEveryPieceSize(text: string): CsvRecord[] {
  const whole = parse(text);
  for (let size = 1; size <= text.length; size++)
    expect(parse(text, size), `in pieces of ${size}`).to.deep.equal(whole);
  return whole;
}

describe('CsvRecords (RFC 4180, read in pieces)', () => {
  it('splits values on commas and records on LF, CRLF or CR, numbering the line each starts on', () => {
    expect(parseInEveryPieceSize('a,b\n1,2\r\n3,4\r5,6')).to.deep.equal([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
      { line: 3, fields: ['3', '4'] },
      { line: 4, fields: ['5', '6'] },
    ]);
  });

  it('keeps commas, line breaks and doubled quotes inside quotes, and counts the lines they span', () => {
    const text = 'name,address\r\n"Quán ""Ngon"", Hàng Bạc","Số 1,\r\nphố Hàng Bạc"\r\nb,c\r\n';
    expect(parseInEveryPieceSize(text)).to.deep.equal([
      { line: 1, fields: ['name', 'address'] },
      { line: 2, fields: ['Quán "Ngon", Hàng Bạc', 'Số 1,\r\nphố Hàng Bạc'] },
      { line: 4, fields: ['b', 'c'] },
    ]);
  });

  it('reads empty values, quoted or not, and a last record without a line break', () => {
    expect(parseInEveryPieceSize('a,,""\n,\n"x",')).to.deep.equal([
      { line: 1, fields: ['a', '', ''] },
      { line: 2, fields: ['', ''] },
      { line: 3, fields: ['x', ''] },
    ]);
  });

  it('gives an empty line as a record of one empty value, and nothing for a final line break', () => {
    expect(parseInEveryPieceSize('a\n\nb\n')).to.deep.equal([
      { line: 1, fields: ['a'] },
      { line: 2, fields: [''] },
      { line: 3, fields: ['b'] },
    ]);
    expect(parse('')).to.deep.equal([]);
  });

  it('keeps a stray quote inside an unquoted value, and text after a closing quote, as written', () => {
    expect(parseInEveryPieceSize('Số 5"A,"ab"c\n')).to.deep.equal([
      { line: 1, fields: ['Số 5"A', 'abc'] },
    ]);
  });

  it('refuses a quote that is never closed, naming the line its record starts on', () => {
    const reader = new CsvRecords();
    reader.push('a,b\n1,"open\nand on\n');
    expect(() => reader.end())
      .to.throw(UnclosedQuoteError)
      .with.property('line', 2);
  });
});
