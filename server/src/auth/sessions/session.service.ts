import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { Role } from '@quetma/shared';
import type { Config } from '../../config';
import { withPgClient, withPgTransaction, type HasConnection } from '../../db/sql';
import { unauthenticated } from '../../graphql/errors';
import {
  clearFailures,
  LOCK_MINUTES,
  recordFailure,
  throttleKeys,
  throttleState,
} from './login-throttle';
import { decoyPasswordHash, verifyPassword } from './passwords';
import { newRefreshToken, sha256, signAccessToken } from './tokens';

export interface Session {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  userId: string;
}

interface UserRow {
  id: string;
  email: string;
  role: Role;
  unitCode: string | null;
  passwordHash: string;
  disabledAt: Date | null;
}

const WRONG = 'Wrong email or password.';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type SessionLifetimes = Pick<Config, 'jwtSecret' | 'accessTokenSeconds' | 'refreshTokenSeconds'>;

/**
 * Checks a password and opens a session. The answer is the same whether the email exists or
 * not, and takes as long; repeated failures (per email and per address) slow the answer, then
 * lock out the email or the address that reached the limit, for LOCK_MINUTES. `db` is authentication's pool (auth-pool.ts).
 */
export async function login(
  db: HasConnection,
  config: Config,
  emailInput: string,
  password: string,
  address: string | undefined,
  now: Date,
): Promise<Session> {
  const email = emailInput.trim().toLowerCase();
  const keys = throttleKeys(email, address);
  // no transaction: a failure must be counted even though the attempt is refused
  return withPgClient(db, async (client) => {
    const throttle = await throttleState(client, keys, now);
    if (throttle.lockedUntil) {
      throw unauthenticated(
        `Too many failed logins: try again after ${throttle.lockedUntil.toISOString()} (${LOCK_MINUTES} minutes after the last).`,
      );
    }
    if (throttle.delayMs) await sleep(throttle.delayMs);
    const { rows } = await client.query<UserRow>(
      `select id, email, role, unit_code as "unitCode", password_hash as "passwordHash", disabled_at as "disabledAt"
       from app_user where email = $1`,
      [email],
    );
    const user = rows[0];
    const matches = await verifyPassword(
      user?.passwordHash ?? (await decoyPasswordHash()),
      password,
    );
    if (!user || !matches || user.disabledAt) {
      await recordFailure(client, keys, now);
      throw unauthenticated(WRONG);
    }
    await clearFailures(client, email);
    return openSession(client, config, user, randomUUID(), now);
  });
}

/**
 * Trades a valid refresh token for a new pair; the old refresh token stops working (rotation).
 * The session stays the same one, so access tokens issued before the refresh keep working
 * until they expire: a console's requests in flight are not refused.
 */
export async function refreshSession(
  db: HasConnection,
  config: SessionLifetimes,
  refreshToken: string,
  now: Date,
): Promise<Session> {
  return withPgTransaction(db, async (client) => {
    const { rows } = await client.query<UserRow & { sessionId: string }>(
      `update refresh_token t set revoked_at = $2
       from app_user u
       where t.token_hash = $1 and t.user_id = u.id and t.revoked_at is null and t.expires_at > $2
         and u.disabled_at is null
       returning t.session_id as "sessionId", u.id, u.email, u.role, u.unit_code as "unitCode"`,
      [sha256(refreshToken), now],
    );
    if (!rows[0]) throw unauthenticated('This session has ended or was logged out: log in again.');
    return openSession(client, config, rows[0], rows[0].sessionId, now);
  });
}

/**
 * Ends the session of this refresh token: its refresh token and every access token issued in
 * it stop working at once. Idempotent: logging out twice is not an error.
 */
export async function logout(db: HasConnection, refreshToken: string, now: Date): Promise<boolean> {
  return withPgTransaction(db, async (client) => {
    const result = await client.query(
      `update refresh_token set revoked_at = $2
       where session_id = (select session_id from refresh_token where token_hash = $1)
         and revoked_at is null`,
      [sha256(refreshToken), now],
    );
    return (result.rowCount ?? 0) > 0;
  });
}

/** Stores a refresh token of the session and signs an access token bound to it. */
export async function openSession(
  client: PoolClient,
  config: SessionLifetimes,
  user: Pick<UserRow, 'id' | 'email' | 'role' | 'unitCode'>,
  sessionId: string,
  now: Date,
): Promise<Session> {
  const refreshToken = newRefreshToken();
  const refreshTokenExpiresAt = new Date(now.getTime() + config.refreshTokenSeconds * 1000);
  await client.query(
    `insert into refresh_token (id, session_id, user_id, token_hash, created_at, expires_at)
     values ($1, $2, $3, $4, $5, $6)`,
    [randomUUID(), sessionId, user.id, sha256(refreshToken), now, refreshTokenExpiresAt],
  );
  const accessToken = await signAccessToken(
    config.jwtSecret,
    { userId: user.id, sessionId, email: user.email, role: user.role, unitCode: user.unitCode },
    now,
    config.accessTokenSeconds,
  );
  return {
    accessToken,
    accessTokenExpiresAt: new Date(
      Math.floor(now.getTime() / 1000) * 1000 + config.accessTokenSeconds * 1000,
    ),
    refreshToken,
    refreshTokenExpiresAt,
    userId: user.id,
  };
}
