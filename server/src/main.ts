import 'reflect-metadata';
import { AreaDirectory } from './areas/area-directory';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import { openDatabase } from './db/database';
import { seedDemoData } from './db/seeders/demo.seeder';
import { DEMO_PASSWORD, DEMO_USERS, seedDemoAccounts } from './db/seeders/demo-accounts.seeder';
import { seedHanoiUnits } from './db/seeders/units.seeder';
import { jobDefinitions } from './jobs/job-registry';
import { startJobQueue } from './jobs/job-queue';
import { describeError } from './http/log-error';
import { consoleBuilt } from './http/console-files';

/** Start-up (config, database, units, demo data, HTTP, the job queue); stops on SIGINT/SIGTERM. */
async function main() {
  const config = loadConfig();
  const log = (line: string) => console.log(`[quetma] ${line}`);
  log(
    config.databaseUrl
      ? 'using the database at DATABASE_URL'
      : `no DATABASE_URL: starting embedded PostgreSQL (data in ${config.dataDir})`,
  );
  const db = await openDatabase(config, log);
  const units = await seedHanoiUnits(db.orm);
  if (units > 0) log(`loaded ${units} administrative units of Hà Nội`);
  const areas = await AreaDirectory.load(db.orm);
  let stopping = false;
  // on Ctrl+C the embedded server stops with us and drops the listener: no message then
  const stopListening = await areas.listenForChanges(db.orm, db.url, (e) => {
    if (!stopping) log(`unit listener: ${e.message}`);
  });

  let demoKeys: { name: string; key: string }[] = [];
  if (config.demoData) {
    demoKeys = await seedDemoAccounts(db.orm, areas, new Date());
    const seeded = await seedDemoData(db.orm, areas, { ...config, now: new Date() });
    if (seeded)
      log(`seeded demo data: ${seeded.venues} venues, ${seeded.scans} scans over the last 28 days`);
  }

  const app = await createApp(
    { orm: db.orm, areas, config, now: () => new Date() },
    (message, error) => console.error(`[quetma] ${message}`, error ?? ''),
  );
  const port = await app.listen(config.port, config.host);
  // retention and every other periodic job: once across all processes (jobs/job-registry.ts)
  const jobs = await startJobQueue({
    databaseUrl: db.url,
    definitions: jobDefinitions({ orm: db.orm, config, now: () => new Date() }),
    worker: config.jobsWorker,
    log: (line, error) => (error ? console.error(`[quetma] ${line}`, error) : log(line)),
  });
  const base = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  console.log(`
quetma is running (${config.mode} mode, ${__filename.endsWith('.js') ? 'compiled' : 'TypeScript sources'}; ready ${process.uptime().toFixed(1)} s after start)
  Console       ${consoleBuilt() ? `${base}/admin/` : 'not built (pnpm --filter @quetma/admin build)'}
  GraphQL API   ${base}/graphql
  ${config.graphiql ? `GraphQL IDE   ${base}/graphiql` : 'GraphQL IDE   off (GRAPHIQL=false)'}
  Health        ${base}/health
${
  demoKeys.length
    ? `Demo accounts (password ${DEMO_PASSWORD}): ${DEMO_USERS.map((u) => u.email).join(', ')}
Demo API keys (send as Authorization: Bearer <key>):
${demoKeys.map((k) => `  ${k.name.padEnd(17)} ${k.key}`).join('\n')}
`
    : ''
}Press Ctrl+C to stop.`);

  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    await app.close();
    // after HTTP, whose requests may queue jobs; before the database, which runs use
    await jobs.stop().catch((e) => console.error('[quetma] job queue', describeError(e)));
    await stopListening().catch(() => undefined);
    await db.close().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error('[quetma] could not start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
