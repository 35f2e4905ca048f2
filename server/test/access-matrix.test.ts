import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { buildSchema, Kind, parse, type OperationDefinitionNode } from 'graphql';
import { createApiKey, revokeApiKey } from '../src/auth/api-keys/api-key.service';
import { signAccessToken, verifyAccessToken } from '../src/auth/sessions/tokens';
import { createUser, disableUser } from '../src/auth/users/user.service';
import { signCodePayload } from '../src/codes/code-payload';
import { registerVenue } from './factories';
import {
  graphql,
  graphqlData,
  resetData,
  TEST_PASSWORD,
  testEnv,
  type CallerName,
} from './harness';

/**
 * Who may use what, asked over HTTP for every root query and mutation of schema.graphql and every
 * kind of caller: each cell is the exact outcome, either `ok` (no error, data present) or the
 * `extensions.code` of the refusal. Where an officer's district or ward matters, a row is asked
 * inside and outside it. A root field of schema.graphql without a row fails the first test, so a
 * new resolver cannot be added without deciding who may use it.
 */

const SCHEMA_FILE = path.resolve(__dirname, '..', '..', 'schema.graphql');

/** The matrix's columns, in the order the outcome strings below list them. */
const COLUMNS = [
  'admin', // CITY_ADMIN
  'baDinh', // DISTRICT_OFFICER of 001 Quận Ba Đình (wards 00001 Phúc Xá, 00004 Trúc Bạch, …)
  'hoanKiem', // DISTRICT_OFFICER of 002 Quận Hoàn Kiếm (wards 00037 Phúc Tân, 00040 Đồng Xuân, …)
  'phucXa', // WARD_OFFICER of 00001 Phường Phúc Xá, in Ba Đình
  'tracer', // TRACER
  'integrator', // INTEGRATOR (API key)
  'scanSource', // SCAN_SOURCE (API key)
  'anonymous', // no Authorization header
  'expiredToken', // the city admin's access token, signed properly but expired
  'tamperedToken', // the city admin's working access token with one character changed
  'revokedKey', // an INTEGRATOR API key that was revoked
] as const;
type Column = (typeof COLUMNS)[number];

type Outcome = 'ok' | 'FORBIDDEN' | 'UNAUTHENTICATED';
const OUTCOME: Record<string, Outcome> = { ok: 'ok', F: 'FORBIDDEN', U: 'UNAUTHENTICATED' };

// Outcome strings: one cell per column above, ok = allowed, F = FORBIDDEN, U = UNAUTHENTICATED.
//                             adm bD  hK  pX  trc int scn anon exp tamp revk
/** Units and venues: every person and integrators; scan sources only submit scans. */
const READERS = '              ok  ok  ok  ok  ok  ok  F   U    U   U    U';
/** Who the server takes you for: every valid caller. */
const EVERYONE = '             ok  ok  ok  ok  ok  ok  ok  U    U   U    U';
/** Users and API keys. */
const CITY_ADMIN_ONLY = '      ok  F   F   F   F   F   F   U    U   U    U';
/**
 * Opening and ending sessions: no credential is needed, and people may; machine keys may not
 * (they never log in). A credential that does not check out is refused before any field runs.
 */
const SESSIONS = '             ok  ok  ok  ok  ok  F   F   ok   U   U    U';
/** City-wide figures (the city's, or several wards' at once): admin and integrators only. */
const CITY_FIGURES = '         ok  F   F   F   F   ok  F   U    U   U    U';
/** Figures of Phúc Xá (00001), or of a venue's unit there. */
const OWN_OF_PHUC_XA = '       ok  ok  F   ok  F   ok  F   U    U   U    U';
/** Figures of Ba Đình or of a ward of it other than Phúc Xá (00004). */
const OWN_OF_BA_DINH = '       ok  ok  F   F   F   ok  F   U    U   U    U';
/** Figures of a unit in Hoàn Kiếm. */
const OWN_OF_HOAN_KIEM = '     ok  F   ok  F   F   ok  F   U    U   U    U';
/** Registrant fields of a venue in Phúc Xá: the officers who follow it up, and the admin. */
const PERSONAL_OF_PHUC_XA = '  ok  ok  F   ok  F   F   F   U    U   U    U';
/** Registrant fields of a venue in Hoàn Kiếm. */
const PERSONAL_OF_HOAN_KIEM = 'ok  F   ok  F   F   F   F   U    U   U    U';
/** Registrant fields of the venues each caller can list. */
const PERSONAL_IN_LISTS = '    ok  ok  ok  ok  F   F   F   U    U   U    U';
/** Reading one venue in Phúc Xá (00001). */
const VENUE_IN_PHUC_XA = '     ok  ok  F   ok  ok  ok  F   U    U   U    U';
/** Reading one venue in Trúc Bạch (00004): Ba Đình, not Phúc Xá. */
const VENUE_IN_TRUC_BACH = '   ok  ok  F   F   ok  ok  F   U    U   U    U';
/** Reading one venue in Phúc Tân (00037): Hoàn Kiếm. */
const VENUE_IN_PHUC_TAN = '    ok  F   ok  F   ok  ok  F   U    U   U    U';
/** Changing a venue in Phúc Xá: the admin and the officers of Ba Đình and Phúc Xá. */
const EDIT_IN_PHUC_XA = '      ok  ok  F   ok  F   F   F   U    U   U    U';
/** Changing a venue in Trúc Bạch. */
const EDIT_IN_TRUC_BACH = '    ok  ok  F   F   F   F   F   U    U   U    U';
/** Changing a venue in Phúc Tân. */
const EDIT_IN_PHUC_TAN = '     ok  F   ok  F   F   F   F   U    U   U    U';
/** Person-level data (exposure tracing, health declarations): tracers only. */
const TRACERS_ONLY = '         F   F   F   F   ok  F   F   U    U   U    U';
/** Submitting scans: check-in apps' keys, and nobody else. */
const SCAN_SOURCES_ONLY = '    F   F   F   F   F   F   ok  U    U   U    U';

