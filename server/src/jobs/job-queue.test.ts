import { expect } from 'chai';
import { MikroORM } from '@mikro-orm/postgresql';
import { addDays, localDayOf } from '@quetma/shared';
import { ormOptions } from '../db/mikro-orm.config';
import { queryRows } from '../db/sql';
import { openOwnDatabase, sleep, waitFor } from '../../test/own-database';
import type { JobDefinition } from './job-definition';
import { startJobQueue, type JobQueue } from './job-queue';
import { jobDefinitions } from './job-registry';

/**
 * The job queue as several server processes run it: each runner here is what one process starts
 * (its own connections, its own ORM for the runs), all on one database of this file's own.
 */

interface Logged {
  runner: string;
  message: string;
  error?: string;
}

const PHONE = '0912 345 678';
const NAME = 'Nguyễn Thị Hoa';

describe('the job queue', function () {
  this.timeout(60_000);
  let db: Awaited<ReturnType<typeof openOwnDatabase>>;
  const logged: Logged[] = [];
  let runners: JobQueue[] = [];
  const orms: MikroORM[] = [];

  /** One process's queue: polling shortened so that the tests wait seconds, not minutes. */
  async function runner(
    name: string,
    definitions: JobDefinition<any>[],
    options: { worker?: boolean; stopTimeoutMs?: number } = {},
  ): Promise<JobQueue> {
    const queue = await startJobQueue({
      databaseUrl: db.url,
      definitions,
      worker: options.worker ?? true,
      stopTimeoutMs: options.stopTimeoutMs,
      polling: { jobSeconds: 0.5, scheduleSeconds: 1 },
      log: (message, error) =>
        logged.push({ runner: name, message, error: error as string | undefined }),
    });
    runners.push(queue);
    return queue;
  }

  async function sql<R extends Record<string, any> = Record<string, any>>(
    text: string,
    values: unknown[] = [],
  ): Promise<R[]> {
    return queryRows<R>(db.orm, text, values);
  }

  function lines(pattern: string): Logged[] {
    return logged.filter((l) => l.message.includes(pattern));
  }

  before(async () => {
    db = await openOwnDatabase('jobs');
    await sql('create table test_job_run (job text, trigger text, attempt int, at timestamptz)');
  });

  afterEach(async () => {
    await Promise.all(runners.map((r) => r.stop()));
    runners = [];
    logged.length = 0;
  });

  after(async () => {
    await Promise.all(orms.map((orm) => orm.close(true)));
    await db?.drop();
  });

  it('runs a scheduled job once at the time it names, with two runners checking', async () => {
    // a schedule due this minute and no other in the next 24 hours: any second run would be a
    // run too many. With too little of the minute left for both runners to start, take the next.
    const [clock] = await sql<{ second: number }>(
      `select extract(second from now())::float as second`,
    );
    if (clock.second > 45) await sleep((61 - clock.second) * 1000);
    const [now] = await sql<{ minute: string }>(
      `select to_char(now() at time zone 'UTC', 'FMMI FMHH24') as minute`,
    );
    const recorded: JobDefinition = {
      name: 'test-scheduled',
      schedule: { cron: `${now.minute} * * *`, timezone: 'UTC', atStartUp: false },
      retry: { limit: 0, delaySeconds: 0, backoff: false },
      timeoutSeconds: 60,
      run: async (_data, run) => {
        await sql(`insert into test_job_run values ('test-scheduled', $1, $2, now())`, [
          run.trigger,
          run.attempt,
        ]);
        return 'recorded';
      },
    };
    await Promise.all([runner('a', [recorded]), runner('b', [recorded])]);

    await waitFor('the scheduled run', async () => (await runs('test-scheduled')).length > 0);
    const [first] = await runs('test-scheduled');
    // the schedule has been checked again since, while it was still due
    await waitFor(
      'the schedule to be checked after the run',
      async () =>
        (
          await sql<{ later: boolean }>(
            `select cron_on > $1::timestamptz + interval '2 seconds' as later from pgboss.version`,
            [first.at],
          )
        )[0].later,
    );
    await Promise.all(runners.map((r) => r.stop()));

    expect(await runs('test-scheduled')).to.have.length(1);
    expect(first).to.include({ trigger: 'schedule', attempt: 1 });
    expect(lines('job test-scheduled (schedule): recorded')).to.have.length(1);
  });

  it('runs retention once at the start-up of two runners starting together, and daily at 03:00 in Asia/Ho_Chi_Minh', async () => {
    const expiredDay = addDays(localDayOf(new Date()), -40);
    const partition = `scan_p${expiredDay.replaceAll('-', '')}`;
    await sql('select quetma_ensure_scan_partitions($1::date, $1::date)', [expiredDay]);
    const registry = async () => {
      const orm = await MikroORM.init(ormOptions(db.url, { pool: { min: 0, max: 2 } }));
      orms.push(orm);
      return jobDefinitions({ orm, config: { scanRetentionDays: 30 }, now: () => new Date() });
    };
    const [a, b] = await Promise.all([registry(), registry()]);
    await Promise.all([runner('a', a), runner('b', b)]);

    await waitFor('the start-up run of retention', async () =>
      (await retentionRuns()).some((r) => r.state === 'completed'),
    );
    // a server started later the same minute finds the start-up run done
    await runner('c', await registry());

    const ran = await retentionRuns();
    expect(ran.map((r) => [r.trigger, r.state])).to.deep.equal([['start-up', 'completed']]);
    expect(ran[0].summary).to.contain(`dropped 1 scan partition(s) (${partition} … ${partition})`);
    expect(await sql('select to_regclass($1) as found', [partition])).to.deep.equal([
      { found: null },
    ]);
    const done = lines('job scan-retention (start-up): scan retention (30 days');
    expect(done).to.have.length(1);
    expect(done[0].message).to.contain(`dropped 1 scan partition(s) (${partition}`);
    // one of the two queued it (either may have run it); the other and the late one did not
    const queuedNone = lines(
      'job scan-retention: a start-up run was queued in the last 10 minutes; none more',
    ).map((l) => l.runner);
    expect(queuedNone).to.have.length(2);
    expect(queuedNone).to.include('c');
    expect(['a', 'b'].filter((r) => queuedNone.includes(r))).to.have.length(1);

    // the schedule is kept once, whatever the number of runners, and a schedule no job
    // declares any more (the first test's) is gone
    expect(await sql('select name, cron, timezone from pgboss.schedule')).to.deep.equal([
      { name: 'scan-retention', cron: '0 3 * * *', timezone: 'Asia/Ho_Chi_Minh' },
    ]);
    // its retries and time-out are the definition's
    expect(
      await sql(
        `select retry_limit, retry_delay, retry_backoff, expire_seconds from pgboss.queue
         where name = 'scan-retention'`,
      ),
    ).to.deep.equal([
      { retry_limit: 3, retry_delay: 600, retry_backoff: true, expire_seconds: 14_400 },
    ]);
  });

  it('tries a failing job again as its definition says, and logs every failure without person data', async () => {
    const failing: JobDefinition<{ phone: string }> = {
      name: 'test-failing',
      retry: { limit: 2, delaySeconds: 1, backoff: false },
      timeoutSeconds: 60,
      run: async (data, run) => {
        await sql(`insert into test_job_run values ('test-failing', $1, $2, now())`, [
          run.trigger,
          run.attempt,
        ]);
        // PostgreSQL repeats a refused value in its message: "invalid input syntax … "0912 345 678 …""
        await sql('select $1::int', [`${data.phone} ${NAME}`]);
        return 'unreachable';
      },
    };
    // a process without a worker queues it; the two with one run it
    const sender = await runner('sender', [failing], { worker: false });
    await Promise.all([runner('a', [failing]), runner('b', [failing])]);
    const id = await sender.send('test-failing', { phone: PHONE });

    await waitFor('the last attempt to fail', async () => {
      const [job] = await sql(`select state from pgboss.job where id = $1`, [id]);
      return job?.state === 'failed';
    });

    expect((await runs('test-failing')).map((r) => [r.trigger, r.attempt])).to.deep.equal([
      ['sent', 1],
      ['sent', 2],
      ['sent', 3],
    ]);
    expect(logged.filter((l) => l.runner === 'sender')).to.have.length(1); // only "started"
    const failures = lines('job test-failing (sent');
    expect(failures.map((l) => l.message)).to.deep.equal([
      'job test-failing (sent) failed; it is tried again (attempt 2 of 3)',
      'job test-failing (sent, attempt 2 of 3) failed; it is tried again (attempt 3 of 3)',
      'job test-failing (sent, attempt 3 of 3) failed; no attempts left',
    ]);
    for (const failure of failures) {
      expect(failure.error).to.contain('database error 22P02');
      expect(failure.error).not.to.contain('0912');
      expect(failure.error).not.to.contain(NAME);
    }
    // nor does the run's record keep it (pg-boss stores what a run throws)
    const [job] = await sql<{ output: string }>(
      'select output::text as output from pgboss.job where id = $1',
      [id],
    );
    expect(job.output).to.contain('database error 22P02');
    expect(job.output).not.to.contain('0912');
    expect(job.output).not.to.contain(NAME);
  });

  it('waits, when stopped, for a run in progress to end', async () => {
    const gate = openable();
    const slow: JobDefinition = {
      name: 'test-slow',
      retry: { limit: 1, delaySeconds: 0, backoff: false },
      timeoutSeconds: 60,
      run: async () => {
        gate.entered();
        await gate.opened;
        return 'finished';
      },
    };
    const queue = await runner('a', [slow]);
    const id = await queue.send('test-slow');
    await gate.entering;

    let stopped = false;
    const stopping = queue.stop().then(() => (stopped = true));
    await sleep(1_500);
    expect(stopped, 'stop returned while the run was going').to.equal(false);
    expect(await jobState(id)).to.equal('active');
    gate.open();
    await stopping;

    expect(await jobState(id)).to.equal('completed');
    expect(logged.map((l) => l.message).slice(-2)).to.deep.equal([
      'job test-slow (sent): finished',
      'job queue stopped',
    ]);
  });

  it('leaves a run still going when the stop times out to another runner, and keeps its record', async () => {
    const gate = openable();
    const stuck: JobDefinition = {
      name: 'test-stuck',
      retry: { limit: 1, delaySeconds: 0, backoff: false },
      timeoutSeconds: 60,
      run: async (_data, run) => {
        if (run.attempt > 1) return 'taken over';
        gate.entered();
        await gate.opened;
        return 'finished too late';
      },
    };
    const first = await runner('a', [stuck], { stopTimeoutMs: 1_000 });
    const id = await first.send('test-stuck');
    await gate.entering;
    await first.stop();
    expect(await jobState(id)).to.equal('retry');
    expect(
      lines('job queue stopped; test-stuck still running, left to be tried again'),
    ).to.have.length(1);

    await runner('b', [stuck]);
    await waitFor(
      'the other runner to take the run',
      async () => (await jobState(id)) === 'completed',
    );
    expect(lines('job test-stuck (sent, attempt 2 of 2): taken over')).to.have.length(1);

    // the first runner's run ends after all: it records nothing over the second's
    gate.open();
    await waitFor(
      'the abandoned run to end',
      () => lines('ended after the queue stopped').length > 0,
    );
    await sleep(500);
    const [job] = await sql(
      `select state, output->>'summary' as summary from pgboss.job where id = $1`,
      [id],
    );
    expect(job).to.deep.equal({ state: 'completed', summary: 'taken over' });
  });

  async function runs(job: string) {
    return sql<{ trigger: string; attempt: number; at: Date }>(
      'select trigger, attempt, at from test_job_run where job = $1 order by at',
      [job],
    );
  }

  async function retentionRuns() {
    return sql<{ trigger: string; state: string; summary: string }>(
      `select singleton_key as trigger, state::text, output->>'summary' as summary
       from pgboss.job where name = 'scan-retention' order by created_on`,
    );
  }

  async function jobState(id: string): Promise<string | undefined> {
    const [job] = await sql<{ state: string }>('select state::text from pgboss.job where id = $1', [
      id,
    ]);
    return job?.state;
  }
});

/** A run that waits until the test lets it go on. */
function openable() {
  let entered!: () => void;
  let open!: () => void;
  const entering = new Promise<void>((resolve) => (entered = resolve));
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { entering, entered, opened, open };
}
