import {
  Entity,
  Enum,
  Index,
  ManyToOne,
  type Opt,
  PrimaryKey,
  Property,
  type Ref,
} from '@mikro-orm/core';
import {
  VENUE_CATEGORY_VALUES,
  VENUE_STATUSES,
  type VenueCategory,
  type VenueStatus,
} from '@quetma/shared';
import { AdministrativeUnitEntity } from '../areas/administrative-unit.entity';

/**
 * A place that must run QR entry-scanning. The district and city codes repeat what the ward
 * implies so that a unit's venues are one index range at any level (and, on Citus, so that
 * figures never join through the unit table).
 */
@Entity({ tableName: 'venue' })
@Index({ properties: ['districtCode'] })
@Index({ properties: ['cityCode'] })
@Index({
  name: 'venue_search_text_trgm_index',
  expression:
    'create index "venue_search_text_trgm_index" on "venue" using gin ("search_text" gin_trgm_ops)',
})
@Index({
  name: 'venue_name_sort_id_index',
  expression: 'create index "venue_name_sort_id_index" on "venue" ("name_sort" collate "C", "id")',
})
export class VenueEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'text' })
  name!: string;

  /** Name and address folded for search (no case, no diacritics); trigram-indexed. */
  @Property({ type: 'text' })
  searchText!: string;

  /** The name folded, for a sort order that puts Đ with D. */
  @Property({ type: 'text' })
  nameSort!: string;

  @Enum({ items: () => VENUE_CATEGORY_VALUES, type: 'text' })
  category!: VenueCategory;

  @Property({ type: 'text' })
  address!: string;

  @ManyToOne(() => AdministrativeUnitEntity, { fieldName: 'ward_code', ref: true })
  @Index()
  ward!: Ref<AdministrativeUnitEntity>;

  @Property({ type: 'text' })
  districtCode!: string;

  @Property({ type: 'text' })
  cityCode!: string;

  @Property({ type: 'text' })
  registrantName!: string;

  /** Normalised to +84 followed by 9 digits. */
  @Property({ type: 'text' })
  registrantPhone!: string;

  @Property({ type: 'boolean' })
  isAgencyHeadquarters: Opt<boolean> = false;

  @Property({ type: 'timestamptz' })
  @Index()
  registeredAt!: Date;

  @Enum({ items: () => VENUE_STATUSES, type: 'text' })
  status: Opt<VenueStatus> = 'ACTIVE';

  @Property({ type: 'timestamptz', nullable: true })
  closedAt?: Date;

  @Property({ type: 'text', nullable: true })
  closedReason?: string;

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Opt<Date> = new Date();
}
