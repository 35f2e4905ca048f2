import { Entity, type Opt, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * Failed logins per email (whether or not it exists, so the answer reveals nothing) and per
 * address. Kept in the database so that every server process sees the same count.
 */
@Entity({ tableName: 'login_throttle' })
export class LoginThrottleEntity {
  /** `email:<email>` or `ip:<network address>`. */
  @PrimaryKey({ type: 'text' })
  key!: string;

  @Property({ type: 'integer' })
  failures: Opt<number> = 0;

  @Property({ type: 'timestamptz' })
  lastFailureAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  lockedUntil?: Date;
}
