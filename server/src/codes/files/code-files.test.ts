import { expect } from 'chai';
import { closeVenue, registerVenue } from '../../../test/factories';
import { graphqlData, resetData, testEnv, type CallerName } from '../../../test/harness';
import { readPdf } from '../../../test/pdf-reader';
import { decodeQrPng, decodeQrRects, decodeQrSvg } from '../../../test/qr-reader';
import { MAX_BULK_POSTERS } from './code-files.routes';
import { PNG } from 'pngjs';
import { qrPng, RenderCache } from './qr-images';

const MM = 72 / 25.4;
const A4_MEDIA_BOX = [0, 0, 595.28, 841.89];

function get(
  path: string,
  as?: CallerName | { token: string },
  headers: Record<string, string> = {},
) {
  const token =
    as === undefined ? undefined : typeof as === 'string' ? testEnv().tokens[as] : as.token;
  return fetch(`${testEnv().baseUrl}${path}`, {
    headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
}

/** A refusal's one error, in the shape every door answers errors in. */
async function refusal(response: Response): Promise<{ code: string; message: string }> {
  const body = (await response.json()) as any;
  expect(body.errors, JSON.stringify(body)).to.have.length(1);
  return { code: body.errors[0].extensions.code, message: body.errors[0].message };
}

async function bytes(response: Response): Promise<Buffer> {
  return Buffer.from(await response.arrayBuffer());
}

async function payloadOf(venueId: string): Promise<string> {
  const data = await graphqlData<any>(
    'query($id: ID!) { venue(id: $id) { currentCode { payload } } }',
    {
      id: venueId,
    },
  );
  return data.venue.currentCode.payload;
}

async function reissue(venueId: string): Promise<void> {
  await graphqlData('mutation($id: ID!) { reissueVenueCode(id: $id) { id } }', { id: venueId });
}

/** The poster page's parts a person would check: the code read back, its size, and the words. */
function posterPage(page: ReturnType<typeof readPdf>['pages'][number]) {
  const code = decodeQrRects(page.rects);
  const left = Math.min(...page.rects.map((r) => r.x));
  const top = Math.min(...page.rects.map((r) => r.y));
  return { ...code, left, top, right: left + code.side, bottom: top + code.side, text: page.text };
}

describe('QR images and posters of a venue (public files)', () => {
  let venueId: string;
  let payload: string;

  before(async () => {
    await resetData();
    venueId = await registerVenue({
      name: 'Nhà hàng Hương Sen Đồng Xuân',
      address: 'Số 18 phố Hàng Chiếu',
      wardCode: '00004',
    });
    payload = await payloadOf(venueId);
  });

  it('serves qr.svg without credentials: an SVG whose drawing reads back as the payload', async () => {
    const response = await get(`/venues/${venueId}/qr.svg`);
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.equal('image/svg+xml');
    const svg = await response.text();
    expect(svg).to.match(
      /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* viewBox="0 0 (\d+) \1"/,
    );
    expect(svg.trimEnd()).to.match(/<\/svg>$/);
    expect(decodeQrSvg(svg)).to.equal(payload);
  });

  it('serves qr.png: a PNG that a QR reader decodes to the payload, with a quiet zone', async () => {
    const response = await get(`/venues/${venueId}/qr.png`);
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.equal('image/png');
    const png = await bytes(response);
    expect(png.subarray(1, 4).toString('latin1')).to.equal('PNG');
    expect(decodeQrPng(png)).to.equal(payload);
    // the 4-module quiet zone: the outer 4 × 12 px rows are white
    const image = PNG.sync.read(png);
    const darkInBorder = [...Array(image.width * 48).keys()].some((i) => image.data[i * 4] < 128);
    expect(darkInBorder).to.equal(false);
  });

  it('answers a repeated image request with 304 when the code is unchanged, and a new image after a reissue', async () => {
    const venue = await registerVenue({ wardCode: '00004' });
    const first = await get(`/venues/${venue}/qr.png`);
    const etag = first.headers.get('etag')!;
    expect(etag).to.match(/^"png-/);
    expect(
      (await get(`/venues/${venue}/qr.png`, undefined, { 'if-none-match': etag })).status,
    ).to.equal(304);
    await reissue(venue);
    const after = await get(`/venues/${venue}/qr.png`, undefined, { 'if-none-match': etag });
    expect(after.status).to.equal(200);
    expect(decodeQrPng(await bytes(after))).to.equal(await payloadOf(venue));
  });

  it('keeps rendered files in a bounded cache, least recently used out first', async () => {
    const cache = new RenderCache(2);
    let renders = 0;
    const png = (payload: string) =>
      cache.get(payload, () => {
        renders += 1;
        return qrPng(payload);
      });
    const a = await png('QM1.a');
    await png('QM1.b');
    expect(await png('QM1.a')).to.equal(a);
    expect(renders).to.equal(2);
    await png('QM1.c'); // b was used least recently
    expect(cache.size).to.equal(2);
    expect(await png('QM1.a')).to.equal(a);
    expect(renders).to.equal(3);
    expect(decodeQrPng(await png('QM1.b'))).to.equal('QM1.b');
    expect(renders).to.equal(4);
  });

  it('renders a file once for concurrent requests, and again after a failed render', async () => {
    const cache = new RenderCache(10);
    let renders = 0;
    const slow = () => {
      renders += 1;
      return qrPng('QM1.x');
    };
    const [first, second] = await Promise.all([cache.get('x', slow), cache.get('x', slow)]);
    expect(first).to.equal(second);
    expect(renders).to.equal(1);
    const failed = cache.get('broken', () => Promise.reject(new Error('renderer failed')));
    await failed.catch(() => undefined);
    expect(await cache.get('broken', slow)).to.be.instanceOf(Buffer);
  });

  it('serves poster.pdf: one A4 page with the code (at least 15 cm, reading back as the payload), the venue and bilingual instructions', async () => {
    const response = await get(`/venues/${venueId}/poster.pdf`);
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.equal('application/pdf');
    const file = await bytes(response);
    expect(file.subarray(0, 5).toString('latin1')).to.equal('%PDF-');
    expect(file.toString('latin1')).to.match(/\/MediaBox \[0 0 595\.28 841\.89\]/);
    const pdf = readPdf(file);
    expect(pdf.pageCount).to.equal(1);
    expect(pdf.pages).to.have.length(1);
    expect(pdf.pages[0].mediaBox).to.deep.equal(A4_MEDIA_BOX);

    const poster = posterPage(pdf.pages[0]);
    expect(poster.data).to.equal(payload);
    expect(poster.side).to.be.at.least(150 * MM);
    // inside the printable margins (15 mm), with room for the quiet zone across the page
    expect(poster.left).to.be.at.least(15 * MM);
    expect(poster.right).to.be.at.most(595.28 - 15 * MM);
    expect(poster.top).to.be.at.least(15 * MM);
    expect(poster.bottom).to.be.at.most(841.89 - 15 * MM);

    for (const words of [
      'Nhà hàng Hương Sen Đồng Xuân',
      'Số 18 phố Hàng Chiếu',
      'Phường Trúc Bạch, Quận Ba Đình, Thành phố Hà Nội',
      'QUÉT MÃ QR KHI RA VÀO',
      'Scan this QR code when you enter and leave',
      'truy vết nhanh, khoanh vùng hẹp',
      'traced fast',
    ]) {
      expect(poster.text.replace(/\s+/g, ' '), words).to.include(words);
    }
  });

  it('fits a venue with a very long name and address onto the page without shrinking the code', async () => {
    const long = await registerVenue({
      name: 'Trung tâm Thương mại Dịch vụ Tổng hợp và Nhà hàng Tiệc cưới Hoàng Gia Phúc Xá Ba Đình Hà Nội Chi nhánh Số Một',
      address:
        'Số 1000 ngõ 200 ngách 30 hẻm 4 đường Phúc Xá, tổ dân phố số 15, cụm dân cư ven sông Hồng, gần chợ Long Biên',
    });
    const pdf = readPdf(await bytes(await get(`/venues/${long}/poster.pdf`)));
    expect(pdf.pageCount).to.equal(1);
    const poster = posterPage(pdf.pages[0]);
    expect(poster.data).to.equal(await payloadOf(long));
    expect(poster.side).to.be.at.least(150 * MM);
    expect(poster.text).to.include('Trung tâm Thương mại');
  });

  it('answers 404 with a JSON message for an unknown venue or an id that is no UUID', async () => {
    for (const path of [
      '/venues/0b7e8c1e-5a2f-4c3d-9e8f-123456789abc/qr.svg',
      '/venues/0b7e8c1e-5a2f-4c3d-9e8f-123456789abc/poster.pdf',
      '/venues/not-a-venue/qr.png',
      '/venues/%E0%A4%A/qr.svg',
    ]) {
      const response = await get(path);
      expect(response.status, path).to.equal(404);
      expect(response.headers.get('content-type'), path).to.match(/^application\/json/);
      const { code, message } = await refusal(response);
      expect(code, path).to.equal('NOT_FOUND');
      expect(message, path).to.include('No venue has the id');
    }
  });

  it('answers 410 for a closed venue: its code no longer counts', async () => {
    const closed = await registerVenue({ registeredAt: '2021-08-01T08:00:00+07:00' });
    await closeVenue(closed, '2021-08-05T08:00:00+07:00');
    for (const file of ['qr.svg', 'qr.png', 'poster.pdf']) {
      const response = await get(`/venues/${closed}/${file}`);
      expect(response.status, file).to.equal(410);
      const { code, message } = await refusal(response);
      expect(code, file).to.equal('GONE');
      expect(message, file).to.include('closed');
    }
  });
});

describe('GET /posters.pdf?unitCode=… (bulk posters)', () => {
  const names = ['Đại lý Vé số', 'Cà phê Giảng', 'Bánh mì Phố', 'An Nhiên Spa'];
  const venues: Record<string, string> = {};

  before(async () => {
    await resetData();
    for (const name of names) venues[name] = await registerVenue({ name, wardCode: '00001' });
    venues.closed = await registerVenue({
      name: 'Quán đã đóng',
      wardCode: '00001',
      registeredAt: '2021-08-01T08:00:00+07:00',
    });
    await closeVenue(venues.closed, '2021-08-05T08:00:00+07:00');
    venues.elsewhere = await registerVenue({ name: 'Quán Trúc Bạch', wardCode: '00004' });
    venues.suspended = await registerVenue({ name: 'Quán tạm dừng', wardCode: '00001' });
    await graphqlData(
      'mutation($id: ID!) { updateVenue(id: $id, input: { status: SUSPENDED }) { id } }',
      {
        id: venues.suspended,
      },
    );
  });

  it("gives one A4 page per open venue of the ward, in name order, each with that venue's code", async () => {
    const response = await get('/posters.pdf?unitCode=00001', 'phucXa');
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.equal('application/pdf');
    const pdf = readPdf(await bytes(response));
    // closed venues get no poster; suspended ones still scan
    const expected = [
      'An Nhiên Spa',
      'Bánh mì Phố',
      'Cà phê Giảng',
      'Đại lý Vé số',
      'Quán tạm dừng',
    ];
    expect(pdf.pageCount).to.equal(expected.length);
    expect(pdf.pages).to.have.length(expected.length);
    for (const [i, page] of pdf.pages.entries()) {
      expect(page.mediaBox).to.deep.equal(A4_MEDIA_BOX);
      const poster = posterPage(page);
      expect(poster.text, `page ${i + 1}`).to.include(expected[i]);
      const id = expected[i] === 'Quán tạm dừng' ? venues.suspended : venues[expected[i]];
      expect(poster.data, `page ${i + 1}`).to.equal(await payloadOf(id));
    }
  });

  it('covers a district for its officer and the city admin', async () => {
    for (const caller of ['baDinh', 'admin'] as const) {
      const pdf = readPdf(await bytes(await get('/posters.pdf?unitCode=001', caller)));
      expect(pdf.pageCount, caller).to.equal(6);
    }
  });

  it('answers 401 without credentials or with a bad token, with a JSON message', async () => {
    for (const as of [undefined, { token: 'not-a-token' }]) {
      const response = await get('/posters.pdf?unitCode=00001', as);
      expect(response.status).to.equal(401);
      expect(response.headers.get('www-authenticate')).to.equal('Bearer');
      const { code, message } = await refusal(response);
      expect(code).to.equal('UNAUTHENTICATED');
      expect(message).to.be.a('string').that.is.not.empty;
    }
  });

  it('answers 403 to an officer outside the unit and to roles that do not print posters', async () => {
    const outside = await get('/posters.pdf?unitCode=00001', 'hoanKiem');
    expect(outside.status).to.equal(403);
    expect((await refusal(outside)).message).to.include('outside your area');
    const wardOfficerOnDistrict = await get('/posters.pdf?unitCode=001', 'phucXa');
    expect(wardOfficerOnDistrict.status).to.equal(403);
    for (const caller of ['tracer', 'integrator', 'scanSource'] as const) {
      const response = await get('/posters.pdf?unitCode=00001', caller);
      expect(response.status, caller).to.equal(403);
      expect((await refusal(response)).code, caller).to.equal('FORBIDDEN');
    }
  });

  it('answers 400 for a missing or unknown unit code', async () => {
    for (const query of ['', '?unitCode=', '?unitCode=99999', '?unitCode=abc']) {
      const response = await get(`/posters.pdf${query}`, 'admin');
      expect(response.status, query).to.equal(400);
      expect((await refusal(response)).message, query).to.include('unitCode');
    }
  });

  it(`answers 400 past ${MAX_BULK_POSTERS} posters, naming the count`, async () => {
    const { orm } = testEnv();
    // inserted directly: 2,000 registrations through the API would only slow the test down
    await orm.em.getConnection().execute(
      `insert into venue (id, name, search_text, name_sort, category, address, ward_code, district_code, city_code,
         registrant_name, registrant_phone, is_agency_headquarters, registered_at, status, updated_at)
       select gen_random_uuid(), 'Quán số ' || n, 'quan so ' || n, 'quan so ' || n, 'RESTAURANT', 'Số ' || n,
         '00037', '002', '01', 'Nguyễn Văn An', '+84912345678', false, now(), 'ACTIVE', now()
       from generate_series(1, ${MAX_BULK_POSTERS + 1}) as n`,
    );
    const response = await get('/posters.pdf?unitCode=00037', 'admin');
    expect(response.status).to.equal(400);
    expect((await refusal(response)).message).to.include(`${MAX_BULK_POSTERS + 1} open venues`);
  });
});
