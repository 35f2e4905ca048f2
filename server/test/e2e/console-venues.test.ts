import fs from 'node:fs';
import { expect } from 'chai';
import { apiAs, DEMO, screenshot, signIn, startConsoleEnv, type ConsoleEnv } from './console-env';

describe('console: venues (Chromium)', function () {
  this.timeout(120_000);
  let env: ConsoleEnv;

  before(async function () {
    this.timeout(300_000);
    env = await startConsoleEnv();
  });
  after(async () => env && (await env.close()));

  it('lets a district officer reach their never-scanned venues in three clicks and export them for Excel', async () => {
    const context = await env.newContext();
    const page = await context.newPage();
    await signIn(page, DEMO.baDinh);
    await page.locator('[data-testid="dashboard"][data-unit="001"]').waitFor();
    // 1: the dashboard's button to the district's never-scanned venues
    await page.getByRole('link', { name: /Địa điểm chưa từng quét của Quận Ba Đình/ }).click();
    await page.locator('.RaDatagrid-tbody tr').first().waitFor();
    // 2: export
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Xuất CSV' }).click();
    const file = await (await download).path();
    const csv = fs.readFileSync(file!);
    expect([...csv.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    const lines = csv.toString('utf8').slice(1).trimEnd().split('\r\n');
    expect(lines[0]).to.match(
      /^Mã,Tên địa điểm,Địa chỉ,Phường, xã|^Mã,Tên địa điểm,Địa chỉ,"Phường, xã"/,
    );
    const api = await apiAs(
      env.baseUrl,
      DEMO.baDinh,
      `{ venues(filter: { unitCode: "001", scanStatus: NEVER_SCANNED }, first: 500) { totalCount nodes { id } } }`,
    );
    expect(lines.length - 1).to.equal(api.venues.totalCount);
    const exportedIds = lines
      .slice(1)
      .map((l) => l.split(',')[0])
      .sort();
    expect(exportedIds).to.deep.equal(api.venues.nodes.map((n: { id: string }) => n.id).sort());
    await context.close();
  });

  it("finds venues by a search without diacritics, in the API's order by name", async () => {
    const context = await env.newContext();
    const page = await context.newPage();
    await signIn(page, DEMO.admin);
    await page.goto('/admin/venues');
    await page.locator('.RaDatagrid-tbody tr').first().waitFor();
    const someVenue = await apiAs(
      env.baseUrl,
      DEMO.admin,
      `{ venues(first: 1, orderBy: [{ field: NAME }]) { nodes { name } } }`,
    );
    const word = someVenue.venues.nodes[0].name.split(' ').slice(-1)[0];
    const plain = word
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .replace(/đ/g, 'd')
      .replace(/Đ/g, 'D')
      .toLowerCase();
    await page.getByPlaceholder('Tìm theo tên hoặc địa chỉ').fill(plain);
    await page.waitForURL(/filter=.*q/);
    await page.locator('.RaDatagrid-tbody tr').first().waitFor();
    const api = await apiAs(
      env.baseUrl,
      DEMO.admin,
      `query($q: String!) { venues(filter: { search: $q }, first: 25, orderBy: [{ field: NAME }]) { totalCount nodes { name } } }`,
      { q: plain },
    );
    // the page shows the search's answer once its first row and its row count are the API's
    await page.waitForFunction(
      ([n, first]) =>
        (globalThis as any).document.querySelectorAll('.RaDatagrid-tbody tr').length === n &&
        (globalThis as any).document.querySelector('.RaDatagrid-tbody tr td.column-name')
          ?.textContent === first,
      [Math.min(25, api.venues.totalCount), api.venues.nodes[0].name] as const,
    );
    const names = await page.locator('.RaDatagrid-tbody tr td.column-name').allInnerTexts();
    expect(names).to.deep.equal(api.venues.nodes.map((n: { name: string }) => n.name));
    await screenshot(page, 'venues-search-vi');
    await context.close();
  });

  it("shows the server's error under the phone field when registering a venue with a bad number", async () => {
    const context = await env.newContext();
    const page = await context.newPage();
    await signIn(page, DEMO.phucXa);
    await page.goto('/admin/venues/create');
    await page.getByLabel(/^Tên địa điểm/).fill('Quán thử nghiệm');
    await page.getByLabel(/^Địa chỉ/).fill('1 Phố Thử');
    await page.getByLabel(/^Loại hình/).click();
    await page.getByRole('option', { name: 'Quán cà phê' }).click();
    await page.getByLabel(/^Người đăng ký/).fill('Nguyễn Văn A');
    await page.getByLabel(/^Số điện thoại người đăng ký/).fill('12345');
    await page.getByRole('button', { name: 'Lưu' }).click();
    const phoneField = page.locator('.ra-input-registrantPhone');
    await phoneField.locator('.Mui-error').first().waitFor();
    expect(await phoneField.innerText()).to.include('Phải là số di động Việt Nam');
    await screenshot(page, 'venue-create-error-vi');
    // corrected, it registers and opens the new venue's page with its code
    await page.getByLabel(/^Số điện thoại người đăng ký/).fill('0912 345 678');
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.locator('img[src*="/qr.svg"]').waitFor();
    const created = await apiAs(
      env.baseUrl,
      DEMO.phucXa,
      `{ venues(filter: { unitCode: "00001", search: "Quán thử nghiệm" }) { nodes { registrantPhone ward { code } } } }`,
    );
    expect(created.venues.nodes).to.deep.equal([
      { registrantPhone: '+84912345678', ward: { code: '00001' } },
    ]);
    await context.close();
  });

  it("downloads a venue's poster and reissues its code after a warning that the old poster stops working", async () => {
    const context = await env.newContext();
    const page = await context.newPage();
    await signIn(page, DEMO.phucXa);
    const first = await apiAs(
      env.baseUrl,
      DEMO.phucXa,
      `{ venues(filter: { unitCode: "00001", status: ACTIVE }, first: 1) { nodes { id currentCode { version } } } }`,
    );
    const venue = first.venues.nodes[0];
    await page.goto(`/admin/venues/${venue.id}/show`);
    await page.locator('img[src*="/qr.svg"]').waitFor();
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Tải áp phích (PDF)' }).click();
    const pdf = fs.readFileSync((await (await download).path())!);
    expect(pdf.subarray(0, 5).toString()).to.equal('%PDF-');
    await page.getByRole('button', { name: 'Cấp lại mã' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.innerText()).to.include('Áp phích in trước đây sẽ hết hiệu lực');
    await screenshot(page, 'venue-reissue-vi');
    await dialog.getByRole('button', { name: 'Cấp lại mã' }).click();
    await page.getByText('Đã cấp mã mới').waitFor();
    const after = await apiAs(
      env.baseUrl,
      DEMO.phucXa,
      `query($id: ID!) { venue(id: $id) { currentCode { version } } }`,
      { id: venue.id },
    );
    expect(after.venue.currentCode.version).to.equal(venue.currentCode.version + 1);
    await page.locator(`img[src*="v=${venue.currentCode.version + 1}"]`).waitFor();
    await context.close();
  });
});
