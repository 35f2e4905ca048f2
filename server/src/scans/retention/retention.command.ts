import 'reflect-metadata';
import { ConfigError, loadConfig } from '../../config';
import { openDatabase } from '../../db/database';
import { describeRetention, dropExpiredScanPartitions } from './retention';

/**
 * `pnpm scans:retention`: deletes person-level scan data older than SCAN_RETENTION_DAYS (default
 * 30) now, as the server does daily. With the embedded PostgreSQL, stop the server first: both
 * cannot hold the same data directory.
 */
async function main() {
  const config = loadConfig();
  const db = await openDatabase(config, (line) => console.log(line));
  try {
    const result = await dropExpiredScanPartitions(db.orm, config.scanRetentionDays, new Date());
    console.log(describeRetention(result, config.scanRetentionDays));
    for (const name of result.droppedPartitions) console.log(`  dropped ${name}`);
  } finally {
    await db.close();
  }
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
