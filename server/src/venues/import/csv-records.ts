/** A record of a CSV file: its values, and the line of the file it starts on (the header is 1). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** A quoted value that the file never closes: everything after it would be one value. */
export class UnclosedQuoteError extends Error {
  constructor(readonly line: number) {
    super(`a value in double quotes opened on line ${line} is never closed`);
  }
}

const COMMA = 44;
const LF = 10;
const CR = 13;

type State =
  /** At the start of a value: a double quote here opens a quoted value. */
  | 'FIELD_START'
  /** Inside a value without quotes (or after a quoted value's closing quote). */
  | 'UNQUOTED'
  /** Inside double quotes: commas and line breaks are part of the value. */
  | 'QUOTED'
  /** A double quote inside quotes: a second one is a literal quote, anything else closes. */
  | 'QUOTE_IN_QUOTED'
  /** A record ended on CR: an LF right after it belongs to the same line break. */
  | 'AFTER_CR';

/**
 * RFC 4180 records from text that arrives in pieces (a request's body, chunk by chunk), so that a
 * file is never held whole: values separated by commas, records by CRLF or LF (or CR), values in
 * double quotes may hold commas, line breaks and doubled quotes. Lenient where the RFC is strict
 * and spreadsheets are not: a quote inside an unquoted value, or text after a closing quote, is
 * kept as it stands. Text must be decoded already (a BOM removed).
 */
export class CsvRecords {
  private state: State = 'FIELD_START';
  private field = '';
  private fields: string[] = [];
  private line = 1;
  private recordLine = 1;

  /** The records completed by this piece of text. */
  push(text: string): CsvRecord[] {
    const records: CsvRecord[] = [];
    const n = text.length;
    let i = 0;
    while (i < n) {
      switch (this.state) {
        case 'QUOTED': {
          const quote = text.indexOf('"', i);
          const end = quote === -1 ? n : quote;
          this.line += countLineFeeds(text, i, end);
          this.field += text.slice(i, end);
          if (quote !== -1) this.state = 'QUOTE_IN_QUOTED';
          i = end + 1;
          break;
        }
        case 'QUOTE_IN_QUOTED':
          if (text.charCodeAt(i) === 34) {
            this.field += '"';
            this.state = 'QUOTED';
            i += 1;
          } else this.state = 'UNQUOTED';
          break;
        case 'AFTER_CR':
          this.state = 'FIELD_START';
          if (text.charCodeAt(i) === LF) i += 1;
          break;
        default: {
          if (this.state === 'FIELD_START' && text.charCodeAt(i) === 34) {
            this.state = 'QUOTED';
            i += 1;
            break;
          }
          let j = i;
          for (; j < n; j++) {
            const c = text.charCodeAt(j);
            if (c === COMMA || c === LF || c === CR) break;
          }
          this.field += text.slice(i, j);
          if (j === n) {
            this.state = 'UNQUOTED';
            i = n;
            break;
          }
          const c = text.charCodeAt(j);
          this.fields.push(this.field);
          this.field = '';
          if (c === COMMA) this.state = 'FIELD_START';
          else {
            records.push(this.finishRecord());
            this.state = c === CR ? 'AFTER_CR' : 'FIELD_START';
          }
          i = j + 1;
        }
      }
    }
    return records;
  }

  /** The last record, when the text did not end with a line break. */
  end(): CsvRecord[] {
    if (this.state === 'QUOTED') throw new UnclosedQuoteError(this.recordLine);
    const pending =
      this.fields.length > 0 ||
      this.field !== '' ||
      this.state === 'UNQUOTED' ||
      this.state === 'QUOTE_IN_QUOTED';
    if (!pending) return [];
    this.fields.push(this.field);
    this.field = '';
    this.state = 'FIELD_START';
    return [this.finishRecord()];
  }

  /** The line the next record starts on: where the text has got to. */
  get currentLine(): number {
    return this.line;
  }

  private finishRecord(): CsvRecord {
    const record = { line: this.recordLine, fields: this.fields };
    this.fields = [];
    this.line += 1;
    this.recordLine = this.line;
    return record;
  }
}

function countLineFeeds(text: string, from: number, to: number): number {
  let count = 0;
  for (let at = text.indexOf('\n', from); at !== -1 && at < to; at = text.indexOf('\n', at + 1))
    count += 1;
  return count;
}
