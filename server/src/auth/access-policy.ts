import type { Role } from '@quetma/shared';

/**
 * Who may use what: the one table every query and mutation is checked against before it runs
 * (see access-plugin.ts). A root field missing here is refused for everyone, so a new resolver
 * cannot be forgotten open. Area scope (an officer's district or ward) has its own table beside
 * this one, area-scope-policy.ts, with a rule for every field.
 */
export const PUBLIC = 'PUBLIC' as const;
/** Opening and ending a person's session: anyone without a credential, or a person; not a key. */
export const SESSION = 'SESSION' as const;
type Rule = readonly Role[] | typeof PUBLIC | typeof SESSION;

const PEOPLE: Role[] = ['CITY_ADMIN', 'DISTRICT_OFFICER', 'WARD_OFFICER', 'TRACER'];
const EVERYONE: Role[] = [...PEOPLE, 'INTEGRATOR', 'SCAN_SOURCE'];
/** Units and venues: everyone but scan sources, which only submit scans. */
const READERS: Role[] = [...PEOPLE, 'INTEGRATOR'];
const FIGURE_READERS: Role[] = ['CITY_ADMIN', 'DISTRICT_OFFICER', 'WARD_OFFICER', 'INTEGRATOR'];
const VENUE_EDITORS: Role[] = ['CITY_ADMIN', 'DISTRICT_OFFICER', 'WARD_OFFICER'];
const CITY_ADMIN: Role[] = ['CITY_ADMIN'];

export const ROOT_FIELD_ACCESS: Record<string, Rule> = {
  'Query.city': READERS,
  'Query.cities': READERS,
  'Query.district': READERS,
  'Query.ward': READERS,
  'Query.administrativeUnit': READERS,
  'Query.venues': READERS,
  'Query.venue': READERS,
  'Query.complianceStats': FIGURE_READERS,
  'Query.complianceSeries': FIGURE_READERS,
  'Query.me': EVERYONE,
  'Query.users': CITY_ADMIN,
  'Query.apiKeys': CITY_ADMIN,
  'Query.auditLog': CITY_ADMIN,
  'Query.exposures': ['TRACER'],
  'Mutation.login': SESSION,
  'Mutation.refreshSession': SESSION,
  'Mutation.logout': SESSION,
  'Mutation.registerVenue': VENUE_EDITORS,
  'Mutation.updateVenue': VENUE_EDITORS,
  'Mutation.closeVenue': VENUE_EDITORS,
  'Mutation.reissueVenueCode': VENUE_EDITORS,
  'Mutation.createUser': CITY_ADMIN,
  'Mutation.updateUser': CITY_ADMIN,
  'Mutation.disableUser': CITY_ADMIN,
  'Mutation.enableUser': CITY_ADMIN,
  'Mutation.createApiKey': CITY_ADMIN,
  'Mutation.revokeApiKey': CITY_ADMIN,
  'Mutation.recordScans': ['SCAN_SOURCE'],
};

/** Fields below the root that only some roles may read: personal data and figures. */
export const FIELD_ACCESS: Record<string, readonly Role[]> = {
  // a registrant's name and phone are for the officers who follow the venue up
  'Venue.registrantName': VENUE_EDITORS,
  'Venue.registrantPhone': VENUE_EDITORS,
  'City.stats': FIGURE_READERS,
  'District.stats': FIGURE_READERS,
  'Ward.stats': FIGURE_READERS,
  'City.statsSeries': FIGURE_READERS,
  'District.statsSeries': FIGURE_READERS,
  'Ward.statsSeries': FIGURE_READERS,
  // a venue's scans per day are figures too
  'Venue.activity': FIGURE_READERS,
  // risk declarations are health data, for tracing
  'Venue.riskDeclarations': ['TRACER'],
};
