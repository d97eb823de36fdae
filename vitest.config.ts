import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Four layers, each its own vitest project (`vitest run --project unit`, ...; `npm test` runs them all):
//   unit         pure logic, in memory, no broker and no sockets beyond a fake: seconds
//   integration  an in-process broker on a real socket, driven by our own code and kafkajs
//   peers        third-party clients (kcat, kafka-python, confluent-kafka) against the in-process broker
//   e2e          the built bins (dist/, `npm run build` first) as child processes
//   browser      mq-dashboard in Debian's Chromium, driven by playwright-core (built assets, `npm run build` first)
// The reference suite runs real Apache Kafka and has its own config and script (npm run test:compat).
const layer = (name: string) => ({ extends: true as const, test: { name, include: [`test/${name}/**/*.test.ts`] } });

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // vitest's default is one worker fewer than the cores: a single worker on a 2-core CI machine, which ran the
    // files one after another. Most of their time is spent waiting on spawned tools, brokers and sockets, so two
    // workers there roughly halve the wall time without starving either.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [layer('unit'), layer('integration'), layer('peers'), layer('e2e'), layer('browser'), layer('reliability')],
  },
});
