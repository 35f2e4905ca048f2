export const REDACTED = '[REDACTED]';

/**
 * Argument names whose values are secrets or personal data. An email stays: it names the actor
 * or the account acted on, which is what an auditor looks for.
 */
const SECRET_KEYS = [
  /password/i,
  /passphrase/i,
  /secret/i,
  /token/i,
  /phone/i,
  // a registrant is a private person: their name is as personal as their phone
  /^registrantName$/i,
  /identifier/i,
  /^person(id|hash)?$/i,
  /^subject(id)?$/i,
  // a scan's health declaration (recordScans) is health data about a person
  /^healthDeclaration$/i,
];

/** An API key (`qmk_<prefix>_<secret>`, or a piece of one) or a JWT, anywhere in a string. */
const API_KEY = /qmk_[A-Za-z0-9_-]/;
const JWT = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/;

export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.some((pattern) => pattern.test(key));
}

export function looksLikeCredential(value: string): boolean {
  return API_KEY.test(value) || JWT.test(value);
}

/**
 * A JSON-ready deep copy of a field's arguments for the audit log, with secrets and personal
 * data replaced by '[REDACTED]' and dates as ISO strings. A credential pasted into any string
 * (a key given as an id, a token in a reason) is caught too.
 */
export function redactArguments(args: unknown): unknown {
  return redactValue(args);
}

function redactValue(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'string') return looksLikeCredential(value) ? REDACTED : value;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Array.isArray(value)) return value.map(redactValue);
  // bytes are never worth keeping and may be a hash or a key
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return REDACTED;
  if (typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (inner === undefined || typeof inner === 'function') continue;
      // a null stays null: it records that the datum was absent or cleared, and reveals nothing
      copy[key] = isSecretKey(key) && inner !== null ? REDACTED : redactValue(inner);
    }
    return copy;
  }
  return undefined;
}
