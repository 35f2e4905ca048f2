/** Who uses quetma (see the design's "Who uses it"). */
export const ROLES = [
  'CITY_ADMIN',
  'DISTRICT_OFFICER',
  'WARD_OFFICER',
  'TRACER',
  'INTEGRATOR',
  'SCAN_SOURCE',
] as const;
export type Role = (typeof ROLES)[number];
