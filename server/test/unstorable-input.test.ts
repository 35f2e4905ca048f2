import { expect } from 'chai';
import { createApp, type App } from '../src/app';
import { describeError } from '../src/http/log-error';
import { registerVenue } from './factories';
import { graphql, resetData, testEnv } from './harness';

/**
 * Text PostgreSQL cannot store (a NUL byte, half of a surrogate pair) is refused as
 * BAD_USER_INPUT naming the field, in every string argument, before anything runs; and nothing
 * unexpected writes a statement, its parameters or person data into the server's log.
 */

const VENUE_INPUT = {
  name: 'Quán Nhà Bên',
  category: 'RESTAURANT',
  address: '12 phố Hàng Bạc',
  wardCode: '00001',
  registrantName: 'Nguyễn Văn Bình',
  registrantPhone: '0987654321',
};
const NUL = 'a\u0000b';

/** An operation, the variables that carry the bad text, and the field its error must name. */
const CASES: [string, string, (bad: string) => Record<string, unknown>, string][] = [
  [
    'registerVenue',
    'mutation($input: RegisterVenueInput!) { registerVenue(input: $input) { id } }',
    (bad) => ({ input: { ...VENUE_INPUT, name: `Quán ${bad}` } }),
    'name',
  ],
  [
    'registerVenue (registrant)',
    'mutation($input: RegisterVenueInput!) { registerVenue(input: $input) { id } }',
    (bad) => ({ input: { ...VENUE_INPUT, registrantName: bad } }),
    'registrantName',
  ],
  [
    'venues search',
    'query($f: VenueFilter) { venues(filter: $f) { totalCount } }',
    (bad) => ({ f: { search: bad } }),
    'search',
  ],
  [
    'login',
    'mutation($e: String!) { login(email: $e, password: "long enough password") { accessToken } }',
    (bad) => ({ e: `${bad}@test.quetma.vn` }),
    'email',
  ],
  [
    'createUser',
    'mutation($input: CreateUserInput!) { createUser(input: $input) { id } }',
    (bad) => ({
      input: {
        email: 'moi@test.quetma.vn',
        name: bad,
        role: 'TRACER',
        password: 'long enough password',
      },
    }),
    'name',
  ],
  [
    'createApiKey',
    'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }',
    (bad) => ({ input: { name: bad, role: 'INTEGRATOR' } }),
    'name',
  ],
];

describe('text PostgreSQL cannot store', () => {
  let app: App;
  let url: string;
  const logged: string[] = [];

  before(async () => {
    await resetData();
    const env = testEnv();
    app = await createApp(
      { orm: env.orm, areas: env.areas, config: env.config, now: () => new Date() },
      (message, error) => logged.push(`${message} ${String(error ?? '')}`),
    );
    url = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}/graphql`;
  });
  after(() => app.close());

  const post = async (query: string, variables: Record<string, unknown>) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${testEnv().tokens.admin}`,
      },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as any;
  };

  for (const [name, query, variables, field] of CASES) {
    it(`${name}: a NUL byte or a lone surrogate is BAD_USER_INPUT on ${field}, and nothing is stored`, async () => {
      for (const bad of [NUL, 'x\uD800y']) {
        const body = await post(query, variables(bad));
        expect(body.errors?.[0]?.extensions?.code, JSON.stringify(body)).to.equal('BAD_USER_INPUT');
        expect(body.errors[0].extensions.field).to.equal(field);
        expect(body.errors[0].message).to.include(
          `${field}: contains a character that cannot be stored`,
        );
        expect(body.data ?? null).to.equal(null);
      }
    });
  }

  it('names the field of a NUL written into the query itself, and of a venue edit', async () => {
    const id = await registerVenue();
    const inline = await post(
      `mutation($id: ID!) { updateVenue(id: $id, input: { address: "12 ph\\u0000o" }) { id } }`,
      { id },
    );
    expect(inline.errors[0].extensions).to.include({ code: 'BAD_USER_INPUT', field: 'address' });
    const reason = await post(
      'mutation($id: ID!, $r: String) { closeVenue(id: $id, closedAt: "2026-01-01T00:00:00Z", reason: $r) { id } }',
      { id, r: NUL },
    );
    expect(reason.errors[0].extensions).to.include({ code: 'BAD_USER_INPUT', field: 'reason' });
    const still = await graphql<any>('query($id: ID!) { venue(id: $id) { status address } }', {
      id,
    });
    expect(still.data.venue.status).to.equal('ACTIVE');
  });

  it('refuses text over 10,000 characters, naming the field', async () => {
    const body = await post('query($f: VenueFilter) { venues(filter: $f) { totalCount } }', {
      f: { search: 'hoan kiem '.repeat(1_001) },
    });
    expect(body.errors[0].extensions).to.include({ code: 'BAD_USER_INPUT', field: 'search' });
    expect(body.errors[0].message).to.include('at most 10,000 characters');
  });

  it('keeps a refused attempt in the audit log, its bad text replaced', async () => {
    await post('mutation($input: RegisterVenueInput!) { registerVenue(input: $input) { id } }', {
      input: { ...VENUE_INPUT, name: `Quán ${NUL} cuối` },
    });
    const [entry] = await testEnv()
      .orm.em.getConnection()
      .execute(
        `select arguments, outcome from audit_log where action = 'Mutation.registerVenue'
         order by audit_log.id desc limit 1`,
      );
    expect(entry.outcome).to.equal('BAD_USER_INPUT');
    expect(entry.arguments.input.name).to.equal('Quán a\uFFFDb cuối');
  });

  it('leaves the log without person data: nothing was logged for the refusals above', () => {
    const all = logged.join('\n');
    expect(all).to.equal('');
    expect(all).to.not.include('0987654321');
    expect(all).to.not.include('Nguyễn Văn Bình');
    expect(all).to.not.match(/insert into/i);
  });

  it('logs a failed statement by its SQLSTATE and names only, never its text or parameters', async () => {
    let failure: unknown;
    try {
      // MikroORM puts the whole statement, with its values, into the error's message
      await testEnv()
        .orm.em.getConnection()
        .execute(`insert into venue (id, name, registrant_phone) values (?, ?, ?)`, [
          'not-a-uuid',
          'Nguyễn Văn Bình',
          '0987654321',
        ]);
    } catch (error) {
      failure = error;
    }
    expect(String((failure as Error).message)).to.include('0987654321');
    const line = describeError(failure);
    expect(line).to.match(/database error 22P02/);
    expect(line).to.not.include('0987654321');
    expect(line).to.not.include('Nguyễn Văn Bình');
    expect(line).to.not.match(/insert into/i);
    expect(line).to.not.include(process.cwd().replace(/\/server$/, '') + '/');
  });
});