/** What the rows use: venues made once, and the city admin's id. */
interface Fixtures {
  adminId: string;
  /** Venues in 00001 Phúc Xá and 00004 Trúc Bạch (Ba Đình) and 00037 Phúc Tân (Hoàn Kiếm). */
  venue: Record<'00001' | '00004' | '00037', string>;
}

type Vars = Record<string, any>;

interface Row {
  /** What is asked, e.g. "venue(id) in Phúc Tân (00037)". */
  title: string;
  /** The root field, e.g. `Query.venue`: the coverage test checks every one has a row. */
  field: string;
  query: string;
  outcomes: Record<Column, Outcome>;
  /** The variables of one request; called once per request, so it may make what that request uses up. */
  variables?: (fx: Fixtures) => Vars | Promise<Vars>;
  /** More checks on an allowed answer. */
  check?: (data: Record<string, any>, column: Column, vars: Vars) => unknown;
  /** After a refusal: checks (as the city admin) that nothing changed. */
  untouched?: (vars: Vars) => Promise<unknown>;
}

function row(
  title: string,
  field: string,
  query: string,
  outcomes: string,
  more: Pick<Row, 'variables' | 'check' | 'untouched'> = {},
): Row {
  const cells = outcomes.trim().split(/\s+/);
  if (cells.length !== COLUMNS.length || cells.some((cell) => !OUTCOME[cell])) {
    throw new Error(`the row "${title}" has a malformed outcome string: "${outcomes}"`);
  }
  const byColumn = Object.fromEntries(COLUMNS.map((c, i) => [c, OUTCOME[cells[i]]]));
  return { title, field, query, outcomes: byColumn as Record<Column, Outcome>, ...more };
}

const DAY = '2021-08-09';
const ROLE_OF: Record<
  Exclude<Column, 'anonymous' | 'expiredToken' | 'tamperedToken' | 'revokedKey'>,
  string
> = {
  admin: 'CITY_ADMIN',
  baDinh: 'DISTRICT_OFFICER',
  hoanKiem: 'DISTRICT_OFFICER',
  phucXa: 'WARD_OFFICER',
  tracer: 'TRACER',
  integrator: 'INTEGRATOR',
  scanSource: 'SCAN_SOURCE',
};
/** Where each caller's venues lie: [district, ward] codes it is confined to (none: city-wide). */
const CONFINED_TO: Partial<Record<Column, { district?: string; ward?: string }>> = {
  baDinh: { district: '001' },
  hoanKiem: { district: '002' },
  phucXa: { ward: '00001' },
};

let counter = 0;
/** A word found in nothing else, to name what one request makes and find it again. */
const unique = () => `mxq${++counter}z${Date.now().toString(36)}`;

const venueInput = (wardCode: string, name: string) => ({
  name,
  category: 'CAFE',
  address: 'Số 1 phố thử nghiệm',
  wardCode,
  registrantName: 'Trần Thị Bình',
  registrantPhone: '0987654321',
});

async function venuesNamed(name: string): Promise<number> {
  const data = await graphqlData<any>(
    'query($s: String!) { venues(filter: { search: $s }) { totalCount } }',
    { s: name },
  );
  return data.venues.totalCount;
}

async function readVenue(id: string): Promise<any> {
  return (
    await graphqlData<any>('query($id: ID!) { venue(id: $id) { name status ward { code } } }', {
      id,
    })
  ).venue;
}

async function currentCodeVersion(id: string): Promise<number> {
  const query = 'query($id: ID!) { venue(id: $id) { currentCode { version } } }';
  return (await graphqlData<any>(query, { id })).venue.currentCode.version;
}

/** A scan made now of a venue's first code. */
function scanOf(venueId: string) {
  const { config } = testEnv();
  return {
    id: randomUUID(),
    code: signCodePayload(config.codeSigningKeys, { venueId, version: 1, keyId: config.codeKeyId }),
    scannedAt: new Date().toISOString(),
    method: 'VISITOR_SCANNED_VENUE',
    person: '0912345678',
  };
}

async function scansStored(id: string): Promise<number> {
  const rows = await testEnv()
    .orm.em.getConnection()
    .execute('select count(*)::int as n from scan where id = ?', [id]);
  return rows[0].n;
}

async function openSession(email: string): Promise<{ accessToken: string; refreshToken: string }> {
  const data = await graphqlData<any>(
    'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken refreshToken } }',
    { e: email, p: TEST_PASSWORD },
    'anonymous',
  );
  return data.login;
}

