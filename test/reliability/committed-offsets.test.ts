/**
 * Keep what works (issue 12): committed offsets survive kill -9 and never move backwards. Commits
 * stream in (OffsetCommit as a consumer outside a generation sends it, Kafka's "simple" commit);
 * the broker is killed at random moments, and after every restart each partition's committed
 * offset is at least the last one the broker acknowledged before the kill, and at least what was
 * read after the previous restart. `npm test` runs 5 cycles, the soak MQ_SOAK_OFFSET_CYCLES.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { randomGroup, randomTopic } from '../helpers/names.js';
import { rawRequest } from '../helpers/raw.js';
import { waitFor } from '../helpers/wait.js';
import { OffsetCommit } from '../../src/engine/protocol/messages/08-offset-commit.js';
import { OffsetFetch } from '../../src/engine/protocol/messages/09-offset-fetch.js';
import { SpawnedBroker, client, count, report } from './harness.js';

const cycles = count('MQ_SOAK_OFFSET_CYCLES', 5);
const PARTITIONS = [0, 1, 2];
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function commit(bootstrap: string, group: string, topic: string, offset: number): Promise<boolean> {
  const r = await rawRequest(bootstrap, OffsetCommit, 8, {
    groupId: group,
    generationIdOrMemberEpoch: -1,
    memberId: '',
    groupInstanceId: null,
    topics: [
      {
        name: topic,
        partitions: PARTITIONS.map((p) => ({ partitionIndex: p, committedOffset: offset + p, committedLeaderEpoch: -1, committedMetadata: null })),
      },
    ],
  });
  return r.topics.every((t) => t.partitions.every((p) => p.errorCode === 0));
}

async function committed(bootstrap: string, group: string, topic: string): Promise<number[]> {
  const groups = [{ groupId: group, topics: [{ name: topic, partitionIndexes: PARTITIONS }] }];
  const r = await rawRequest(bootstrap, OffsetFetch, 8, { groups, requireStable: false });
  const parts = r.groups[0]!.topics[0]!.partitions;
  return PARTITIONS.map((p) => Number(parts.find((x) => x.partitionIndex === p)!.committedOffset));
}

describe('committed offsets across kill -9', () => {
  it(`${cycles} kill -9 cycles under a stream of commits: no committed offset moves backwards`, { timeout: 60_000 + cycles * 20_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mq-rel-offsets-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const broker = new SpawnedBroker(dataDir);
    cleanups.push(() => broker.kill9());
    await broker.start();
    const topic = randomTopic('offsets');
    const group = randomGroup('committer');
    const admin = client(broker.bootstrap).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS.length }], waitForLeaders: true });
    await admin.disconnect();

    let next = 1;
    let lastAcked = 0;
    let stop = false;
    const committing = (async () => {
      while (!stop) {
        const offset = next;
        try {
          if (await commit(broker.bootstrap, group, topic, offset)) {
            lastAcked = Math.max(lastAcked, offset);
            next = offset + 1;
          }
        } catch {
          // The broker is down: retry the same offset once it is back.
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    })();

    let previous = PARTITIONS.map(() => 0);
    let checks = 0;
    for (let c = 0; c < cycles; c++) {
      const from = lastAcked;
      await waitFor(() => lastAcked >= from + 20, { timeoutMs: 30_000, message: `cycle ${c}: commits resume` });
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 50)));
      await broker.kill9();
      const ackedBeforeKill = lastAcked;
      await broker.start();
      const now = await committed(broker.bootstrap, group, topic);
      for (const p of PARTITIONS) {
        expect(now[p], `partition ${p} after kill ${c}`).toBeGreaterThanOrEqual(ackedBeforeKill + p);
        expect(now[p], `partition ${p} after kill ${c}`).toBeGreaterThanOrEqual(previous[p]!);
        checks++;
      }
      previous = now;
    }
    stop = true;
    await committing;
    report('committed-offsets', { cycles, commitsAcknowledged: lastAcked, partitionChecks: checks, movedBackwards: 0 });
    await broker.stop();
  });
});
