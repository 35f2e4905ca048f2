import { expect } from 'chai';
import { graphql, graphqlData, resetData, testEnv, type GraphQLResponse } from '../../test/harness';
import { closeVenue, registerVenue } from '../../test/factories';

const VENUE_FIELDS = `id name category address registrantName registrantPhone isAgencyHeadquarters
  registeredAt status closedAt closedReason scanStatus totalScans
  ward { code name } district { code name } city { code name } currentCode { version }`;

const REGISTER = `mutation Register($input: RegisterVenueInput!) {
  registerVenue(input: $input) { ${VENUE_FIELDS} } }`;
const UPDATE = `mutation Update($id: ID!, $input: UpdateVenueInput!) {
  updateVenue(id: $id, input: $input) { ${VENUE_FIELDS} } }`;
const CLOSE = `mutation Close($id: ID!, $closedAt: DateTime, $reason: String) {
  closeVenue(id: $id, closedAt: $closedAt, reason: $reason) { ${VENUE_FIELDS} } }`;
const READ = `query Read($id: ID!) { venue(id: $id) { ${VENUE_FIELDS} } }`;

const NOW = '2021-08-09T10:00:00+07:00';
const MISSING_ID = '0b7e8c1e-5a2f-4c3d-9e8f-123456789abc';

const validInput = (patch: Record<string, unknown> = {}) => ({
  name: 'Quán Phở Hàng Bạc',
  category: 'RESTAURANT',
  address: 'Số 10 phố Hàng Bạc',
  wardCode: '00001',
  registrantName: 'Nguyễn Văn An',
  registrantPhone: '0912 345 678',
  ...patch,
});

async function readVenue(id: string): Promise<any> {
  return (await graphqlData<any>(READ, { id })).venue;
}

async function venueCount(): Promise<number> {
  return (await graphqlData<any>('{ venues { totalCount } }')).venues.totalCount;
}

/** The one error a rejected request answers with, checked for the shape every client relies on. */
function expectClientError(
  result: GraphQLResponse,
  code: string,
  field: string | undefined,
  ...messageParts: string[]
) {
  expect(result.errors, JSON.stringify(result).slice(0, 400))
    .to.be.an('array')
    .with.length.greaterThan(0);
  const error = result.errors![0];
  expect(error.extensions?.code, error.message).to.equal(code);
  if (field !== undefined) expect(error.extensions?.field, error.message).to.equal(field);
  for (const part of messageParts) expect(error.message).to.include(part);
  for (const e of result.errors!) {
    expect(e.extensions ?? {}).to.not.have.property('stacktrace');
    expect(e.message).to.not.match(/\n\s+at /);
    expect(e.message).to.not.match(/ at .+\.(ts|js):\d+/);
  }
  return error;
}

