import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import type { Config } from '../config';
import { startEmbeddedPostgres } from './embedded-postgres';
import { ormOptions } from './mikro-orm.config';

/** The database the app runs on, and how to let go of it. */
export interface Database {
  url: string;
  orm: MikroORM;
  /** Closes the ORM's pool, then stops the embedded server if we started one. */
  close(): Promise<void>;
}

export const EMBEDDED_DATABASE_NAME = 'quetma';

/**
 * Opens the configured database (embedded when DATABASE_URL is unset) and migrates it. The ORM
 * it answers has STATEMENT_TIMEOUT_SECONDS on its connections.
 */
export async function openDatabase(
  config: Config,
  log: (line: string) => void = () => undefined,
  ormOverrides: Partial<Options> = {},
): Promise<Database> {
  let url = config.databaseUrl;
  let stopEmbedded: () => Promise<void> = async () => undefined;
  if (!url) {
    const embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      port: config.embeddedPgPort,
      log,
    });
    stopEmbedded = embedded.stop;
    url = withDatabase(embedded.serverUrl, EMBEDDED_DATABASE_NAME);
    await createDatabaseIfMissing(url);
  }
  try {
    // migrations may run long (an index over every venue): they get an ORM without a timeout
    const migrating = await MikroORM.init(ormOptions(url, { pool: { min: 0, max: 1 } }));
    try {
      await migrate(migrating, log);
    } finally {
      await migrating.close(true);
    }
    const orm = await MikroORM.init(
      ormOptions(url, ormOverrides, config.statementTimeoutSeconds * 1000),
    );
    return {
      url,
      orm,
      close: async () => {
        await orm.close(true);
        await stopEmbedded();
      },
    };
  } catch (error) {
    await stopEmbedded();
    throw error;
  }
}

export async function migrate(orm: MikroORM, log: (line: string) => void = () => undefined) {
  const applied = await orm.getMigrator().up();
  if (applied.length > 0)
    log(`applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ')}`);
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function createDatabaseIfMissing(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = new Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) await admin.query(`create database ${admin.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = new Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${admin.escapeIdentifier(name)} with (force)`);
  } finally {
    await admin.end();
  }
}
