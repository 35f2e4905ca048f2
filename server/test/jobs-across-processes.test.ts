import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import { addDays, localDayOf } from '@quetma/shared';
import { seedHanoiUnits } from '../src/db/seeders/units.seeder';
import { queryRows } from '../src/db/sql';
import { openOwnDatabase, waitFor } from './own-database';

const SERVER_DIR = path.resolve(__dirname, '..');

/** A real server process (`pnpm start`'s command) on the given database, its output kept. */
class ServerProcess {
  readonly output: string[] = [];
  private readonly child: ChildProcess;
  readonly exited: Promise<number | null>;

  constructor(databaseUrl: string, port: number) {
    this.child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
      cwd: SERVER_DIR,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        DATABASE_URL: databaseUrl,
        HOST: '127.0.0.1',
        PORT: String(port),
        DEMO_DATA: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => this.output.push(...chunk.split('\n')));
    }
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  has(text: string): boolean {
    return this.output.some((line) => line.includes(text));
  }

  lines(text: string): string[] {
    return this.output.filter((line) => line.includes(text));
  }

  stop(): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('jobs with two server processes on one database', function () {
  this.timeout(90_000);
  let db: Awaited<ReturnType<typeof openOwnDatabase>>;
  let servers: ServerProcess[] = [];

  before(async () => {
    db = await openOwnDatabase('servers');
    await seedHanoiUnits(db.orm);
  });

  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await db?.drop();
  });

  it('run retention once when both start, and each stops its job queue on SIGTERM', async () => {
    const expiredDay = addDays(localDayOf(new Date()), -40);
    const partition = `scan_p${expiredDay.replaceAll('-', '')}`;
    await queryRows(db.orm, 'select quetma_ensure_scan_partitions($1::date, $1::date)', [
      expiredDay,
    ]);

    servers = [
      new ServerProcess(db.url, await freePort()),
      new ServerProcess(db.url, await freePort()),
    ];
    await waitFor(
      'both servers to start',
      () => servers.every((s) => s.has('quetma is running')),
      60_000,
    );
    await waitFor('retention to run', () => servers.some((s) => s.has('job scan-retention (')));

    const codes = await Promise.all(servers.map((s) => s.stop()));
    expect(codes, servers.map((s) => s.output.join('\n')).join('\n----\n')).to.deep.equal([0, 0]);

    const ran = servers.flatMap((s) => s.lines('job scan-retention ('));
    expect(ran).to.have.length(1);
    expect(ran[0]).to.contain('job scan-retention (start-up): scan retention (30 days, keeping');
    expect(ran[0]).to.contain(`dropped 1 scan partition(s) (${partition} … ${partition})`);
    expect(await queryRows(db.orm, 'select to_regclass($1) as found', [partition])).to.deep.equal([
      { found: null },
    ]);
    expect(
      await queryRows(
        db.orm,
        `select singleton_key as trigger, state::text from pgboss.job where name = 'scan-retention'`,
      ),
    ).to.deep.equal([{ trigger: 'start-up', state: 'completed' }]);

    for (const server of servers) {
      const stopping = server.output.findIndex((l) => l.includes('SIGTERM: stopping'));
      const stopped = server.output.findIndex((l) => l.includes('[quetma] job queue stopped'));
      expect(stopping, 'SIGTERM logged').to.be.greaterThan(-1);
      expect(stopped, 'the job queue stopped after the signal').to.be.greaterThan(stopping);
      expect(
        server.lines('job queue started (worker): scan-retention at "0 3 * * *"'),
      ).to.have.length(1);
    }
  });
});
