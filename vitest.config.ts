import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/infra/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Kafka and PostgreSQL suites start real servers; two cores cannot run many at once.
    maxWorkers: 2,
    pool: 'forks',
  },
});
