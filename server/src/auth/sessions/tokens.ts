import { createHash, randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import type { Role } from '@quetma/shared';

const ISSUER = 'quetma';
const AUDIENCE = 'quetma-api';

export interface AccessClaims {
  userId: string;
  /** The login session the token was issued in: it works while that session is open. */
  sessionId: string;
  email: string;
  role: Role;
  unitCode: string | null;
}

/** A short-lived signed token (JWT, HS256) the client sends as `Authorization: Bearer …`. */
export function signAccessToken(
  secret: Buffer,
  claims: AccessClaims,
  now: Date,
  seconds: number,
): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({
    sid: claims.sessionId,
    email: claims.email,
    role: claims.role,
    unit: claims.unitCode,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + seconds)
    .sign(secret);
}

/** The claims of a valid token, or undefined when it is forged, altered or expired. */
export async function verifyAccessToken(
  secret: Buffer,
  token: string,
  now: Date,
): Promise<AccessClaims | undefined> {
  try {
    const { payload } = await jwtVerify(token, secret, {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
      currentDate: now,
    });
    if (typeof payload.sub !== 'string' || typeof payload.role !== 'string') return undefined;
    // tokens from before sessions were checked carry no session: they are refused
    if (typeof payload.sid !== 'string') return undefined;
    return {
      userId: payload.sub,
      sessionId: payload.sid,
      email: String(payload.email ?? ''),
      role: payload.role as Role,
      unitCode: typeof payload.unit === 'string' ? payload.unit : null,
    };
  } catch {
    return undefined;
  }
}

/** An opaque refresh token: 256 random bits; only its SHA-256 is stored. */
export function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
