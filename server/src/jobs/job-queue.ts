import PgBoss from 'pg-boss';
import { completeJobs, failJobsById } from 'pg-boss/src/plans';
import { Pool, type PoolClient } from 'pg';
import { connectionSettingsSql } from '../db/connection-setup';
import { describeError } from '../http/log-error';
import type { JobDefinition, JobRun, JobTrigger } from './job-definition';

/** pg-boss keeps its tables (queues, jobs, schedules, its own schema version) in this schema. */
export const JOBS_SCHEMA = 'pgboss';
/** Servers starting within this many seconds of one another share one start-up run of a job. */
export const START_UP_WINDOW_SECONDS = 600;
/** How long stopping waits for the runs in progress before leaving them to be tried again. */
export const STOP_TIMEOUT_MS = 15_000;
export const JOBS_APPLICATION_NAME = 'quetma-jobs';

/** The run's singleton key says what queued it (shown as the run's trigger in the log). */
const TRIGGER_KEYS: Record<Exclude<JobTrigger, 'sent'>, string> = {
  schedule: 'schedule',
  'start-up': 'start-up',
};
/** Polling, the schedule check and maintenance, with room for a send from a request. */
const JOB_CONNECTIONS = 4;
const JOB_STATEMENT_TIMEOUT_MS = 60_000;
const JOB_NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const SET_UP_LOCK = 'quetma job queue set-up';

export type JobLog = (message: string, error?: unknown) => void;

export interface JobQueueOptions {
  databaseUrl: string;
  /** Every job there is (jobs/job-registry.ts): a name not here cannot be sent. */
  definitions: readonly JobDefinition<any>[];
  /** Run jobs and keep their schedules in this process (JOBS_WORKER); otherwise only send them. */
  worker: boolean;
  /** As the app's logger: an error goes out through describeError, without person data. */
  log: JobLog;
  /** Default STOP_TIMEOUT_MS. */
  stopTimeoutMs?: number;
  /**
   * Seconds between looks for jobs due (pg-boss's default 2) and for schedules due (30; the
   * minute a schedule names is never missed, nor run twice). Tests shorten them.
   */
  polling?: { jobSeconds: number; scheduleSeconds: number };
}

export interface JobQueue {
  /** Queues a run of the named job now; any process with a worker takes it. */
  send(name: string, data?: object): Promise<string>;
  /**
   * Takes no more runs and waits up to stopTimeoutMs for those in progress; any still going then
   * is marked failed, so that it is tried again (by another process, or after a restart) as its
   * definition's retries allow. Then closes the queue's connections.
   */
  stop(): Promise<void>;
}

/**
 * The job queue on PostgreSQL (pg-boss): every server process runs one, on connections of its
 * own (`application_name` quetma-jobs). A run is taken by one process only (row locks with SKIP
 * LOCKED), a schedule queues one run per time it names whatever the number of processes (pg-boss
 * checks schedules from one process at a time and keys each run by its minute), and retries,
 * time-outs and the record of every run live in the database, in the `pgboss` schema, which
 * pg-boss creates and migrates itself beside MikroORM's `public` one.
 */
