import { Entity, PrimaryKey } from '@mikro-orm/core';

/**
 * The distinct persons who scanned in a ward on a local day: the `people` figure of a ward is
 * an index-only count of its rows, and a district's or the city's a distinct count over their
 * wards' rows. One row per ward (not one per level as well) keeps ingestion at one insert per
 * scan. Keyed by day first, so retention removes old days from the front of the index. Holds
 * only the keyed hash; retention deletes whole days once their figures are counted.
 */
@Entity({ tableName: 'ward_day_person' })
export class WardDayPersonEntity {
  @PrimaryKey({ type: 'date' })
  day!: string;

  @PrimaryKey({ type: 'text' })
  wardCode!: string;

  @PrimaryKey({ type: 'bytea' })
  personHash!: Buffer;
}
