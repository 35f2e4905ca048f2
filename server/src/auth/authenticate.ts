import type { Pool } from 'pg';
import type { Role } from '@quetma/shared';
import { queryRows } from '../db/sql';
import { unauthenticated } from '../graphql/errors';
import { looksLikeApiKey, parseApiKey, secretMatches } from './api-keys/api-key-format';
import { ANONYMOUS, scopeOf, type Identity } from './identity';
import { verifyAccessToken } from './sessions/tokens';

interface KeyRow {
  id: string;
  name: string;
  role: Role;
  secretHash: Buffer;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

interface SessionUserRow {
  email: string;
  role: Role;
  unitCode: string | null;
}

/**
 * Reads `Authorization: Bearer <token>`: an access token (JWT) of a person, or an API key
 * (`qmk_…`). No header is anonymous; a header that does not check out is refused outright,
 * so a client with a stale token learns it at once instead of seeing less data. Look-ups go
 * through authentication's own connections (auth-pool.ts), never behind the reads.
 */
export class Authenticator {
  constructor(
    private readonly pool: Pool,
    private readonly jwtSecret: Buffer,
  ) {}

  async authenticate(authorization: string | undefined, now: Date): Promise<Identity> {
    if (!authorization) return ANONYMOUS;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match)
      throw unauthenticated(
        'The Authorization header must read "Bearer <access token or API key>".',
      );
    const token = match[1];
    if (looksLikeApiKey(token)) return this.authenticateApiKey(token, now);
    return this.authenticateAccessToken(token, now);
  }

  /**
   * A signed, unexpired token is not enough: its session must still be open and its user
   * enabled, asked of the database at every request, so that logging out or disabling a user
   * ends access at once, on every server process. The role and unit are read afresh too.
   */
  private async authenticateAccessToken(token: string, now: Date): Promise<Identity> {
    const claims = await verifyAccessToken(this.jwtSecret, token, now);
    if (!claims)
      throw unauthenticated(
        'The access token is invalid or has expired: log in again or refresh the session.',
      );
    const [user] = claims.sessionId
      ? await queryRows<SessionUserRow>(
          this.pool,
          `select u.email, u.role, u.unit_code as "unitCode"
           from refresh_token t join app_user u on u.id = t.user_id
           where t.session_id = $1 and t.user_id = $2 and t.revoked_at is null and t.expires_at > $3
             and u.disabled_at is null
           limit 1`,
          [claims.sessionId, claims.userId, now],
          'session-open',
        )
      : [];
    if (!user)
      throw unauthenticated(
        'This session has ended (logged out or account disabled): log in again.',
      );
    const scope = scopeOf(user.role, user.unitCode);
    if ((user.role === 'DISTRICT_OFFICER' || user.role === 'WARD_OFFICER') && !scope) {
      throw unauthenticated('This officer account has no unit: ask a city admin to set one.');
    }
    return { kind: 'USER', id: claims.userId, label: user.email, role: user.role, scope };
  }

  private async authenticateApiKey(token: string, now: Date): Promise<Identity> {
    const parts = parseApiKey(token);
    const key = parts ? await this.findKey(parts.prefix) : undefined;
    if (!parts || !key || !secretMatches(parts.secret, key.secretHash)) {
      throw unauthenticated('The API key is not valid.');
    }
    if (key.revokedAt) throw unauthenticated('This API key has been revoked.');
    if (key.expiresAt && key.expiresAt.getTime() <= now.getTime()) {
      throw unauthenticated('This API key has expired: ask a city admin for a new one.');
    }
    // last use is for people auditing keys: to the minute is enough, and spares a write per request
    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > 60_000) {
      key.lastUsedAt = now;
      await queryRows(
        this.pool,
        'update api_key set last_used_at = $2 where id = $1',
        [key.id, now],
        'api-key-used',
      );
    }
    return { kind: 'API_KEY', id: key.id, label: key.name, role: key.role, scope: undefined };
  }

  private async findKey(prefix: string): Promise<KeyRow | undefined> {
    const cached = keyCache.get(prefix);
    if (cached && Date.now() - cached.fetchedAt < KEY_CACHE_MS) return cached.key;
    const [key] = await queryRows<KeyRow>(
      this.pool,
      `select id, name, role, secret_hash as "secretHash", expires_at as "expiresAt", revoked_at as "revokedAt",
         last_used_at as "lastUsedAt"
       from api_key where prefix = $1`,
      [prefix],
      'api-key-by-prefix',
    );
    // bounded: unknown prefixes are cached too (a flood of made-up keys), so sweep when large
    if (keyCache.size > 10_000) keyCache.clear();
    keyCache.set(prefix, { key, fetchedAt: Date.now() });
    return key;
  }
}

/**
 * Keys by prefix, kept for a few seconds: a scan source sends thousands of requests a minute,
 * and a database round trip per request was the largest cost of a single-scan request.
 * Revoking through this process forgets the key at once; another server process notices
 * within KEY_CACHE_MS.
 */
const KEY_CACHE_MS = 10_000;
const keyCache = new Map<string, { key: KeyRow | undefined; fetchedAt: number }>();

export function forgetApiKey(prefix: string): void {
  keyCache.delete(prefix);
}
