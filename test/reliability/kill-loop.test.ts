/**
 * Keep what works (issue 12): kill -9 the broker again and again under an idempotent acks=all
 * producer; every acknowledged record is stored exactly once. `npm test` runs 5 cycles, `npm run
 * soak` 200 (MQ_SOAK_KILL_CYCLES).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { randomTopic } from '../helpers/names.js';
import { waitFor } from '../helpers/wait.js';
import { SpawnedBroker, client, count, lostAndDuplicated, readToEnd, report } from './harness.js';

const cycles = count('MQ_SOAK_KILL_CYCLES', 5);
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('kill -9 loop under an idempotent acks=all producer', () => {
  it(`${cycles} kill -9 cycles: 0 acknowledged records lost, 0 duplicates`, { timeout: 60_000 + cycles * 20_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mq-rel-kill-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const broker = new SpawnedBroker(dataDir);
    cleanups.push(() => broker.kill9());
    await broker.start();
    const kafka = client(broker.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    const topic = randomTopic('kill');
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    await admin.disconnect();

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const acked: string[] = [];
    let failedSends = 0;
    let stop = false;
    const sending = (async () => {
      for (let batch = 0; !stop; batch++) {
        const values = Array.from({ length: 20 }, (_, i) => `b${batch}-r${i}`);
        try {
          await producer.send({ topic, acks: -1, messages: values.map((value, i) => ({ value, partition: i % 3 })) });
          acked.push(...values);
        } catch {
          // Not acknowledged: may be stored or not, but never twice.
          failedSends++;
        }
      }
    })();

    const started = Date.now();
    for (let c = 0; c < cycles; c++) {
      const before = acked.length;
      await waitFor(() => acked.length >= before + 200, { timeoutMs: 30_000, message: `cycle ${c}: acknowledgements resume` });
      // Kill at a random moment within the stream, not just between batches.
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 50)));
      await broker.kill9();
      await broker.start();
    }
    const before = acked.length;
    await waitFor(() => acked.length >= before + 200, { timeoutMs: 30_000, message: 'acknowledgements after the last restart' });
    stop = true;
    await sending;
    await producer.disconnect();

    const stored = await readToEnd(broker.bootstrap, topic);
    const { lost, duplicated } = lostAndDuplicated(acked, stored.map((m) => m.value));
    report('kill-loop', { cycles, acknowledged: acked.length, stored: stored.length, lost: lost.length, duplicated: duplicated.length, failedSends, seconds: Math.round((Date.now() - started) / 1000) });
    expect(lost).toEqual([]);
    expect(duplicated).toEqual([]);
    // Offsets stay contiguous in every partition: nothing was cut out of the middle of a log.
    for (const p of [0, 1, 2]) {
      const offsets = stored.filter((m) => m.partition === p).map((m) => m.offset).sort((a, b) => a - b);
      offsets.forEach((o, i) => expect(o).toBe(i));
    }
    await broker.stop();
  });
});
