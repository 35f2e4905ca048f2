/**
 * One-dimensional arrays in PostgreSQL's binary format, for statements that take thousands of
 * values in an array parameter (a flush of scans). node-postgres sends a Buffer parameter as
 * binary, and PostgreSQL reads it as the type the statement casts it to (`$1::uuid[]`), so
 * neither side writes or parses each element as text: for a thousand scans that parsing was a
 * tenth of the store statement's time, most of it in bytea's hex and uuid's text. Only types
 * that gain are here; short text, integers and booleans go as text.
 *
 * The format (array_send): ndim, has-nulls flag, element type oid, then per dimension its
 * length and lower bound, then each element as its byte length (-1 for NULL) and its bytes.
 */

const UUID_OID = 2950;
const BYTEA_OID = 17;
const TIMESTAMPTZ_OID = 1184;

/** 2000-01-01T00:00:00Z, PostgreSQL's epoch for timestamps (microseconds since it). */
const PG_EPOCH_MS = Date.UTC(2000, 0, 1);

function encode<T>(
  oid: number,
  values: readonly (T | null | undefined)[],
  sizeOf: (value: T) => number,
  write: (out: Buffer, at: number, value: T) => void,
): Buffer {
  let size = 20;
  let hasNulls = 0;
  for (const value of values) {
    if (value === null || value === undefined) hasNulls = 1;
    else size += sizeOf(value);
    size += 4;
  }
  const out = Buffer.allocUnsafe(size);
  out.writeInt32BE(1, 0);
  out.writeInt32BE(hasNulls, 4);
  out.writeInt32BE(oid, 8);
  out.writeInt32BE(values.length, 12);
  out.writeInt32BE(1, 16);
  let at = 20;
  for (const value of values) {
    if (value === null || value === undefined) {
      out.writeInt32BE(-1, at);
      at += 4;
      continue;
    }
    const length = sizeOf(value);
    out.writeInt32BE(length, at);
    write(out, at + 4, value);
    at += 4 + length;
  }
  return out;
}

/** Hex digit values by character code; -1 for anything else. */
const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX['0123456789abcdef'.charCodeAt(i)] = i;
  HEX['0123456789ABCDEF'.charCodeAt(i)] = i;
}

/** Writes a UUID in its canonical 8-4-4-4-12 form as 16 bytes; throws on any other text. */
function writeUuid(out: Buffer, at: number, uuid: string): void {
  if (uuid.length !== 36) throw new TypeError(`not a UUID: ${JSON.stringify(uuid)}`);
  let byte = 0;
  for (let i = 0; i < 36;) {
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (uuid.charCodeAt(i) !== 45) throw new TypeError(`not a UUID: ${JSON.stringify(uuid)}`);
      i += 1;
      continue;
    }
    const high = HEX[uuid.charCodeAt(i)] ?? -1;
    const low = HEX[uuid.charCodeAt(i + 1)] ?? -1;
    if (high < 0 || low < 0) throw new TypeError(`not a UUID: ${JSON.stringify(uuid)}`);
    out[at + byte] = (high << 4) | low;
    byte += 1;
    i += 2;
  }
}

export function uuidArray(values: readonly (string | null | undefined)[]): Buffer {
  return encode(UUID_OID, values, () => 16, writeUuid);
}

export function byteaArray(values: readonly (Buffer | null | undefined)[]): Buffer {
  return encode(
    BYTEA_OID,
    values,
    (value) => value.length,
    (out, at, value) => value.copy(out, at),
  );
}

/** Dates to the millisecond, as microseconds since 2000 in a signed 64-bit integer. */
export function timestamptzArray(values: readonly (Date | null | undefined)[]): Buffer {
  return encode(
    TIMESTAMPTZ_OID,
    values,
    () => 8,
    (out, at, value) => {
      const ms = value.getTime();
      if (Number.isNaN(ms)) throw new TypeError('not a valid Date');
      const micros = (ms - PG_EPOCH_MS) * 1_000;
      if (Number.isSafeInteger(micros)) {
        // the usual case, without a BigInt per element: exact within ±285 years of 2000
        const high = Math.floor(micros / 2 ** 32);
        out.writeInt32BE(high, at);
        out.writeUInt32BE(micros - high * 2 ** 32, at + 4);
      } else {
        // any other Date fits in 64 bits too (a device clock set to the year 9999, say)
        out.writeBigInt64BE(BigInt(ms - PG_EPOCH_MS) * 1_000n, at);
      }
    },
  );
}
