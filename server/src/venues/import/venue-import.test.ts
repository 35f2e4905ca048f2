import { expect } from 'chai';
import { graphqlData, resetData, testEnv, type CallerName } from '../../../test/harness';
import { MAX_IMPORT_BYTES, MAX_IMPORT_ROWS } from './venue-import.service';

/**
 * POST /api/venues/import over real HTTP on real PostgreSQL: what a city admin or an officer
 * sees when they send a district's or a registry's list of venues.
 */

const NOW = '2021-10-14T10:00:00+07:00';
const TODAY = '2021-10-14';
const ENGLISH_HEADER = [
  'name',
  'address',
  'category',
  'wardCode',
  'registrantName',
  'registrantPhone',
  'isAgencyHeadquarters',
  'registeredAt',
];
const VIETNAMESE_HEADER = [
  'Tên cơ sở',
  'Địa chỉ',
  'Loại hình',
  'Mã phường/xã',
  'Người đăng ký',
  'Số điện thoại',
  'Trụ sở cơ quan',
  'Ngày đăng ký',
];

/** A value as a spreadsheet writes it: in double quotes when it holds a comma, quote or line break. */
const cell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
const csv = (rows: string[][], eol = '\r\n') =>
  rows.map((row) => row.map(cell).join(',')).join(eol) + eol;

interface ImportOptions {
  as?: CallerName | 'anonymous';
  dryRun?: string;
  contentType?: string;
  method?: string;
}

