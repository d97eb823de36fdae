import { defineConfig } from 'vitest/config';

// Reference suite: real Apache Kafka (Java) on loopback, see test/reference/kafka.ts.
// Run through `bash scripts/reference/fetch-kafka.sh && MQ_REFERENCE=1 vitest run -c vitest.reference.config.ts`.
export default defineConfig({
  test: {
    include: ['test/reference/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
    pool: 'forks',
    // Brokers are JVMs on a 2-core machine: one test file at a time, tests in order.
    fileParallelism: false,
    maxWorkers: 1,
    sequence: { concurrent: false },
  },
});
