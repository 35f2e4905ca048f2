import type { IncomingMessage } from 'node:http';
import { createHash } from 'node:crypto';
import type { Config } from '../config';
import { RateLimiter } from '../protection/rate-limiter';

export type LimitDecision =
  { allowed: true } | { allowed: false; retryAfterSeconds: number; per: 'caller' | 'address' };

/**
 * Per-caller and per-address request limits on /graphql, checked before a request is parsed or
 * authenticated so that a flood costs as little as possible. The caller is read from the
 * Authorization header without verifying it: a forged credential only gets a bucket of its own,
 * and still counts against its address.
 */
export class RequestLimits {
  private readonly perCaller: RateLimiter;
  private readonly perAddress: RateLimiter;

  constructor(config: Pick<Config, 'rateLimitPerMinute' | 'rateLimitPerAddressPerMinute'>) {
    this.perCaller = new RateLimiter(config.rateLimitPerMinute);
    this.perAddress = new RateLimiter(config.rateLimitPerAddressPerMinute);
  }

  check(req: IncomingMessage): LimitDecision {
    const address = req.socket.remoteAddress ?? 'unknown';
    const byAddress = this.perAddress.take(address);
    if (!byAddress.allowed) return { ...byAddress, per: 'address' };
    const caller = callerKey(req.headers.authorization);
    if (!caller) return { allowed: true };
    const byCaller = this.perCaller.take(caller);
    return byCaller.allowed ? byCaller : { ...byCaller, per: 'caller' };
  }
}

function callerKey(authorization: string | undefined): string | undefined {
  const token = /^Bearer\s+(\S+)/i.exec(authorization ?? '')?.[1];
  if (!token) return undefined;
  const apiKeyPrefix = /^qmk_([0-9a-f]{8})_/.exec(token)?.[1];
  if (apiKeyPrefix) return `key:${apiKeyPrefix}`;
  try {
    // a user's tokens change every 15 minutes; the user stays the same
    const payload = JSON.parse(
      Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'),
    );
    if (typeof payload.sub === 'string') return `user:${payload.sub}`;
  } catch {
    // not a JWT: bucketed by its hash below
  }
  return `token:${createHash('sha256').update(token).digest('base64url').slice(0, 16)}`;
}
