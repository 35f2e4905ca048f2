/**
 * How each react-admin resource maps onto the API: its connection, its single-record query, its
 * mutations, the selection it reads, how the list's filters and sorts translate. The query
 * builder (build-query.ts) turns this into documents whose variables it types from the schema.
 */
export interface ResourceDefinition {
  /** The GraphQL object type of a record. */
  type: string;
  /** The connection query (`venues`, `users`…). */
  list: string;
  /** A query answering one record by `id`; otherwise getOne asks the list for `ids: [id]`. */
  one?: string;
  /** Fields read for a list row. */
  listFields: string;
  /** Fields read for a show or edit page (the list's when left out). */
  recordFields?: string;
  /** The filter input made from react-admin's filter values. */
  filter: (values: Record<string, unknown>) => Record<string, unknown>;
  /** react-admin sort field → the connection's order field. */
  sorts: Record<string, string>;
  create?: { mutation: string; input: (data: Record<string, unknown>) => object; answer?: string };
  update?: {
    mutation: string;
    input: (data: Record<string, unknown>, previous: Record<string, unknown>) => object;
  };
  /** What "delete" means for the resource: closing a venue, disabling a user, revoking a key. */
  remove?: { mutation: string; variables?: (meta: Record<string, unknown>) => object };
}

const VENUE_LIST_FIELDS = `id name address category status scanStatus registeredAt lastScanAt
  totalScans isAgencyHeadquarters ward { code name } district { code name }`;
const VENUE_FIELDS = `${VENUE_LIST_FIELDS} registrantName registrantPhone firstScanAt closedAt
  closedReason currentCode { version issuedAt keyId payload }`;
const USER_FIELDS = 'id email name role unitCode createdAt disabledAt';
const API_KEY_FIELDS = 'id name prefix role ownerEmail createdAt expiresAt lastUsedAt revokedAt';
const AUDIT_FIELDS = 'id at action actorId actorKind actorLabel role address outcome arguments';

/** Keeps the given keys whose values are set (react-admin sends '' for a cleared input). */
function pick(values: Record<string, unknown>, rename: Record<string, string>) {
  const out: Record<string, unknown> = {};
  for (const [from, to] of Object.entries(rename)) {
    const value = values[from];
    if (value !== undefined && value !== null && value !== '') out[to] = value;
  }
  return out;
}

/** The unit cascade's deepest choice: a ward, else a district, else the city. */
export function unitOfFilter(values: Record<string, unknown>): string | undefined {
  for (const key of ['wardCode', 'districtCode', 'unitCode']) {
    const value = values[key];
    if (typeof value === 'string' && value) return value;
  }
  return undefined;
}

const venueInput = (data: Record<string, unknown>) =>
  pick(data, {
    name: 'name',
    address: 'address',
    category: 'category',
    wardCode: 'wardCode',
    registrantName: 'registrantName',
    registrantPhone: 'registrantPhone',
    isAgencyHeadquarters: 'isAgencyHeadquarters',
    registeredAt: 'registeredAt',
  });

/** Only what changed, so an edit never rewrites a field another officer just changed. */
function changed(
  data: Record<string, unknown>,
  previous: Record<string, unknown>,
  fields: string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) if (data[field] !== previous[field]) out[field] = data[field];
  return out;
}

export const RESOURCES: Record<string, ResourceDefinition> = {
  venues: {
    type: 'Venue',
    list: 'venues',
    one: 'venue',
    listFields: VENUE_LIST_FIELDS,
    recordFields: VENUE_FIELDS,
    filter: (values) => {
      const unitCode = unitOfFilter(values);
      return {
        ...pick(values, {
          q: 'search',
          category: 'category',
          status: 'status',
          scanStatus: 'scanStatus',
          ids: 'ids',
        }),
        ...(unitCode ? { unitCode } : {}),
      };
    },
    sorts: {
      name: 'NAME',
      registeredAt: 'REGISTERED_AT',
      lastScanAt: 'LAST_SCAN_AT',
      'ward.name': 'WARD_CODE',
    },
    create: { mutation: 'registerVenue', input: venueInput },
    update: {
      mutation: 'updateVenue',
      input: (data, previous) => {
        // the ward is chosen in the form as wardCode; the record holds it as ward.code
        const before = { ...previous, wardCode: (previous.ward as { code?: string })?.code };
        return changed(data, before, [
          'name',
          'address',
          'category',
          'wardCode',
          'registrantName',
          'registrantPhone',
          'isAgencyHeadquarters',
          'status',
        ]);
      },
    },
    remove: { mutation: 'closeVenue', variables: (meta) => pick(meta, { reason: 'reason' }) },
  },
  users: {
    type: 'User',
    list: 'users',
    listFields: USER_FIELDS,
    filter: (values) =>
      pick(values, {
        q: 'search',
        role: 'role',
        status: 'status',
        unitCode: 'unitCode',
        ids: 'ids',
      }),
    sorts: {
      createdAt: 'CREATED_AT',
      email: 'EMAIL',
      name: 'NAME',
      role: 'ROLE',
      unitCode: 'UNIT_CODE',
    },
    create: {
      mutation: 'createUser',
      input: (data) =>
        pick(data, {
          email: 'email',
          name: 'name',
          password: 'password',
          role: 'role',
          unitCode: 'unitCode',
        }),
    },
    update: {
      mutation: 'updateUser',
      input: (data, previous) => {
        const input = changed(data, previous, ['name', 'role', 'unitCode']);
        // a role without an area clears the unit; the server refuses a unit it does not take
        if ('role' in input && !['DISTRICT_OFFICER', 'WARD_OFFICER'].includes(String(input.role)))
          input.unitCode = null;
        return input;
      },
    },
    remove: { mutation: 'disableUser' },
  },
  apiKeys: {
    type: 'ApiKey',
    list: 'apiKeys',
    listFields: API_KEY_FIELDS,
    filter: (values) => pick(values, { q: 'search', role: 'role', status: 'status', ids: 'ids' }),
    sorts: { createdAt: 'CREATED_AT', lastUsedAt: 'LAST_USED_AT', name: 'NAME', role: 'ROLE' },
    create: {
      mutation: 'createApiKey',
      input: (data) => pick(data, { name: 'name', role: 'role', expiresAt: 'expiresAt' }),
      // the secret is in this answer only: the page shows it once
      answer: `secret apiKey { ${API_KEY_FIELDS} }`,
    },
    remove: { mutation: 'revokeApiKey' },
  },
  auditLog: {
    type: 'AuditEntry',
    list: 'auditLog',
    listFields: AUDIT_FIELDS,
    filter: (values) =>
      pick(values, {
        action: 'action',
        actorId: 'actorId',
        outcome: 'outcome',
        from: 'from',
        to: 'to',
      }),
    sorts: { at: 'AT' },
  },
};