describe('Mutation.registerVenue', () => {
  beforeEach(async () => {
    await resetData();
    testEnv().clock.set(NOW);
  });

  after(() => testEnv().clock.reset());

  it('stores the name in NFC with single spaces and answers with ward, district and city', async () => {
    const decomposed = '  Quán   Phở\tHàng    Bạc  '.normalize('NFD');
    const { registerVenue: venue } = await graphqlData<any>(REGISTER, {
      input: validInput({ name: decomposed, address: 'Số 10   phố Hàng Bạc' }),
    });
    expect(venue.name).to.equal('Quán Phở Hàng Bạc'.normalize('NFC'));
    expect(venue.name.normalize('NFC')).to.equal(venue.name);
    expect(venue.address).to.equal('Số 10 phố Hàng Bạc');
    expect(venue).to.include({
      category: 'RESTAURANT',
      registrantName: 'Nguyễn Văn An',
      registrantPhone: '+84912345678',
      isAgencyHeadquarters: false,
      status: 'ACTIVE',
      closedAt: null,
      closedReason: null,
      scanStatus: 'NEVER_SCANNED',
      totalScans: 0,
    });
    expect(venue.ward).to.deep.equal({ code: '00001', name: 'Phường Phúc Xá' });
    expect(venue.district).to.deep.equal({ code: '001', name: 'Quận Ba Đình' });
    expect(venue.city).to.deep.equal({ code: '01', name: 'Thành phố Hà Nội' });
    expect(venue.currentCode).to.deep.equal({ version: 1 });
    // registeredAt defaults to the server's clock
    expect(new Date(venue.registeredAt).toISOString()).to.equal(new Date(NOW).toISOString());

    // what was answered is what was stored
    expect(await readVenue(venue.id)).to.deep.equal(venue);
  });

  it('normalises the three ways of writing a mobile number to +84 and 9 digits', async () => {
    for (const written of ['0912 345 678', '84912345678', '+84 912-345-678']) {
      const { registerVenue: venue } = await graphqlData<any>(REGISTER, {
        input: validInput({ registrantPhone: written }),
      });
      expect(venue.registrantPhone, written).to.equal('+84912345678');
      expect((await readVenue(venue.id)).registrantPhone, written).to.equal('+84912345678');
    }
  });

  it('keeps a given past registeredAt, category and headquarters flag', async () => {
    const { registerVenue: venue } = await graphqlData<any>(REGISTER, {
      input: validInput({
        category: 'AGENCY_OFFICE',
        isAgencyHeadquarters: true,
        registeredAt: '2021-07-01T08:30:00+07:00',
        wardCode: '00040',
      }),
    });
    expect(venue.category).to.equal('AGENCY_OFFICE');
    expect(venue.isAgencyHeadquarters).to.equal(true);
    expect(new Date(venue.registeredAt).toISOString()).to.equal('2021-07-01T01:30:00.000Z');
    expect(venue.ward).to.deep.equal({ code: '00040', name: 'Phường Đồng Xuân' });
    expect(venue.district).to.deep.equal({ code: '002', name: 'Quận Hoàn Kiếm' });
  });

  it('accepts a registeredAt of exactly now', async () => {
    const { registerVenue: venue } = await graphqlData<any>(REGISTER, {
      input: validInput({ registeredAt: '2021-08-09T03:00:00Z' }),
    });
    expect(new Date(venue.registeredAt).toISOString()).to.equal(new Date(NOW).toISOString());
  });

  it('rejects a registeredAt the database cannot store (year 0) as BAD_USER_INPUT, not an internal error', async () => {
    const result = await graphql(REGISTER, {
      input: validInput({ registeredAt: '0000-06-01T00:00:00Z' }),
    });
    expectClientError(result, 'BAD_USER_INPUT', undefined, 'registeredAt');
    expect(await venueCount()).to.equal(0);
  });

  describe('rejects bad input with BAD_USER_INPUT naming the field, and stores nothing', () => {
    const cases: {
      title: string;
      patch: Record<string, unknown>;
      field: string;
      message: string[];
    }[] = [
      {
        title: 'an empty name',
        patch: { name: '' },
        field: 'name',
        message: ['must not be empty'],
      },
      {
        title: 'a blank name',
        patch: { name: ' \t  ' },
        field: 'name',
        message: ['must not be empty'],
      },
      {
        title: 'a blank address',
        patch: { address: '   ' },
        field: 'address',
        message: ['must not be empty'],
      },
      {
        title: 'a blank registrant name',
        patch: { registrantName: '  ' },
        field: 'registrantName',
        message: ['must not be empty'],
      },
      {
        title: 'a phone number that is too short (123)',
        patch: { registrantPhone: '123' },
        field: 'registrantPhone',
        message: ['Vietnamese mobile number'],
      },
      {
        title: 'a landline number (0212345678)',
        patch: { registrantPhone: '0212345678' },
        field: 'registrantPhone',
        message: ['Vietnamese mobile number'],
      },
      {
        title: 'an unknown ward code (99999)',
        patch: { wardCode: '99999' },
        field: 'wardCode',
        message: ['99999', 'ward'],
      },
      {
        title: 'a city code given as ward (01)',
        patch: { wardCode: '01' },
        field: 'wardCode',
        message: ['5-digit', 'ward'],
      },
      {
        title: 'a district code given as ward (001)',
        patch: { wardCode: '001' },
        field: 'wardCode',
        message: ['5-digit', 'ward'],
      },
      {
        title: 'a registeredAt in the future',
        patch: { registeredAt: '2021-08-09T10:00:01+07:00' },
        field: 'registeredAt',
        message: ['future'],
      },
      {
        title: 'a registeredAt before 2020-01-01 in Hà Nội',
        patch: { registeredAt: '2019-12-31T23:59:59+07:00' },
        field: 'registeredAt',
        message: ['cannot be before 2020-01-01 (Asia/Ho_Chi_Minh)'],
      },
    ];

    for (const { title, patch, field, message } of cases) {
      it(title, async () => {
        await registerVenue();
        const before = await venueCount();
        const result = await graphql(REGISTER, { input: validInput(patch) });
        expectClientError(result, 'BAD_USER_INPUT', field, field, ...message);
        expect(result.data?.registerVenue ?? null).to.equal(null);
        expect(await venueCount()).to.equal(before);
      });
    }

    it('names every bad field when several are wrong at once', async () => {
      const result = await graphql(REGISTER, {
        input: validInput({ name: '', address: ' ', registrantPhone: '123' }),
      });
      const error = expectClientError(result, 'BAD_USER_INPUT', undefined);
      for (const field of ['name', 'address', 'registrantPhone']) {
        expect(error.message).to.include(`${field}:`);
      }
      expect(await venueCount()).to.equal(0);
    });

    it('an invalid category passed in variables (GraphQL coercion names the value)', async () => {
      const result = await graphql(REGISTER, { input: validInput({ category: 'KARAOKE' }) });
      expectClientError(result, 'BAD_USER_INPUT', undefined, 'KARAOKE', 'category');
      expect(result.data?.registerVenue ?? null).to.equal(null);
      expect(await venueCount()).to.equal(0);
    });

    it('an invalid category written in the query (GraphQL validation names the value)', async () => {
      const result = await graphql(`
        mutation {
          registerVenue(
            input: {
              name: "Quán A"
              category: KARAOKE
              address: "Số 1"
              wardCode: "00001"
              registrantName: "An"
              registrantPhone: "0912345678"
            }
          ) {
            id
          }
        }
      `);
      expectClientError(result, 'GRAPHQL_VALIDATION_FAILED', undefined, 'KARAOKE', 'VenueCategory');
      expect(await venueCount()).to.equal(0);
    });
  });
});

