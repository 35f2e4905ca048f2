import { Pool, type PoolClient, type QueryConfig, type QueryResultRow } from 'pg';
import { GroupCommitError, GroupCommitter } from '../scans/ingestion/group-commit';

const MINUTE_MS = 60_000;
/** A count PostgreSQL has not answered in this long is made in this process instead. */
const DEADLINE_MS = 1_000;
/** After a failed count, how long a process counts on its own before asking PostgreSQL again. */
const RETRY_MS = 5_000;
/**
 * Checks are counted together (GroupCommitter), one statement at a time per process: the checks
 * that arrive while a statement runs go in the next, each key's once with the number of tokens
 * asked. A statement per check (two per request) cost the server 460–480 µs of CPU per
 * single-scan request against 195–220 in memory, and bench:ingest (a) fell to 0.70× from 1.29×;
 * counted together, both are as in memory within this machine's noise (README, Benchmarks).
 * An idle process waits for company 1 ms (a timer's least), as scans do.
 */
const COUNTS_IN_FLIGHT = 1;
const MAX_CHECKS_PER_COUNT = 1_000;
/** What pg_stat_activity calls the rate limits' connections. */
export const RATE_LIMITS_APPLICATION_NAME = 'quetma-rate-limits';

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Token buckets in one statement, for every server process at once: a key starts with N tokens
 * (stored as tokens × 60,000, so that a millisecond refills exactly N, whole), each request takes
 * one, and tokens come back at N a minute, so bursts up to N pass and sustained traffic is held to
 * the rate. A key asked k tokens at once gets as many as it has, at most k; refused requests take
 * nothing. The bucket's clock only moves forward: when server clocks differ, a lagging one
 * refills nothing rather than refilling again what a leading one did. `full_at` is when the
 * bucket is whole again, and so worth forgetting (SWEEP_SQL).
 * $1 keys, $2 their tokens a minute, $3 tokens asked, $4 now.
 */
const COUNT_SQL = `insert into rate_limit_bucket as b (key, per_minute, level, granted, refilled_at, full_at)
  select r.key, r.per_minute, (r.per_minute - g.granted)::bigint * 60000, g.granted, $4::timestamptz,
         $4::timestamptz + interval '1 ms' * (g.granted * 60000.0 / r.per_minute)
  from unnest($1::text[], $2::int[], $3::int[]) as r(key, per_minute, wanted)
  cross join lateral (select least(r.wanted, r.per_minute) as granted) g
  on conflict (key) do update set (per_minute, level, granted, refilled_at, full_at) = (
    select excluded.per_minute, t.level, t.granted, t.at,
           t.at + interval '1 ms' * ((excluded.per_minute * 60000::bigint - t.level)::float8 / excluded.per_minute)
    from (select c.at, c.granted, c.level - c.granted * 60000::bigint as level
          from (select a.at, a.level, least(excluded.granted, a.level / 60000)::int as granted
                from (select greatest(b.refilled_at, excluded.refilled_at) as at,
                             least(excluded.per_minute * 60000::bigint,
                                   b.level + excluded.per_minute * least(60000, greatest(0,
                                     (extract(epoch from excluded.refilled_at - b.refilled_at) * 1000)::bigint))) as level
                     ) a) c) t)
  returning key, granted, ceil((60000 - level) / (per_minute * 1000.0))::int as "retryAfterSeconds"`;

/** Buckets full again are worth nothing (a key without one starts full): no index, so a scan. */
const SWEEP_SQL = 'delete from rate_limit_bucket where full_at <= $1';

export interface RateLimitsOptions {
  deadlineMs?: number;
  retryMs?: number;
  /** Told once when PostgreSQL stops answering the counts and once when it answers again. */
  log?: (message: string, error?: unknown) => void;
}

interface Check {
  key: string;
  perMinute: number;
  /** Asks PostgreSQL whether it answers again, while the process counts on its own. */
  probe?: boolean;
}

/** A count not sent: the process counts on its own since the one before it failed. */
class CountingHere extends Error {}

/**
 * The rate limits of one server process, counted in PostgreSQL (table rate_limit_bucket) on a
 * connection of their own, so that every process counts against the same buckets and the checks
 * wait behind neither reads nor key look-ups.
 *
 * When PostgreSQL does not answer a count within DEADLINE_MS (down, unreachable, or too slow),
 * the process counts in its own memory, with the same limits, until it does: the API neither
 * refuses everyone nor lets traffic through uncounted, at the cost of allowing up to the limit
 * per process for that time. It asks again every RETRY_MS (one check at a time), and starts
 * afresh from the database's buckets when it answers.
 */