/** A refresh token that was not used up by a refused request still opens a session. */
async function refreshTokenStillWorks(vars: Vars): Promise<void> {
  const result = await graphql(
    'mutation($t: String!) { refreshSession(refreshToken: $t) { refreshToken } }',
    { t: vars.t },
    'anonymous',
  );
  expect(result.errors, JSON.stringify(result.errors)).to.equal(undefined);
}

async function userByEmail(email: string): Promise<any> {
  const data = await graphqlData<any>(
    'query($s: String) { users(filter: { search: $s }) { nodes { id email disabledAt } } }',
    { s: email },
  );
  return data.users.nodes.find((u: any) => u.email === email);
}

/** A tracer account made for one request. */
function matrixUser() {
  const { orm, areas } = testEnv();
  return createUser(
    orm,
    areas,
    {
      email: `${unique()}@test.quetma.vn`,
      name: 'Người thử nghiệm',
      role: 'TRACER',
      password: TEST_PASSWORD,
    },
    new Date(),
  );
}

async function userById(id: string): Promise<any> {
  const data = await graphqlData<any>(
    'query($ids: [ID!]) { users(filter: { ids: $ids }) { nodes { id email role disabledAt } } }',
    { ids: [id] },
  );
  return data.users.nodes.find((u: any) => u.id === id);
}

async function apiKeysNamed(name: string): Promise<any[]> {
  const data = await graphqlData<any>(
    'query($s: String) { apiKeys(filter: { search: $s }, first: 500) { nodes { id name revokedAt } } }',
    { s: name },
  );
  return data.apiKeys.nodes.filter((k: any) => k.name === name);
}

async function apiKeyById(id: string): Promise<any> {
  const data = await graphqlData<any>(
    'query($ids: [ID!]) { apiKeys(filter: { ids: $ids }) { nodes { id name revokedAt } } }',
    { ids: [id] },
  );
  return data.apiKeys.nodes.find((k: any) => k.id === id);
}

/** Venues in a list lie inside the caller's district or ward. */
function inCallersArea(nodes: any[], column: Column): void {
  const area = CONFINED_TO[column];
  for (const node of nodes) {
    if (area?.district) expect(node.district.code, node.id).to.equal(area.district);
    if (area?.ward) expect(node.ward.code, node.id).to.equal(area.ward);
  }
}

const VENUE_READ =
  'query($id: ID!) { venue(id: $id) { id name address ward { code } district { code } } }';
const stats = (unit: string) =>
  `{ ${unit} { code stats(date: "${DAY}") { unitCode registeredVenues scans } } }`;
const COMPLIANCE_STATS = `query($u: ID!) { complianceStats(unitCode: $u, date: "${DAY}") { unitCode registeredVenues activeVenues scans people } }`;
const COMPLIANCE_SERIES = `query($u: ID!) { complianceSeries(unitCode: $u, from: "${DAY}", to: "2021-08-10") { date unitCode registeredVenues } }`;
const statsSeries = (unit: string) =>
  `{ ${unit} { code statsSeries(from: "${DAY}", to: "2021-08-10") { date unitCode scans } } }`;
const VENUES_IN = `query($u: ID!) { venues(filter: { unitCode: $u }) { totalCount nodes { id ward { code } district { code } } } }`;
const REGISTER = `mutation($input: RegisterVenueInput!) { registerVenue(input: $input) { id name ward { code } } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateVenueInput!) { updateVenue(id: $id, input: $input) { id name ward { code } } }`;
const CLOSE = `mutation($id: ID!) { closeVenue(id: $id, reason: "thử nghiệm") { id status } }`;
const REISSUE = `mutation($id: ID!) { reissueVenueCode(id: $id) { id currentCode { version } } }`;

const registerIn = (wardCode: string, outcomes: string) =>
  row(`registerVenue in ward ${wardCode}`, 'Mutation.registerVenue', REGISTER, outcomes, {
    variables: () => ({ input: venueInput(wardCode, `Quán ma trận ${unique()}`) }),
    check: (data) => expect(data.registerVenue.ward.code).to.equal(wardCode),
    untouched: async (vars) => expect(await venuesNamed(vars.input.name)).to.equal(0),
  });

const updateIn = (wardCode: '00001' | '00004' | '00037', outcomes: string) =>
  row(
    `updateVenue(name) of the venue in ward ${wardCode}`,
    'Mutation.updateVenue',
    UPDATE,
    outcomes,
    {
      variables: (fx) => ({ id: fx.venue[wardCode], input: { name: `Quán đổi tên ${unique()}` } }),
      check: (data, _c, vars) => expect(data.updateVenue.name).to.equal(vars.input.name),
      untouched: async (vars) =>
        expect((await readVenue(vars.id)).name).to.not.equal(vars.input.name),
    },
  );

const moveVenue = (from: string, to: string, outcomes: string) =>
  row(
    `updateVenue moving a venue from ward ${from} to ward ${to}`,
    'Mutation.updateVenue',
    UPDATE,
    outcomes,
    {
      variables: async () => ({
        id: await registerVenue({ wardCode: from }),
        input: { wardCode: to },
      }),
      check: (data) => expect(data.updateVenue.ward.code).to.equal(to),
      untouched: async (vars) => expect((await readVenue(vars.id)).ward.code).to.equal(from),
    },
  );

