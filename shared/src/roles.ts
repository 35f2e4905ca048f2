/** Who uses quetma (see README 'Accounts, roles and keys'). */
export const ROLES = [
  'CITY_ADMIN',
  'DISTRICT_OFFICER',
  'WARD_OFFICER',
  'TRACER',
  'INTEGRATOR',
  'SCAN_SOURCE',
] as const;
export type Role = (typeof ROLES)[number];
