import { Field, ID, InterfaceType, ObjectType, registerEnumType } from 'type-graphql';
import { UNIT_LEVELS, type UnitLevel } from '@quetma/shared';
import type { AreaUnit } from './area-directory';

export const UnitLevelEnum = Object.fromEntries(UNIT_LEVELS.map((l) => [l, l])) as {
  [K in UnitLevel]: K;
};
registerEnumType(UnitLevelEnum, {
  name: 'UnitLevel',
  description: 'Level in the hierarchy: city (province level), district, ward.',
});

export const TYPE_NAME_BY_LEVEL: Record<UnitLevel, string> = {
  CITY: 'City',
  DISTRICT: 'District',
  WARD: 'Ward',
};

@InterfaceType({
  description: 'A unit of the 2021 administrative hierarchy, identified by its official GSO code.',
  resolveType: (unit: AreaUnit) => TYPE_NAME_BY_LEVEL[unit.level],
})
export abstract class AdministrativeUnit {
  @Field(() => ID, { description: 'Official GSO code: 01 (city), 001 (district), 00001 (ward).' })
  code!: string;

  @Field(() => String, { description: 'Official name in Vietnamese, e.g. "Quận Ba Đình".' })
  name!: string;

  @Field(() => String, {
    description: 'Kind of unit in Vietnamese words: Quận, Huyện, Thị xã, Phường, Xã, Thị trấn…',
  })
  type!: string;

  @Field(() => UnitLevelEnum)
  level!: UnitLevel;
}

@ObjectType({ implements: AdministrativeUnit, description: 'A province-level unit (Hà Nội: 01).' })
export class City extends AdministrativeUnit {}

@ObjectType({
  implements: AdministrativeUnit,
  description: 'A district-level unit: Quận, Huyện or Thị xã.',
})
export class District extends AdministrativeUnit {}

@ObjectType({
  implements: AdministrativeUnit,
  description: 'A ward-level unit: Phường, Xã or Thị trấn.',
})
export class Ward extends AdministrativeUnit {}
