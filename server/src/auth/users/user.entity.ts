import {
  Entity,
  Enum,
  ManyToOne,
  type Opt,
  PrimaryKey,
  Property,
  type Ref,
  Unique,
} from '@mikro-orm/core';
import { ROLES, type Role } from '@quetma/shared';
import { AdministrativeUnitEntity } from '../../areas/administrative-unit.entity';

/** A person who logs in. Officers belong to the district or ward they look after. */
@Entity({ tableName: 'app_user' })
export class UserEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  /** Stored lower-case: one account per address, whatever the capitals. */
  @Property({ type: 'text' })
  @Unique()
  email!: string;

  @Property({ type: 'text' })
  name!: string;

  /** Email and name folded for search (no case, no diacritics: shared/src/search-text.ts). */
  @Property({ type: 'text' })
  searchText!: string;

  /** The name folded, for a sort order that puts Đ with D. */
  @Property({ type: 'text' })
  nameSort!: string;

  @Enum({ items: () => ROLES, type: 'text' })
  role!: Role;

  @ManyToOne(() => AdministrativeUnitEntity, { fieldName: 'unit_code', nullable: true, ref: true })
  unit?: Ref<AdministrativeUnitEntity>;

  /** argon2id, with its parameters in the string. */
  @Property({ type: 'text', hidden: true })
  passwordHash!: string;

  @Property({ type: 'timestamptz' })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  disabledAt?: Date;
}
