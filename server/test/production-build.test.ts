import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { MikroORM } from '@mikro-orm/postgresql';
import { AreaDirectory } from '../src/areas/area-directory';
import { createApiKey } from '../src/auth/api-keys/api-key.service';
import { createUser } from '../src/auth/users/user.service';
import { createDatabaseIfMissing, dropDatabase, withDatabase } from '../src/db/database';
import { ormOptions } from '../src/db/mikro-orm.config';
import { queryRows } from '../src/db/sql';
import { TEST_PASSWORD, testEnv } from './harness';

const REPO = path.resolve(__dirname, '..', '..');
const SERVER = path.join(REPO, 'server');

const PRODUCTION_SECRETS = {
  NODE_ENV: 'production',
  PERSON_HASH_KEY: 'production-test-person-hash-key-0123456789',
  PERSON_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString('base64'),
  JWT_SECRET: 'production-test-jwt-secret-0123456789abcdef',
  CODE_SIGNING_KEYS: `k1=${Buffer.alloc(32, 6).toString('base64')}`,
};

/** `pnpm start` as a user runs it, with nothing of the test process's environment but PATH. */
function start(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['scripts/start.cjs'], {
    cwd: SERVER,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** A port nothing listens on now (PORT must be a real port, not 0). */
async function freePort(): Promise<number> {
  const probe = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => probe.once('listening', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

function outputUntilExit(child: ChildProcess): Promise<{ code: number | null; output: string }> {
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

describe('the production build', function () {
  this.timeout(240_000);
  let databaseUrl: string;

  before(async () => {
    // the build the README tells an operator to run, into server/dist and shared/dist
    const build = spawnSync('pnpm', ['build'], { cwd: REPO, encoding: 'utf8' });
    expect(build.status, `${build.stdout}\n${build.stderr}`).to.equal(0);
    // a database of its own: the compiled migrations build it from nothing
    databaseUrl = withDatabase(
      testEnv().databaseUrl,
      `${new URL(testEnv().databaseUrl).pathname.slice(1)}_production`,
    );
    await createDatabaseIfMissing(databaseUrl);
  });

  after(async () => {
    await dropDatabase(databaseUrl);
  });

  it('NODE_ENV=production pnpm start runs the compiled server: a login, a venue, a scan stored, a clean stop', async () => {
    expect(fs.existsSync(path.join(SERVER, 'dist', 'main.js'))).to.equal(true);
    const server = start({
      ...PRODUCTION_SECRETS,
      DATABASE_URL: databaseUrl,
      PORT: String(await freePort()),
    });
    const exited = outputUntilExit(server);
    let output = '';
    server.stdout!.on('data', (chunk) => (output += chunk));
    const base = await new Promise<string>((resolve, reject) => {
      server.stdout!.on('data', () => {
        const match = /GraphQL API\s+(http:\/\/\S+)\/graphql/.exec(output);
        if (match) resolve(match[1]);
      });
      void exited.then(({ output: all }) => reject(new Error(`the server stopped:\n${all}`)));
    });
    expect(output).to.match(/quetma is running \(production mode, compiled; ready \d+\.\d s/);

    const health = await fetch(`${base}/health`);
    expect(health.status).to.equal(200);
    expect(output).to.match(/loaded \d+ administrative units of Hà Nội/);

    // a person and a kiosk of the compiled server's own database, then the day's work through
    // it: a login, a venue registered (code signing), a scan stored (the compiled ingestion thread)
    const orm = await MikroORM.init(ormOptions(databaseUrl));
    try {
      const areas = await AreaDirectory.load(orm);
      const now = new Date();
      const admin = await createUser(
        orm,
        areas,
        { email: 'ops@prod.quetma.vn', name: 'Ops', role: 'CITY_ADMIN', password: TEST_PASSWORD },
        now,
      );
      const kiosk = await createApiKey(orm, { name: 'kiosk', role: 'SCAN_SOURCE' }, admin.id, now);
      const ask = async (query: string, variables: object, token?: string) => {
        const answer = await fetch(`${base}/graphql`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify({ query, variables }),
        });
        const body = (await answer.json()) as { data?: any; errors?: unknown[] };
        expect(body.errors, JSON.stringify(body.errors)).to.equal(undefined);
        return body.data;
      };
      const { login } = await ask(
        'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }',
        { e: 'ops@prod.quetma.vn', p: TEST_PASSWORD },
      );
      const { registerVenue } = await ask(
        `mutation($input: RegisterVenueInput!) {
          registerVenue(input: $input) { id currentCode { payload } }
        }`,
        {
          input: {
            name: 'Chợ Đồng Xuân',
            category: 'MARKET',
            address: 'Phố Đồng Xuân',
            wardCode: '00001',
            registrantName: 'Trần Thị Bình',
            registrantPhone: '0912345678',
          },
        },
        login.accessToken,
      );
      const scan = await fetch(`${base}/api/scans`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${kiosk.secret}` },
        body: JSON.stringify({
          id: randomUUID(),
          code: registerVenue.currentCode.payload,
          scannedAt: new Date().toISOString(),
          method: 'VISITOR_SCANNED_VENUE',
          person: '0987654321',
        }),
      });
      expect(scan.status).to.equal(200);
      expect(await scan.json()).to.include({ accepted: 1 });
      const stored = await queryRows<{ n: number }>(
        orm,
        'SELECT count(*)::int AS n FROM scan WHERE venue_id = $1',
        [registerVenue.id],
      );
      expect(stored[0].n).to.equal(1);
    } finally {
      await orm.close();
    }

    server.kill('SIGTERM');
    const { code } = await exited;
    expect(code).to.equal(0);
  });

  it('refuses to start in production without DATABASE_URL, saying what to set', async () => {
    const { code, output } = await outputUntilExit(start({ ...PRODUCTION_SECRETS }));
    expect(code).to.equal(2);
    expect(output).to.include('DATABASE_URL is required in production mode');
    expect(output).to.include('EMBEDDED_POSTGRES=true');
  });
});
