/** Levels of Viet Nam's administrative hierarchy as quetma models it (2021 GSO code set). */
export const UNIT_LEVELS = ['CITY', 'DISTRICT', 'WARD'] as const;
export type UnitLevel = (typeof UNIT_LEVELS)[number];

/** Official GSO codes are zero-padded strings whose length tells the level. */
export const UNIT_CODE_LENGTH: Record<UnitLevel, number> = { CITY: 2, DISTRICT: 3, WARD: 5 };

/** Hà Nội, the city seeded by default. */
export const HANOI_CODE = '01';

export function unitLevelOfCode(code: string): UnitLevel | undefined {
  if (!/^\d+$/.test(code)) return undefined;
  return UNIT_LEVELS.find((level) => UNIT_CODE_LENGTH[level] === code.length);
}
