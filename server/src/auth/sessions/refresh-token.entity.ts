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
 * A login session: the opaque refresh token is stored as its SHA-256 only. Refreshing replaces
 * it (rotation); logging out revokes it.
 */
@Entity({ tableName: 'refresh_token' })
export class RefreshTokenEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

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
