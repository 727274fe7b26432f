/**
 * The distributed-deployment suite (test/e2e/cluster): one local cluster (npm run cluster:up) shared by its
 * files, run one file at a time and after the main suite, because its faults stop and restart the machine's
 * PostgreSQL and RabbitMQ.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/e2e/cluster/**/*.test.ts'],
    globalSetup: ['test/e2e/cluster/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
