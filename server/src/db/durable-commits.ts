/**
 * An acknowledged write is on disk (DESIGN.md: an accepted scan is durable when acknowledged).
 * On a server whose default is `synchronous_commit = off`, COMMIT answers before the WAL is
 * flushed, and a crash then loses writes their callers were told had been kept. Every connection
 * the server writes through runs this first: it raises `off` to `local` (flushed to this
 * server's disk) and keeps any stronger setting the operator chose (waiting for standbys).
 */
export const DURABLE_COMMITS_SQL = `select set_config('synchronous_commit',
    case current_setting('synchronous_commit') when 'off' then 'local' else current_setting('synchronous_commit') end,
    false)`;

/** A connection as knex's pool hands it to `afterCreate`: node-postgres' client. */
interface CallbackClient {
  query(sql: string, callback: (error: Error | null) => void): void;
}

/** For the ORM's pool (`pool.afterCreate`): each new connection gets durable commits. */
export function durableCommitsAfterCreate(
  connection: CallbackClient,
  done: (error: Error | null, connection: CallbackClient) => void,
): void {
  connection.query(DURABLE_COMMITS_SQL, (error) => done(error, connection));
}
