import { Pool } from 'pg';

const MINUTE_MS = 60_000;
/** A check PostgreSQL has not answered in this long is counted in this process instead. */
const DEADLINE_MS = 1_000;
/** After a failed check, how long a process counts on its own before asking PostgreSQL again. */
const RETRY_MS = 5_000;
/**
 * Checks run one statement each and take well under a millisecond: a few connections carry
 * thousands a second, and more would only queue on the same hot rows (bench:ingest, README).
 */
const CONNECTIONS = 4;

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * A token bucket in one statement, for every server process at once: a key starts with N tokens
 * (stored as tokens × 60,000, so that a millisecond refills exactly N, whole), each request takes
 * one, and tokens come back at N a minute, so bursts up to N pass and sustained traffic is held to
 * the rate. A refused request takes nothing. The bucket's clock only moves forward: when server
 * clocks differ, a lagging one refills nothing rather than refilling again what a leading one
 * did. `full_at` is when the bucket is whole again, and so worth forgetting (sweep).
 * $1 key, $2 tokens a minute, $3 now.
 */
const TAKE_SQL = `insert into rate_limit_bucket as b (key, level, taken, refilled_at, full_at)
  values ($1, ($2::bigint - 1) * 60000, true, $3::timestamptz,
          $3::timestamptz + interval '1 ms' * (60000.0 / $2::bigint))
  on conflict (key) do update set (level, taken, refilled_at, full_at) = (
    select t.level, t.taken, t.at, t.at + interval '1 ms' * (($2::bigint * 60000 - t.level)::float8 / $2::bigint)
    from (select c.at, c.level >= 60000 as taken,
                 case when c.level >= 60000 then c.level - 60000 else c.level end as level
          from (select greatest(b.refilled_at, excluded.refilled_at) as at,
                       least($2::bigint * 60000, b.level + $2::bigint * least(60000, greatest(0,
                         (extract(epoch from excluded.refilled_at - b.refilled_at) * 1000)::bigint))) as level
               ) c) t)
  returning taken, case when taken then 0
    else ceil((60000 - level) / ($2::bigint * 1000.0))::int end as "retryAfterSeconds"`;

/** Buckets full again are worth nothing (a key without one starts full): no index, so a scan. */
const SWEEP_SQL = 'delete from rate_limit_bucket where full_at <= $1';

export interface RateLimitsOptions {
  deadlineMs?: number;
  retryMs?: number;
  /** Told once when PostgreSQL stops answering the checks and once when it answers again. */
  log?: (message: string, error?: unknown) => void;
}

/**
 * The rate limits of one server process, counted in PostgreSQL (table rate_limit_bucket) on
 * connections of their own, so that every process counts against the same buckets and the
 * checks wait behind neither reads nor key look-ups.
 *
 * When PostgreSQL does not answer a check within DEADLINE_MS (down, unreachable, or too slow),
 * the process counts in its own memory, with the same limits, until it does: the API neither
 * refuses everyone nor lets traffic through uncounted, at the cost of allowing up to the limit
 * per process for that time. It asks again every RETRY_MS (one check at a time), and starts
 * afresh from the database's buckets when it answers.
 */
export class RateLimits {
  private readonly pool: Pool;
  private readonly retryMs: number;
  private readonly log: (message: string, error?: unknown) => void;
  private lastSweep: number;
  private fallback: Fallback | undefined;

  constructor(
    databaseUrl: string,
    private readonly now: () => Date,
    options: RateLimitsOptions = {},
  ) {
    const deadlineMs = options.deadlineMs ?? DEADLINE_MS;
    this.retryMs = options.retryMs ?? RETRY_MS;
    this.log = options.log ?? (() => undefined);
    this.pool = new Pool({
      connectionString: databaseUrl,
      max: CONNECTIONS,
      connectionTimeoutMillis: deadlineMs,
      // a network that drops packets leaves a query unanswered: stop waiting on our side too
      query_timeout: deadlineMs,
      application_name: 'quetma-rate-limits',
      keepAlive: true,
    });
    // a statement waiting on a locked bucket stops too; a statement, not a startup option, which
    // connection poolers refuse. Nothing here needs durable commits: the table is UNLOGGED.
    this.pool.on('connect', (client) => {
      client.query(`set statement_timeout = ${Math.floor(deadlineMs)}`).catch(() => undefined);
    });
    // an idle connection that drops is replaced on next use; it must not end the process
    this.pool.on('error', () => undefined);
    this.lastSweep = now().getTime();
  }

