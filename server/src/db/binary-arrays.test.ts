import { randomBytes, randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { testEnv } from '../../test/harness';
import { byteaArray, timestamptzArray, uuidArray } from './binary-arrays';
import { queryRows } from './sql';

/** What PostgreSQL reads from the parameter, element by element, as text. */
async function asRead(type: string, parameter: Buffer): Promise<(string | null)[]> {
  const [row] = await queryRows<{ values: (string | null)[] }>(
    testEnv().orm,
    `select array(select x::text from unnest($1::${type}[]) as x) as values`,
    [parameter],
  );
  return row.values;
}

describe('arrays sent to PostgreSQL in its binary format', () => {
  it('reads UUIDs as written, in either case, NULLs included', async () => {
    const ids = [randomUUID(), randomUUID().toUpperCase(), null, randomUUID()];
    expect(await asRead('uuid', uuidArray(ids))).to.deep.equal(
      ids.map((id) => id && id.toLowerCase()),
    );
  });

  it('refuses text that is not a UUID instead of sending other bytes', () => {
    const id = randomUUID();
    for (const bad of [id.slice(1), `${id.slice(0, 35)}g`, id.replace(/-/g, '_'), `${id} `]) {
      expect(() => uuidArray([bad]), bad).to.throw(TypeError, /not a UUID/);
    }
  });

  it('reads byte strings of any length, empty and NULL ones included', async () => {
    const values = [randomBytes(32), Buffer.alloc(0), null, randomBytes(1_000)];
    expect(await asRead('bytea', byteaArray(values))).to.deep.equal(
      values.map((value) => value && `\\x${value.toString('hex')}`),
    );
  });

  it('reads times to the millisecond, centuries before and after 2000, and an empty array', async () => {
    const times = [
      new Date('2021-08-09T16:59:59.999Z'),
      new Date('1999-12-31T23:59:59.001Z'),
      new Date('2000-01-01T00:00:00.000Z'),
      null,
      new Date('2106-02-07T06:28:16.123Z'),
      new Date('9999-12-31T23:59:59.999Z'),
      new Date('0100-01-01T00:00:00.001Z'),
    ];
    const [row] = await queryRows<{ values: (string | null)[] }>(
      testEnv().orm,
      `select array(select to_char(x at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
                    from unnest($1::timestamptz[]) as x) as values`,
      [timestamptzArray(times)],
    );
    expect(row.values).to.deep.equal(times.map((t) => t && t.toISOString()));
    expect(await asRead('timestamptz', timestamptzArray([]))).to.deep.equal([]);
    expect(() => timestamptzArray([new Date(Number.NaN)])).to.throw(TypeError);
  });
});
