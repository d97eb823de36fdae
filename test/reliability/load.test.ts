/**
 * Keep what works (issue 12): N producers and N consumers in G groups against a spawned broker;
 * every group reads every acknowledged record exactly once. The groups are stable before the
 * first record, so a duplicate can only come from the broker. `npm test` runs 4/4/2 for 8 s, the
 * soak 20/20/5 for 180 s (MQ_SOAK_LOAD_PRODUCERS, _CONSUMERS, _GROUPS, _SECONDS).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Consumer } from 'kafkajs';
import { randomTopic } from '../helpers/names.js';
import { waitFor } from '../helpers/wait.js';
import { SpawnedBroker, client, count, lostAndDuplicated, report } from './harness.js';

const producers = count('MQ_SOAK_LOAD_PRODUCERS', 4);
const consumers = count('MQ_SOAK_LOAD_CONSUMERS', 4);
const groups = count('MQ_SOAK_LOAD_GROUPS', 2);
const seconds = count('MQ_SOAK_LOAD_SECONDS', 8);
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('load: producers and consumers in groups', () => {
  it(`${producers} producers, ${consumers} consumers in ${groups} groups for ${seconds} s: nothing lost, nothing duplicated per group`, {
    timeout: 120_000 + seconds * 3000,
  }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mq-rel-load-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const broker = new SpawnedBroker(dataDir);
    cleanups.push(() => broker.kill9());
    await broker.start();
    const kafka = client(broker.bootstrap, 'load');
    const topic = randomTopic('load');
    const perGroup = Math.max(1, Math.ceil(consumers / groups));
    const partitions = Math.max(4, perGroup * 2);
    const admin = kafka.admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });

    const groupIds = Array.from({ length: groups }, (_, g) => `load-${topic}-g${g}`);
    const readBy = new Map(groupIds.map((g) => [g, [] as string[]]));
    const members: Consumer[] = [];
    for (let c = 0; c < consumers; c++) {
      const groupId = groupIds[c % groups]!;
      const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void readBy.get(groupId)!.push(message.value!.toString()) });
      members.push(consumer);
      cleanups.push(() => consumer.disconnect());
    }
    const sizes = groupIds.map((_, g) => members.filter((__, c) => c % groups === g).length);
    await waitFor(async () => {
      const d = await admin.describeGroups(groupIds);
      return d.groups.every((g, i) => g.state === 'Stable' && g.members.length === sizes[i]);
    }, { timeoutMs: 60_000, message: 'every group stable with all its members' });

    const deadline = Date.now() + seconds * 1000;
    const acked: string[] = [];
    let failedSends = 0;
    await Promise.all(
      Array.from({ length: producers }, async (_, p) => {
        const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
        await producer.connect();
        for (let b = 0; Date.now() < deadline; b++) {
          const values = Array.from({ length: 10 }, (__, i) => `p${p}-b${b}-${i}`);
          try {
            await producer.send({ topic, acks: -1, messages: values.map((value) => ({ value })) });
            acked.push(...values);
          } catch {
            failedSends++;
          }
        }
        await producer.disconnect();
      }),
    );
    await waitFor(() => groupIds.every((g) => readBy.get(g)!.length >= acked.length), {
      timeoutMs: 60_000 + seconds * 500,
      message: `every group reads all ${acked.length} acknowledged records`,
    });
    const figures: Record<string, number> = { producers, consumers, groups, seconds, partitions, acknowledged: acked.length, failedSends };
    let lostTotal = 0;
    let duplicatedTotal = 0;
    for (const g of groupIds) {
      const { lost, duplicated } = lostAndDuplicated(acked, readBy.get(g)!);
      lostTotal += lost.length;
      duplicatedTotal += duplicated.length;
    }
    report('load', { ...figures, lost: lostTotal, duplicated: duplicatedTotal });
    for (const g of groupIds) {
      const { lost, duplicated } = lostAndDuplicated(acked, readBy.get(g)!);
      expect(lost, `lost in ${g}`).toEqual([]);
      expect(duplicated, `duplicated in ${g}`).toEqual([]);
    }
    expect(failedSends).toBe(0);
    expect(acked.length).toBeGreaterThan(0);
  });
});
