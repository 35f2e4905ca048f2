import { DURABLE_COMMITS_SQL } from './durable-commits';

/** A connection as knex's pool hands it to `afterCreate`: node-postgres' client. */
interface CallbackClient {
  query(sql: string, callback: (error: Error | null) => void): void;
}

/**
 * For the ORM's pool (`pool.afterCreate`): each new connection gets durable commits and, when
 * asked, a statement timeout, so that no read holds a pooled connection for minutes. Set by a
 * statement rather than a startup option: connection poolers refuse unknown startup parameters.
 */
export function connectionSetup(statementTimeoutMs: number) {
  const sql = connectionSettingsSql(statementTimeoutMs);
  return (
    connection: CallbackClient,
    done: (error: Error | null, connection: CallbackClient) => void,
  ): void => connection.query(sql, (error) => done(error, connection));
}

/** Durable commits, and the statement timeout when there is one: what every new connection runs. */
export function connectionSettingsSql(statementTimeoutMs: number): string {
  return statementTimeoutMs > 0
    ? `${DURABLE_COMMITS_SQL}; set statement_timeout = ${Math.floor(statementTimeoutMs)}`
    : DURABLE_COMMITS_SQL;
}
