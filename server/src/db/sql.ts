import type { EntityManager, Knex, MikroORM } from '@mikro-orm/postgresql';
import { Pool, type PoolClient, type QueryResultRow } from 'pg';

/**
 * Plain SQL through the ORM's own pool, or through a pool of its own (authentication's, see
 * auth/auth-pool.ts). Hot reads (lists, figures) and bulk writes go below the ORM: on a page of venues
 * its hydration and identity map cut throughput by more than half, and knex would expand array
 * bindings that `unnest($1::text[])` needs whole.
 */
export type HasConnection =
  Pick<EntityManager, 'getConnection' | 'getTransactionContext'> | MikroORM | Pool;

export async function withPgClient<T>(
  source: HasConnection,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  if (source instanceof Pool) {
    const client = await source.connect();
    try {
      return await work(client);
    } finally {
      client.release();
    }
  }
  // an entity manager inside em.transactional: its transaction's connection, which knex hands to
  // the transaction's client; the ORM itself: its pool, even inside a transaction
  const knexClient =
    'em' in source
      ? source.em.getConnection().getKnex().client
      : (source.getTransactionContext<Knex.Transaction>() ?? source.getConnection().getKnex())
          .client;
  const client: PoolClient = await knexClient.acquireConnection();
  try {
    return await work(client);
  } finally {
    await knexClient.releaseConnection(client);
  }
}

/** One statement; `name` makes it a prepared statement that PostgreSQL plans once per connection. */
export async function queryRows<R extends QueryResultRow>(
  source: HasConnection,
  text: string,
  values: unknown[] = [],
  name?: string,
): Promise<R[]> {
  return withPgClient(source, async (client) => {
    const types = typesWithDates(client);
    const result = await client.query<R>(
      name ? { name, text, values, types } : { text, values, types },
    );
    return result.rows;
  });
}

const TIMESTAMPTZ_OID = 1184;

/**
 * The ORM makes its connections return timestamps as text; rows read here get Dates, so that
 * callers need not convert them one field at a time. Every other type parses as the ORM set it
 * (a `date` stays a `YYYY-MM-DD` string, which is how local days are handled).
 */
export function typesWithDates(client: PoolClient): { getTypeParser: PoolClient['getTypeParser'] } {
  return {
    getTypeParser: ((oid: number, format?: string) =>
      oid === TIMESTAMPTZ_OID
        ? (value: string) => new Date(value)
        : client.getTypeParser(oid, format as 'text')) as PoolClient['getTypeParser'],
  };
}

/** Runs `work` in one transaction on one connection: committed when it returns, else rolled back. */
export async function withPgTransaction<T>(
  source: HasConnection,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  return withPgClient(source, async (client) => {
    await client.query('begin');
    try {
      const result = await work(client);
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    }
  });
}

/**
 * Runs `work` with no statement timeout on this connection, then puts the connection's own back:
 * for maintenance that may rightly wait long (a detach waits for every query reading its table).
 */
export async function withoutStatementTimeout<T>(
  client: PoolClient,
  work: () => Promise<T>,
): Promise<T> {
  const { rows } = await client.query<{ timeout: string }>(
    `select current_setting('statement_timeout') as timeout, set_config('statement_timeout', '0', false)`,
  );
  try {
    return await work();
  } finally {
    await client.query(`select set_config('statement_timeout', $1, false)`, [rows[0].timeout]);
  }
}
