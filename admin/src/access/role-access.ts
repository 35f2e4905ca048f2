/**
 * What each role sees in the console. The API enforces the same rules (README "Who may do
 * what"); the console hides what the API would refuse, so nobody clicks into a 403.
 */
export type ConsoleRole = 'CITY_ADMIN' | 'DISTRICT_OFFICER' | 'WARD_OFFICER' | 'TRACER';

export interface Permissions {
  role: string;
  unitCode: string | null;
}

export interface RoleAccess {
  dashboard: boolean;
  venues: boolean;
  editVenues: boolean;
  importVenues: boolean;
  tracing: boolean;
  administration: boolean;
  /** The unit the role's dashboard and lists start from, and the deepest it may not leave. */
  homeUnit: (permissions: Permissions) => string | null;
}

const officer = (editVenues: boolean): RoleAccess => ({
  dashboard: true,
  venues: true,
  editVenues,
  importVenues: editVenues,
  tracing: false,
  administration: false,
  homeUnit: (p) => p.unitCode,
});

/** Hà Nội: the city the console shows when the role has no unit of its own. */
export const HOME_CITY = '01';

const NOTHING: RoleAccess = {
  dashboard: false,
  venues: false,
  editVenues: false,
  importVenues: false,
  tracing: false,
  administration: false,
  homeUnit: () => null,
};

export const ROLE_ACCESS: Record<string, RoleAccess> = {
  CITY_ADMIN: {
    dashboard: true,
    venues: true,
    editVenues: true,
    importVenues: true,
    tracing: false,
    administration: true,
    homeUnit: () => HOME_CITY,
  },
  DISTRICT_OFFICER: officer(true),
  WARD_OFFICER: officer(true),
  TRACER: { ...NOTHING, tracing: true },
};

/** A role the console has no pages for (machines' roles) sees nothing but the sign-out. */
export const accessOf = (permissions: Permissions | undefined): RoleAccess =>
  (permissions && ROLE_ACCESS[permissions.role]) || NOTHING;
