import 'reflect-metadata';
import { startTestEnv, stopTestEnv } from './harness';

/** Root hooks: one database per run, made before the first test and dropped after the last. */
export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(120_000);
    await startTestEnv();
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    await stopTestEnv();
  },
};
