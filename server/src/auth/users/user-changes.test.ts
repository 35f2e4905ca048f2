import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { registerVenue } from '../../../test/factories';
import {
  graphql,
  graphqlData,
  resetData,
  TEST_PASSWORD,
  testEnv,
  type GraphQLResponse,
} from '../../../test/harness';

/**
 * A city admin changes a person's name, role and unit (updateUser) and enables a disabled
 * account again (enableUser), over HTTP. A person whose role or unit changed keeps no power of
 * the old ones: their sessions end, and they log in again with the new.
 */

const USER_FIELDS = 'id email name role unitCode disabledAt';
const UPDATE = `mutation U($id: ID!, $input: UpdateUserInput!) {
  updateUser(id: $id, input: $input) { ${USER_FIELDS} }
}`;
const ENABLE = `mutation E($id: ID!) { enableUser(id: $id) { ${USER_FIELDS} } }`;
const DISABLE = `mutation D($id: ID!) { disableUser(id: $id) { id } }`;
const LOGIN = `mutation L($e: String!, $p: String!) {
  login(email: $e, password: $p) { accessToken refreshToken user { role unitCode } }
}`;
const REFRESH = `mutation R($t: String!) { refreshSession(refreshToken: $t) { accessToken } }`;
const ME = '{ me { role unitCode } }';

interface UserRow {
  id: string;
  email: string;
  name: string;
  role: string;
  unitCode: string | null;
  disabledAt: string | null;
}

let counter = 0;

async function newUser(role: string, unitCode?: string): Promise<UserRow> {
  const email = `doi-${Date.now().toString(36)}-${++counter}@test.quetma.vn`;
  const data = await graphqlData<any>(
    `mutation C($input: CreateUserInput!) { createUser(input: $input) { ${USER_FIELDS} } }`,
    { input: { email, name: 'Nguyễn Thị Hoa', role, unitCode, password: TEST_PASSWORD } },
  );
  return data.createUser;
}

async function login(email: string) {
  return (await graphqlData<any>(LOGIN, { e: email, p: TEST_PASSWORD }, 'anonymous')).login as {
    accessToken: string;
    refreshToken: string;
    user: { role: string; unitCode: string | null };
  };
}

async function stored(id: string): Promise<UserRow> {
  const data = await graphqlData<any>(
    `query($ids: [ID!]) { users(filter: { ids: $ids }) { nodes { ${USER_FIELDS} } } }`,
    { ids: [id] },
  );
  return data.users.nodes[0];
}

function refused(result: GraphQLResponse, code: string, field?: string) {
  const answer = JSON.stringify(result);
  expect(result.errors, answer).to.be.an('array').that.is.not.empty;
  expect(result.errors![0].extensions?.code, answer).to.equal(code);
  if (field) expect(result.errors![0].extensions?.field, answer).to.equal(field);
  for (const value of Object.values(result.data ?? {})) expect(value, answer).to.equal(null);
  return result.errors![0];
}

async function auditEntries(action: string, id: string) {
  const data = await graphqlData<any>(
    `query($a: String) { auditLog(filter: { action: $a }, first: 500) {
       nodes { action actorId role arguments outcome } } }`,
    { a: action },
  );
  return data.auditLog.nodes.filter((e: any) => e.arguments.id === id);
}