describe('Mutation.updateVenue', () => {
  let id: string;
  let original: any;

  beforeEach(async () => {
    await resetData();
    testEnv().clock.set(NOW);
    const { registerVenue: venue } = await graphqlData<any>(REGISTER, {
      input: validInput({
        name: 'Quán Phở Hàng Bạc',
        category: 'RESTAURANT',
        registeredAt: '2021-07-01T08:00:00+07:00',
        isAgencyHeadquarters: true,
      }),
    });
    id = venue.id;
    original = venue;
  });

  after(() => testEnv().clock.reset());

  it('changes the name and ward; district and city follow; other fields keep their value', async () => {
    const { updateVenue: venue } = await graphqlData<any>(UPDATE, {
      id,
      input: { name: '  Cà phê   Đồng Xuân ', wardCode: '00040' },
    });
    expect(venue.name).to.equal('Cà phê Đồng Xuân');
    expect(venue.ward).to.deep.equal({ code: '00040', name: 'Phường Đồng Xuân' });
    expect(venue.district).to.deep.equal({ code: '002', name: 'Quận Hoàn Kiếm' });
    expect(venue.city).to.deep.equal({ code: '01', name: 'Thành phố Hà Nội' });
    const unchanged = { ...original };
    for (const key of ['name', 'ward', 'district', 'city']) delete unchanged[key];
    expect(venue).to.deep.include(unchanged);
    expect(await readVenue(id)).to.deep.equal(venue);
  });

  it('moves the venue in the lists and the search with its new ward and name', async () => {
    await graphqlData(UPDATE, { id, input: { name: 'Cà phê Đồng Xuân', wardCode: '00040' } });
    const count = async (filter: Record<string, unknown>) =>
      (
        await graphqlData<any>(`query L($f: VenueFilter) { venues(filter: $f) { totalCount } }`, {
          f: filter,
        })
      ).venues.totalCount;
    expect(await count({ unitCode: '002' })).to.equal(1);
    expect(await count({ unitCode: '00040' })).to.equal(1);
    expect(await count({ unitCode: '001' })).to.equal(0);
    expect(await count({ unitCode: '00001' })).to.equal(0);
    expect(await count({ search: 'ca phe dong xuan' })).to.equal(1);
    expect(await count({ search: 'pho hang bac quan' })).to.equal(0);
  });

  it('suspends and reactivates a venue', async () => {
    const suspended = await graphqlData<any>(UPDATE, { id, input: { status: 'SUSPENDED' } });
    expect(suspended.updateVenue.status).to.equal('SUSPENDED');
    expect((await readVenue(id)).status).to.equal('SUSPENDED');
    const active = await graphqlData<any>(UPDATE, { id, input: { status: 'ACTIVE' } });
    expect(active.updateVenue.status).to.equal('ACTIVE');
  });

  it('refuses status CLOSED (that is closeVenue) and leaves the venue as it was', async () => {
    const result = await graphql(UPDATE, { id, input: { status: 'CLOSED', name: 'Đổi tên' } });
    expectClientError(result, 'BAD_USER_INPUT', 'status', 'status', 'closeVenue');
    expect(await readVenue(id)).to.deep.equal(original);
  });

  it('refuses an unknown ward, a blank name and a bad phone, changing nothing', async () => {
    for (const [input, field] of [
      [{ wardCode: '99999', name: 'Đổi tên' }, 'wardCode'],
      [{ wardCode: '001' }, 'wardCode'],
      [{ name: '   ' }, 'name'],
      [{ registrantPhone: '0212345678' }, 'registrantPhone'],
    ] as const) {
      const result = await graphql(UPDATE, { id, input });
      expectClientError(result, 'BAD_USER_INPUT', field, field);
    }
    expect(await readVenue(id)).to.deep.equal(original);
  });

  it('answers NOT_FOUND for an unknown UUID', async () => {
    const result = await graphql(UPDATE, { id: MISSING_ID, input: { name: 'X' } });
    expectClientError(result, 'NOT_FOUND', undefined, MISSING_ID);
  });

  it('answers BAD_USER_INPUT naming id for an id that is not a UUID', async () => {
    const result = await graphql(UPDATE, { id: 'venue-42', input: { name: 'X' } });
    expectClientError(result, 'BAD_USER_INPUT', 'id', 'id', 'UUID');
  });

  it('answers CONFLICT for a closed venue and changes nothing', async () => {
    await closeVenue(id, '2021-08-01T12:00:00+07:00');
    const closed = await readVenue(id);
    const result = await graphql(UPDATE, { id, input: { name: 'Mở lại', status: 'ACTIVE' } });
    expectClientError(result, 'CONFLICT', undefined, 'closed');
    expect(await readVenue(id)).to.deep.equal(closed);
  });
});

