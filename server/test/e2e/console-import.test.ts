import { expect } from 'chai';
import { apiAs, DEMO, screenshot, signIn, startConsoleEnv, type ConsoleEnv } from './console-env';

const HEADER = 'Tên cơ sở,Địa chỉ,Loại hình,Mã phường/xã,Người đăng ký,Số điện thoại';

/**
 * 1,000 venues of Phúc Xá and Trúc Bạch, 20 of them wrong in ways a district's list is: a phone
 * that is no mobile number, a ward that does not exist, a missing name. Lines count the header.
 */
function districtList(tag: string): { csv: string; badLines: Map<number, string> } {
  const lines = [HEADER];
  const badLines = new Map<number, string>();
  for (let i = 1; i <= 1000; i++) {
    let name = `Cửa hàng ${tag} số ${i}`;
    let ward = i % 2 ? '00001' : '00004';
    let phone = `09${String(10_000_000 + i).slice(-8)}`;
    const line = i + 1;
    if (i % 50 === 0) {
      const kind = (i / 50) % 3;
      if (kind === 0) [phone] = ['12345'];
      else if (kind === 1) ward = '99999';
      else name = '';
      badLines.set(line, kind === 0 ? 'INVALID_PHONE' : kind === 1 ? 'UNKNOWN_WARD' : 'REQUIRED');
    }
    lines.push(`${name},"Số ${i} Phố Thử, Ba Đình",Cửa hàng tiện lợi,${ward},Trần Thị B,${phone}`);
  }
  return { csv: `\uFEFF${lines.join('\r\n')}\r\n`, badLines };
}

describe('console: CSV import (Chromium)', function () {
  this.timeout(120_000);
  let env: ConsoleEnv;

  before(async function () {
    this.timeout(300_000);
    env = await startConsoleEnv();
  });
  after(async () => env && (await env.close()));

  it('checks 1,000 rows, lists the 20 bad ones with their line and reason, then registers the other 980', async () => {
    const { csv, badLines } = districtList('nhập');
    expect(badLines.size).to.equal(20);
    const count = async () =>
      (
        await apiAs(
          env.baseUrl,
          DEMO.admin,
          `{ venues(filter: { unitCode: "001", search: "Cửa hàng nhập" }) { totalCount } }`,
        )
      ).venues.totalCount;
    expect(await count()).to.equal(0);

    const context = await env.newContext();
    const page = await context.newPage();
    await signIn(page, DEMO.admin);
    await page.getByRole('menuitem', { name: 'Nhập địa điểm', exact: true }).click();
    await page.locator('[data-testid="import-file"]').setInputFiles({
      name: 'ba-dinh.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv, 'utf8'),
    });
    const summary = page.locator('[data-testid="import-summary"]');
    await summary.waitFor();
    expect(await summary.innerText()).to.include(
      '1.000 dòng, 980 dòng đăng ký được, 20 dòng bị từ chối',
    );
    const rows = page.locator('[data-testid="import-rejected"] tbody tr');
    expect(await rows.count()).to.equal(20);
    const shown = new Map<number, string>();
    for (const row of await rows.all()) {
      const cells = await row.locator('td').allInnerTexts();
      shown.set(Number(cells[0]), cells[3]);
    }
    expect([...shown.keys()].sort((a, b) => a - b)).to.deep.equal(
      [...badLines.keys()].sort((a, b) => a - b),
    );
    const wording = {
      INVALID_PHONE: 'Không phải số di động Việt Nam.',
      UNKNOWN_WARD: 'Không có phường, xã nào mang mã này.',
      REQUIRED: 'Thiếu giá trị bắt buộc.',
    } as Record<string, string>;
    for (const [line, reason] of badLines)
      expect(shown.get(line), `line ${line}`).to.equal(wording[reason]);
    // the check stored nothing
    expect(await count()).to.equal(0);
    await screenshot(page, 'import-report-vi');

    await page.getByRole('button', { name: 'Đăng ký 980 địa điểm hợp lệ' }).click();
    const registered = page.locator('[data-testid="import-registered"]');
    await registered.waitFor();
    expect(await registered.innerText()).to.include('Đã đăng ký 980 địa điểm');
    expect(await count()).to.equal(980);
    await screenshot(page, 'import-registered-vi');
    await context.close();
  });

  it('says in Vietnamese why a file with an unknown column is refused as a whole', async () => {
    const context = await env.newContext();
    const page = await context.newPage();
    await signIn(page, DEMO.baDinh);
    await page.goto('/admin/import');
    await page.locator('[data-testid="import-file"]').setInputFiles({
      name: 'sai-cot.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`${HEADER},Ghi chú\r\nA,B,Chợ,00001,C,0912345678,x\r\n`, 'utf8'),
    });
    const alert = page.locator('.MuiAlert-standardError');
    await alert.waitFor();
    expect(await alert.innerText()).to.match(/^Cột không xác định: Ghi chú\.?$/);
    await context.close();
  });
});
