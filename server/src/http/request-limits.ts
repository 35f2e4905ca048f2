import type { IncomingMessage } from 'node:http';
import type { Config } from '../config';
import type { Identity } from '../auth/identity';
import type { RateLimiter, RateLimits } from '../protection/rate-limiter';

/** Who is calling, or why they are refused (answered by sendRefusal, http/respond.ts, at every door). */
export type CallerCheck =
  | { ok: true; identity: Identity }
  | {
      ok: false;
      status: 401 | 429;
      code: 'UNAUTHENTICATED' | 'TOO_MANY_REQUESTS';
      message: string;
      retryAfterSeconds?: number;
    };

export type LimitDecision =
  { allowed: true } | { allowed: false; retryAfterSeconds: number; per: 'caller' | 'address' };

/**
 * Request limits on the API's doors, in two steps. Every request counts against its network
 * address before anything else is done, so that a flood costs as little as possible; a
 * credential counts against its owner's bucket only once it is verified, so that someone
 * sending a kiosk's key prefix with a wrong secret uses up their own address's allowance,
 * never the kiosk's. Both are counted in PostgreSQL, against the same buckets for every server
 * process (protection/rate-limiter.ts).
 */
export class RequestLimits {
  private readonly perCaller: RateLimiter;
  private readonly perAddress: RateLimiter;

  constructor(
    limits: RateLimits,
    config: Pick<Config, 'rateLimitPerMinute' | 'rateLimitPerAddressPerMinute'>,
  ) {
    this.perCaller = limits.limiter('caller', config.rateLimitPerMinute);
    this.perAddress = limits.limiter('address', config.rateLimitPerAddressPerMinute);
  }

  async checkAddress(req: IncomingMessage): Promise<LimitDecision> {
    const decision = await this.perAddress.take(req.socket.remoteAddress ?? 'unknown');
    return decision.allowed ? decision : { ...decision, per: 'address' };
  }

  /** For an authenticated caller; anonymous requests are limited by their address alone. */
  async checkCaller(identity: Identity): Promise<LimitDecision> {
    if (identity.kind === 'ANONYMOUS') return { allowed: true };
    const decision = await this.perCaller.take(`${identity.kind}:${identity.id}`);
    return decision.allowed ? decision : { ...decision, per: 'caller' };
  }
}