const closeIn = (wardCode: string, outcomes: string) =>
  row(`closeVenue of a venue in ward ${wardCode}`, 'Mutation.closeVenue', CLOSE, outcomes, {
    variables: async () => ({ id: await registerVenue({ wardCode }) }),
    check: (data) => expect(data.closeVenue.status).to.equal('CLOSED'),
    untouched: async (vars) => expect((await readVenue(vars.id)).status).to.equal('ACTIVE'),
  });

const reissueIn = (wardCode: string, outcomes: string) =>
  row(
    `reissueVenueCode of a venue in ward ${wardCode}`,
    'Mutation.reissueVenueCode',
    REISSUE,
    outcomes,
    {
      variables: async () => ({ id: await registerVenue({ wardCode }) }),
      check: (data) => expect(data.reissueVenueCode.currentCode.version).to.equal(2),
      untouched: async (vars) => expect(await currentCodeVersion(vars.id)).to.equal(1),
    },
  );

const complianceStatsOf = (unitCode: string, outcomes: string) =>
  row(`complianceStats of unit ${unitCode}`, 'Query.complianceStats', COMPLIANCE_STATS, outcomes, {
    variables: () => ({ u: unitCode }),
    check: (data) => expect(data.complianceStats.unitCode).to.equal(unitCode),
  });

const complianceSeriesOf = (unitCode: string, outcomes: string) =>
  row(
    `complianceSeries of unit ${unitCode}`,
    'Query.complianceSeries',
    COMPLIANCE_SERIES,
    outcomes,
    {
      variables: () => ({ u: unitCode }),
      check: (data) =>
        expect(data.complianceSeries.map((f: any) => [f.date, f.unitCode])).to.deep.equal([
          [DAY, unitCode],
          ['2021-08-10', unitCode],
        ]),
    },
  );

const venuesIn = (unitCode: string, outcomes: string) =>
  row(`venues filtered to unit ${unitCode}`, 'Query.venues', VENUES_IN, outcomes, {
    variables: () => ({ u: unitCode }),
    check: (data, column) => {
      const nodes = data.venues.nodes;
      inCallersArea(nodes, column);
      for (const node of nodes) {
        if (unitCode.length === 3) expect(node.district.code).to.equal(unitCode);
        if (unitCode.length === 5) expect(node.ward.code).to.equal(unitCode);
      }
    },
  });

