import {
  Entity,
  Index,
  ManyToOne,
  type Opt,
  PrimaryKey,
  Property,
  type Ref,
} from '@mikro-orm/core';
import { UserEntity } from '../users/user.entity';

/**
 * A refresh token of a login session, stored as its SHA-256 only. Refreshing replaces it with
 * another of the same session (rotation); logging out revokes the session's. Access tokens name
 * the session, and work while it has an unrevoked, unexpired token.
 */
@Entity({ tableName: 'refresh_token' })
export class RefreshTokenEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  /** Shared by the tokens that rotation chains from one login. */
  @Property({ type: 'uuid' })
  @Index()
  sessionId!: string;

  @ManyToOne(() => UserEntity, { fieldName: 'user_id', ref: true, deleteRule: 'cascade' })
  @Index()
  user!: Ref<UserEntity>;

  @Property({ type: 'bytea', unique: true })
  tokenHash!: Buffer;

  @Property({ type: 'timestamptz' })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  revokedAt?: Date;
}
