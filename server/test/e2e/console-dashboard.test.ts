import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { localDayOf } from '@quetma/shared';
import {
  apiAs,
  DEMO,
  screenshot,
  seriousAccessibilityViolations,
  signIn,
  startConsoleEnv,
  switchLanguage,
  type ConsoleEnv,
} from './console-env';
import { consoleMessages, foreignSentences, MISSING_KEY } from './console-messages';

const FIGURES = `registeredVenues activeVenues activeRate neverScannedVenues dormantVenues scans people`;

/** The figures the dashboard shows, read from its cards' values. */
async function shownFigures(page: Page): Promise<Record<string, number>> {
  await page.locator('[data-figure="registeredVenues"] [data-value]').waitFor();
  return page.$$eval('[data-figure]', (cards) =>
    Object.fromEntries(
      cards.map((c) => [
        c.getAttribute('data-figure'),
        Number(c.querySelector('[data-value]')!.getAttribute('data-value')),
      ]),
    ),
  );
}

async function unitAndPeopleNames(env: ConsoleEnv): Promise<string[]> {
  const rows = await env.orm.em
    .getConnection()
    .execute<{ name: string }[]>(
      `select name from administrative_unit union select name from app_user`,
    );
  return rows.map((r) => r.name).sort((a, b) => b.length - a.length);
}

