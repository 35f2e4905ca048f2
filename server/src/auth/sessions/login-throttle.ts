import type { PoolClient } from 'pg';
import { typesWithDates } from '../../db/sql';

/** After this many failures in a row, every further attempt waits a little longer. */
const SLOW_AFTER = 3;
/** After this many, the email or address is refused for LOCK_MINUTES. */
const LOCK_AFTER = 10;
export const LOCK_MINUTES = 15;
/** Failures older than this are forgotten. */
const WINDOW_MS = LOCK_MINUTES * 60_000;

export interface ThrottleState {
  /** Milliseconds to wait before answering this attempt. */
  delayMs: number;
  /** Set while locked: the attempt is refused without checking the password. */
  lockedUntil: Date | undefined;
}

/** The keys a login attempt counts against: the email (existing or not) and the address. */
export function throttleKeys(email: string, address: string | undefined): string[] {
  return [`email:${email}`, ...(address ? [`ip:${address}`] : [])];
}

export async function throttleState(
  client: PoolClient,
  keys: string[],
  now: Date,
): Promise<ThrottleState> {
  const { rows } = await client.query<{
    failures: number;
    lastFailureAt: Date;
    lockedUntil: Date | null;
  }>({
    text: `select failures, last_failure_at as "lastFailureAt", locked_until as "lockedUntil"
             from login_throttle where key = any($1::text[])`,
    values: [keys],
    types: typesWithDates(client),
  });
  let failures = 0;
  let lockedUntil: Date | undefined;
  for (const row of rows) {
    const locked = row.lockedUntil && row.lockedUntil > now ? row.lockedUntil : undefined;
    if (locked && (!lockedUntil || locked > lockedUntil)) lockedUntil = locked;
    if (now.getTime() - row.lastFailureAt.getTime() < WINDOW_MS)
      failures = Math.max(failures, row.failures);
  }
  const delayMs = failures >= SLOW_AFTER ? Math.min(250 * 2 ** (failures - SLOW_AFTER), 4_000) : 0;
  return { delayMs, lockedUntil };
}

/** Counts a failure against every key; locks a key that reaches LOCK_AFTER. */
export async function recordFailure(client: PoolClient, keys: string[], now: Date): Promise<void> {
  await client.query(
    `insert into login_throttle (key, failures, last_failure_at)
     select k, 1, $2 from unnest($1::text[]) as k
     on conflict (key) do update set
       failures = case when login_throttle.last_failure_at < $2 - $3::interval then 1 else login_throttle.failures + 1 end,
       last_failure_at = $2,
       locked_until = case
         when (case when login_throttle.last_failure_at < $2 - $3::interval then 1 else login_throttle.failures + 1 end) >= $4
         then $2 + $3::interval else login_throttle.locked_until end`,
    [keys, now, `${LOCK_MINUTES} minutes`, LOCK_AFTER],
  );
}

/** A successful login clears the email's count (the address keeps its own). */
export async function clearFailures(client: PoolClient, email: string): Promise<void> {
  await client.query('delete from login_throttle where key = $1', [`email:${email}`]);
}
