/**
 * A job the queue runs (jobs/job-queue.ts): scheduled work (retention; the daily sweep and
 * bulletin next) or work sent on demand (webhook deliveries next). Each is declared once, in
 * jobs/job-registry.ts, with how often it runs and how a failure is tried again.
 */
export interface JobDefinition<Data extends object = object> {
  /**
   * The queue's name: lowercase words joined by hyphens, and never renamed (runs already queued
   * and retries carry it).
   */
  name: string;
  /**
   * Does the work. Its answer is the line logged when it succeeds and kept as the run's output:
   * say what was done, never with person data. A throw fails the run (see `retry`).
   */
  run(data: Data, run: JobRun): Promise<string>;
  /**
   * A failed run is tried `limit` more times, `delaySeconds` after the failure, or with `backoff`
   * after a delay that doubles each time (with jitter: between 1× and 2× of delaySeconds × 2^n/2).
   */
  retry: { limit: number; delaySeconds: number; backoff: boolean };
  /** A run still going after this long counts as failed, and is tried again as `retry` says. */
  timeoutSeconds: number;
  /**
   * When it runs by itself, once across all server processes: at each time the cron expression
   * (five fields, minutes and up) names in `timezone`, and, when `atStartUp`, soon after a
   * server starts (once for servers starting within START_UP_WINDOW_SECONDS of one another).
   * Without a schedule, a job only runs when sent (`JobQueue.send`).
   */
  schedule?: { cron: string; timezone: string; atStartUp: boolean };
}

/** What started this run, and which attempt it is. */
export interface JobRun {
  id: string;
  trigger: JobTrigger;
  /** 1 for the first attempt, 2 for the first retry … */
  attempt: number;
  /** 1 + retry.limit */
  attempts: number;
}

export type JobTrigger = 'schedule' | 'start-up' | 'sent';
