/** What the benchmarks share: a database of their own, a server in production mode, a load loop. */
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import { AreaDirectory } from '../server/src/areas/area-directory';
import { createApiKey } from '../server/src/auth/api-keys/api-key.service';
import type { ApiKeyRole } from '../server/src/auth/api-keys/api-key.entity';
import { createUser } from '../server/src/auth/users/user.service';
import { loadConfig } from '../server/src/config';
import {
  createDatabaseIfMissing,
  dropDatabase,
  migrate,
  withDatabase,
} from '../server/src/db/database';
import { startEmbeddedPostgres } from '../server/src/db/embedded-postgres';
import { ormOptions } from '../server/src/db/mikro-orm.config';
import { seedHanoiUnits } from '../server/src/db/seeders/units.seeder';
import type { CpuShares } from './cpu-usage';

export const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** Load before the clock starts: connections opened, statements prepared, code compiled. */
export const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);

export interface Timing {
  /** Items done (requests, or scans for batch requests). */
  count: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** Cores each process group used while measuring, when asked for (see cpu-usage.ts). */
  cpu?: CpuShares;
}

/**
 * `clients` loops, each sending one request after the other for WARMUP_SECONDS and then
 * SECONDS; only requests that start after the warm-up count, so a measurement is of the steady
 * state (the first second of 64 new connections held most of the slow answers). A request
 * returns how many items it did (default 1), so batch requests count their scans.
 */
export async function measure(
  clients: number,
  request: () => Promise<number | void>,
  options: { countCpu?: () => () => CpuShares | undefined } = {},
): Promise<Timing> {
  const latencies: number[] = [];
  let items = 0;
  const warm = performance.now() + WARMUP_SECONDS * 1000;
  const deadline = warm + SECONDS * 1000;
  let stopCounting: (() => CpuShares | undefined) | undefined;
  const { countCpu } = options;
  if (countCpu) setTimeout(() => (stopCounting = countCpu()), WARMUP_SECONDS * 1000);
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        const t = performance.now();
        // not `items += await …`: that reads `items` before the await and loses other loops' counts
        const done = (await request()) ?? 1;
        if (t < warm) continue;
        items += done;
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - warm) / 1000;
  const cpu = stopCounting?.();
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { count: items, perSecond: items / elapsed, p50: at(0.5), p99: at(0.99), cpu };
}

export interface BenchDatabase {
  url: string;
  orm: MikroORM;
  /** Drops the database (unless BENCH_KEEP is set) and stops the embedded server. */
  close(): Promise<void>;
}

/** A fresh database `name`: DATABASE_URL's server, or embedded under .data/bench. Migrated, with Hà Nội. */
export async function openBenchDatabase(name: string): Promise<BenchDatabase> {
  const config = loadConfig();
  const embedded = config.databaseUrl
    ? undefined
    : await startEmbeddedPostgres({ dataDir: path.join(config.dataDir, 'bench'), port: 54369 });
  const url = withDatabase(config.databaseUrl ?? embedded!.serverUrl, name);
  await dropDatabase(url);
  await createDatabaseIfMissing(url);
  const orm = await MikroORM.init(ormOptions(url));
  await migrate(orm);
  await seedHanoiUnits(orm);
  return {
    url,
    orm,
    close: async () => {
      await orm.close(true);
      if (!process.env.BENCH_KEEP) await dropDatabase(url);
      await embedded?.stop();
    },
  };
}

/** A city admin to own it, and an API key of the role the benchmark calls as. */
export async function benchApiKey(orm: MikroORM, role: ApiKeyRole): Promise<string> {
  const areas = await AreaDirectory.load(orm);
  const admin = await createUser(
    orm,
    areas,
    {
      email: 'bench@quetma.vn',
      name: 'Bench',
      role: 'CITY_ADMIN',
      password: 'bench-password-0123',
    },
    new Date(),
  );
  return (await createApiKey(orm, { name: `bench ${role}`, role }, admin.id, new Date())).secret;
}

/**
 * The real server in production mode on `port`, from its sources through swc (the code `pnpm
 * build` compiles; compiling changes start-up, not what a request costs), with the per-caller and
 * per-address rate limits raised out of the way (the login limit is left as it is).
 */
export async function startServer(
  databaseUrl: string,
  port: number,
  env: Record<string, string> = {},
): Promise<{ pid: number; stop(): Promise<void> }> {
  // e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const server = spawn(process.execPath, [...nodeArgs, '-r', '@swc-node/register', 'src/main.ts'], {
    cwd: path.resolve(__dirname, '..', 'server'),
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      NODE_ENV: 'production',
      DEMO_DATA: 'false',
      PERSON_HASH_KEY: 'bench-only-person-hash-key-0123456789abcdef',
      PERSON_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
      JWT_SECRET: 'bench-only-jwt-secret-0123456789abcdefghij',
      CODE_SIGNING_KEYS: `k1=${Buffer.alloc(32, 4).toString('base64')}`,
      RATE_LIMIT_PER_MINUTE: '1000000',
      RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '1000000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return onceReady(server, 'quetma is running', 'server');
}

/** A spawned process, once its output says `ready`; stop() ends it (SIGTERM) and waits. */
export async function onceReady(
  child: ChildProcess,
  ready: string,
  name: string,
): Promise<{ pid: number; stop(): Promise<void> }> {
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes(ready) && resolve());
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
  return {
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}
