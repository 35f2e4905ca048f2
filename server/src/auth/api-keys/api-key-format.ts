import { randomBytes, timingSafeEqual } from 'node:crypto';
import { sha256 } from '../sessions/tokens';

/** `qmk_<8 hex prefix>_<43 base64url secret>`: the prefix finds the key, the secret proves it. */
const KEY_PATTERN = /^qmk_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith('qmk_');
}

export function newApiKey(): { key: string; prefix: string; secretHash: Buffer } {
  const prefix = randomBytes(4).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { key: `qmk_${prefix}_${secret}`, prefix, secretHash: sha256(secret) };
}

/** A key made from known parts (demo keys, printed at every start in development). */
export function apiKeyFromParts(
  prefix: string,
  secret: string,
): { key: string; prefix: string; secretHash: Buffer } {
  return { key: `qmk_${prefix}_${secret}`, prefix, secretHash: sha256(secret) };
}

export function parseApiKey(key: string): { prefix: string; secret: string } | undefined {
  const match = KEY_PATTERN.exec(key);
  return match ? { prefix: match[1], secret: match[2] } : undefined;
}

export function secretMatches(secret: string, storedHash: Buffer): boolean {
  const actual = sha256(secret);
  return actual.length === storedHash.length && timingSafeEqual(actual, storedHash);
}