describe('Mutation.closeVenue', () => {
  let id: string;

  beforeEach(async () => {
    await resetData();
    testEnv().clock.set(NOW);
    id = await registerVenue({ registeredAt: '2021-07-01T09:00:00+07:00' });
  });

  after(() => testEnv().clock.reset());

  it('sets status CLOSED, closedAt and the reason', async () => {
    const { closeVenue: venue } = await graphqlData<any>(CLOSE, {
      id,
      closedAt: '2021-08-01T12:00:00+07:00',
      reason: '  Ngừng   kinh doanh ',
    });
    expect(venue.status).to.equal('CLOSED');
    expect(new Date(venue.closedAt).toISOString()).to.equal('2021-08-01T05:00:00.000Z');
    expect(venue.closedReason).to.equal('Ngừng kinh doanh');
    expect(await readVenue(id)).to.deep.equal(venue);
  });

  it('closes now when closedAt is left out', async () => {
    const { closeVenue: venue } = await graphqlData<any>(CLOSE, { id });
    expect(venue.status).to.equal('CLOSED');
    expect(new Date(venue.closedAt).toISOString()).to.equal(new Date(NOW).toISOString());
  });

  it('refuses to close a venue twice, saying it is already closed, and keeps the first closedAt', async () => {
    await closeVenue(id, '2021-08-01T12:00:00+07:00');
    const result = await graphql(CLOSE, { id, closedAt: '2021-08-05T12:00:00+07:00' });
    expectClientError(result, 'BAD_USER_INPUT', undefined, 'already closed');
    const venue = await readVenue(id);
    expect(venue.status).to.equal('CLOSED');
    expect(new Date(venue.closedAt).toISOString()).to.equal('2021-08-01T05:00:00.000Z');
  });

  it('never leaves a venue closed in time but open in status when an edit races the closing', async () => {
    const ids = [
      id,
      ...(await Promise.all(
        Array.from({ length: 7 }, () =>
          registerVenue({ registeredAt: '2021-07-01T09:00:00+07:00' }),
        ),
      )),
    ];
    const edit = (venueId: string) =>
      graphql(UPDATE, { id: venueId, input: { status: 'SUSPENDED' } });
    const close = (venueId: string) =>
      graphql(CLOSE, { id: venueId, closedAt: '2021-08-01T12:00:00+07:00' });
    // sent in both orders: which one reads first and which writes first varies
    const answers = await Promise.all(
      ids.map(async (venueId, i) => {
        const [edited, closed] =
          i % 2 === 0
            ? await Promise.all([edit(venueId), close(venueId)])
            : (await Promise.all([close(venueId), edit(venueId)])).reverse();
        return { edited, closed };
      }),
    );
    for (const [i, venueId] of ids.entries()) {
      const { edited, closed } = answers[i];
      // the closing always goes through; the edit either came first or is refused as too late
      expect(closed.errors, JSON.stringify(closed.errors)).to.equal(undefined);
      if (edited.errors) expectClientError(edited, 'CONFLICT', 'id', 'closed');
      const venue = await readVenue(venueId);
      expect(venue.status).to.equal('CLOSED');
      expect(new Date(venue.closedAt).toISOString()).to.equal('2021-08-01T05:00:00.000Z');
    }
  });

  it('refuses a closedAt before the venue registered', async () => {
    const result = await graphql(CLOSE, { id, closedAt: '2021-07-01T08:59:59+07:00' });
    expectClientError(result, 'BAD_USER_INPUT', 'closedAt', 'closedAt', 'before');
    const venue = await readVenue(id);
    expect(venue.status).to.equal('ACTIVE');
    expect(venue.closedAt).to.equal(null);
  });

  it('accepts a closedAt of exactly the registration time', async () => {
    const { closeVenue: venue } = await graphqlData<any>(CLOSE, {
      id,
      closedAt: '2021-07-01T02:00:00Z',
    });
    expect(venue.status).to.equal('CLOSED');
    expect(new Date(venue.closedAt).toISOString()).to.equal('2021-07-01T02:00:00.000Z');
  });

  it('refuses a closedAt in the future', async () => {
    const result = await graphql(CLOSE, { id, closedAt: '2021-08-09T10:00:01+07:00' });
    expectClientError(result, 'BAD_USER_INPUT', 'closedAt', 'closedAt', 'future');
    expect((await readVenue(id)).status).to.equal('ACTIVE');
  });

  it('answers NOT_FOUND for an unknown UUID and BAD_USER_INPUT for a non-UUID', async () => {
    expectClientError(await graphql(CLOSE, { id: MISSING_ID }), 'NOT_FOUND', undefined);
    expectClientError(await graphql(CLOSE, { id: '42' }), 'BAD_USER_INPUT', 'id', 'id');
  });
});
