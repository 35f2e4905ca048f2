import { normalizeVietnameseMobile } from '@quetma/shared';
import { createCipheriv, createDecipheriv, createHmac, randomFillSync } from 'node:crypto';

/** A phone or ID number's length once canonical, as scans and tracing look-ups accept it. */
export const PERSON_ID_MIN_LENGTH = 6;
export const PERSON_ID_MAX_LENGTH = 20;

/**
 * A scanning person's identifier (phone or ID number) is never stored in clear: a keyed hash
 * matches their scans to each other, and an AES-256-GCM copy lets an audited tracing look-up
 * reach them. Identifiers are kept without spaces, dots, dashes or parentheses, upper case; the
 * hash is taken of a mobile number's +84 form, so the same phone typed two ways matches.
 */
export function canonicalPersonId(identifier: string): string {
  return identifier.replace(/[\s.\-()]/g, '').toUpperCase();
}

/** What the hash is taken of: one phone written 0912…, 84912… or +84 912… is one person. */
function matchingForm(identifier: string): string {
  return normalizeVietnameseMobile(identifier) ?? canonicalPersonId(identifier);
}

export function hashPersonId(key: Buffer, identifier: string): Buffer {
  return createHmac('sha256', key).update(matchingForm(identifier)).digest();
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Random nonces, drawn from the CSPRNG a thousand at a time: one call per nonce cost more than
 * the encryption itself on the ingestion path. Each is used once (the pool is refilled, never
 * reread), so GCM's rule of a unique nonce per key holds as with single draws.
 */
const NONCES_PER_DRAW = 1024;
let noncePool = Buffer.alloc(0);
let nonceAt = 0;

function freshNonce(): Buffer {
  if (nonceAt + IV_BYTES > noncePool.length) {
    noncePool = randomFillSync(Buffer.allocUnsafe(IV_BYTES * NONCES_PER_DRAW));
    nonceAt = 0;
  }
  nonceAt += IV_BYTES;
  return noncePool.subarray(nonceAt - IV_BYTES, nonceAt);
}

/** iv ‖ tag ‖ ciphertext, so one bytea column holds all that decryption needs. */
function seal(key: Buffer, text: string): Buffer {
  const iv = freshNonce();
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
}

function unseal(key: Buffer, sealed: Buffer): string {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([
    decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)),
    decipher.final(),
  ]).toString('utf8');
}

export function encryptPersonId(key: Buffer, identifier: string): Buffer {
  return seal(key, canonicalPersonId(identifier));
}

export function decryptPersonId(key: Buffer, sealed: Buffer): string {
  return unseal(key, sealed);
}

/**
 * Other personal data that goes with a scan (the health declaration), sealed like the identifier
 * and with the same key: whoever may decrypt one may decrypt the other.
 */
export function encryptJson(key: Buffer, value: unknown): Buffer {
  return seal(key, JSON.stringify(value));
}

export function decryptJson<T = unknown>(key: Buffer, sealed: Buffer): T {
  return JSON.parse(unseal(key, sealed)) as T;
}