  /** `perMinute` requests a minute per key of `kind` (`address`, `caller`, `login`). */
  limiter(kind: string, perMinute: number): RateLimiter {
    // below one a minute the bucket could never hold a whole token; the statement counts whole ones
    if (!Number.isInteger(perMinute) || perMinute < 1) {
      throw new RangeError(`perMinute must be a whole number of at least 1, not ${perMinute}`);
    }
    return { take: (key) => this.take(`${kind}:${key}`, perMinute) };
  }

  /** Deletes the buckets that are full again; take() does it at most once a minute. */
  async sweep(): Promise<void> {
    await this.pool.query({ text: SWEEP_SQL, values: [this.now()] });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async take(key: string, perMinute: number): Promise<RateLimitDecision> {
    const now = this.now();
    const fallback = this.fallback;
    if (fallback && (fallback.probing || performance.now() < fallback.retryAt)) {
      return fallback.buckets.take(key, perMinute, now.getTime());
    }
    if (fallback) fallback.probing = true;
    try {
      await this.sweepIfDue(now);
      const { rows } = await this.pool.query<{ taken: boolean; retryAfterSeconds: number }>({
        name: 'rate-limit-take',
        text: TAKE_SQL,
        values: [key, perMinute, now],
      });
      if (fallback) {
        this.fallback = undefined;
        const seconds = Math.round((performance.now() - fallback.since) / 1000);
        this.log(`rate limits: counted in PostgreSQL again, after ${seconds} s in this process`);
      }
      const [{ taken, retryAfterSeconds }] = rows;
      return taken ? { allowed: true } : { allowed: false, retryAfterSeconds };
    } catch (error) {
      const counting = this.fallback ?? this.startFallback(error);
      counting.probing = false;
      counting.retryAt = performance.now() + this.retryMs;
      return counting.buckets.take(key, perMinute, now.getTime());
    }
  }

  private startFallback(error: unknown): Fallback {
    this.log(
      'rate limits: PostgreSQL does not answer; this process counts them on its own until it does',
      error,
    );
    this.fallback = {
      buckets: new LocalBuckets(),
      since: performance.now(),
      retryAt: 0,
      probing: false,
    };
    return this.fallback;
  }

  private async sweepIfDue(now: Date): Promise<void> {
    const at = now.getTime();
    // a clock that steps back sweeps at once rather than never again
    if (at - this.lastSweep < MINUTE_MS && at >= this.lastSweep) return;
    this.lastSweep = at;
    await this.sweep();
  }
}

export interface RateLimiter {
  take(key: string): Promise<RateLimitDecision>;
}

interface Fallback {
  buckets: LocalBuckets;
  /** performance.now() readings: the fallback is about this process, not the app's clock. */
  since: number;
  retryAt: number;
  /** One check at a time asks PostgreSQL again; the others count here meanwhile. */
  probing: boolean;
}

interface Bucket {
  level: number;
  at: number;
}

/** The statement's arithmetic, in this process's memory, while PostgreSQL does not answer. */
class LocalBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep = -Infinity;

  take(key: string, perMinute: number, now: number): RateLimitDecision {
    const capacity = perMinute * MINUTE_MS;
    // memory stays bounded: at most once a minute, full buckets are forgotten (all limits are
    // refilled within a minute, so a bucket untouched for one is full)
    if (now - this.lastSweep >= MINUTE_MS) {
      this.lastSweep = now;
      for (const [k, b] of this.buckets) if (now - b.at >= MINUTE_MS) this.buckets.delete(k);
    }
    const bucket = this.buckets.get(key) ?? { level: capacity, at: now };
    const elapsed = Math.min(MINUTE_MS, Math.max(0, now - bucket.at));
    bucket.level = Math.min(capacity, bucket.level + elapsed * perMinute);
    bucket.at = Math.max(bucket.at, now);
    this.buckets.set(key, bucket);
    if (bucket.level >= MINUTE_MS) {
      bucket.level -= MINUTE_MS;
      return { allowed: true };
    }
    const waitMs = (MINUTE_MS - bucket.level) / perMinute;
    return { allowed: false, retryAfterSeconds: Math.ceil(waitMs / 1000) };
  }
}