const ROWS: Row[] = [
  // ---- units: reference data every reader may see, whatever their area
  row('city (Hà Nội by default)', 'Query.city', '{ city { code name } }', READERS, {
    check: (data) => expect(data.city.code).to.equal('01'),
  }),
  row('cities', 'Query.cities', '{ cities { code } }', READERS, {
    check: (data) => expect(data.cities.map((c: any) => c.code)).to.include('01'),
  }),
  row(
    'district 001 with its wards',
    'Query.district',
    '{ district(code: "001") { code wards { code } } }',
    READERS,
  ),
  row(
    'district 002 with its wards',
    'Query.district',
    '{ district(code: "002") { code wards { code } } }',
    READERS,
  ),
  row('ward 00037', 'Query.ward', '{ ward(code: "00037") { code district { code } } }', READERS),
  row(
    'administrativeUnit 002',
    'Query.administrativeUnit',
    '{ administrativeUnit(code: "002") { code level } }',
    READERS,
  ),

  // ---- figures: admin and integrators city-wide, officers their own unit, nobody else
  complianceStatsOf('001', OWN_OF_BA_DINH),
  complianceStatsOf('00001', OWN_OF_PHUC_XA),
  complianceStatsOf('00004', OWN_OF_BA_DINH),
  complianceStatsOf('002', OWN_OF_HOAN_KIEM),
  complianceStatsOf('01', CITY_FIGURES),
  complianceSeriesOf('001', OWN_OF_BA_DINH),
  complianceSeriesOf('00001', OWN_OF_PHUC_XA),
  complianceSeriesOf('00004', OWN_OF_BA_DINH),
  complianceSeriesOf('002', OWN_OF_HOAN_KIEM),
  complianceSeriesOf('01', CITY_FIGURES),
  row('city { stats(date) }', 'Query.city', stats('city'), CITY_FIGURES),
  row('city { statsSeries(from, to) }', 'Query.city', statsSeries('city'), CITY_FIGURES),
  row(
    'district(code: "001") { statsSeries(from, to) }',
    'Query.district',
    statsSeries('district(code: "001")'),
    OWN_OF_BA_DINH,
    { check: (data) => expect(data.district.statsSeries).to.have.length(2) },
  ),
  row(
    'ward(code: "00001") { statsSeries(from, to) }',
    'Query.ward',
    statsSeries('ward(code: "00001")'),
    OWN_OF_PHUC_XA,
  ),
  row(
    'ward(code: "00037") { statsSeries(from, to) }',
    'Query.ward',
    statsSeries('ward(code: "00037")'),
    OWN_OF_HOAN_KIEM,
  ),
  row('cities { stats(date) }', 'Query.cities', stats('cities'), CITY_FIGURES),
  row(
    'district(code: "001") { stats(date) }',
    'Query.district',
    stats('district(code: "001")'),
    OWN_OF_BA_DINH,
  ),
  row(
    'district(code: "002") { stats(date) }',
    'Query.district',
    stats('district(code: "002")'),
    OWN_OF_HOAN_KIEM,
  ),
  row(
    'district(code: "001") { wards { stats(date) } } (all of Ba Đình\'s wards)',
    'Query.district',
    `{ district(code: "001") { code wards { code stats(date: "${DAY}") { scans } } } }`,
    OWN_OF_BA_DINH,
  ),
  row(
    'ward(code: "00001") { stats(date) }',
    'Query.ward',
    stats('ward(code: "00001")'),
    OWN_OF_PHUC_XA,
  ),
  row(
    'ward(code: "00004") { stats(date) }',
    'Query.ward',
    stats('ward(code: "00004")'),
    OWN_OF_BA_DINH,
  ),
  row(
    'ward(code: "00037") { stats(date) }',
    'Query.ward',
    stats('ward(code: "00037")'),
    OWN_OF_HOAN_KIEM,
  ),
  row(
    'ward(code: "00001") { district { stats(date) } } (up from an own ward)',
    'Query.ward',
    `{ ward(code: "00001") { code district { stats(date: "${DAY}") { scans } } } }`,
    OWN_OF_BA_DINH,
  ),
  row(
    'administrativeUnit(code: "002") { ... on District { stats(date) } }',
    'Query.administrativeUnit',
    `{ administrativeUnit(code: "002") { code ... on District { stats(date: "${DAY}") { scans } } } }`,
    OWN_OF_HOAN_KIEM,
  ),

  // ---- one venue, inside and outside each officer's area
  row('venue(id) in Phúc Xá (00001)', 'Query.venue', VENUE_READ, VENUE_IN_PHUC_XA, {
    variables: (fx) => ({ id: fx.venue['00001'] }),
    check: (data, _c, vars) => expect(data.venue.id).to.equal(vars.id),
  }),
  row('venue(id) in Trúc Bạch (00004)', 'Query.venue', VENUE_READ, VENUE_IN_TRUC_BACH, {
    variables: (fx) => ({ id: fx.venue['00004'] }),
    check: (data, _c, vars) => expect(data.venue.id).to.equal(vars.id),
  }),
  row('venue(id) in Phúc Tân (00037)', 'Query.venue', VENUE_READ, VENUE_IN_PHUC_TAN, {
    variables: (fx) => ({ id: fx.venue['00037'] }),
    check: (data, _c, vars) => expect(data.venue.id).to.equal(vars.id),
  }),
  row(
    'venue(id) { registrantName } in Phúc Xá',
    'Query.venue',
    'query($id: ID!) { venue(id: $id) { id registrantName } }',
    PERSONAL_OF_PHUC_XA,
    {
      variables: (fx) => ({ id: fx.venue['00001'] }),
      check: (data) => expect(data.venue.registrantName).to.equal('Nguyễn Văn An'),
    },
  ),
  row(
    'venue(id) { registrantPhone } in Phúc Xá',
    'Query.venue',
    'query($id: ID!) { venue(id: $id) { id registrantPhone } }',
    PERSONAL_OF_PHUC_XA,
    {
      variables: (fx) => ({ id: fx.venue['00001'] }),
      check: (data) => expect(data.venue.registrantPhone).to.equal('+84912345678'),
    },
  ),
  row(
    'venue(id) { registrantPhone } in Phúc Tân',
    'Query.venue',
    'query($id: ID!) { venue(id: $id) { id registrantPhone } }',
    PERSONAL_OF_HOAN_KIEM,
    { variables: (fx) => ({ id: fx.venue['00037'] }) },
  ),
  row(
    'venue(id) { registrantPhone } in Phúc Xá, through a named fragment and an alias',
    'Query.venue',
    'query($id: ID!) { venue(id: $id) { id ...Contact } } fragment Contact on Venue { phone: registrantPhone }',
    PERSONAL_OF_PHUC_XA,
    { variables: (fx) => ({ id: fx.venue['00001'] }) },
  ),
  row(
    'venue(id) { activity(from, to) } in Phúc Xá (figures)',
    'Query.venue',
    `query($id: ID!) { venue(id: $id) { id activity(from: "${DAY}", to: "2021-08-10") { date scans } } }`,
    OWN_OF_PHUC_XA,
    {
      variables: (fx) => ({ id: fx.venue['00001'] }),
      check: (data) =>
        expect(data.venue.activity).to.deep.equal([
          { date: DAY, scans: 0 },
          { date: '2021-08-10', scans: 0 },
        ]),
    },
  ),
  row(
    'venue(id) { activity(from, to) } in Phúc Tân (figures)',
    'Query.venue',
    `query($id: ID!) { venue(id: $id) { id activity(from: "${DAY}", to: "${DAY}") { scans } } }`,
    OWN_OF_HOAN_KIEM,
    { variables: (fx) => ({ id: fx.venue['00037'] }) },
  ),
  row(
    'venue(id) { district { stats(date) } } in Phúc Xá',
    'Query.venue',
    `query($id: ID!) { venue(id: $id) { id district { stats(date: "${DAY}") { scans } } } }`,
    OWN_OF_BA_DINH,
    { variables: (fx) => ({ id: fx.venue['00001'] }) },
  ),

  // ---- venue lists: readers see their own area's venues; a filter outside it is refused
  row(
    'venues (no filter)',
    'Query.venues',
    '{ venues { totalCount nodes { id ward { code } district { code } } } }',
    READERS,
    {
      check: (data, column) => {
        inCallersArea(data.venues.nodes, column);
        expect(data.venues.totalCount).to.equal(data.venues.nodes.length);
      },
    },
  ),
  venuesIn('01', READERS),
  //                 adm bD  hK  pX  trc int scn anon exp tamp revk
  venuesIn('001', '  ok  ok  F   ok  ok  ok  F   U    U   U    U'),
  venuesIn('00004', 'ok  ok  F   F   ok  ok  F   U    U   U    U'),
  venuesIn('002', '  ok  F   ok  F   ok  ok  F   U    U   U    U'),
  row(
    'venues { nodes { registrantName registrantPhone } }',
    'Query.venues',
    '{ venues { nodes { id registrantName registrantPhone ward { code } district { code } } } }',
    PERSONAL_IN_LISTS,
    { check: (data, column) => inCallersArea(data.venues.nodes, column) },
  ),

  // ---- who am I; accounts and keys
  row('me', 'Query.me', '{ me { kind role unitCode label } }', EVERYONE, {
    check: (data, column) => {
      expect(data.me.role).to.equal(ROLE_OF[column as keyof typeof ROLE_OF]);
      const area = CONFINED_TO[column];
      expect(data.me.unitCode).to.equal(area ? (area.district ?? area.ward) : null);
      expect(data.me.kind).to.equal(
        column === 'integrator' || column === 'scanSource' ? 'API_KEY' : 'USER',
      );
    },
  }),
  row(
    'users',
    'Query.users',
    '{ users(first: 500) { nodes { id email role } } }',
    CITY_ADMIN_ONLY,
    {
      check: (data) =>
        expect(data.users.nodes.map((u: any) => u.email)).to.include('admin@test.quetma.vn'),
    },
  ),
  row(
    'apiKeys',
    'Query.apiKeys',
    '{ apiKeys(first: 500) { nodes { id name prefix } } }',
    CITY_ADMIN_ONLY,
    {
      check: (data) =>
        expect(data.apiKeys.nodes.map((k: any) => k.name)).to.include('test integrator'),
    },
  ),
  row(
    'auditLog (first page)',
    'Query.auditLog',
    '{ auditLog(first: 5) { totalCount nodes { action outcome } } }',
    CITY_ADMIN_ONLY,
    { check: (data) => expect(data.auditLog.nodes).to.be.an('array') },
  ),
  row(
    'createUser (a TRACER)',
    'Mutation.createUser',
    'mutation($input: CreateUserInput!) { createUser(input: $input) { id email role } }',
    CITY_ADMIN_ONLY,
    {
      variables: () => ({
        input: {
          email: `${unique()}@test.quetma.vn`,
          name: 'Người thử nghiệm',
          role: 'TRACER',
          password: TEST_PASSWORD,
        },
      }),
      check: (data, _c, vars) => expect(data.createUser.email).to.equal(vars.input.email),
      untouched: async (vars) => expect(await userByEmail(vars.input.email)).to.equal(undefined),
    },
  ),
  row(
    'disableUser',
    'Mutation.disableUser',
    'mutation($id: ID!) { disableUser(id: $id) { id disabledAt } }',
    CITY_ADMIN_ONLY,
    {
      variables: async () => ({ id: (await matrixUser()).id }),
      check: (data) => expect(data.disableUser.disabledAt).to.be.a('string'),
      untouched: async (vars) => expect((await userById(vars.id)).disabledAt).to.equal(null),
    },
  ),
  row(
    'updateUser (a tracer made a ward officer of Phúc Xá)',
    'Mutation.updateUser',
    'mutation($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { id role unitCode } }',
    CITY_ADMIN_ONLY,
    {
      variables: async () => ({
        id: (await matrixUser()).id,
        input: { role: 'WARD_OFFICER', unitCode: '00001' },
      }),
      check: (data) =>
        expect(data.updateUser).to.include({ role: 'WARD_OFFICER', unitCode: '00001' }),
      untouched: async (vars) => expect((await userById(vars.id)).role).to.equal('TRACER'),
    },
  ),
  row(
    'enableUser (a disabled tracer)',
    'Mutation.enableUser',
    'mutation($id: ID!) { enableUser(id: $id) { id disabledAt } }',
    CITY_ADMIN_ONLY,
    {
      variables: async () => {
        const user = await matrixUser();
        await disableUser(testEnv().orm, user.id, new Date());
        return { id: user.id };
      },
      check: (data) => expect(data.enableUser.disabledAt).to.equal(null),
      untouched: async (vars) => expect((await userById(vars.id)).disabledAt).to.be.a('string'),
    },
  ),
  row(
    'createApiKey (INTEGRATOR)',
    'Mutation.createApiKey',
    'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id name } } }',
    CITY_ADMIN_ONLY,
    {
      variables: () => ({ input: { name: `Hệ thống ${unique()}`, role: 'INTEGRATOR' } }),
      check: (data) => expect(data.createApiKey.secret).to.match(/^qmk_/),
      untouched: async (vars) => expect(await apiKeysNamed(vars.input.name)).to.have.length(0),
    },
  ),
  row(
    'revokeApiKey',
    'Mutation.revokeApiKey',
    'mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }',
    CITY_ADMIN_ONLY,
    {
      variables: async (fx) => {
        const made = await createApiKey(
          testEnv().orm,
          { name: `Hệ thống ${unique()}`, role: 'INTEGRATOR' },
          fx.adminId,
          new Date(),
        );
        return { id: made.key.id };
      },
      check: (data) => expect(data.revokeApiKey.revokedAt).to.be.a('string'),
      untouched: async (vars) => expect((await apiKeyById(vars.id)).revokedAt).to.equal(null),
    },
  ),

  // ---- sessions
  row(
    'login (tracer@test.quetma.vn, right password)',
    'Mutation.login',
    'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken user { email } } }',
    SESSIONS,
    {
      variables: () => ({ e: 'tracer@test.quetma.vn', p: TEST_PASSWORD }),
      check: (data) => expect(data.login.user.email).to.equal('tracer@test.quetma.vn'),
    },
  ),
  row(
    'refreshSession (a fresh refresh token)',
    'Mutation.refreshSession',
    'mutation($t: String!) { refreshSession(refreshToken: $t) { refreshToken user { email } } }',
    SESSIONS,
    {
      variables: async () => ({ t: (await openSession('tracer@test.quetma.vn')).refreshToken }),
      check: (data, _c, vars) => expect(data.refreshSession.refreshToken).to.not.equal(vars.t),
      untouched: refreshTokenStillWorks,
    },
  ),
  row(
    'logout (a fresh refresh token)',
    'Mutation.logout',
    'mutation($t: String!) { logout(refreshToken: $t) }',
    SESSIONS,
    {
      variables: async () => ({ t: (await openSession('tracer@test.quetma.vn')).refreshToken }),
      check: (data) => expect(data.logout).to.equal(true),
      untouched: refreshTokenStillWorks,
    },
  ),

  // ---- changing venues: the admin anywhere, officers in their own area, nobody else
  registerIn('00001', EDIT_IN_PHUC_XA),
  registerIn('00004', EDIT_IN_TRUC_BACH),
  registerIn('00037', EDIT_IN_PHUC_TAN),
  updateIn('00001', EDIT_IN_PHUC_XA),
  updateIn('00004', EDIT_IN_TRUC_BACH),
  updateIn('00037', EDIT_IN_PHUC_TAN),
  //                                adm bD  hK  pX  trc int scn anon exp tamp revk
  moveVenue('00001', '00004', '     ok  ok  F   F   F   F   F   U    U   U    U'),
  moveVenue('00001', '00037', '     ok  F   F   F   F   F   F   U    U   U    U'),
  moveVenue('00037', '00001', '     ok  F   F   F   F   F   F   U    U   U    U'),
  closeIn('00001', EDIT_IN_PHUC_XA),
  closeIn('00004', EDIT_IN_TRUC_BACH),
  closeIn('00037', EDIT_IN_PHUC_TAN),
  reissueIn('00001', EDIT_IN_PHUC_XA),
  reissueIn('00004', EDIT_IN_TRUC_BACH),
  reissueIn('00037', EDIT_IN_PHUC_TAN),

  // ---- scans
  row(
    'recordScans (a scan of the venue in Phúc Xá)',
    'Mutation.recordScans',
    'mutation($scans: [ScanInput!]!) { recordScans(scans: $scans) { accepted duplicates rejected { index reason } } }',
    SCAN_SOURCES_ONLY,
    {
      variables: (fx) => ({ scans: [scanOf(fx.venue['00001'])] }),
      check: (data) =>
        expect(data.recordScans).to.deep.equal({ accepted: 1, duplicates: 0, rejected: [] }),
      untouched: async (vars) => expect(await scansStored(vars.scans[0].id)).to.equal(0),
    },
  ),

  // ---- tracing: person-level data for tracers only
  row(
    'exposures of a person over one day',
    'Query.exposures',
    `query($s: String!) { exposures(subject: $s, from: "${DAY}T00:00:00+07:00", to: "2021-08-10T00:00:00+07:00") { subject contacts visits { start venue { id } } } }`,
    TRACERS_ONLY,
    {
      variables: () => ({ s: '0912 345 678' }),
      check: (data) => expect(data.exposures.subject).to.equal('0912345678'),
    },
  ),
  row(
    'venue(id) { riskDeclarations(date) } in Phúc Xá',
    'Query.venue',
    `query($id: ID!) { venue(id: $id) { id riskDeclarations(date: "${DAY}") } }`,
    TRACERS_ONLY,
    {
      variables: (fx) => ({ id: fx.venue['00001'] }),
      check: (data) => expect(data.venue.riskDeclarations).to.equal(0),
    },
  ),
];

