import type { AreaDirectory } from '../areas/area-directory';
import { forbidden } from './access-plugin';
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

/** Refuses a unit outside an officer's district or ward. */
export function requireUnitWithinScope(
  areas: AreaDirectory,
  scope: AreaScope | undefined,
  code: string,
  what: string,
): void {
  if (!unitWithinScope(areas, scope, code)) {
    const own = areas.get(scope!.code);
    throw forbidden(`${what} is outside your area (${own?.name ?? scope!.code}).`);
  }
}
