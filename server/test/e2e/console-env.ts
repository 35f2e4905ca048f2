import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { MikroORM } from '@mikro-orm/postgresql';
import { AreaDirectory } from '../../src/areas/area-directory';
import { createApp, type App } from '../../src/app';
import { DEMO_PASSWORD, seedDemoAccounts } from '../../src/db/seeders/demo-accounts.seeder';
import { seedDemoData } from '../../src/db/seeders/demo.seeder';
import { seedHanoiUnits } from '../../src/db/seeders/units.seeder';
import { testEnv } from '../harness';
import { openOwnDatabase } from '../own-database';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureConsoleBuilt } = require('../../../admin/scripts/build-console.cjs');

/** Debian's chromium package (.ci/run installs it); no browser is downloaded. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Where the tests leave a screenshot of each main page in each language (README "The console"). */
export const SCREENSHOTS = path.resolve(__dirname, '..', '..', '..', 'admin', 'e2e-screenshots');
/** The size the console must not break at (the city's office screens). */
export const VIEWPORT = { width: 1280, height: 800 };

/**
 * The README's test command installs nothing but npm packages; Chromium comes from Debian's
 * packages, installed here on first use when the run may (root, with apt-get).
 */
function ensureChromium(): void {
  if (fs.existsSync(CHROMIUM)) return;
  const canInstall = process.getuid?.() === 0 && fs.existsSync('/usr/bin/apt-get');
  if (!canInstall || CHROMIUM !== '/usr/bin/chromium')
    throw new Error(
      `no Chromium at ${CHROMIUM}: install Debian's package (apt-get install -y chromium)`,
    );
  console.log("[e2e] installing Debian's chromium package for the console tests…");
  execFileSync('sh', ['-c', 'apt-get update -qq && apt-get install -y -qq chromium'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

export interface ConsoleEnv {
  baseUrl: string;
  orm: MikroORM;
  app: App;
  browser: Browser;
  /** A new browser profile (its own storage): one user signing in. */
  newContext(locale?: 'vi' | 'en'): Promise<BrowserContext>;
  close(): Promise<void>;
}

/**
 * The console against the real server on a database of its own, seeded as `pnpm start` seeds an
 * empty one: Hà Nội's units, the demo accounts and the demo venues with four weeks of scans.
 */
export async function startConsoleEnv(): Promise<ConsoleEnv> {
  ensureChromium();
  ensureConsoleBuilt(() => undefined);
  const db = await openOwnDatabase(`console_${process.pid}`);
  await seedHanoiUnits(db.orm);
  const areas = await AreaDirectory.load(db.orm);
  const config = { ...testEnv().config, demoData: true };
  const now = new Date();
  await seedDemoAccounts(db.orm, areas, now);
  await seedDemoData(db.orm, areas, { ...config, now });
  const app = await createApp(
    { orm: db.orm, areas, config, now: () => new Date() },
    () => undefined,
  );
  const port = await app.listen(0, '127.0.0.1');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      // this machine's network is closed: Chromium's own calls home would only fail, many at a time
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    orm: db.orm,
    app,
    browser,
    newContext: (locale = 'vi') =>
      browser.newContext({
        viewport: VIEWPORT,
        locale: locale === 'vi' ? 'vi-VN' : 'en-GB',
        timezoneId: 'UTC',
        acceptDownloads: true,
        baseURL: `http://127.0.0.1:${port}`,
      }),
    async close() {
      await browser.close();
      await app.close();
      await db.drop();
    },
  };
}

export const DEMO = {
  admin: 'admin@demo.quetma.vn',
  baDinh: 'ba-dinh@demo.quetma.vn',
  phucXa: 'phuc-xa@demo.quetma.vn',
  tracer: 'tracer@demo.quetma.vn',
} as const;

/** Signs in on the console's login page as a demo account and waits for the first page. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/admin/');
  await page.locator('input[name="username"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('button[type="submit"]').click();
  await page.waitForURL((url) => !url.hash.includes('login') && !url.pathname.endsWith('/login'));
}

/** Switches the console's language from the app bar's language menu. */
export async function switchLanguage(page: Page, to: 'vi' | 'en'): Promise<void> {
  const name = to === 'vi' ? 'Tiếng Việt' : 'English';
  await page
    .getByRole('button', { name: /Ngôn ngữ|Language|Tiếng Việt|English/i })
    .first()
    .click();
  await page.getByRole('menuitem', { name }).click();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** A GraphQL request as a demo user, to compare the page with the API's own answer. */
export async function apiAs(
  baseUrl: string,
  email: string,
  query: string,
  variables: object = {},
): Promise<any> {
  const login = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query:
        'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }',
      variables: { e: email, p: DEMO_PASSWORD },
    }),
  });
  const token = ((await login.json()) as any).data.login.accessToken;
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as any;
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AccessibilityViolation {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * axe-core's serious and critical violations of WCAG 2.1 A and AA on the page as it stands.
 * Evaluated through the browser's debugging protocol, which the page's CSP does not govern.
 */
export async function seriousAccessibilityViolations(
  page: Page,
): Promise<AccessibilityViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    // this runs in the page, whose globals the server's TypeScript does not declare
    const page = globalThis as any;
    const result = await page.axe.run(page.document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n: any) => n.target.join(' ')),
    }));
  });
  return violations.filter(
    (v: AccessibilityViolation) => v.impact === 'serious' || v.impact === 'critical',
  );
}
