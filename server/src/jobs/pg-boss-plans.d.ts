/** The two statements of pg-boss 10's plans (src/plans.js) that job-queue.ts needs to recognise. */
declare module 'pg-boss/src/plans' {
  export function completeJobs(schema: string): string;
  export function failJobsById(schema: string): string;
}
