import type { AreaDirectory } from '../areas/area-directory';
import { isUuid } from '../graphql/ids';
import { forbidden } from '../graphql/errors';
import type { AreaScope } from './identity';

/**
 * How area scope applies to a field or an HTTP door: which argument, parent or result carries
 * the unit that an officer's district or ward must hold. Declared for every field in
 * area-scope-policy.ts, beside the access table, and enforced by one mechanism
 * (area-scope-enforcement.ts: a wrapper on each GraphQL field, doorScopeRefusal for the HTTP
 * doors): no resolver or service decides an area by itself.
 */
export type ScopeRule =
  /** Nothing it answers belongs to an area (the caller's own account, unit names, a login). */
  | { kind: 'AREA_FREE'; why: string }
  /** Only for roles without an area: the access table must not open it to an officer. */
  | { kind: 'CITY_WIDE' }
  /** An argument names a unit; `overlap` lets a list filter on a unit holding the area too. */
  | { kind: 'UNIT_ARG'; path: string; subject: Subject; overlap: boolean }
  /** An argument names a venue: the venue must lie in the area. */
  | { kind: 'VENUE_ARG'; path: string }
  /** A field of a unit (its figures): that unit must lie in the area. */
  | { kind: 'PARENT_UNIT'; subject: Subject }
  /**
   * The units of what the field answers, checked after it ran: a list restricts its rows to the
   * area in its query (given `ctx.identity.scope`), and a row outside it is a bug this catches.
   */
  | { kind: 'RESULT_UNITS'; unitsOf: (result: any) => string[] };

const SUBJECT = {
  venue: 'This venue is in',
  figures: 'You asked for the figures of',
  ward: 'You chose',
  filter: 'You filtered on',
  posters: 'You asked for the posters of',
  importedRow: "This row's ward is",
};
export type Subject = keyof typeof SUBJECT;

export const areaFree = (why: string): ScopeRule => ({ kind: 'AREA_FREE', why });
export const CITY_WIDE: ScopeRule = { kind: 'CITY_WIDE' };
export const unitArg = (
  path: string,
  subject: Subject,
  options = { overlap: false },
): ScopeRule => ({
  kind: 'UNIT_ARG',
  path,
  subject,
  overlap: options.overlap,
});
export const venueArg = (path: string): ScopeRule => ({ kind: 'VENUE_ARG', path });
export const parentUnit = (subject: Subject): ScopeRule => ({ kind: 'PARENT_UNIT', subject });
export const resultUnits = (unitsOf: (result: any) => string[]): ScopeRule => ({
  kind: 'RESULT_UNITS',
  unitsOf,
});

/** What a check needs to know: the units, the caller's area, and where a venue is. */
export interface ScopeCheck {
  areas: AreaDirectory;
  scope: AreaScope;
  /** The ward code of a venue, or undefined when there is no such venue. */
  wardOfVenue(id: string): Promise<string | undefined>;
}

/** True when `code` is the scope's unit or lies inside it (no scope: the whole city). */
export function unitWithinScope(
  areas: AreaDirectory,
  scope: AreaScope | undefined,
  code: string,
): boolean {
  return !scope || areas.isWithin(code, scope.code);
}

/**
 * Refuses a unit outside an officer's area, naming both. An unknown code passes: the resolver
 * answers it with its own NOT_FOUND or BAD_USER_INPUT, and there is nothing to protect.
 */
export function requireUnitWithinScope(
  areas: AreaDirectory,
  scope: AreaScope | undefined,
  code: string,
  subject: Subject,
  overlap = false,
): void {
  if (!scope || !areas.get(code)) return;
  if (areas.isWithin(code, scope.code) || (overlap && areas.isWithin(scope.code, code))) return;
  const name = (unitCode: string) => `${areas.get(unitCode)?.name ?? 'unit'} (${unitCode})`;
  throw forbidden(`${SUBJECT[subject]} ${name(code)}, outside your area, ${name(scope.code)}.`);
}

/** Rules checked before the field runs, from its arguments and parent. */
export async function checkBefore(
  rules: readonly ScopeRule[],
  check: ScopeCheck,
  args: Record<string, unknown>,
  parent: unknown,
): Promise<void> {
  for (const rule of rules) {
    switch (rule.kind) {
      case 'CITY_WIDE':
        throw forbidden('This is for the city: an officer of a district or ward may not use it.');
      case 'UNIT_ARG': {
        const code = valueAt(args, rule.path);
        if (typeof code === 'string')
          requireUnitWithinScope(check.areas, check.scope, code, rule.subject, rule.overlap);
        break;
      }
      case 'VENUE_ARG': {
        const id = valueAt(args, rule.path);
        // a malformed or unknown id is the resolver's to answer (BAD_USER_INPUT, NOT_FOUND)
        const ward = typeof id === 'string' && isUuid(id) ? await check.wardOfVenue(id) : undefined;
        if (ward) requireUnitWithinScope(check.areas, check.scope, ward, 'venue');
        break;
      }
      case 'PARENT_UNIT':
        requireUnitWithinScope(
          check.areas,
          check.scope,
          (parent as { code: string }).code,
          rule.subject,
        );
        break;
      default:
        break;
    }
  }
}

/** Rules checked on what the field answered. */
export function checkAfter(rules: readonly ScopeRule[], check: ScopeCheck, result: unknown): void {
  if (result === null || result === undefined) return;
  for (const rule of rules) {
    if (rule.kind !== 'RESULT_UNITS') continue;
    for (const code of rule.unitsOf(result)) {
      if (!unitWithinScope(check.areas, check.scope, code)) {
        // the list's query forgot the area: refuse the whole answer rather than leak a row
        throw new Error(`a row of unit ${code} escaped the area scope ${check.scope.code}`);
      }
    }
  }
}

/** `input.wardCode` of the arguments. */
function valueAt(args: Record<string, unknown>, path: string): unknown {
  let value: unknown = args;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Rules as a list, whichever way the table wrote them. */
export function rulesOf(rule: ScopeRule | readonly ScopeRule[]): readonly ScopeRule[] {
  return Array.isArray(rule) ? rule : [rule as ScopeRule];
}
