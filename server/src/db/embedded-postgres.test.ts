import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Client } from 'pg';
import { startEmbeddedPostgres } from './embedded-postgres';

async function answers(serverUrl: string): Promise<number> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return (await client.query('select 41 + 1 as n')).rows[0].n;
  } finally {
    await client.end();
  }
}

describe('embedded PostgreSQL (the default without DATABASE_URL)', function () {
  this.timeout(120_000);
  const port = 54359;
  let dataDir: string;

  before(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'quetma-embedded-'));
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('creates a cluster, keeps its data between runs, and recovers from a stale postmaster.pid', async () => {
    const first = await startEmbeddedPostgres({ dataDir, port });
    try {
      expect(await answers(first.serverUrl)).to.equal(42);
      const client = new Client({ connectionString: first.serverUrl });
      await client.connect();
      await client.query('create table kept (note text)');
      await client.query(`insert into kept values ('still here')`);
      await client.end();
    } finally {
      await first.stop();
    }
    // a server killed hard leaves its pid file behind, naming a process that is gone
    const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
    fs.writeFileSync(pidFile, `999999\n${path.join(dataDir, 'pg')}\n`);
    const second = await startEmbeddedPostgres({ dataDir, port });
    try {
      const client = new Client({ connectionString: second.serverUrl });
      await client.connect();
      const { rows } = await client.query('select note from kept');
      await client.end();
      expect(rows).to.deep.equal([{ note: 'still here' }]);
    } finally {
      await second.stop();
    }
  });

  it('says which port is taken when it cannot start', async () => {
    const running = await startEmbeddedPostgres({ dataDir, port });
    const otherDir = fs.mkdtempSync(path.join(os.tmpdir(), 'quetma-embedded-'));
    try {
      let message = '';
      await startEmbeddedPostgres({ dataDir: otherDir, port }).then(
        (db) => db.stop(),
        (error: Error) => (message = error.message),
      );
      expect(message).to.include(`did not start on port ${port}`);
      expect(message).to.include('EMBEDDED_PG_PORT');
    } finally {
      await running.stop();
      fs.rmSync(otherDir, { recursive: true, force: true });
    }
  });
});
