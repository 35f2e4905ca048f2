import type { MikroORM } from '@mikro-orm/postgresql';
import { LOCAL_TIME_ZONE } from '@quetma/shared';
import type { JobDefinition } from '../../jobs/job-definition';
import { describeRetention, dropExpiredScanPartitions } from './retention';

/**
 * Retention as a job: daily at 03:00 in Asia/Ho_Chi_Minh (the quietest hour for scans, and
 * three hours into the new day, so the day that has just expired goes that night), and soon
 * after a server starts, to catch up on a night it was down. A failed run (a detach that
 * could not take its lock) is tried again from 10 minutes later, doubling; a run may take hours,
 * since each detach waits for the queries already reading scans.
 */
export function scanRetentionJob(deps: {
  orm: MikroORM;
  retentionDays: number;
  now: () => Date;
}): JobDefinition {
  return {
    name: 'scan-retention',
    schedule: { cron: '0 3 * * *', timezone: LOCAL_TIME_ZONE, atStartUp: true },
    retry: { limit: 3, delaySeconds: 600, backoff: true },
    timeoutSeconds: 4 * 3_600,
    run: async () =>
      describeRetention(
        await dropExpiredScanPartitions(deps.orm, deps.retentionDays, deps.now()),
        deps.retentionDays,
      ),
  };
}
