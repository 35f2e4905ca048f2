import { expect } from 'chai';
import { Client } from 'pg';
import { holdTransaction, testEnv } from '../../test/harness';

/** One connection of its own per caller: each ensure runs in its own transaction, as flushes' do. */
async function ensureFrom(day: string, timeoutMs = 0): Promise<number> {
  const client = new Client({ connectionString: testEnv().databaseUrl });
  await client.connect();
  try {
    await client.query(`set statement_timeout = ${timeoutMs}`);
    const { rows } = await client.query<{ created: number }>(
      'select quetma_ensure_scan_partitions($1::date, $1::date) as created',
      [day],
    );
    return rows[0].created;
  } finally {
    await client.end();
  }
}

describe("scan partitions made on a day's first scans", () => {
  // a day no other test writes to
  const day = '2099-03-15';
  const partition = 'scan_p20990315';

  afterEach(async () => {
    await testEnv().orm.em.getConnection().execute(`drop table if exists ${partition}`);
  });

  it('is made while a long query reads scans, which it neither waits for nor makes others wait', async () => {
    // a tracing look-up or a dump holds scans open for its whole transaction
    const endReader = await holdTransaction('select count(*) from scan');
    try {
      // a partition made by `create table … partition of scan` waited here until the reader
      // ended, and every flush behind it
      expect(await ensureFrom(day, 5_000)).to.equal(1);
      const [row] = await testEnv()
        .orm.em.getConnection()
        .execute<{ indexes: number }[]>(
          `select count(*)::int as indexes from pg_index where indrelid = '${partition}'::regclass`,
        );
      // the scan table's three indexes, made on the new partition as it was attached
      expect(row.indexes).to.equal(3);
    } finally {
      await endReader();
    }
  });

  it('is made once when several flushes bring the first scans of a day at the same time', async () => {
    const created = await Promise.all(Array.from({ length: 6 }, () => ensureFrom(day)));
    expect(created.reduce((sum, n) => sum + n, 0)).to.equal(1);
    const [row] = await testEnv()
      .orm.em.getConnection()
      .execute<{ bound: string }[]>(
        `select pg_get_expr(relpartbound, oid) as bound from pg_class where relname = '${partition}'`,
      );
    expect(row.bound).to.equal(
      "FOR VALUES FROM ('2099-03-14 17:00:00+00') TO ('2099-03-15 17:00:00+00')",
    );
  });
});
