/**
 * The console's speed: its initial JavaScript (what the browser loads before the sign-in page
 * shows) and the time from navigating to the dashboard to its figures on screen, in Debian's
 * Chromium against the server on the demo data, in one run.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pnpm bench:console
 *
 * Options (environment): BENCH_RUNS navigations (default 15). Creates and drops a database
 * `quetma_bench_console` (BENCH_KEEP=1 keeps it). Prints the initial JS gzipped against the
 * issue's 400 KB budget, and the dashboard's time to figures (p50/p95) against its 1 s budget and
 * against the API's own answer to the dashboard's request replayed in the same run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { AreaDirectory } from '../server/src/areas/area-directory';
import { loadConfig } from '../server/src/config';
import { DEMO_PASSWORD, seedDemoAccounts } from '../server/src/db/seeders/demo-accounts.seeder';
import { seedDemoData } from '../server/src/db/seeders/demo.seeder';
import { openBenchDatabase, startServer } from './support';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureConsoleBuilt, distDir } = require('../admin/scripts/build-console.cjs');

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const PORT = 4901;
const JS_BUDGET_BYTES = 400 * 1024;
const FIGURES_BUDGET_MS = 1_000;

/** The scripts index.html loads or preloads: what the browser needs before the first page. */
function initialJavaScript(): { files: number; bytes: number; gzipped: number } {
  const html = fs.readFileSync(path.join(distDir, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/admin\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
  let bytes = 0;
  let gzipped = 0;
  for (const file of files) {
    const body = fs.readFileSync(path.join(distDir, file));
    bytes += body.length;
    gzipped += gzipSync(body, { level: 9 }).length;
  }
  return { files: files.length, bytes, gzipped };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

async function main() {
  ensureConsoleBuilt();
  const js = initialJavaScript();
  console.log(
    `initial JavaScript: ${js.files} files, ${(js.bytes / 1024).toFixed(0)} KB, ${(js.gzipped / 1024).toFixed(0)} KB gzipped = ${(js.gzipped / JS_BUDGET_BYTES).toFixed(2)}× the 400 KB budget`,
  );

  const db = await openBenchDatabase('quetma_bench_console');
  const config = loadConfig({ ...process.env, NODE_ENV: 'test' });
  const areas = await AreaDirectory.load(db.orm);
  const now = new Date();
  await seedDemoAccounts(db.orm, areas, now);
  const seeded = await seedDemoData(db.orm, areas, { ...config, now });
  console.log(`demo data: ${seeded?.venues} venues, ${seeded?.scans} scans`);
  // the dashboard reads figures only: the server's own keys need not match the seeder's
  const server = await startServer(db.url, PORT);
  const base = `http://127.0.0.1:${PORT}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, baseURL: base });
    await page.goto('/admin/login');
    await page.locator('input[name="username"]').fill('admin@demo.quetma.vn');
    await page.locator('input[name="password"]').fill(DEMO_PASSWORD);
    await page.locator('button[type="submit"]').click();
    const figures = page.locator('[data-figure="registeredVenues"] [data-value]');
    await figures.waitFor();
    // the dashboard's own request, replayed below as the baseline
    let dashboardRequest: { body: string; authorization: string } | undefined;
    page.on('request', (request) => {
      const body = request.postData();
      if (body?.includes('query Dashboard'))
        dashboardRequest = { body, authorization: request.headers()['authorization'] };
    });
    const pageTimes: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await page.goto('about:blank');
      const started = performance.now();
      await page.goto('/admin/');
      await figures.waitFor();
      pageTimes.push(performance.now() - started);
    }
    const apiTimes: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      const res = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: dashboardRequest!.authorization,
        },
        body: dashboardRequest!.body,
      });
      await res.json();
      apiTimes.push(performance.now() - started);
    }
    const p50 = percentile(pageTimes, 50);
    const p95 = percentile(pageTimes, 95);
    const api50 = percentile(apiTimes, 50);
    console.log(
      `dashboard figures on screen after navigation (${RUNS} runs): p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms = ${(p95 / FIGURES_BUDGET_MS).toFixed(2)}× the 1 s budget`,
    );
    console.log(
      `the dashboard's request alone, replayed: p50 ${api50.toFixed(0)} ms; page / request = ${(p50 / api50).toFixed(1)}×`,
    );
  } finally {
    await browser.close();
    await server.stop();
    await db.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
