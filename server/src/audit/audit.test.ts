import { expect } from 'chai';
import { queryRows } from '../db/sql';
import { graphql, graphqlData, resetData, testEnv, TEST_PASSWORD } from '../../test/harness';
import { listQuery, walkByCursor, walkByOffset } from '../../test/connections';
import { registerVenue } from '../../test/factories';
import { AUDITED_QUERY_FIELDS } from './audit.plugin';
import { recordAudit, type AuditEntryInput } from './audit.service';

interface Row {
  id: string;
  at: string;
  actorKind: string;
  actorId: string | null;
  actorLabel: string | null;
  role: string | null;
  action: string;
  arguments: Record<string, any>;
  address: string | null;
  outcome: string;
}

const REGISTER = `mutation Register($input: RegisterVenueInput!) { registerVenue(input: $input) { id } }`;
const LOGIN = `mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) { accessToken refreshToken user { email } } }`;
const CREATE_KEY = `mutation CreateKey($input: CreateApiKeyInput!) {
  createApiKey(input: $input) { secret apiKey { id prefix } } }`;
const AUDIT_LOG = `query Audit($filter: AuditLogFilter, $orderBy: [AuditLogOrder!], $first: Int,
    $after: String, $offset: Int) {
  auditLog(filter: $filter, orderBy: $orderBy, first: $first, after: $after, offset: $offset) {
    totalCount
    nodes { id at actorKind actorId actorLabel role action arguments address outcome }
    edges { cursor node { id } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  } }`;

const venueInput = (name: string) => ({
  name,
  category: 'RESTAURANT',
  address: 'Số 10 phố Hàng Bạc',
  wardCode: '00001',
  registrantName: 'Nguyễn Văn An',
  registrantPhone: '0912 345 678',
});

let lastId = '0';

/** Entries written since the test began, oldest first. */
async function newEntries(): Promise<Row[]> {
  return queryRows<Row>(
    testEnv().orm,
    `select id::text, at::text, actor_kind as "actorKind", actor_id as "actorId", actor_label as "actorLabel",
       role, action, arguments, address, outcome
     from audit_log where id > $1::bigint order by audit_log.id`,
    [lastId],
  );
}

async function idOf(caller: 'admin' | 'baDinh'): Promise<string> {
  return (await graphqlData<any>('{ me { id } }', {}, caller)).me.id;
}

