import type { Role, UnitLevel } from '@quetma/shared';

/** The unit an officer is confined to; absent for roles that see the whole city. */
export interface AreaScope {
  level: Extract<UnitLevel, 'DISTRICT' | 'WARD'>;
  code: string;
}

/** Who is asking: a logged-in person, a machine with an API key, or nobody. */
export type Identity =
  | { kind: 'USER'; id: string; label: string; role: Role; scope: AreaScope | undefined }
  | { kind: 'API_KEY'; id: string; label: string; role: Role; scope: undefined }
  | { kind: 'ANONYMOUS'; id: undefined; label: undefined; role: undefined; scope: undefined };

export const ANONYMOUS: Identity = {
  kind: 'ANONYMOUS',
  id: undefined,
  label: undefined,
  role: undefined,
  scope: undefined,
};

export function scopeOf(role: Role, unitCode: string | null): AreaScope | undefined {
  if (role === 'DISTRICT_OFFICER' && unitCode) return { level: 'DISTRICT', code: unitCode };
  if (role === 'WARD_OFFICER' && unitCode) return { level: 'WARD', code: unitCode };
  return undefined;
}
