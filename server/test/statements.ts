import { Client } from 'pg';
import { RATE_LIMITS_APPLICATION_NAME } from '../src/protection/rate-limiter';

/**
 * Counts the SQL statements sent through node-postgres while `work` runs, but for the rate
 * limits' (each request's checks, counted on connections of their own).
 */
export async function countStatements(work: () => Promise<unknown>): Promise<number> {
  const original = Client.prototype.query;
  let count = 0;
  Client.prototype.query = function (this: Client, ...args: unknown[]) {
    const { application_name: name } = (
      this as unknown as { connectionParameters: { application_name?: string } }
    ).connectionParameters;
    if (name !== RATE_LIMITS_APPLICATION_NAME) count += 1;
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof Client.prototype.query;
  try {
    await work();
  } finally {
    Client.prototype.query = original;
  }
  return count;
}