describe('the audit log', () => {
  before(resetData);

  beforeEach(async () => {
    const [row] = await queryRows<{ id: string }>(
      testEnv().orm,
      'select coalesce(max(id), 0)::text as id from audit_log',
    );
    lastId = row.id;
  });

  afterEach(() => testEnv().clock.reset());

  it('records a venue registration with who, when, from where, and the registrant name and phone hidden', async () => {
    testEnv().clock.set('2021-08-09T10:00:00+07:00');
    await graphqlData(REGISTER, { input: venueInput('Quán Phở Hàng Bạc') });
    const entries = await newEntries();
    expect(entries).to.have.length(1);
    const [entry] = entries;
    expect(entry).to.include({
      actorKind: 'USER',
      actorId: await idOf('admin'),
      actorLabel: 'admin@test.quetma.vn',
      role: 'CITY_ADMIN',
      action: 'Mutation.registerVenue',
      outcome: 'OK',
    });
    expect(new Date(entry.at).toISOString()).to.equal('2021-08-09T03:00:00.000Z');
    expect(entry.address).to.match(/127\.0\.0\.1/);
    expect(entry.arguments.input).to.include({
      name: 'Quán Phở Hàng Bạc',
      wardCode: '00001',
      registrantName: '[REDACTED]',
      registrantPhone: '[REDACTED]',
    });
    expect(JSON.stringify(entry.arguments)).to.not.include('345');
  });

  it('records a failed login as anonymous, keeping the email and hiding the password', async () => {
    const result = await graphql(
      LOGIN,
      { email: 'nobody@test.quetma.vn', password: 'guessed password 1' },
      'anonymous',
    );
    expect(result.errors?.[0].extensions?.code).to.equal('UNAUTHENTICATED');
    const [entry, ...rest] = await newEntries();
    expect(rest).to.have.length(0);
    expect(entry).to.include({
      actorKind: 'ANONYMOUS',
      actorId: null,
      actorLabel: null,
      role: null,
      action: 'Mutation.login',
      outcome: 'UNAUTHENTICATED',
    });
    expect(entry.arguments).to.deep.equal({
      email: 'nobody@test.quetma.vn',
      password: '[REDACTED]',
    });
  });

  it('keeps no password or token of a successful login', async () => {
    const { login } = await graphqlData<any>(
      LOGIN,
      { email: 'badinh@test.quetma.vn', password: TEST_PASSWORD },
      'anonymous',
    );
    const [entry] = await newEntries();
    expect(entry).to.include({ action: 'Mutation.login', outcome: 'OK' });
    expect(entry.arguments).to.deep.equal({
      email: 'badinh@test.quetma.vn',
      password: '[REDACTED]',
    });
    const [{ n }] = await queryRows<{ n: number }>(
      testEnv().orm,
      `select count(*)::int as n from audit_log
       where position($1 in audit_log::text) > 0 or position($2 in audit_log::text) > 0
          or position($3 in audit_log::text) > 0`,
      [login.accessToken, login.refreshToken, TEST_PASSWORD],
    );
    expect(n).to.equal(0);
  });

  it('records a refused mutation with the refusal as its outcome', async () => {
    const forbidden = await graphql(
      CREATE_KEY,
      { input: { name: 'A key I may not make', role: 'INTEGRATOR' } },
      'integrator',
    );
    expect(forbidden.errors?.[0].extensions?.code).to.equal('FORBIDDEN');
    const anonymous = await graphql(
      CREATE_KEY,
      { input: { name: 'Nor I', role: 'INTEGRATOR' } },
      'anonymous',
    );
    expect(anonymous.errors?.[0].extensions?.code).to.equal('UNAUTHENTICATED');
    const entries = await newEntries();
    expect(
      entries.map((e) => [e.action, e.actorKind, e.actorLabel, e.role, e.outcome]),
    ).to.deep.equal([
      ['Mutation.createApiKey', 'API_KEY', 'test integrator', 'INTEGRATOR', 'FORBIDDEN'],
      ['Mutation.createApiKey', 'ANONYMOUS', null, null, 'UNAUTHENTICATED'],
    ]);
    expect(entries[0].arguments.input).to.deep.equal({
      name: 'A key I may not make',
      role: 'INTEGRATOR',
    });
  });

  it("never stores an API key's secret, even one pasted where an id belongs", async () => {
    const { createApiKey } = await graphqlData<any>(CREATE_KEY, {
      input: { name: 'Kiosk backend, Hoàn Kiếm', role: 'SCAN_SOURCE' },
    });
    const key: string = createApiKey.secret;
    const mistake = await graphql(`mutation { revokeApiKey(id: ${JSON.stringify(key)}) { id } }`);
    expect(mistake.errors?.[0].extensions?.code).to.equal('BAD_USER_INPUT');
    const entries = await newEntries();
    expect(entries.map((e) => [e.action, e.outcome])).to.deep.equal([
      ['Mutation.createApiKey', 'OK'],
      ['Mutation.revokeApiKey', 'BAD_USER_INPUT'],
    ]);
    expect(entries[0].arguments.input.name).to.equal('Kiosk backend, Hoàn Kiếm');
    expect(entries[1].arguments).to.deep.equal({ id: '[REDACTED]' });
    const secretPart = key.split('_').slice(2).join('_');
    const [{ n }] = await queryRows<{ n: number }>(
      testEnv().orm,
      `select count(*)::int as n from audit_log
       where position($1 in arguments::text) > 0 or position($2 in audit_log::text) > 0`,
      [key, secretPart],
    );
    expect(n).to.equal(0);
  });

  it('gives each root field of a mutation its own entry and outcome, by alias', async () => {
    const result = await graphql(`
      mutation {
        out: logout(refreshToken: "no-such-token")
        gone: revokeApiKey(id: "not-a-uuid") {
          id
        }
      }
    `);
    expect(result.errors?.[0].path).to.deep.equal(['gone']);
    const entries = await newEntries();
    expect(entries.map((e) => [e.action, e.arguments, e.outcome])).to.deep.equal([
      ['Mutation.logout', { refreshToken: '[REDACTED]' }, 'OK'],
      ['Mutation.revokeApiKey', { id: 'not-a-uuid' }, 'BAD_USER_INPUT'],
    ]);
  });

  it('does not log plain queries, nor requests that do not parse or validate', async () => {
    await graphqlData('{ venues(first: 5) { totalCount nodes { name } } me { id } }');
    await graphqlData('{ apiKeys { nodes { id } } users { nodes { email } } }');
    await graphql('mutation { registerVenue(input: {');
    await graphql('mutation { registerVenue { id } }');
    expect(await newEntries()).to.have.length(0);
  });

  it('logs the person-level look-ups listed in AUDITED_QUERY_FIELDS, refused ones too', async () => {
    expect(AUDITED_QUERY_FIELDS.has('Query.exposures')).to.equal(true);
    const venueId = await registerVenue();
    lastId = (await newEntries()).at(-1)!.id;
    // Query.venue, added to the list for this test, stands in for Query.exposures (whose entries
    // exposures.test.ts checks): a venue is quicker to set up than a person's scans
    AUDITED_QUERY_FIELDS.add('Query.venue');
    try {
      const read = `query Read($id: ID!) { venue(id: $id) { name } venues(first: 1) { totalCount } }`;
      await graphqlData(read, { id: venueId }, 'phucXa');
      const refused = await graphql(read, { id: venueId }, 'scanSource');
      expect(refused.errors?.[0].extensions?.code).to.equal('FORBIDDEN');
      // through a fragment it counts; skipped, it did not run
      await graphqlData(
        `query Read($id: ID!, $skip: Boolean!) {
           ... on Query { found: venue(id: $id) { name } }
           again: venue(id: $id) @skip(if: $skip) { name } }`,
        { id: venueId, skip: true },
        'baDinh',
      );
    } finally {
      AUDITED_QUERY_FIELDS.delete('Query.venue');
    }
    const entries = await newEntries();
    expect(entries.map((e) => [e.action, e.role, e.arguments, e.outcome])).to.deep.equal([
      ['Query.venue', 'WARD_OFFICER', { id: venueId }, 'OK'],
      ['Query.venue', 'SCAN_SOURCE', { id: venueId }, 'FORBIDDEN'],
      ['Query.venue', 'DISTRICT_OFFICER', { id: venueId }, 'OK'],
    ]);
  });

  it('answers a mutation as usual when its entry cannot be written', async () => {
    const { orm } = testEnv();
    // a real failure of the insert, whatever connection or prepared statement it uses
    await orm.em
      .getConnection()
      .execute(
        `alter table audit_log add constraint audit_test_refuse check (action <> 'Mutation.logout') not valid`,
      );
    try {
      const result = await graphql('mutation { logout(refreshToken: "no-such-token") }');
      expect(result).to.deep.equal({ status: 200, data: { logout: false } });
    } finally {
      await orm.em
        .getConnection()
        .execute('alter table audit_log drop constraint audit_test_refuse');
    }
    expect(await newEntries()).to.have.length(0);
  });

  describe('Query.auditLog', () => {
    const DAY = '2031-03-0';
    const filterOfTest = () => ({
      action: 'Mutation.registerVenue',
      from: `${DAY}1T00:00:00Z`,
      to: `${DAY}9T00:00:00Z`,
    });

    before(async () => {
      for (const [i, name] of ['Quán Một', 'Quán Hai', 'Quán Ba'].entries()) {
        testEnv().clock.set(`${DAY}${i + 2}T08:00:00Z`);
        await graphqlData(REGISTER, { input: venueInput(name) });
      }
      // another action in the same days, which the filter leaves out
      testEnv().clock.set(`${DAY}3T09:00:00Z`);
      await graphql('mutation { logout(refreshToken: "no-such-token") }');
      testEnv().clock.reset();
    });

    it('lists entries newest first and pages on with `after`', async () => {
      const first = (await graphqlData<any>(AUDIT_LOG, { filter: filterOfTest(), first: 2 }))
        .auditLog;
      expect(first.totalCount).to.equal(3);
      expect(first.nodes.map((n: any) => n.arguments.input.name)).to.deep.equal([
        'Quán Ba',
        'Quán Hai',
      ]);
      expect(first.nodes[0]).to.deep.include({
        at: '2031-03-04T08:00:00.000Z',
        actorKind: 'USER',
        actorId: await idOf('admin'),
        actorLabel: 'admin@test.quetma.vn',
        role: 'CITY_ADMIN',
        action: 'Mutation.registerVenue',
        outcome: 'OK',
      });
      expect(first.nodes[0].arguments.input.registrantPhone).to.equal('[REDACTED]');
      expect(first.edges.map((e: any) => e.node.id)).to.deep.equal(
        first.nodes.map((n: any) => n.id),
      );
      expect(first.pageInfo).to.include({
        hasNextPage: true,
        hasPreviousPage: false,
        endCursor: first.edges[1].cursor,
      });

      const second = (
        await graphqlData<any>(AUDIT_LOG, {
          filter: filterOfTest(),
          first: 2,
          after: first.pageInfo.endCursor,
        })
      ).auditLog;
      expect(second.nodes.map((n: any) => n.arguments.input.name)).to.deep.equal(['Quán Một']);
      expect(second.pageInfo).to.include({ hasNextPage: false, hasPreviousPage: true });
    });

    it('lists every entry exactly once, page after page, when one instant holds ids 999 and 1000', async () => {
      const { orm } = testEnv();
      // ids that cross a power of ten, as 999 → 1000 does, above any this run has used
      const [{ max }] = await queryRows<{ max: string }>(
        orm,
        'select coalesce(max(id), 0)::text as max from audit_log',
      );
      let boundary = 1000n;
      while (boundary - 8n <= BigInt(max)) boundary *= 10n;
      await queryRows(orm, `select setval(pg_get_serial_sequence('audit_log', 'id'), $1)`, [
        String(boundary - 8n),
      ]);
      const at = new Date('2032-05-06T07:08:09.123Z');
      const entry = (i: number): AuditEntryInput => ({
        at,
        actorKind: 'ANONYMOUS',
        actorId: null,
        actorLabel: null,
        role: null,
        action: 'Mutation.login',
        arguments: { email: `caller${i}@test.quetma.vn`, password: '[REDACTED]' },
        address: '127.0.0.1',
        outcome: 'UNAUTHENTICATED',
      });
      await recordAudit(
        orm,
        Array.from({ length: 15 }, (_, i) => entry(i)),
      );
      const written = await newEntries();
      expect(written.map((e) => e.id)).to.include.members([
        String(boundary - 1n),
        String(boundary),
      ]);

      const filter = { from: '2032-05-06T00:00:00Z', to: '2032-05-07T00:00:00Z' };
      const listed: string[] = [];
      let after: string | undefined;
      for (let pages = 0; pages < 10; pages++) {
        const { auditLog } = await graphqlData<any>(AUDIT_LOG, { filter, first: 4, after });
        listed.push(...auditLog.nodes.map((n: any) => n.id));
        if (!auditLog.pageInfo.hasNextPage) break;
        after = auditLog.pageInfo.endCursor;
      }
      // newest first: within one instant, the later entry (the larger id) first
      const newestFirst = written.map((e) => e.id).sort((a, b) => Number(BigInt(b) - BigInt(a)));
      expect(listed).to.deep.equal(newestFirst);

      // and the same entries oldest first, by cursor and by offset: the earlier entry first
      const list = listQuery('auditLog', 'AuditLogFilter', 'AuditLogOrder', 'id');
      const oldestFirst = [...newestFirst].reverse();
      const orderBy = [{ field: 'AT', direction: 'ASC' }];
      for (const first of [1, 4]) {
        expect(await walkByCursor(list, { filter, orderBy }, first, 15)).to.deep.equal(oldestFirst);
        expect(await walkByOffset(list, { filter, orderBy }, first, 15)).to.deep.equal(oldestFirst);
        expect(await walkByOffset(list, { filter }, first, 15)).to.deep.equal(newestFirst);
      }
      // a cursor of the newest-first order is not read back oldest first
      const newest = (await graphqlData<any>(AUDIT_LOG, { filter, first: 2 })).auditLog;
      const reused = await graphql(AUDIT_LOG, {
        filter,
        orderBy,
        after: newest.pageInfo.endCursor,
      });
      expect(reused.errors?.[0].extensions).to.include({ code: 'BAD_USER_INPUT', field: 'after' });
    });

    it('lists oldest first for orderBy AT ASC, and skips entries with offset', async () => {
      const names = (page: any) => page.nodes.map((n: any) => n.arguments.input.name);
      const oldest = (
        await graphqlData<any>(AUDIT_LOG, {
          filter: filterOfTest(),
          orderBy: [{ field: 'AT', direction: 'ASC' }],
        })
      ).auditLog;
      expect(names(oldest)).to.deep.equal(['Quán Một', 'Quán Hai', 'Quán Ba']);
      const skipped = (
        await graphqlData<any>(AUDIT_LOG, { filter: filterOfTest(), first: 1, offset: 1 })
      ).auditLog;
      expect(names(skipped)).to.deep.equal(['Quán Hai']);
      expect(skipped.totalCount).to.equal(3);
      expect(skipped.pageInfo).to.include({ hasNextPage: true, hasPreviousPage: true });
    });

    it('refuses a to that is not after from, and an actor id that is not a UUID, naming them', async () => {
      const early = await graphql(AUDIT_LOG, {
        filter: { from: '2031-03-05T00:00:00Z', to: '2031-03-05T00:00:00Z' },
      });
      expect(early.errors?.[0].extensions).to.include({ code: 'BAD_USER_INPUT', field: 'to' });
      const actor = await graphql(AUDIT_LOG, { filter: { actorId: 'admin' } });
      expect(actor.errors?.[0].extensions).to.include({ code: 'BAD_USER_INPUT', field: 'actorId' });
    });

    it('filters by actor and outcome', async () => {
      const byOther = (
        await graphqlData<any>(AUDIT_LOG, {
          filter: { ...filterOfTest(), actorId: await idOf('baDinh') },
        })
      ).auditLog;
      expect(byOther.totalCount).to.equal(0);
      const mine = (
        await graphqlData<any>(AUDIT_LOG, {
          filter: { ...filterOfTest(), actorId: await idOf('admin'), outcome: 'OK' },
        })
      ).auditLog;
      expect(mine.nodes).to.have.length(3);
    });

    it('refuses a cursor it did not give out', async () => {
      const result = await graphql(AUDIT_LOG, { after: 'bm90IGEgY3Vyc29y' });
      expect(result.errors?.[0].extensions).to.include({ code: 'BAD_USER_INPUT', field: 'after' });
    });

    it('is for city admins only', async () => {
      for (const [caller, code] of [
        ['baDinh', 'FORBIDDEN'],
        ['integrator', 'FORBIDDEN'],
        ['anonymous', 'UNAUTHENTICATED'],
      ] as const) {
        const result = await graphql(AUDIT_LOG, { first: 1 }, caller);
        expect(result.errors?.[0].extensions?.code, caller).to.equal(code);
        expect(result.data?.auditLog, caller).to.equal(undefined);
      }
    });
  });

  after(async () => {
    // the failed login above counted against this address; later tests log in from it too
    await queryRows(
      testEnv().orm,
      `delete from login_throttle where key in ('email:nobody@test.quetma.vn') or key like 'ip:%'`,
    );
  });
});
