import type { MikroORM } from '@mikro-orm/postgresql';
import type { Role } from '@quetma/shared';
import { GraphQLError } from 'graphql';
import { queryRows } from '../db/sql';
import { looksLikeApiKey, parseApiKey, secretMatches } from './api-keys/api-key-format';
import { ANONYMOUS, scopeOf, type Identity } from './identity';
import { verifyAccessToken } from './sessions/tokens';

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });
}

interface KeyRow {
  id: string;
  name: string;
  role: Role;
  secretHash: Buffer;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

/**
 * Reads `Authorization: Bearer <token>`: an access token (JWT) of a person, or an API key
 * (`qmk_…`). No header is anonymous; a header that does not check out is refused outright,
 * so a client with a stale token learns it at once instead of seeing less data.
 */
export async function authenticate(
  orm: MikroORM,
  jwtSecret: Buffer,
  authorization: string | undefined,
  now: Date,
): Promise<Identity> {
  if (!authorization) return ANONYMOUS;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match)
    throw unauthenticated('The Authorization header must read "Bearer <access token or API key>".');
  const token = match[1];
  if (looksLikeApiKey(token)) return authenticateApiKey(orm, token, now);
  const claims = await verifyAccessToken(jwtSecret, token, now);
  if (!claims)
    throw unauthenticated(
      'The access token is invalid or has expired: log in again or refresh the session.',
    );
  const scope = scopeOf(claims.role, claims.unitCode);
  if ((claims.role === 'DISTRICT_OFFICER' || claims.role === 'WARD_OFFICER') && !scope) {
    throw unauthenticated('This officer account has no unit: ask a city admin to set one.');
  }
  return { kind: 'USER', id: claims.userId, label: claims.email, role: claims.role, scope };
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

async function findKey(orm: MikroORM, prefix: string): Promise<KeyRow | undefined> {
  const cached = keyCache.get(prefix);
  if (cached && Date.now() - cached.fetchedAt < KEY_CACHE_MS) return cached.key;
  const [key] = await queryRows<KeyRow>(
    orm,
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

async function authenticateApiKey(orm: MikroORM, token: string, now: Date): Promise<Identity> {
  const parts = parseApiKey(token);
  const key = parts ? await findKey(orm, parts.prefix) : undefined;
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
      orm,
      'update api_key set last_used_at = $2 where id = $1',
      [key.id, now],
      'api-key-used',
    );
  }
  return { kind: 'API_KEY', id: key.id, label: key.name, role: key.role, scope: undefined };
}