describe('console: sign-in and the dashboard (Chromium)', function () {
  this.timeout(120_000);
  let env: ConsoleEnv;
  const today = localDayOf(new Date());

  before(async function () {
    this.timeout(300_000);
    env = await startConsoleEnv();
  });
  after(async () => env && (await env.close()));

  it('lands a city admin on the city, in Vietnamese, with the figures the API gives for today', async () => {
    const context = await env.newContext();
    const page = await context.newPage();
    await signIn(page, DEMO.admin);
    await page.locator('[data-testid="dashboard"][data-unit="01"]').waitFor();
    const api = await apiAs(
      env.baseUrl,
      DEMO.admin,
      `query($d: Date!) { complianceStats(unitCode: "01", date: $d) { ${FIGURES} } }`,
      { d: today },
    );
    expect(await shownFigures(page)).to.deep.equal(api.complianceStats);
    expect(await page.locator('h1').first().innerText()).to.equal('Thành phố Hà Nội');
    // the menu is Vietnamese, and the ranking lists all 30 districts
    await page.getByRole('menuitem', { name: 'Địa điểm', exact: true }).waitFor();
    expect(await page.locator('[data-testid="unit-ranking"] tbody tr').count()).to.equal(30);
    await page.locator('.recharts-surface').first().waitFor();
    await screenshot(page, 'dashboard-city-vi');
    await context.close();
  });

  it('drills down from the city to a district, to a ward, to its never-scanned venues', async () => {
    const context = await env.newContext();
    const page = await context.newPage();
    await signIn(page, DEMO.admin);
    await page.locator('[data-testid="unit-ranking"] tr[data-unit="001"] a').first().click();
    await page.locator('[data-testid="dashboard"][data-unit="001"]').waitFor();
    const district = await apiAs(
      env.baseUrl,
      DEMO.admin,
      `query($d: Date!) { complianceStats(unitCode: "001", date: $d) { ${FIGURES} } }`,
      { d: today },
    );
    expect(await shownFigures(page)).to.deep.equal(district.complianceStats);
    await page.locator('[data-testid="unit-ranking"] tr[data-unit="00001"] a').first().click();
    await page.locator('[data-testid="dashboard"][data-unit="00001"]').waitFor();
    const ward = await apiAs(
      env.baseUrl,
      DEMO.admin,
      `query($d: Date!) { complianceStats(unitCode: "00001", date: $d) { ${FIGURES} } }`,
      { d: today },
    );
    expect(await shownFigures(page)).to.deep.equal(ward.complianceStats);
    await page.getByRole('link', { name: /Địa điểm chưa từng quét/ }).click();
    await page.waitForURL(/\/admin\/venues/);
    const rows = page.locator('.RaDatagrid-tbody tr');
    await rows.first().waitFor();
    const list = await apiAs(
      env.baseUrl,
      DEMO.admin,
      `{ venues(filter: { unitCode: "00001", scanStatus: NEVER_SCANNED }) { totalCount } }`,
    );
    expect(list.venues.totalCount).to.be.greaterThan(0);
    expect(await page.locator('.RaDatagrid-tbody tr').count()).to.equal(
      Math.min(25, list.venues.totalCount),
    );
    for (const chip of await page.locator('.RaDatagrid-tbody tr .MuiChip-label').allInnerTexts())
      expect(chip).to.equal('Chưa từng quét');
    await screenshot(page, 'venues-never-scanned-vi');
    await context.close();
  });

  it('lands a district officer on their district and a ward officer on their ward, with no other area offered', async () => {
    for (const [email, unit] of [
      [DEMO.baDinh, '001'],
      [DEMO.phucXa, '00001'],
    ]) {
      const context = await env.newContext();
      const page = await context.newPage();
      await signIn(page, email);
      await page.locator(`[data-testid="dashboard"][data-unit="${unit}"]`).waitFor();
      const api = await apiAs(
        env.baseUrl,
        email,
        `query($d: Date!, $u: ID!) { complianceStats(unitCode: $u, date: $d) { ${FIGURES} } }`,
        { d: today, u: unit },
      );
      expect(await shownFigures(page)).to.deep.equal(api.complianceStats);
      // an officer's menu: their dashboard, venues and the import, no administration or tracing
      expect(await page.getByRole('menuitem').allInnerTexts()).to.deep.equal([
        'Tổng quan',
        'Địa điểm',
        'Nhập địa điểm',
      ]);
      await page.getByRole('menuitem', { name: 'Địa điểm', exact: true }).click();
      await page.locator('.RaDatagrid-tbody tr').first().waitFor();
      // the district choice is the city admin's alone; a ward officer has no unit choice at all
      expect(await page.locator('input[name="districtCode"]').count()).to.equal(0);
      expect(await page.locator('input[name="wardCode"]').count()).to.equal(
        unit.length === 5 ? 0 : 1,
      );
      await screenshot(page, `venues-${unit}-vi`);
      await context.close();
    }
  });

  it('switches to English with no Vietnamese left, and back, with no English left', async () => {
    const messages = consoleMessages();
    const context = await env.newContext();
    const page = await context.newPage();
    await signIn(page, DEMO.admin);
    await page.locator('[data-figure="registeredVenues"] [data-value]').waitFor();
    // names of units and people are data, the same in both languages: they are not checked
    const dataNames = await unitAndPeopleNames(env);
    const check = async (language: 'vi' | 'en', where: string) => {
      await page.waitForLoadState('networkidle');
      let text = await page.locator('body').innerText();
      for (const name of dataNames) text = text.split(name).join(' ');
      expect(text, `${where}: a translation key shown as it is`).to.not.match(MISSING_KEY);
      const leaks = foreignSentences(messages, language).filter((s) => text.includes(s));
      expect(leaks, `${where} (${language}) shows the other language`).to.deep.equal([]);
    };
    await check('vi', 'dashboard');
    await switchLanguage(page, 'en');
    await page.getByRole('menuitem', { name: 'Venues', exact: true }).waitFor();
    await check('en', 'dashboard');
    await screenshot(page, 'dashboard-city-en');
    await page.getByRole('menuitem', { name: 'Venues', exact: true }).click();
    await page.locator('.RaDatagrid-tbody tr').first().waitFor();
    await check('en', 'venue list');
    await screenshot(page, 'venues-en');
    await page.locator('.RaDatagrid-tbody tr').first().click();
    await page.locator('img[src*="/qr.svg"]').waitFor();
    await check('en', 'venue page');
    await screenshot(page, 'venue-show-en');
    await switchLanguage(page, 'vi');
    await page.getByRole('menuitem', { name: 'Địa điểm', exact: true }).waitFor();
    await check('vi', 'venue page');
    await screenshot(page, 'venue-show-vi');
    await context.close();
  });

  it('has no serious or critical accessibility violation (axe-core, WCAG 2.1 AA) on the main pages', async () => {
    const context = await env.newContext();
    const page = await context.newPage();
    await page.goto('/admin/login');
    await page.locator('input[name="username"]').waitFor();
    const found: Record<string, unknown> = {};
    const check = async (name: string) => {
      const violations = await seriousAccessibilityViolations(page);
      if (violations.length) found[name] = violations;
    };
    await check('sign-in');
    await signIn(page, DEMO.phucXa);
    await page.locator('[data-figure="registeredVenues"] [data-value]').waitFor();
    await page.locator('.recharts-surface').first().waitFor();
    await check('dashboard');
    await page.goto('/admin/venues');
    await page.locator('.RaDatagrid-tbody tr').first().waitFor();
    await check('venue list');
    await page.locator('.RaDatagrid-tbody tr').first().click();
    await page.locator('img[src*="/qr.svg"]').waitFor();
    await check('venue page');
    await page.goto('/admin/venues/create');
    await page.locator('input[name="name"]').waitFor();
    await check('venue form');
    expect(found).to.deep.equal({});
    await context.close();
  });
});
