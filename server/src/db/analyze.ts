import type { MikroORM } from '@mikro-orm/postgresql';
import { withoutStatementTimeout, withPgClient } from './sql';

/**
 * ANALYZE the tables a seed or bulk load wrote, once it has committed. Until statistics exist the
 * planner guesses, and with autovacuum off (or not yet round) it went on guessing: a city query
 * took 35–76 s instead of 30–50 ms after the demo seed. A partitioned table (`scan`) is analyzed
 * whole and partition by partition; autovacuum never analyzes the whole, so only this does.
 */
export async function analyzeTables(orm: MikroORM, tables: readonly string[]): Promise<void> {
  if (tables.length === 0) return;
  // maintenance: a large table may take longer than a read is allowed
  await withPgClient(orm, (client) =>
    withoutStatementTimeout(client, () =>
      client.query(`analyze ${tables.map((t) => client.escapeIdentifier(t)).join(', ')}`),
    ),
  );
}
