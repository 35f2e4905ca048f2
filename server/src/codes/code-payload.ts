import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * What a venue's QR code carries: `QM1.<venue>.<version>.<key id>.<signature>`, with the venue's
 * UUID and a 128-bit HMAC-SHA256 tag in base64url. 54 characters with a one-digit version and a
 * two-character key id: a version-4 QR code, whose modules stay large on a 15 cm print, so a
 * phone reads it at arm's length.
 */
const PREFIX = 'QM1';
const PAYLOAD =
  /^QM1\.([A-Za-z0-9_-]{22})\.([0-9a-z]{1,6})\.([A-Za-z0-9_-]{1,16})\.([A-Za-z0-9_-]{22})$/;
const TAG_BYTES = 16;

export interface CodeClaims {
  venueId: string;
  version: number;
  keyId: string;
}

export type VerifiedCode =
  ({ ok: true } & CodeClaims) | { ok: false; reason: 'MALFORMED_CODE' | 'FORGED_CODE' };

export function signCodePayload(keys: Map<string, Buffer>, claims: CodeClaims): string {
  const key = keys.get(claims.keyId);
  if (!key) throw new Error(`no signing key with id ${claims.keyId}`);
  const body = `${PREFIX}.${uuidToBase64url(claims.venueId)}.${claims.version.toString(36)}.${claims.keyId}`;
  return `${body}.${tag(key, body).toString('base64url')}`;
}

/**
 * Checks a scanned payload. A key id that is not (or no longer) configured cannot be verified,
 * so it is treated like a bad signature: forged.
 */
export function verifyCodePayload(keys: Map<string, Buffer>, payload: string): VerifiedCode {
  const match = PAYLOAD.exec(payload);
  if (!match) return { ok: false, reason: 'MALFORMED_CODE' };
  const [, venue, version, keyId, signature] = match;
  const key = keys.get(keyId);
  const given = Buffer.from(signature, 'base64url');
  const body = payload.slice(0, payload.length - signature.length - 1);
  // base64url allows two spellings of the last character: only the canonical one is accepted
  if (
    !key ||
    given.toString('base64url') !== signature ||
    !timingSafeEqual(tag(key, body), given)
  ) {
    return { ok: false, reason: 'FORGED_CODE' };
  }
  return { ok: true, venueId: base64urlToUuid(venue), version: parseInt(version, 36), keyId };
}

function tag(key: Buffer, body: string): Buffer {
  return createHmac('sha256', key).update(body).digest().subarray(0, TAG_BYTES);
}

function uuidToBase64url(uuid: string): string {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex').toString('base64url');
}

function base64urlToUuid(text: string): string {
  const hex = Buffer.from(text, 'base64url').toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
