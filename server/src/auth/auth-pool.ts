import { Pool } from 'pg';
import { connectionSettingsSql } from '../db/connection-setup';

/** Enough for key look-ups, session checks and logins at once; they take a millisecond each. */
const AUTH_CONNECTIONS = 4;
/** An authentication statement is a look-up by key: one that takes this long is stuck. */
const AUTH_STATEMENT_TIMEOUT_MS = 5_000;
/** Waiting this long for a connection means the database is in trouble: answer, don't hang. */
const AUTH_CONNECT_TIMEOUT_MS = 10_000;

/**
 * Connections of authentication's own (API-key look-ups, session checks, logins, refreshes,
 * and the audit entries every mutation writes): however many slow reads hold the ORM's pool, a
 * kiosk's key is still checked and its scans taken, and a person can still log in.
 */
export function openAuthPool(databaseUrl: string): Pool {
  const pool = new Pool({
    connectionString: databaseUrl,
    max: AUTH_CONNECTIONS,
    connectionTimeoutMillis: AUTH_CONNECT_TIMEOUT_MS,
    application_name: 'quetma-auth',
    keepAlive: true,
  });
  // logins and refreshes write: acknowledged means on disk (db/durable-commits.ts); the
  // timeout is a statement, not a startup option, which connection poolers refuse
  pool.on('connect', (client) => {
    client.query(connectionSettingsSql(AUTH_STATEMENT_TIMEOUT_MS)).catch(() => undefined);
  });
  // an idle connection that drops is replaced on next use; it must not end the process
  pool.on('error', () => undefined);
  return pool;
}
