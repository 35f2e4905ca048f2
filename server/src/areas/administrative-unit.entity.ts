import {
  Entity,
  Enum,
  Index,
  ManyToOne,
  PrimaryKey,
  PrimaryKeyProp,
  Property,
  type Ref,
} from '@mikro-orm/core';
import { UNIT_LEVELS, type UnitLevel } from '@quetma/shared';

/**
 * One row per city, district or ward, keyed by its official GSO code. Small and read on
 * every request, so the server keeps all of them in memory (see AreaDirectory).
 */
@Entity({ tableName: 'administrative_unit' })
export class AdministrativeUnitEntity {
  [PrimaryKeyProp]?: 'code';

  @PrimaryKey({ type: 'text' })
  code!: string;

  @Property({ type: 'text' })
  name!: string;

  /** The unit's kind in Vietnamese words: Quận, Huyện, Thị xã, Phường, Xã, Thị trấn … */
  @Property({ type: 'text' })
  type!: string;

  @Enum({ items: () => UNIT_LEVELS, type: 'text' })
  level!: UnitLevel;

  @ManyToOne(() => AdministrativeUnitEntity, {
    fieldName: 'parent_code',
    nullable: true,
    ref: true,
  })
  @Index()
  parent?: Ref<AdministrativeUnitEntity>;
}
