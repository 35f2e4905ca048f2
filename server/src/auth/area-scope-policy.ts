import type { Connection } from '../graphql/connection';
import type { VenueRow } from '../venues/venue.type';
import {
  areaFree,
  CITY_WIDE,
  parentUnit,
  resultUnits,
  unitArg,
  venueArg,
  type ScopeRule,
} from './area-scope';

/**
 * Where an officer's district or ward applies: a rule for every query and mutation (the schema
 * does not build without one, see area-scope-enforcement.ts), for the fields below the root that
 * lead into an area's venues or figures, and for the HTTP doors. The access table
 * (access-policy.ts) says which roles may use a field; this says which of its arguments, parent
 * or answers carry the unit that the officer's area must hold. Callers without an area (the
 * city admin, integrators, tracers, scan sources) pass every rule but CITY_WIDE's check of the
 * access table.
 */
type Rules = ScopeRule | readonly ScopeRule[];

const UNITS_ARE_PUBLIC = areaFree('the names and codes of units are public; their figures are not');
const OWN_SESSION = areaFree("the caller's own account and session");
const venueNodes = resultUnits((page: Connection<VenueRow>) => page.nodes.map((v) => v.wardCode));

export const ROOT_FIELD_SCOPE: Record<string, Rules> = {
  'Query.city': UNITS_ARE_PUBLIC,
  'Query.cities': UNITS_ARE_PUBLIC,
  'Query.district': UNITS_ARE_PUBLIC,
  'Query.ward': UNITS_ARE_PUBLIC,
  'Query.administrativeUnit': UNITS_ARE_PUBLIC,
  // a filter on the city still lists the officer's own venues: the unit may hold the area
  'Query.venues': [unitArg('filter.unitCode', 'filter', { overlap: true }), venueNodes],
  'Query.venue': venueArg('id'),
  'Query.complianceStats': unitArg('unitCode', 'figures'),
  'Query.complianceSeries': unitArg('unitCode', 'figures'),
  'Query.me': OWN_SESSION,
  'Query.users': CITY_WIDE,
  'Query.apiKeys': CITY_WIDE,
  'Query.auditLog': CITY_WIDE,
  'Query.exposures': CITY_WIDE,
  'Mutation.login': OWN_SESSION,
  'Mutation.refreshSession': OWN_SESSION,
  'Mutation.logout': OWN_SESSION,
  'Mutation.registerVenue': unitArg('input.wardCode', 'ward'),
  // moving a venue: both where it is and where it goes must be the officer's
  'Mutation.updateVenue': [venueArg('id'), unitArg('input.wardCode', 'ward')],
  'Mutation.closeVenue': venueArg('id'),
  'Mutation.reissueVenueCode': venueArg('id'),
  'Mutation.createUser': CITY_WIDE,
  'Mutation.updateUser': CITY_WIDE,
  'Mutation.disableUser': CITY_WIDE,
  'Mutation.enableUser': CITY_WIDE,
  'Mutation.createApiKey': CITY_WIDE,
  'Mutation.revokeApiKey': CITY_WIDE,
  'Mutation.recordScans': CITY_WIDE,
};

/**
 * Fields below the root that lead into an area's venues or figures from a parent that is not
 * itself one of them (AREA_BOUND_TYPES): the schema does not build when such a field has no rule.
 */
export const FIELD_SCOPE: Record<string, Rules> = {
  'City.stats': parentUnit('figures'),
  'District.stats': parentUnit('figures'),
  'Ward.stats': parentUnit('figures'),
  'City.statsSeries': parentUnit('figures'),
  'District.statsSeries': parentUnit('figures'),
  'Ward.statsSeries': parentUnit('figures'),
  'Visit.venue': resultUnits((venue: VenueRow) => [venue.wardCode]),
};

/**
 * Types whose values belong to one area: a field answering one of them needs a rule unless its
 * parent is one of them too (a venue's code is checked with the venue).
 */
export const AREA_BOUND_TYPES = new Set([
  'Venue',
  'VenueConnection',
  'VenueEdge',
  'VenueCode',
  'ComplianceStats',
  'VenueDay',
]);

/** The HTTP doors besides /graphql, by method and path pattern. */
export const DOOR_SCOPE: Record<string, Rules> = {
  'POST /api/scans': CITY_WIDE,
  'GET /venues/:id/qr.svg': areaFree('a poster hangs on a wall, and its code is on it'),
  'GET /venues/:id/qr.png': areaFree('a poster hangs on a wall, and its code is on it'),
  'GET /venues/:id/poster.pdf': areaFree('a poster hangs on a wall, and its code is on it'),
  'GET /posters.pdf': unitArg('unitCode', 'posters'),
  // checked on every row: a row of a ward outside the area is rejected, the others go on
  'POST /api/venues/import': unitArg('wardCode', 'importedRow'),
  'GET /health': areaFree('whether the server and its database answer'),
  'GET /graphiql': areaFree('the IDE page; its queries go through /graphql'),
};
