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

  /** Tokens left times 60,000 (a millisecond then refills exactly the limit a minute). */
  @Property({ type: 'bigint' })
  level!: number;

  /** Whether the request that last touched the bucket got a token. */
  @Property({ type: 'boolean' })
  taken!: boolean;

  /** When `level` was last brought up to date. */
  @Property({ type: 'timestamptz' })
  refilledAt!: Date;

  /**
   * When the bucket is full again: a bucket past it is worth nothing (an unknown key starts
   * full) and is deleted. Not indexed, so that every take is a HOT update of one row.
   */
  @Property({ type: 'timestamptz' })
  fullAt!: Date;
}
