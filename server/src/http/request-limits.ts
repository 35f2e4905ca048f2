import type { IncomingMessage } from 'node:http';
import type { Config } from '../config';
import type { Identity } from '../auth/identity';
import { RateLimiter } from '../protection/rate-limiter';

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
 * never the kiosk's.
 */
export class RequestLimits {
  private readonly perCaller: RateLimiter;
  private readonly perAddress: RateLimiter;

  constructor(config: Pick<Config, 'rateLimitPerMinute' | 'rateLimitPerAddressPerMinute'>) {
    this.perCaller = new RateLimiter(config.rateLimitPerMinute);
    this.perAddress = new RateLimiter(config.rateLimitPerAddressPerMinute);
  }

  checkAddress(req: IncomingMessage): LimitDecision {
    const decision = this.perAddress.take(req.socket.remoteAddress ?? 'unknown');
    return decision.allowed ? decision : { ...decision, per: 'address' };
  }

  /** For an authenticated caller; anonymous requests are limited by their address alone. */
  checkCaller(identity: Identity): LimitDecision {
    if (identity.kind === 'ANONYMOUS') return { allowed: true };
    const decision = this.perCaller.take(`${identity.kind}:${identity.id}`);
    return decision.allowed ? decision : { ...decision, per: 'caller' };
  }
}
