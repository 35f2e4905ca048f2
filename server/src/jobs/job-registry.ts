import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config';
import { scanRetentionJob } from '../scans/retention/retention.job';
import type { JobDefinition } from './job-definition';

export interface JobDependencies {
  orm: MikroORM;
  config: Pick<Config, 'scanRetentionDays'>;
  now: () => Date;
}

/**
 * Every job the servers run, scheduled or sent: the one list the job queue starts from. A module
 * with periodic or deferred work (the daily sweep, the bulletin, webhook deliveries) declares a
 * JobDefinition beside its code, as scans/retention/retention.job.ts does, and adds it here.
 */
export function jobDefinitions(deps: JobDependencies): JobDefinition<any>[] {
  return [
    scanRetentionJob({
      orm: deps.orm,
      retentionDays: deps.config.scanRetentionDays,
      now: deps.now,
    }),
  ];
}