async function sendImport(body: string | Buffer, options: ImportOptions = {}) {
  const { as = 'admin', dryRun, contentType = 'text/csv', method = 'POST' } = options;
  const query = dryRun === undefined ? '' : `?dryRun=${dryRun}`;
  const response = await fetch(`${testEnv().baseUrl}/api/venues/import${query}`, {
    method,
    headers: {
      'content-type': contentType,
      ...(as === 'anonymous' ? {} : { authorization: `Bearer ${testEnv().tokens[as]}` }),
    },
    body: method === 'GET' ? undefined : body,
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as any,
  };
}

/** The one error of a refusal, checked for the shape every door answers in. */
function refusal(answer: { status: number; body: any }, status: number, code: string) {
  expect(answer.status, JSON.stringify(answer.body)).to.equal(status);
  expect(answer.body.errors).to.have.length(1);
  expect(answer.body.errors[0].extensions.code).to.equal(code);
  return answer.body.errors[0] as { message: string; extensions: Record<string, any> };
}

async function venueCount(unitCode?: string): Promise<number> {
  const data = await graphqlData<any>(
    'query($f: VenueFilter) { venues(filter: $f) { totalCount } }',
    { f: unitCode ? { unitCode } : undefined },
  );
  return data.venues.totalCount;
}

/** Every listed problem as `line field reason`, the way a person reads the answer. */
const problemsOf = (body: any) =>
  body.rejected.map((p: any) => `${p.line} ${p.field ?? '-'} ${p.reason}`);

function wardsOf(districtCode: string): string[] {
  return testEnv()
    .areas.children(districtCode)
    .map((ward) => ward.code);
}

/** A good row, numbered to be unique: a venue of one of the given wards. */
function goodRow(n: number, wards: string[]): string[] {
  return [
    `Cửa hàng số ${n}`,
    `Số ${n} phố Đội Cấn`,
    'RESTAURANT',
    wards[n % wards.length],
    'Trần Thị Bình',
    `09${String(10_000_000 + n).slice(-8)}`,
    '',
    '',
  ];
}

/** The 20 bad rows of the 1,000: each breaks one rule, at a line of its own. */
const BAD_ROWS: { at: number; row: (good: string[]) => string[]; field: string; reason: string }[] =
  [
    { at: 10, row: (g) => ['', ...g.slice(1)], field: 'name', reason: 'REQUIRED' },
    { at: 55, row: (g) => ['Q'.repeat(201), ...g.slice(1)], field: 'name', reason: 'TOO_LONG' },
    {
      at: 90,
      row: (g) => [`Quán\u0000A`, ...g.slice(1)],
      field: 'name',
      reason: 'UNSTORABLE_TEXT',
    },
    { at: 120, row: (g) => [g[0], '', ...g.slice(2)], field: 'address', reason: 'REQUIRED' },
    {
      at: 160,
      row: (g) => [g[0], 'x'.repeat(301), ...g.slice(2)],
      field: 'address',
      reason: 'TOO_LONG',
    },
    {
      at: 200,
      row: (g) => [...g.slice(0, 2), 'Karaoke', ...g.slice(3)],
      field: 'category',
      reason: 'UNKNOWN_CATEGORY',
    },
    {
      at: 240,
      row: (g) => [...g.slice(0, 2), '', ...g.slice(3)],
      field: 'category',
      reason: 'REQUIRED',
    },
    {
      at: 300,
      row: (g) => [...g.slice(0, 3), 'P01', ...g.slice(4)],
      field: 'wardCode',
      reason: 'INVALID_WARD_CODE',
    },
    {
      at: 333,
      row: (g) => [...g.slice(0, 3), '99999', ...g.slice(4)],
      field: 'wardCode',
      reason: 'UNKNOWN_WARD',
    },
    {
      at: 370,
      row: (g) => [...g.slice(0, 3), '', ...g.slice(4)],
      field: 'wardCode',
      reason: 'REQUIRED',
    },
    {
      at: 410,
      row: (g) => [...g.slice(0, 4), '', ...g.slice(5)],
      field: 'registrantName',
      reason: 'REQUIRED',
    },
    {
      at: 450,
      row: (g) => [...g.slice(0, 4), 'N'.repeat(101), ...g.slice(5)],
      field: 'registrantName',
      reason: 'TOO_LONG',
    },
    {
      at: 500,
      row: (g) => [...g.slice(0, 5), '12345', ...g.slice(6)],
      field: 'registrantPhone',
      reason: 'INVALID_PHONE',
    },
    {
      at: 540,
      row: (g) => [...g.slice(0, 5), '0212345678', ...g.slice(6)],
      field: 'registrantPhone',
      reason: 'INVALID_PHONE',
    },
    {
      at: 600,
      row: (g) => [...g.slice(0, 6), 'maybe', g[7]],
      field: 'isAgencyHeadquarters',
      reason: 'INVALID_YES_NO',
    },
    {
      at: 650,
      row: (g) => [...g.slice(0, 7), 'hôm qua'],
      field: 'registeredAt',
      reason: 'INVALID_DATE',
    },
    {
      at: 700,
      row: (g) => [...g.slice(0, 7), '2021-10-15'],
      field: 'registeredAt',
      reason: 'FUTURE_DATE',
    },
    {
      at: 750,
      row: (g) => [...g.slice(0, 7), '2019-12-31'],
      field: 'registeredAt',
      reason: 'TOO_EARLY',
    },
    { at: 800, row: (g) => g.slice(0, 5), field: '-', reason: 'WRONG_FIELD_COUNT' },
    // the same venue as the good row on line 2 (its name, address, ward), another registrant
    {
      at: 900,
      row: () => [...goodRow(1, wardsOf('001')).slice(0, 4), 'Lê Văn Cường', '0987654321', '', ''],
      field: '-',
      reason: 'DUPLICATE_IN_FILE',
    },
  ];

/** 1,000 rows below an English header (lines 2 to 1001), 20 of them bad (README's example). */
function thousandRows(): string {
  const wards = wardsOf('001');
  const rows: string[][] = [ENGLISH_HEADER];
  for (let line = 2; line <= 1001; line++) {
    const good = goodRow(line - 1, wards);
    const bad = BAD_ROWS.find((b) => b.at === line);
    rows.push(bad ? bad.row(good) : good);
  }
  return csv(rows);
}

describe('POST /api/venues/import (CSV import of venues)', () => {
  beforeEach(async () => {
    await resetData();
    await testEnv()
      .orm.em.getConnection()
      .execute(`delete from audit_log where action = 'POST /api/venues/import'`);
    testEnv().clock.set(NOW);
  });
  after(() => testEnv().clock.reset());

  it('a city admin sends 1,000 venues with 20 bad rows: the dry run lists those 20 by line, field and reason and stores nothing; the commit registers the 980 with their codes, and the figures count them', async () => {
    const file = thousandRows();
    const expected = BAD_ROWS.map((b) => `${b.at} ${b.field} ${b.reason}`);

    const dry = await sendImport(file, { dryRun: 'true' });
    expect(dry.status, JSON.stringify(dry.body).slice(0, 500)).to.equal(200);
    expect(dry.body).to.include({
      dryRun: true,
      rows: 1000,
      accepted: 980,
      rejectedRows: 20,
      registered: 0,
      truncated: false,
    });
    expect(problemsOf(dry.body)).to.deep.equal(expected);
    expect(await venueCount()).to.equal(0);

    // each problem says where and why, in words a person can act on
    const phone = dry.body.rejected.find((p: any) => p.line === 500);
    expect(phone).to.include({ column: 'registrantPhone', value: '12345' });
    expect(phone.message).to.match(/^registrantPhone: must be a Vietnamese mobile number/);
    expect(dry.body.rejected.find((p: any) => p.line === 333).message).to.include(
      'no ward has the code 99999',
    );
    expect(dry.body.rejected.find((p: any) => p.line === 700).message).to.include(
      'cannot be in the future',
    );
    const duplicate = dry.body.rejected.find((p: any) => p.line === 900);
    expect(duplicate.duplicateOfLine).to.equal(2);
    expect(dry.body.rejected.find((p: any) => p.line === 800).message).to.include(
      'has 5 values where the header has 8 columns',
    );
    expect(dry.body.rejectedByReason).to.deep.include({
      REQUIRED: 5,
      INVALID_PHONE: 2,
      TOO_LONG: 3,
    });

    const commit = await sendImport(file, { dryRun: 'false' });
    expect(commit.status).to.equal(200);
    expect(commit.body).to.include({ dryRun: false, rows: 1000, accepted: 980, registered: 980 });
    expect(problemsOf(commit.body)).to.deep.equal(expected);
    expect(await venueCount()).to.equal(980);
    expect(await venueCount('001')).to.equal(980);

    // every venue has its first code version, as registerVenue gives it, and a poster works
    const page = await graphqlData<any>(
      `{ venues(first: 500, filter: { search: "Cửa hàng số 17" }) {
          nodes { id name address category registeredAt registrantPhone isAgencyHeadquarters currentCode { version } } } }`,
    );
    const venue = page.venues.nodes.find((v: any) => v.name === 'Cửa hàng số 17');
    expect(venue).to.include({
      address: 'Số 17 phố Đội Cấn',
      category: 'RESTAURANT',
      registrantPhone: '+84910000017',
      isAgencyHeadquarters: false,
      registeredAt: new Date(NOW).toISOString(),
    });
    expect(venue.currentCode).to.deep.equal({ version: 1 });
    const codes = await testEnv()
      .orm.em.getConnection()
      .execute(
        `select count(*)::int as n from venue_code where version = 1 and revoked_at is null`,
      );
    expect(codes[0].n).to.equal(980);
    const qr = await fetch(`${testEnv().baseUrl}/venues/${venue.id}/qr.svg`);
    expect(qr.status).to.equal(200);

    const figures = await graphqlData<any>(
      `query($d: Date!) { city: complianceStats(unitCode: "01", date: $d) { registeredVenues neverScannedVenues }
                          district: complianceStats(unitCode: "001", date: $d) { registeredVenues } }`,
      { d: TODAY },
    );
    expect(figures.city).to.deep.equal({ registeredVenues: 980, neverScannedVenues: 980 });
    expect(figures.district.registeredVenues).to.equal(980);

    // one audit entry for the import, with its counts; the dry run is not one
    const audit = await graphqlData<any>(
      `{ auditLog(filter: { action: "POST /api/venues/import" }) { nodes { actorLabel outcome arguments } } }`,
    );
    expect(audit.auditLog.nodes).to.deep.equal([
      {
        actorLabel: 'admin@test.quetma.vn',
        outcome: 'OK',
        arguments: { dryRun: false, rows: 1000, accepted: 980, rejectedRows: 20, registered: 980 },
      },
    ]);

    // the same file sent again (an answer lost on the way, say) registers nothing twice
    const again = await sendImport(file, { dryRun: 'false' });
    expect(again.body).to.include({ accepted: 0, registered: 0, rejectedRows: 1000 });
    expect(again.body.rejectedByReason.ALREADY_REGISTERED).to.equal(980);
    expect(await venueCount()).to.equal(980);
  });

  it('reads Vietnamese headers and labels, a BOM or none, CRLF or LF, and what Excel did to leading zeros', async () => {
    const rows = [
      VIETNAMESE_HEADER,
      [
        'Trụ sở UBND phường Phúc Xá',
        'Số 2 phố Phúc Xá',
        'Cơ quan, công sở',
        '1',
        'Nguyễn Văn An',
        '912345678',
        'có',
        '15/09/2021',
      ],
      [
        'Quán cà phê Mộc',
        'Số 8 phố Hàng Bạc',
        'quán cà phê',
        '00004',
        'Lê Thị Hoa',
        '+84 987 654 321',
        'không',
        '2021-09-20',
      ],
      [
        'Nhà thuốc số 1',
        'Số 3 Nguyễn Trung Trực',
        'Bệnh viện, cơ sở y tế',
        '00001',
        'Phạm Minh',
        '0912.000.111',
        '',
        '',
      ],
    ];
    const withBom = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(csv(rows), 'utf8'),
    ]);
    const plain = Buffer.from(csv(rows, '\n'), 'utf8');
    // the same text in another Unicode form (decomposed, as macOS writes it) reads the same
    const decomposed = Buffer.from(csv(rows).normalize('NFD'), 'utf8');
    for (const [what, file] of [
      ['BOM and CRLF', withBom],
      ['no BOM, LF', plain],
      ['NFD', decomposed],
    ] as const) {
      const dry = await sendImport(file);
      expect(dry.status, `${what}: ${JSON.stringify(dry.body)}`).to.equal(200);
      expect(dry.body, what).to.include({ dryRun: true, rows: 3, accepted: 3, rejectedRows: 0 });
    }
    const commit = await sendImport(withBom, { dryRun: 'false' });
    expect(commit.body).to.include({ registered: 3 });
    const data = await graphqlData<any>(
      `{ venues(orderBy: [{ field: NAME, direction: ASC }]) { nodes { name category ward { code } registrantPhone isAgencyHeadquarters registeredAt } } }`,
    );
    expect(data.venues.nodes).to.deep.equal([
      {
        name: 'Nhà thuốc số 1',
        category: 'HOSPITAL',
        ward: { code: '00001' },
        registrantPhone: '+84912000111',
        isAgencyHeadquarters: false,
        registeredAt: new Date(NOW).toISOString(),
      },
      {
        name: 'Quán cà phê Mộc',
        category: 'CAFE',
        ward: { code: '00004' },
        registrantPhone: '+84987654321',
        isAgencyHeadquarters: false,
        registeredAt: '2021-09-19T17:00:00.000Z',
      },
      {
        name: 'Trụ sở UBND phường Phúc Xá',
        category: 'AGENCY_OFFICE',
        ward: { code: '00001' },
        registrantPhone: '+84912345678',
        isAgencyHeadquarters: true,
        registeredAt: '2021-09-14T17:00:00.000Z',
      },
    ]);
    for (const venue of data.venues.nodes) expect(venue.name).to.equal(venue.name.normalize('NFC'));
  });

  it('keeps a quoted comma, quote and line break inside a value, and counts lines as the file has them', async () => {
    const file =
      'name,address,category,wardCode,registrantName,registrantPhone\r\n' +
      '"Quán ""Ngon"", Hàng Bạc","Số 5, ngõ 12\r\nphố Hàng Bạc",RESTAURANT,00001,Trần An,0912345678\r\n' +
      'Quán B,Số 6 phố Hàng Bạc,RESTAURANT,00001,Trần An,12345\r\n';
    const commit = await sendImport(file, { dryRun: 'false' });
    expect(commit.body).to.include({ rows: 2, registered: 1 });
    // the second venue starts on line 4: the first spans lines 2 and 3
    expect(problemsOf(commit.body)).to.deep.equal(['4 registrantPhone INVALID_PHONE']);
    const data = await graphqlData<any>('{ venues { nodes { name address } } }');
    expect(data.venues.nodes).to.deep.equal([
      { name: 'Quán "Ngon", Hàng Bạc', address: 'Số 5, ngõ 12 phố Hàng Bạc' },
    ]);
  });

  it('lets an officer import within their area only: rows of other wards are rejected, the others registered', async () => {
    const rows = [ENGLISH_HEADER.slice(0, 6)];
    const baDinh = wardsOf('001');
    const hoanKiem = wardsOf('002');
    for (let n = 1; n <= 4; n++) rows.push(goodRow(n, hoanKiem).slice(0, 6));
    for (let n = 5; n <= 6; n++) rows.push(goodRow(n, baDinh).slice(0, 6));
    const commit = await sendImport(csv(rows), { as: 'hoanKiem', dryRun: 'false' });
    expect(commit.status).to.equal(200);
    expect(commit.body).to.include({ rows: 6, registered: 4 });
    expect(problemsOf(commit.body)).to.deep.equal([
      '6 wardCode OUTSIDE_AREA',
      '7 wardCode OUTSIDE_AREA',
    ]);
    expect(commit.body.rejected[0].message).to.match(
      /^wardCode: This row's ward is .+ \(\d{5}\), outside your area, Quận Hoàn Kiếm \(002\)\.$/,
    );
    expect(await venueCount('002')).to.equal(4);
    expect(await venueCount('001')).to.equal(0);

    // a ward officer: their own ward only
    const wardRows = [
      ENGLISH_HEADER.slice(0, 6),
      goodRow(7, ['00001']).slice(0, 6),
      goodRow(8, ['00004']).slice(0, 6),
    ];
    const ward = await sendImport(csv(wardRows), { as: 'phucXa' });
    expect(problemsOf(ward.body)).to.deep.equal(['3 wardCode OUTSIDE_AREA']);
    expect(ward.body.accepted).to.equal(1);
  });

  it('refuses a file whose header it cannot read, an empty file, and one that is not UTF-8, saying why', async () => {
    const unknown = refusal(
      await sendImport(
        'name,address,category,wardCode,registrantName,registrantPhone,Ghi chú\r\nA,B,CAFE,00001,C,0912345678,x\r\n',
      ),
      400,
      'BAD_USER_INPUT',
    );
    expect(unknown.extensions).to.deep.include({
      field: 'file',
      reason: 'UNKNOWN_COLUMNS',
      columns: ['Ghi chú'],
    });
    expect(unknown.message).to.include('"Ghi chú"').and.include('wardCode / Mã phường/xã');

    const missing = refusal(
      await sendImport('Tên cơ sở,Địa chỉ\r\nA,B\r\n'),
      400,
      'BAD_USER_INPUT',
    );
    expect(missing.extensions.reason).to.equal('MISSING_COLUMNS');
    expect(missing.extensions.columns).to.deep.equal([
      'category',
      'wardCode',
      'registrantName',
      'registrantPhone',
    ]);

    const repeated = refusal(
      await sendImport(
        'name,Tên cơ sở,address,category,wardCode,registrantName,registrantPhone\r\n',
      ),
      400,
      'BAD_USER_INPUT',
    );
    expect(repeated.extensions).to.deep.include({
      reason: 'REPEATED_COLUMN',
      columns: ['name', 'Tên cơ sở'],
    });

    expect(refusal(await sendImport(''), 400, 'BAD_USER_INPUT').extensions.reason).to.equal(
      'EMPTY_FILE',
    );
    expect(refusal(await sendImport('\uFEFF'), 400, 'BAD_USER_INPUT').extensions.reason).to.equal(
      'EMPTY_FILE',
    );
    expect(
      refusal(await sendImport(`${ENGLISH_HEADER.join(',')}\r\n`), 400, 'BAD_USER_INPUT').extensions
        .reason,
    ).to.equal('NO_ROWS');

    // Excel's plain "CSV" in Vietnamese Windows is Windows-1258; here Latin-1 bytes of "Hà Nội"
    const latin1 = Buffer.concat([
      Buffer.from(`${ENGLISH_HEADER.join(',')}\r\n`),
      Buffer.from('Qu\xe1n A,H\xe0 N\xf4i,CAFE,00001,An,0912345678,,\r\n', 'latin1'),
    ]);
    const notUtf8 = refusal(await sendImport(latin1), 400, 'BAD_USER_INPUT');
    expect(notUtf8.extensions).to.include({ reason: 'NOT_UTF8', line: 2 });
    expect(notUtf8.message).to.include('CSV UTF-8');

    const unclosed = refusal(
      await sendImport(
        `${ENGLISH_HEADER.join(',')}\r\n"Quán A,Số 1,CAFE,00001,An,0912345678,,\r\n`,
      ),
      400,
      'BAD_USER_INPUT',
    );
    expect(unclosed.extensions).to.include({ reason: 'UNCLOSED_QUOTE', line: 2 });
    expect(await venueCount()).to.equal(0);
  });

  it('refuses what is not a CSV file, a caller who may not import, and a file over the limit', async () => {
    const file = `${ENGLISH_HEADER.join(',')}\r\n${goodRow(1, ['00001']).join(',')}\r\n`;
    const json = refusal(
      await sendImport(file, { contentType: 'application/json' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expect(json.message).to.include('text/csv');
    refusal(
      await sendImport(file, { contentType: 'text/csv; charset=windows-1258' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expect((await sendImport(file, { contentType: 'text/csv; charset=UTF-8' })).status).to.equal(
      200,
    );

    const anonymous = await sendImport(file, { as: 'anonymous', dryRun: 'false' });
    refusal(anonymous, 401, 'UNAUTHENTICATED');
    expect(anonymous.headers.get('www-authenticate')).to.equal('Bearer');
    for (const caller of ['integrator', 'tracer', 'scanSource'] as const)
      refusal(await sendImport(file, { as: caller, dryRun: 'false' }), 403, 'FORBIDDEN');

    const get = await sendImport(file, { method: 'GET' });
    refusal(get, 405, 'METHOD_NOT_ALLOWED');
    expect(get.headers.get('allow')).to.equal('POST');
    const dryRun = refusal(await sendImport(file, { dryRun: 'yes' }), 400, 'BAD_USER_INPUT');
    expect(dryRun.extensions.field).to.equal('dryRun');

    const manyRows = `${ENGLISH_HEADER.join(',')}\r\n${'x\r\n'.repeat(MAX_IMPORT_ROWS + 1)}`;
    const tooMany = refusal(await sendImport(manyRows), 413, 'PAYLOAD_TOO_LARGE');
    expect(tooMany.extensions.reason).to.equal('TOO_MANY_ROWS');
    expect(tooMany.message).to.include('more than 50,000 rows');

    const huge = Buffer.alloc(MAX_IMPORT_BYTES + 1, 'a');
    const tooLarge = refusal(await sendImport(huge, { dryRun: 'false' }), 413, 'PAYLOAD_TOO_LARGE');
    expect(tooLarge.extensions.reason).to.equal('TOO_LARGE');
    expect(await venueCount()).to.equal(0);

    // refused commits are in the audit log too, with what they ended with
    const audit = await graphqlData<any>(
      `{ auditLog(filter: { action: "POST /api/venues/import" }, first: 10) { nodes { role outcome } } }`,
    );
    expect(audit.auditLog.nodes.map((n: any) => `${n.role} ${n.outcome}`)).to.have.members([
      'INTEGRATOR FORBIDDEN',
      'TRACER FORBIDDEN',
      'SCAN_SOURCE FORBIDDEN',
      'CITY_ADMIN PAYLOAD_TOO_LARGE',
    ]);
  });
});
