/**
 * An acknowledged write is on disk (README 'Sending scans': an accepted scan is on disk when
 * acknowledged).
 * On a server whose default is `synchronous_commit = off`, COMMIT answers before the WAL is
 * flushed, and a crash then loses writes their callers were told had been kept. Every connection
 * the server writes through runs this first: it raises `off` to `local` (flushed to this
 * server's disk) and keeps any stronger setting the operator chose (waiting for standbys).
 */
export const DURABLE_COMMITS_SQL = `select set_config('synchronous_commit',
    case current_setting('synchronous_commit') when 'off' then 'local' else current_setting('synchronous_commit') end,
    false)`;
