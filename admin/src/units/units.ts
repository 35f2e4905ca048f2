import { useQuery } from '@tanstack/react-query';
import { apiRequest } from '../api/graphql-request';

export interface UnitRef {
  code: string;
  name: string;
}

export interface UnitDetails extends UnitRef {
  level: 'CITY' | 'DISTRICT' | 'WARD';
  city?: UnitRef;
  district?: UnitRef;
  /** The units one level down: a city's districts, a district's wards. */
  children: UnitRef[];
}

const UNIT_QUERY = `query Unit($code: ID!) {
  administrativeUnit(code: $code) {
    code name level
    ... on City { districts { code name } }
    ... on District { city { code name } wards { code name } }
    ... on Ward { city { code name } district { code name } }
  }
}`;

/** Names change once a decade: a unit is read once a session. */
const UNIT_STALE_MS = 60 * 60_000;

export async function fetchUnit(code: string): Promise<UnitDetails | null> {
  const data = await apiRequest<{ administrativeUnit: any }>(UNIT_QUERY, { code });
  const unit = data.administrativeUnit;
  if (!unit) return null;
  return {
    code: unit.code,
    name: unit.name,
    level: unit.level,
    city: unit.city,
    district: unit.district,
    children: unit.districts ?? unit.wards ?? [],
  };
}

export function useUnit(code: string | null | undefined) {
  return useQuery({
    queryKey: ['unit', code],
    queryFn: () => fetchUnit(code!),
    enabled: !!code,
    staleTime: UNIT_STALE_MS,
  });
}

/** The unit's level from its official code: 2 digits a city, 3 a district, 5 a ward. */
export function levelOfCode(code: string): 'CITY' | 'DISTRICT' | 'WARD' {
  return code.length <= 2 ? 'CITY' : code.length === 3 ? 'DISTRICT' : 'WARD';
}
