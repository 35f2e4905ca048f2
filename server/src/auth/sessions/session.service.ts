import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Role } from '@quetma/shared';
import type { Config } from '../../config';
import { withPgClient, withPgTransaction } from '../../db/sql';
import { unauthenticated } from '../authenticate';
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

/**
 * Checks a password and opens a session. The answer is the same whether the email exists or
 * not, and takes as long; repeated failures (per email and per address) slow the answer, then
 * lock both out for a while.
 */
export async function login(
  orm: MikroORM,
  config: Config,
  emailInput: string,
  password: string,
  address: string | undefined,
  now: Date,
): Promise<Session> {
  const email = emailInput.trim().toLowerCase();
  const keys = throttleKeys(email, address);
  // no transaction: a failure must be counted even though the attempt is refused
  return withPgClient(orm, async (client) => {
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
    return openSession(client, config, user, now);
  });
}

/** Trades a valid refresh token for a new session; the old token stops working (rotation). */
export async function refreshSession(
  orm: MikroORM,
  config: Config,
  refreshToken: string,
  now: Date,
): Promise<Session> {
  return withPgTransaction(orm, async (client) => {
    const { rows } = await client.query<UserRow & { tokenId: string }>(
      `update refresh_token t set revoked_at = $2
       from app_user u
       where t.token_hash = $1 and t.user_id = u.id and t.revoked_at is null and t.expires_at > $2
         and u.disabled_at is null
       returning t.id as "tokenId", u.id, u.email, u.role, u.unit_code as "unitCode"`,
      [sha256(refreshToken), now],
    );
    if (!rows[0]) throw unauthenticated('This session has ended or was logged out: log in again.');
    return openSession(client, config, rows[0], now);
  });
}

/** Ends the session of this refresh token. Idempotent: logging out twice is not an error. */
export async function logout(orm: MikroORM, refreshToken: string, now: Date): Promise<boolean> {
  return withPgTransaction(orm, async (client) => {
    const result = await client.query(
      'update refresh_token set revoked_at = $2 where token_hash = $1 and revoked_at is null',
      [sha256(refreshToken), now],
    );
    return (result.rowCount ?? 0) > 0;
  });
}

async function openSession(
  client: import('pg').PoolClient,
  config: Config,
  user: Pick<UserRow, 'id' | 'email' | 'role' | 'unitCode'>,
  now: Date,
): Promise<Session> {
  const refreshToken = newRefreshToken();
  const refreshTokenExpiresAt = new Date(now.getTime() + config.refreshTokenSeconds * 1000);
  await client.query(
    `insert into refresh_token (id, user_id, token_hash, created_at, expires_at) values ($1, $2, $3, $4, $5)`,
    [randomUUID(), user.id, sha256(refreshToken), now, refreshTokenExpiresAt],
  );
  const accessToken = await signAccessToken(
    config.jwtSecret,
    { userId: user.id, email: user.email, role: user.role, unitCode: user.unitCode },
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
