import type { AreaDirectory } from '../areas/area-directory';
import { forbidden } from '../graphql/errors';
import type { AreaScope } from './identity';

/** True when `code` is the scope's unit or lies inside it (no scope: the whole city). */
export function unitWithinScope(
  areas: AreaDirectory,
  scope: AreaScope | undefined,
  code: string,
): boolean {
  return !scope || areas.isWithin(code, scope.code);
}

/** True when the unit and the scope share venues: one holds the other. */
export function unitOverlapsScope(
  areas: AreaDirectory,
  scope: AreaScope | undefined,
  code: string,
): boolean {
  return !scope || areas.isWithin(code, scope.code) || areas.isWithin(scope.code, code);
}

const SUBJECT = {
  venue: 'This venue is in',
  figures: 'You asked for the figures of',
  ward: 'You chose',
};

/** Refuses a unit outside an officer's district or ward, naming both. */
export function requireUnitWithinScope(
  areas: AreaDirectory,
  scope: AreaScope | undefined,
  code: string,
  subject: keyof typeof SUBJECT,
): void {
  if (unitWithinScope(areas, scope, code)) return;
  const name = (unitCode: string) => `${areas.get(unitCode)?.name ?? 'unit'} (${unitCode})`;
  throw forbidden(`${SUBJECT[subject]} ${name(code)}, outside your area, ${name(scope!.code)}.`);
}