export async function startJobQueue(options: JobQueueOptions): Promise<JobQueue> {
  const { definitions, worker, polling } = options;
  const byName = checkDefinitions(definitions);
  const log: JobLog = (message, error) =>
    options.log(message, error === undefined ? undefined : describeError(asError(error)));

  const pool = new Pool({
    connectionString: options.databaseUrl,
    max: JOB_CONNECTIONS,
    application_name: JOBS_APPLICATION_NAME,
    keepAlive: true,
    connectionTimeoutMillis: 10_000,
  });
  // an idle connection that drops is replaced on next use; it must not end the process
  pool.on('error', () => undefined);
  // durable commits and a statement timeout, set once per connection before its first use
  const configured = new WeakSet<PoolClient>();
  const connect = async (): Promise<PoolClient> => {
    const client = await pool.connect();
    if (!configured.has(client)) {
      try {
        await client.query(connectionSettingsSql(JOB_STATEMENT_TIMEOUT_MS));
      } catch (error) {
        client.release(error as Error);
        throw error;
      }
      configured.add(client);
    }
    return client;
  };
  const query = async (text: string, values?: unknown[]) => {
    const client = await connect();
    try {
      const result = await client.query(text, values);
      client.release();
      return result;
    } catch (error) {
      // as pool.query does: a connection whose statement failed is not reused
      client.release(error as Error);
      throw error;
    }
  };

  // pg-boss 10 records the end of a run without awaiting it (manager.js, watch): a database
  // error there would be an unhandled rejection and end the process. Those two statements are
  // answered "nothing recorded" instead; the run stays active and is tried again when it times out.
  const unawaited = new Set([completeJobs(JOBS_SCHEMA), failJobsById(JOBS_SCHEMA)]);
  let closed = false;
  const db: PgBoss.Db = {
    executeSql: async (text, values) => {
      // what pg-boss's own connection answers once closed: a late end of a run abandoned at stop
      // must not be recorded over the retry another process may be running
      if (closed) return undefined as unknown as { rows: [] };
      try {
        return await query(text, values);
      } catch (error) {
        if (!unawaited.has(text)) throw error;
        log(
          'job queue: could not record the end of a run; it is tried again when it times out',
          error,
        );
        return undefined as unknown as { rows: [] };
      }
    },
  };

  const boss = new PgBoss({
    db,
    schema: JOBS_SCHEMA,
    migrate: true,
    // schedules and maintenance (time-outs, archiving) run only where jobs are worked
    schedule: worker,
    supervise: worker,
    ...(polling && {
      cronMonitorIntervalSeconds: polling.scheduleSeconds,
      cronWorkerIntervalSeconds: polling.scheduleSeconds,
    }),
  });
  boss.on('error', (error) => log('job queue', error));

  const running = new Map<string, string>();
  let startUpRuns: { name: string; queued: boolean }[];
  // one process at a time sets queues and schedules up: two creating the same new queue at once
  // deadlock (each queue is a partition of pg-boss's job table). A session lock, since pg-boss
  // runs these statements on connections of its own choosing; it ends with its connection.
  try {
    const setUp = await connect();
    try {
      await setUp.query('select pg_advisory_lock(hashtext($1))', [SET_UP_LOCK]);
      await boss.start();
      for (const definition of definitions) {
        const queue = {
          name: definition.name,
          retryLimit: definition.retry.limit,
          retryDelay: definition.retry.delaySeconds,
          retryBackoff: definition.retry.backoff,
          expireInSeconds: definition.timeoutSeconds,
        };
        // created once for all processes; updated so that a changed definition takes effect
        await boss.createQueue(definition.name, queue);
        await boss.updateQueue(definition.name, queue);
      }
      if (worker) {
        await keepSchedules(boss, definitions);
        for (const definition of definitions) {
          await boss.work<object>(
            definition.name,
            {
              includeMetadata: true,
              batchSize: 1,
              ...(polling && { pollingIntervalSeconds: polling.jobSeconds }),
            },
            ([job]) => runJob(definition, job),
          );
        }
      }
    } finally {
      // a connection whose unlock failed is closed, which lets go of the lock too
      await setUp.query('select pg_advisory_unlock(hashtext($1))', [SET_UP_LOCK]).then(
        () => setUp.release(),
        (error: Error) => setUp.release(error),
      );
    }
    startUpRuns = worker ? await queueStartUpRuns(connect, boss, definitions) : [];
  } catch (error) {
    closed = true;
    await boss.stop({ graceful: false, close: false }).catch(() => undefined);
    await pool.end().catch(() => undefined);
    throw error;
  }

  async function runJob(
    definition: JobDefinition<any>,
    job: PgBoss.JobWithMetadata<object>,
  ): Promise<{ summary: string }> {
    const run: JobRun = {
      id: job.id,
      trigger: triggerOf(job.singletonKey),
      attempt: job.retryCount + 1,
      attempts: job.retryLimit + 1,
    };
    const label =
      `job ${definition.name} (${run.trigger}` +
      (run.attempt > 1 ? `, attempt ${run.attempt} of ${run.attempts})` : ')');
    running.set(job.id, definition.name);
    try {
      const summary = await definition.run(job.data ?? {}, run);
      log(
        closed
          ? `${label} ended after the queue stopped, which left it to be tried again`
          : `${label}: ${summary}`,
      );
      return { summary };
    } catch (error) {
      const next =
        run.attempt < run.attempts
          ? `it is tried again (attempt ${run.attempt + 1} of ${run.attempts})`
          : 'no attempts left';
      log(`${label} failed; ${next}`, error);
      // pg-boss keeps what a run throws in its row: the description only, never the statement,
      // its parameters or person data an error message may carry
      throw new JobFailedError(describeError(asError(error)).split('\n')[0]);
    } finally {
      running.delete(job.id);
    }
  }

  log(
    `job queue started (${worker ? 'worker' : 'no worker in this process'}): ` +
      definitions
        .map((d) =>
          d.schedule
            ? `${d.name} at "${d.schedule.cron}" ${d.schedule.timezone}${d.schedule.atStartUp ? ' and at start-up' : ''}`
            : `${d.name} when sent`,
        )
        .join(', '),
  );
  for (const { name } of startUpRuns.filter((r) => !r.queued))
    log(
      `job ${name}: a start-up run was queued in the last ${START_UP_WINDOW_SECONDS / 60} minutes; none more`,
    );
  let stopping: Promise<void> | undefined;
  return {
    async send(name, data = {}) {
      if (closed || stopping) throw new Error('the job queue is stopped');
      if (!byName.has(name)) throw new Error(`no job is named ${name} (see jobs/job-registry.ts)`);
      const id = await boss.send(name, data);
      if (!id) throw new Error(`job ${name} was not queued`);
      return id;
    },
    stop() {
      stopping ??= (async () => {
        try {
          await boss.stop({
            graceful: true,
            wait: true,
            close: false,
            timeout: options.stopTimeoutMs ?? STOP_TIMEOUT_MS,
          });
        } finally {
          const left = [...running.values()];
          closed = true;
          await pool.end().catch(() => undefined);
          log(
            left.length
              ? `job queue stopped; ${left.join(', ')} still running, left to be tried again`
              : 'job queue stopped',
          );
        }
      })();
      return stopping;
    },
  };
}