const callerTokens = {} as Record<'expiredToken' | 'tamperedToken' | 'revokedKey', string>;
const fixtures = {} as Fixtures;

function as(column: Column): CallerName | 'anonymous' | { token: string } {
  if (column === 'expiredToken' || column === 'tamperedToken' || column === 'revokedKey') {
    return { token: callerTokens[column] };
  }
  return column;
}

describe('access matrix: every root query and mutation, for every kind of caller', () => {
  before(async function () {
    this.timeout(60_000);
    await resetData();
    await testEnv().orm.em.getConnection().execute('delete from login_throttle');
    const env = testEnv();
    fixtures.venue = {
      '00001': await registerVenue({ wardCode: '00001', registrantPhone: '0912345678' }),
      '00004': await registerVenue({ wardCode: '00004' }),
      '00037': await registerVenue({ wardCode: '00037' }),
    };
    const me = (await graphqlData<any>('{ me { id label } }')).me;
    fixtures.adminId = me.id;

    const signedAt = new Date('2020-01-01T00:00:00Z');
    // the admin's own open session, in a token that expired long ago
    const claims = (await verifyAccessToken(env.config.jwtSecret, env.tokens.admin, new Date()))!;
    callerTokens.expiredToken = await signAccessToken(env.config.jwtSecret, claims, signedAt, 900);

    const [header, payload, signature] = env.tokens.admin.split('.');
    const i = Math.floor(payload.length / 2);
    const changed = payload[i] === 'A' ? 'B' : 'A';
    callerTokens.tamperedToken = [
      header,
      payload.slice(0, i) + changed + payload.slice(i + 1),
      signature,
    ].join('.');

    const key = await createApiKey(
      env.orm,
      { name: 'matrix revoked integrator', role: 'INTEGRATOR' },
      me.id,
      new Date(),
    );
    callerTokens.revokedKey = key.secret;
    // it worked until revoked: the refusals below are about the revocation
    expect((await graphqlData<any>('{ me { role } }', {}, { token: key.secret })).me.role).to.equal(
      'INTEGRATOR',
    );
    await revokeApiKey(env.orm, key.key.id, new Date());
  });

  after(async () => {
    await testEnv().orm.em.getConnection().execute('delete from login_throttle');
  });

  describe('the matrix itself', () => {
    const contract = buildSchema(fs.readFileSync(SCHEMA_FILE, 'utf8'));
    const rootFields = () =>
      [contract.getQueryType(), contract.getMutationType(), contract.getSubscriptionType()]
        .filter((type) => type)
        .flatMap((type) => Object.keys(type!.getFields()).map((name) => `${type!.name}.${name}`));

    it('has a row for every root query and mutation of schema.graphql', () => {
      const covered = new Set(ROWS.map((r) => r.field));
      const missing = rootFields().filter((field) => !covered.has(field));
      expect(
        missing,
        'root fields of schema.graphql that the access matrix does not list',
      ).to.deep.equal([]);
    });

    it('asks in each row the root field it names, one that schema.graphql has', () => {
      const known = new Set(rootFields());
      for (const r of ROWS) {
        expect(known.has(r.field), `${r.title}: ${r.field} is not in schema.graphql`).to.equal(
          true,
        );
        const operation = parse(r.query).definitions.find(
          (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
        )!;
        const typeName = { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' }[
          operation.operation
        ];
        const roots = operation.selectionSet.selections.map((s) =>
          s.kind === Kind.FIELD ? `${typeName}.${s.name.value}` : '?',
        );
        expect(roots, r.title).to.deep.equal([r.field]);
      }
    });

    it('has the bad credentials it claims: an expired token, a one-character change, a revoked key', async () => {
      const { config, tokens } = testEnv();
      const expired = callerTokens.expiredToken;
      expect(
        await verifyAccessToken(config.jwtSecret, expired, new Date('2020-01-01T00:05:00Z')),
      ).to.include({
        role: 'CITY_ADMIN',
      });
      expect(await verifyAccessToken(config.jwtSecret, expired, new Date())).to.equal(undefined);
      const tampered = callerTokens.tamperedToken;
      expect(tampered).to.have.length(tokens.admin.length);
      expect([...tampered].filter((ch, i) => ch !== tokens.admin[i])).to.have.length(1);
      const keys = await graphqlData<any>(
        '{ apiKeys(filter: { search: "matrix revoked integrator" }) { nodes { name revokedAt } } }',
      );
      const revoked = keys.apiKeys.nodes.find((k: any) => k.name === 'matrix revoked integrator');
      expect(revoked.revokedAt).to.be.a('string');
    });
  });

  for (const r of ROWS) {
    describe(`${r.field}: ${r.title}`, () => {
      for (const column of COLUMNS) {
        const expected = r.outcomes[column];
        it(`as ${column}: ${expected}`, async () => {
          const vars = r.variables ? await r.variables(fixtures) : {};
          const result = await graphql(r.query, vars, as(column));
          const rootName = r.field.split('.')[1];
          const answer = JSON.stringify({
            status: result.status,
            data: result.data,
            errors: result.errors,
          });
          if (expected === 'ok') {
            expect(result.errors, answer).to.equal(undefined);
            expect(result.data?.[rootName], answer).to.exist;
            await r.check?.(result.data!, column, vars);
          } else {
            expect(result.errors, answer).to.be.an('array').that.is.not.empty;
            const codes = [...new Set(result.errors!.map((e) => e.extensions?.code))];
            expect(codes, answer).to.deep.equal([expected]);
            expect(result.data?.[rootName] ?? null, answer).to.equal(null);
            await r.untouched?.(vars);
          }
        });
      }
    });
  }
});
