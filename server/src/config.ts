import path from 'node:path';

/**
 * The server's settings: every variable the server reads is parsed and checked here, once, at
 * start-up; a bad value stops the process with a message naming the variable and the rule it
 * breaks, never the value (it may be a secret or a password in a URL). The command-line tools
 * read a few variables of their own (QUETMA_ADMIN_PASSWORD, and DATABASE_URL for the MikroORM CLI).
 */
export type Mode = 'development' | 'production' | 'test';

export interface Config {
  mode: Mode;
  /** Where PostgreSQL is; undefined means: start the embedded server under `dataDir`. */
  databaseUrl: string | undefined;
  /** Start PostgreSQL inside `dataDir` (no DATABASE_URL): the default in development only. */
  embeddedPostgres: boolean;
  host: string;
  port: number;
  /** Holds the embedded PostgreSQL cluster (`<dataDir>/pg`) and other local state. */
  dataDir: string;
  embeddedPgPort: number;
  /** Seed the demo venues and scans into an empty database. */
  demoData: boolean;
  /** Serve the GraphiQL page at /graphiql and allow introspection. */
  graphiql: boolean;
  /** Key for the keyed hash that matches a person's scans without storing the identifier. */
  personHashKey: Buffer;
  /** Key (AES-256-GCM) for the encrypted copy of a person's identifier, for tracing only. */
  personEncryptionKey: Buffer;
  /** Key id that signs newly issued venue codes; must be one of codeSigningKeys. */
  codeKeyId: string;
  /** Venue-code signing keys by id. Old ids stay here to verify old posters until retired. */
  codeSigningKeys: Map<string, Buffer>;
  /** Person-level scan data older than this many days is deleted (whole daily partitions). */
  scanRetentionDays: number;
  /** Run queued and scheduled jobs in this process (false: it only queues them, jobs/job-queue.ts). */
  jobsWorker: boolean;
  /** How far ahead of the server's clock a device's scan time may be. */
  scanClockSkewSeconds: number;
  /** Tracing: how long a visit lasts when no check-out was scanned. */
  defaultStayMinutes: number;
  /** Signs access tokens (HS256). */
  jwtSecret: Buffer;
  accessTokenSeconds: number;
  refreshTokenSeconds: number;
  /** Requests a minute per API key or user on /graphql; 429 past it. */
  rateLimitPerMinute: number;
  /** Requests a minute per network address on /graphql (an office's users share one). */
  rateLimitPerAddressPerMinute: number;
  /** Login attempts a minute per address. */
  loginRateLimitPerMinute: number;
  /** Allow introspection queries (the IDE needs them). */
  introspection: boolean;
  /** A statement on the server's database connections is stopped past this (QUERY_TIMEOUT). */
  statementTimeoutSeconds: number;
}

