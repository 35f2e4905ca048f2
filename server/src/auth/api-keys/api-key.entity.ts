import { Entity, Enum, ManyToOne, type Opt, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { UserEntity } from '../users/user.entity';

export const API_KEY_ROLES = ['INTEGRATOR', 'SCAN_SOURCE'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

/**
 * A machine caller's key. The caller sends `qmk_<prefix>_<secret>`; the prefix finds the row, and
 * only the secret's SHA-256 is stored (a random 256-bit secret needs no slow hash).
 */
@Entity({ tableName: 'api_key' })
export class ApiKeyEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'text' })
  name!: string;

  /** Name and prefix folded for search (no case, no diacritics: shared/src/search-text.ts). */
  @Property({ type: 'text' })
  searchText!: string;

  /** The name folded, for a sort order that puts Đ with D. */
  @Property({ type: 'text' })
  nameSort!: string;

  @Enum({ items: () => API_KEY_ROLES, type: 'text' })
  role!: ApiKeyRole;

  /** The city admin who created it. */
  @ManyToOne(() => UserEntity, { fieldName: 'owner_id', ref: true })
  owner!: Ref<UserEntity>;

  @Property({ type: 'text', unique: true })
  prefix!: string;

  @Property({ type: 'bytea' })
  secretHash!: Buffer;

  @Property({ type: 'timestamptz' })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  expiresAt?: Date;

  @Property({ type: 'timestamptz', nullable: true })
  lastUsedAt?: Date;

  @Property({ type: 'timestamptz', nullable: true })
  revokedAt?: Date;
}