describe('changing accounts: updateUser and enableUser', () => {
  const clearThrottle = () =>
    testEnv().orm.em.getConnection().execute('delete from login_throttle');
  before(async () => {
    await resetData();
    await clearThrottle();
  });
  afterEach(clearThrottle);

  it("changes a name alone, found by search under it, and the person's session goes on", async () => {
    const user = await newUser('WARD_OFFICER', '00001');
    const session = await login(user.email);
    const { updateUser } = await graphqlData<any>(UPDATE, {
      id: user.id,
      input: { name: '  Đặng Văn Bình ' },
    });
    expect(updateUser).to.deep.equal({ ...user, name: 'Đặng Văn Bình' });
    const found = await graphqlData<any>(
      '{ users(filter: { search: "dang van binh" }) { nodes { id } } }',
    );
    expect(found.users.nodes.map((u: any) => u.id)).to.deep.equal([user.id]);
    expect((await graphqlData<any>(ME, {}, { token: session.accessToken })).me).to.deep.equal({
      role: 'WARD_OFFICER',
      unitCode: '00001',
    });
  });

  it('moves a ward officer to another district: the old session ends at once, a new login has the new powers', async () => {
    const user = await newUser('WARD_OFFICER', '00001');
    const phucXaVenue = await registerVenue({ wardCode: '00001' });
    const hoanKiemVenue = await registerVenue({ wardCode: '00037' });
    const old = await login(user.email);
    const VENUE = 'query($id: ID!) { venue(id: $id) { id } }';
    expect(
      (await graphqlData<any>(VENUE, { id: phucXaVenue }, { token: old.accessToken })).venue,
    ).to.deep.equal({ id: phucXaVenue });

    const { updateUser } = await graphqlData<any>(UPDATE, {
      id: user.id,
      input: { role: 'DISTRICT_OFFICER', unitCode: '002' },
    });
    expect(updateUser).to.include({ role: 'DISTRICT_OFFICER', unitCode: '002' });

    // the access token of the old powers is refused, and so is its refresh token
    const stale = await graphql(VENUE, { id: phucXaVenue }, { token: old.accessToken });
    expect(stale.status).to.equal(401);
    expect(refused(stale, 'UNAUTHENTICATED').message).to.match(/session has ended/);
    refused(await graphql(REFRESH, { t: old.refreshToken }, 'anonymous'), 'UNAUTHENTICATED');

    const fresh = await login(user.email);
    expect(fresh.user).to.deep.equal({ role: 'DISTRICT_OFFICER', unitCode: '002' });
    const token = { token: fresh.accessToken };
    expect((await graphqlData<any>(ME, {}, token)).me).to.deep.equal(fresh.user);
    expect((await graphqlData<any>(VENUE, { id: hoanKiemVenue }, token)).venue).to.deep.equal({
      id: hoanKiemVenue,
    });
    refused(await graphql(VENUE, { id: phucXaVenue }, token), 'FORBIDDEN');
  });

  it('makes an officer a tracer only with the unit taken away (null), and a tracer an officer only with one', async () => {
    const user = await newUser('DISTRICT_OFFICER', '001');
    refused(
      await graphql(UPDATE, { id: user.id, input: { role: 'TRACER' } }),
      'BAD_USER_INPUT',
      'unitCode',
    );
    expect(await stored(user.id)).to.deep.equal(user);
    const tracer = await graphqlData<any>(UPDATE, {
      id: user.id,
      input: { role: 'TRACER', unitCode: null },
    });
    expect(tracer.updateUser).to.include({ role: 'TRACER', unitCode: null });
    refused(
      await graphql(UPDATE, { id: user.id, input: { role: 'WARD_OFFICER' } }),
      'BAD_USER_INPUT',
      'unitCode',
    );
    const ward = await graphqlData<any>(UPDATE, {
      id: user.id,
      input: { role: 'WARD_OFFICER', unitCode: '00004' },
    });
    expect(ward.updateUser).to.include({ role: 'WARD_OFFICER', unitCode: '00004' });
    // a unit alone, checked against the role kept
    const moved = await graphqlData<any>(UPDATE, { id: user.id, input: { unitCode: '00037' } });
    expect(moved.updateUser).to.include({ role: 'WARD_OFFICER', unitCode: '00037' });
    refused(
      await graphql(UPDATE, { id: user.id, input: { unitCode: '002' } }),
      'BAD_USER_INPUT',
      'unitCode',
    );
  });

  it('refuses what createUser refuses, naming the field, and changes nothing', async () => {
    const user = await newUser('WARD_OFFICER', '00001');
    const cases: [Record<string, unknown>, string][] = [
      [{ role: 'DISTRICT_OFFICER' }, 'unitCode'], // a ward is no district
      [{ role: 'DISTRICT_OFFICER', unitCode: '00001' }, 'unitCode'],
      [{ unitCode: '99999' }, 'unitCode'],
      [{ unitCode: null }, 'unitCode'],
      [{ role: 'INTEGRATOR', unitCode: null }, 'role'],
      [{ role: 'SCAN_SOURCE', unitCode: null }, 'role'],
      [{ role: 'CITY_ADMIN', unitCode: '001' }, 'unitCode'],
      [{ name: '   ' }, 'name'],
    ];
    for (const [input, field] of cases) {
      refused(await graphql(UPDATE, { id: user.id, input }), 'BAD_USER_INPUT', field);
    }
    expect(await stored(user.id)).to.deep.equal(user);
    refused(await graphql(UPDATE, { id: randomUUID(), input: { name: 'Ai' } }), 'NOT_FOUND', 'id');
    refused(await graphql(UPDATE, { id: 'nope', input: { name: 'Ai' } }), 'BAD_USER_INPUT', 'id');
  });

  it('does not let a city admin change their own role or unit, but their own name', async () => {
    const me = (await graphqlData<any>('{ me { id } }')).me.id;
    const before = await stored(me);
    refused(await graphql(UPDATE, { id: me, input: { role: 'TRACER' } }), 'FORBIDDEN');
    const renamed = await graphqlData<any>(UPDATE, { id: me, input: { name: 'Quản trị' } });
    expect(renamed.updateUser).to.include({ role: 'CITY_ADMIN', name: 'Quản trị' });
    await graphqlData(UPDATE, { id: me, input: { name: before.name } });
    // the admin's own session (every test's) still works
    expect((await graphqlData<any>(ME)).me.role).to.equal('CITY_ADMIN');
  });

  it('is for city admins only', async () => {
    const user = await newUser('TRACER');
    for (const caller of ['baDinh', 'phucXa', 'tracer', 'integrator'] as const) {
      refused(
        await graphql(UPDATE, { id: user.id, input: { name: 'Kẻ lạ' } }, caller),
        'FORBIDDEN',
      );
      refused(await graphql(ENABLE, { id: user.id }, caller), 'FORBIDDEN');
    }
    expect(await stored(user.id)).to.deep.equal(user);
  });

  it('enables a disabled account: the person logs in again, and the sessions disabling ended stay ended', async () => {
    const user = await newUser('WARD_OFFICER', '00004');
    const old = await login(user.email);
    await graphqlData(DISABLE, { id: user.id });
    refused(
      await graphql(LOGIN, { e: user.email, p: TEST_PASSWORD }, 'anonymous'),
      'UNAUTHENTICATED',
    );

    const { enableUser } = await graphqlData<any>(ENABLE, { id: user.id });
    expect(enableUser).to.deep.equal({ ...user, disabledAt: null });
    const status = await graphqlData<any>(
      'query($ids: [ID!]) { users(filter: { ids: $ids, status: ENABLED }) { nodes { id } } }',
      { ids: [user.id] },
    );
    expect(status.users.nodes).to.deep.equal([{ id: user.id }]);
    refused(await graphql(ME, {}, { token: old.accessToken }), 'UNAUTHENTICATED');
    refused(await graphql(REFRESH, { t: old.refreshToken }, 'anonymous'), 'UNAUTHENTICATED');
    const fresh = await login(user.email);
    expect((await graphqlData<any>(ME, {}, { token: fresh.accessToken })).me).to.deep.equal({
      role: 'WARD_OFFICER',
      unitCode: '00004',
    });
    // enabling an enabled account changes nothing
    expect((await graphqlData<any>(ENABLE, { id: user.id })).enableUser).to.deep.equal(enableUser);
    refused(await graphql(ENABLE, { id: randomUUID() }), 'NOT_FOUND', 'id');
  });

  it('writes each change and each refused attempt to the audit log', async () => {
    const user = await newUser('WARD_OFFICER', '00001');
    const me = (await graphqlData<any>('{ me { id } }')).me.id;
    await graphqlData(UPDATE, {
      id: user.id,
      input: { role: 'DISTRICT_OFFICER', unitCode: '001' },
    });
    await graphql(UPDATE, { id: user.id, input: { role: 'WARD_OFFICER' } });
    await graphql(UPDATE, { id: user.id, input: { name: 'Kẻ lạ' } }, 'baDinh');
    await graphqlData(DISABLE, { id: user.id });
    await graphqlData(ENABLE, { id: user.id });

    const updates = await auditEntries('Mutation.updateUser', user.id);
    expect(updates.map((e: any) => [e.outcome, e.role, e.arguments.input]).reverse()).to.deep.equal(
      [
        ['OK', 'CITY_ADMIN', { role: 'DISTRICT_OFFICER', unitCode: '001' }],
        ['BAD_USER_INPUT', 'CITY_ADMIN', { role: 'WARD_OFFICER' }],
        ['FORBIDDEN', 'DISTRICT_OFFICER', { name: 'Kẻ lạ' }],
      ],
    );
    expect(updates[2].actorId).to.equal(me);
    const enables = await auditEntries('Mutation.enableUser', user.id);
    expect(enables.map((e: any) => [e.outcome, e.actorId])).to.deep.equal([['OK', me]]);
  });
});