export class ConfigError extends Error {}

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Development-only secrets: production mode refuses them (see `secret`). */
const DEV_PERSON_HASH_KEY = 'quetma-development-person-hash-key-not-for-production';
const DEV_PERSON_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');
const DEV_JWT_SECRET = 'quetma-development-jwt-secret-not-for-production';
const DEV_CODE_SIGNING_KEYS = 'k1=cXVldG1hLWRldmVsb3BtZW50LWNvZGUtc2lnbmluZy1rZXktazE';

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const refused = new Set<string>();
  const read = <T>(name: string, parse: (raw: string) => T, fallback: T): T => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    try {
      return parse(raw.trim());
    } catch (error) {
      refused.add(name);
      problems.push(`${name}: ${(error as Error).message}`);
      return fallback;
    }
  };

  const mode = read<Mode>(
    'NODE_ENV',
    (raw) => oneOf(raw, ['development', 'production', 'test']),
    'development',
  );
  const production = mode === 'production';
  const secret = (name: string, parse: (raw: string) => Buffer, devValue: Buffer): Buffer => {
    const value = read(name, parse, devValue);
    if (production && !env[name]) problems.push(`${name} is required in production mode`);
    // a refused value is reported above, not as the development default it fell back to
    else if (production && !refused.has(name) && value.equals(devValue)) {
      problems.push(
        `${name} is the development default, which production mode refuses: set a secret of your own`,
      );
    }
    return value;
  };

  const config: Config = {
    mode,
    databaseUrl: read('DATABASE_URL', parseDatabaseUrl, undefined),
    embeddedPostgres: false,
    host: read('HOST', (raw) => raw, '127.0.0.1'),
    port: read('PORT', (raw) => parsePort(raw), 4000),
    dataDir: read('DATA_DIR', (raw) => path.resolve(raw), path.join(REPO_ROOT, '.data')),
    embeddedPgPort: read('EMBEDDED_PG_PORT', (raw) => parsePort(raw), 54329),
    demoData: read('DEMO_DATA', parseBoolean, !production),
    graphiql: read('GRAPHIQL', parseBoolean, !production),
    personHashKey: secret('PERSON_HASH_KEY', parseSecret, Buffer.from(DEV_PERSON_HASH_KEY)),
    personEncryptionKey: secret(
      'PERSON_ENCRYPTION_KEY',
      parseAesKey,
      Buffer.from(DEV_PERSON_ENCRYPTION_KEY, 'base64'),
    ),
    codeKeyId: read('CODE_KEY_ID', parseKeyId, 'k1'),
    codeSigningKeys: read(
      'CODE_SIGNING_KEYS',
      parseSigningKeys,
      parseSigningKeys(DEV_CODE_SIGNING_KEYS),
    ),
    scanRetentionDays: read('SCAN_RETENTION_DAYS', (raw) => parseWhole(raw, 1, 3_650), 30),
    jobsWorker: read('JOBS_WORKER', parseBoolean, true),
    scanClockSkewSeconds: read('SCAN_CLOCK_SKEW_SECONDS', (raw) => parseWhole(raw, 0, 3_600), 300),
    defaultStayMinutes: read('DEFAULT_STAY_MINUTES', (raw) => parseWhole(raw, 1, 1_440), 60),
    jwtSecret: secret('JWT_SECRET', parseSecret, Buffer.from(DEV_JWT_SECRET)),
    accessTokenSeconds: read('ACCESS_TOKEN_TTL_SECONDS', (raw) => parseWhole(raw, 60, 86_400), 900),
    refreshTokenSeconds: read(
      'REFRESH_TOKEN_TTL_SECONDS',
      (raw) => parseWhole(raw, 300, 90 * 86_400),
      30 * 86_400,
    ),
    rateLimitPerMinute: read('RATE_LIMIT_PER_MINUTE', (raw) => parseWhole(raw, 1, 1_000_000), 600),
    rateLimitPerAddressPerMinute: read(
      'RATE_LIMIT_PER_ADDRESS_PER_MINUTE',
      (raw) => parseWhole(raw, 1, 1_000_000),
      1_200,
    ),
    loginRateLimitPerMinute: read(
      'LOGIN_RATE_LIMIT_PER_MINUTE',
      (raw) => parseWhole(raw, 1, 10_000),
      20,
    ),
    introspection: false,
    statementTimeoutSeconds: read(
      'STATEMENT_TIMEOUT_SECONDS',
      (raw) => parseWhole(raw, 1, 3_600),
      20,
    ),
  };
  config.introspection = read('INTROSPECTION', parseBoolean, config.graphiql);
  // a production server that silently kept its data in a folder of its own would look fine
  // until that folder was lost: there, the embedded database must be asked for by name
  config.embeddedPostgres = read(
    'EMBEDDED_POSTGRES',
    parseBoolean,
    !production && !env.DATABASE_URL,
  );
  if (config.embeddedPostgres && env.DATABASE_URL) {
    problems.push(
      'EMBEDDED_POSTGRES=true and DATABASE_URL are both set: choose one database (unset one of them)',
    );
  } else if (!config.embeddedPostgres && !env.DATABASE_URL) {
    problems.push(
      production && env.EMBEDDED_POSTGRES === undefined
        ? 'DATABASE_URL is required in production mode: set it to your PostgreSQL (postgres://user:password@host:5432/quetma), or set EMBEDDED_POSTGRES=true to keep the data in an embedded PostgreSQL under DATA_DIR'
        : 'DATABASE_URL is required when EMBEDDED_POSTGRES is false: set it to your PostgreSQL (postgres://user:password@host:5432/quetma)',
    );
  }
  if (!config.codeSigningKeys.has(config.codeKeyId)) {
    // a key id is no secret: naming it helps find the typo
    problems.push(`CODE_KEY_ID=${config.codeKeyId} is not one of the ids in CODE_SIGNING_KEYS`);
  }
  if (production && !env.CODE_SIGNING_KEYS)
    problems.push('CODE_SIGNING_KEYS is required in production mode');
  else if (
    production &&
    !refused.has('CODE_SIGNING_KEYS') &&
    env.CODE_SIGNING_KEYS?.trim() === DEV_CODE_SIGNING_KEYS
  ) {
    problems.push('CODE_SIGNING_KEYS is the development default, which production mode refuses');
  }
  if (production && config.demoData) {
    problems.push(
      'DEMO_DATA cannot be true in production mode: demo accounts have a published password',
    );
  }
  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return config;
}

function oneOf<T extends string>(raw: string, values: readonly T[]): T {
  if (!(values as readonly string[]).includes(raw)) {
    throw new Error(`must be one of ${values.join(', ')}`);
  }
  return raw as T;
}

function parsePort(raw: string): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error('must be a whole number from 1 to 65535');
  }
  return port;
}

function parseWhole(raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`must be a whole number from ${min} to ${max}`);
  }
  return value;
}

function parseBoolean(raw: string): boolean {
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new Error('must be true or false');
}

function parseDatabaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error('must be a URL like postgres://user@host:5432/database');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new Error('must start with postgres:// or postgresql://');
  }
  if (url.pathname.length <= 1)
    throw new Error('must name a database, as in postgres://host/quetma');
  return raw;
}

function parseSecret(raw: string): Buffer {
  if (raw.length < 32) throw new Error('must be at least 32 characters');
  return Buffer.from(raw);
}

function parseAesKey(raw: string): Buffer {
  const key = Buffer.from(raw, 'base64');
  if (key.length !== 32)
    throw new Error('must be 32 bytes written in base64 (openssl rand -base64 32)');
  return key;
}

/** `id=base64secret,id2=base64secret`: each secret at least 32 bytes. */
function parseSigningKeys(raw: string): Map<string, Buffer> {
  const keys = new Map<string, Buffer>();
  for (const entry of raw
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [id, secret] = entry.split('=', 2);
    parseKeyId(id);
    const key = Buffer.from(secret ?? '', 'base64');
    if (key.length < 32)
      throw new Error(`key ${id} must be at least 32 bytes in base64 (openssl rand -base64 32)`);
    keys.set(id, key);
  }
  if (keys.size === 0) throw new Error('must list at least one key as id=base64secret');
  return keys;
}

function parseKeyId(raw: string): string {
  if (!/^[A-Za-z0-9_-]{1,16}$/.test(raw))
    throw new Error('must be 1 to 16 letters, digits, _ or -');
  return raw;
}
