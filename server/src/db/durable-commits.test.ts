import { MikroORM } from '@mikro-orm/postgresql';
import { expect } from 'chai';
import { Client, Pool } from 'pg';
import { testEnv } from '../../test/harness';
import { connectForFlushes } from '../scans/ingestion/scan-flush';
import { ormOptions } from './mikro-orm.config';

/**
 * Runs `fn` while the test database's default is `synchronous_commit = value`, as an operator
 * may set it; new connections take it up.
 */
async function withServerDefault(value: string, fn: () => Promise<void>): Promise<void> {
  const database = new URL(testEnv().databaseUrl).pathname.slice(1);
  const admin = new Client({ connectionString: testEnv().databaseUrl });
  await admin.connect();
  try {
    await admin.query(`alter database "${database}" set synchronous_commit = ${value}`);
    await fn();
  } finally {
    await admin.query(`alter database "${database}" reset synchronous_commit`);
    await admin.end();
  }
}

const SETTING = `select current_setting('synchronous_commit') as value`;

async function onPlainConnection(): Promise<string> {
  const client = new Client({ connectionString: testEnv().databaseUrl });
  await client.connect();
  try {
    return (await client.query<{ value: string }>(SETTING)).rows[0].value;
  } finally {
    await client.end();
  }
}

async function throughTheOrm(): Promise<string> {
  const orm = await MikroORM.init(ormOptions(testEnv().databaseUrl));
  try {
    const [row] = await orm.em.getConnection().execute<{ value: string }[]>(SETTING);
    return row.value;
  } finally {
    await orm.close(true);
  }
}

describe('acknowledged writes are on disk whatever the server default', () => {
  it("raises a server's synchronous_commit = off to local on the ORM's connections", async () => {
    await withServerDefault('off', async () => {
      // what the server would otherwise apply: commits answered before the WAL is flushed
      expect(await onPlainConnection()).to.equal('off');
      expect(await throughTheOrm()).to.equal('local');
    });
  });

  it("and on the ingestion thread's connections, which also use generic plans and time out", async () => {
    await withServerDefault('off', async () => {
      const pool = new Pool({ connectionString: testEnv().databaseUrl, max: 1 });
      try {
        // the second use takes the same connection, already set up
        for (let use = 0; use < 2; use++) {
          const client = await connectForFlushes(pool);
          try {
            const { rows } = await client.query<{ commit: string; plans: string; timeout: string }>(
              `select current_setting('synchronous_commit') as commit,
                 current_setting('plan_cache_mode') as plans,
                 current_setting('statement_timeout') as timeout`,
            );
            expect(rows[0]).to.deep.equal({
              commit: 'local',
              plans: 'force_generic_plan',
              timeout: '30s',
            });
          } finally {
            client.release();
          }
        }
      } finally {
        await pool.end();
      }
    });
  });

  it('keeps a stronger setting the operator chose (waiting for standbys)', async () => {
    await withServerDefault('remote_write', async () => {
      expect(await throughTheOrm()).to.equal('remote_write');
    });
    expect(await throughTheOrm()).to.equal('on');
  });
});
