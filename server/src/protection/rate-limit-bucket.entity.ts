import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * One token bucket of a rate limit (protection/rate-limiter.ts), shared by every server process.
 * The migration makes the table UNLOGGED, which no entity can declare.
 */
@Entity({ tableName: 'rate_limit_bucket' })
export class RateLimitBucketEntity {
  /** `address:<network address>`, `caller:<API_KEY|USER>:<id>` or `login:<network address>`. */
  @PrimaryKey({ type: 'text' })
  key!: string;

  /** The limit the bucket was last counted under: tokens a minute, and as many at most. */
  @Property({ type: 'integer' })
  perMinute!: number;

  /** Tokens left times 60,000 (a millisecond then refills exactly `perMinute`, whole). */
  @Property({ type: 'bigint' })
  level!: number;

  /** Tokens the last statement gave out, to the requests it counted at once. */
  @Property({ type: 'integer' })
  granted!: number;

  /** When `level` was last brought up to date. */
  @Property({ type: 'timestamptz' })
  refilledAt!: Date;

  /**
   * When the bucket is full again: a bucket past it is worth nothing (an unknown key starts
   * full) and is deleted. Not indexed, so that every count is a HOT update of one row.
   */
  @Property({ type: 'timestamptz' })
  fullAt!: Date;
}
