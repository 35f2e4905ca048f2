import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * The `people` figure of a unit and local day whose person hashes (ward_day_person) retention
 * has deleted: counted just before, so the figure outlives the person-level data.
 */
@Entity({ tableName: 'unit_day_people' })
export class UnitDayPeopleEntity {
  @PrimaryKey({ type: 'text' })
  unitCode!: string;

  @PrimaryKey({ type: 'date' })
  day!: string;

  @Property({ type: 'integer' })
  people!: number;
}
