import { Entity, PrimaryKey } from '@mikro-orm/core';

/**
 * The distinct persons who scanned in a unit on a local day, one row per unit level (ward,
 * district, city) so that the `people` figure is an index-only count at every level. Holds only
 * the keyed hash; retention may drop whole days once their figures are final.
 */
@Entity({ tableName: 'unit_day_person' })
export class UnitDayPersonEntity {
  @PrimaryKey({ type: 'text' })
  unitCode!: string;

  @PrimaryKey({ type: 'date' })
  day!: string;

  @PrimaryKey({ type: 'bytea' })
  personHash!: Buffer;
}