/** What a failed run leaves in its row: the failure's description, nothing it carried. */
export class JobFailedError extends Error {
  override name = 'JobFailedError';
}

function checkDefinitions(definitions: readonly JobDefinition<any>[]): Set<string> {
  const names = new Set<string>();
  for (const d of definitions) {
    const problem = !JOB_NAME.test(d.name)
      ? 'its name must be lowercase words joined by hyphens'
      : names.has(d.name)
        ? 'its name is taken'
        : ![d.retry.limit, d.retry.delaySeconds].every((n) => Number.isInteger(n) && n >= 0)
          ? 'retry.limit and retry.delaySeconds must be whole numbers ≥ 0'
          : !(
                Number.isInteger(d.timeoutSeconds) &&
                d.timeoutSeconds >= 1 &&
                d.timeoutSeconds < 86_400
              )
            ? 'timeoutSeconds must be a whole number from 1 to 86399 (pg-boss allows less than a day)'
            : undefined;
    if (problem) throw new Error(`job ${d.name}: ${problem}`);
    names.add(d.name);
  }
  return names;
}

/** Schedules as the definitions say (pg-boss keeps them in a table): one removed is unscheduled. */
async function keepSchedules(boss: PgBoss, definitions: readonly JobDefinition<any>[]) {
  for (const { name, schedule } of definitions) {
    if (schedule) {
      await boss.schedule(
        name,
        schedule.cron,
        {},
        {
          tz: schedule.timezone,
          singletonKey: TRIGGER_KEYS.schedule,
        },
      );
    }
  }
  const wanted = new Set(definitions.filter((d) => d.schedule).map((d) => d.name));
  for (const { name } of await boss.getSchedules()) {
    if (!wanted.has(name)) await boss.unschedule(name);
  }
}

/**
 * Queues a start-up run unless one was queued in the last START_UP_WINDOW_SECONDS: servers
 * started together (a deployment, a restart of all) share one run. The look and the send are one
 * transaction under a lock of the job's own, so that two servers starting at the same instant
 * cannot both find none. Answers whether it queued one.
 */
async function queueStartUpRuns(
  connect: () => Promise<PoolClient>,
  boss: PgBoss,
  definitions: readonly JobDefinition<any>[],
): Promise<{ name: string; queued: boolean }[]> {
  const runs = [];
  for (const { name, schedule } of definitions) {
    if (schedule?.atStartUp)
      runs.push({ name, queued: await queueStartUpRun(await connect(), boss, name) });
  }
  return runs;
}

async function queueStartUpRun(client: PoolClient, boss: PgBoss, name: string): Promise<boolean> {
  try {
    await client.query('begin');
    await client.query('select pg_advisory_xact_lock(hashtext($1))', [`quetma start-up ${name}`]);
    const recent = await client.query(
      `select 1 from ${JOBS_SCHEMA}.job
       where name = $1 and singleton_key = $2 and created_on > now() - make_interval(secs => $3)
       limit 1`,
      [name, TRIGGER_KEYS['start-up'], START_UP_WINDOW_SECONDS],
    );
    const id = recent.rowCount
      ? null
      : await boss.send(
          name,
          {},
          {
            singletonKey: TRIGGER_KEYS['start-up'],
            db: { executeSql: (text, values) => client.query(text, values) },
          },
        );
    await client.query('commit');
    return id !== null;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

function triggerOf(singletonKey: string | null): JobTrigger {
  if (singletonKey === TRIGGER_KEYS.schedule) return 'schedule';
  if (singletonKey === TRIGGER_KEYS['start-up']) return 'start-up';
  return 'sent';
}

/** pg-boss reports a worker's failure as a copy of the error's fields, not as an Error. */
function asError(error: unknown): unknown {
  if (error instanceof Error || typeof error !== 'object' || error === null) return error;
  const fields = error as { message?: unknown; name?: unknown; stack?: unknown };
  const copy = Object.assign(new Error(String(fields.message ?? 'unknown error')), error);
  if (typeof fields.name === 'string') copy.name = fields.name;
  if (typeof fields.stack === 'string') copy.stack = fields.stack;
  return copy;
}