export class RateLimits {
  private readonly pool: Pool;
  private readonly counter: GroupCommitter<Check, RateLimitDecision>;
  private readonly retryMs: number;
  private readonly log: (message: string, error?: unknown) => void;
  private readonly settings: string;
  /** Connections that have run `settings`. */
  private readonly settled = new WeakSet<PoolClient>();
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
      max: COUNTS_IN_FLIGHT,
      connectionTimeoutMillis: deadlineMs,
      // a network that drops packets leaves a query unanswered: stop waiting on our side too
      query_timeout: deadlineMs,
      application_name: RATE_LIMITS_APPLICATION_NAME,
      keepAlive: true,
    });
    this.settings = `set statement_timeout = ${Math.floor(deadlineMs)}`;
    // an idle connection that drops is replaced on next use; it must not end the process
    this.pool.on('error', () => undefined);
    this.counter = new GroupCommitter((checks) => this.count(checks), {
      maxBatch: MAX_CHECKS_PER_COUNT,
      maxInFlight: COUNTS_IN_FLIGHT,
      maxWaitMs: 0,
    });
    this.lastSweep = now().getTime();
  }

  /** `perMinute` requests a minute per key of `kind` (`address`, `caller`, `login`). */
  limiter(kind: string, perMinute: number): RateLimiter {
    // below one a minute the bucket could never hold a whole token; the statement counts whole ones
    if (!Number.isInteger(perMinute) || perMinute < 1) {
      throw new RangeError(`perMinute must be a whole number of at least 1, not ${perMinute}`);
    }
    return { take: (key) => this.take({ key: `${kind}:${key}`, perMinute }) };
  }

  /** Deletes the buckets that are full again; counts do it at most once a minute. */
  async sweep(): Promise<void> {
    await this.query({ text: SWEEP_SQL, values: [this.now()] });
  }

  /** Counts what was asked, then closes the connection. */
  async close(): Promise<void> {
    await this.counter.close();
    await this.pool.end();
  }

  private async take(check: Check): Promise<RateLimitDecision> {
    const fallback = this.fallback;
    if (fallback && (fallback.probing || performance.now() < fallback.retryAt)) {
      return fallback.buckets.take(check, this.now().getTime());
    }
    if (fallback) fallback.probing = true;
    try {
      const [decision] = await this.counter.submit([{ ...check, probe: fallback !== undefined }]);
      if (this.fallback) {
        const seconds = Math.round((performance.now() - this.fallback.since) / 1000);
        this.fallback = undefined;
        this.log(`rate limits: counted in PostgreSQL again, after ${seconds} s in this process`);
      }
      return decision;
    } catch (error) {
      const counting = this.fallback ?? this.startFallback(error);
      if (!(error instanceof GroupCommitError && error.cause instanceof CountingHere)) {
        counting.probing = false;
        counting.retryAt = performance.now() + this.retryMs;
      }
      return counting.buckets.take(check, this.now().getTime());
    }
  }

  /** One statement for the checks that arrived together: each key's bucket asked once. */
  private async count(checks: Check[]): Promise<RateLimitDecision[]> {
    // checks that were waiting behind the count that failed: no second wait for the deadline
    if (this.fallback && !checks.some((check) => check.probe)) throw new CountingHere();
    const now = this.now();
    await this.sweepIfDue(now);
    const asked = new Map<string, { perMinute: number; wanted: number }>();
    for (const { key, perMinute } of checks) {
      const entry = asked.get(key);
      if (entry) entry.wanted += 1;
      else asked.set(key, { perMinute, wanted: 1 });
    }
    const rows = await this.query<{ key: string; granted: number; retryAfterSeconds: number }>({
      name: 'rate-limit-count',
      text: COUNT_SQL,
      values: [
        [...asked.keys()],
        [...asked.values()].map((entry) => entry.perMinute),
        [...asked.values()].map((entry) => entry.wanted),
        now,
      ],
    });
    const left = new Map(rows.map((row) => [row.key, row]));
    // the first to ask get the tokens there were
    return checks.map(({ key }) => {
      const row = left.get(key)!;
      if (row.granted === 0) return { allowed: false, retryAfterSeconds: row.retryAfterSeconds };
      row.granted -= 1;
      return { allowed: true };
    });
  }

  /**
   * One statement on one of the limits' connections. A connection's first runs the settings:
   * a statement waiting on a locked bucket stops too (a statement, not a startup option, which
   * connection poolers refuse; no durable commits, the table is UNLOGGED). A connection that
   * failed is closed, not reused: after a timeout its statement may still be running.
   */
  private async query<R extends QueryResultRow>(statement: QueryConfig): Promise<R[]> {
    const client = await this.pool.connect();
    let failure: Error | undefined;
    try {
      if (!this.settled.has(client)) {
        await client.query(this.settings);
        this.settled.add(client);
      }
      return (await client.query<R>(statement)).rows;
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      client.release(failure);
    }
  }

  private startFallback(error: unknown): Fallback {
    this.log(
      'rate limits: PostgreSQL does not answer; this process counts them on its own until it does',
      error instanceof GroupCommitError ? error.cause : error,
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

  take({ key, perMinute }: Check, now: number): RateLimitDecision {
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
