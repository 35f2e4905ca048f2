const MINUTE_MS = 60_000;

interface Bucket {
  /** Tokens times 60,000: a millisecond then adds exactly `perMinute`, so whole-ms clocks stay exact. */
  level: number;
  /** Clock reading when `level` was last brought up to date. */
  at: number;
}

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * "N requests a minute per key" as a token bucket: a key starts with N tokens, each request
 * takes one, and tokens come back continuously at N a minute, so short bursts up to N pass
 * while sustained traffic is held to the rate.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly capacity: number;
  private lastSweep: number;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    // Below one a minute the bucket could never hold a whole token.
    if (!Number.isFinite(perMinute) || perMinute < 1) {
      throw new RangeError(`perMinute must be a number of at least 1, not ${perMinute}`);
    }
    this.capacity = perMinute * MINUTE_MS;
    this.lastSweep = now();
  }

  /** Keys currently tracked; idle ones are forgotten by the sweep. */
  get size(): number {
    return this.buckets.size;
  }

  take(key: string): RateLimitDecision {
    const now = this.now();
    this.sweep(now);
    const bucket = this.buckets.get(key) ?? { level: this.capacity, at: now };
    bucket.level = this.levelAt(bucket, now);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.level >= MINUTE_MS) {
      bucket.level -= MINUTE_MS;
      return { allowed: true };
    }
    // The bucket gains perMinute units a millisecond; one token is MINUTE_MS units.
    const waitMs = (MINUTE_MS - bucket.level) / this.perMinute;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }

  private levelAt(bucket: Bucket, now: number): number {
    // A clock that steps backwards refills nothing rather than draining the bucket.
    const elapsed = Math.max(0, now - bucket.at);
    return Math.min(this.capacity, bucket.level + elapsed * this.perMinute);
  }

  // Memory stays bounded by sweeping, at most once a minute, the buckets that have refilled to
  // full: forgetting them loses nothing, since an unknown key starts with a full bucket.
  private sweep(now: number): void {
    if (now - this.lastSweep < MINUTE_MS) return;
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) {
      if (this.levelAt(bucket, now) >= this.capacity) this.buckets.delete(key);
    }
  }
}
