/**
 * DescribeTopicPartitions v0 (KIP-966), which Kafka's 3.8+ admin client (kafka-topics --describe)
 * tries before Metadata. Found by suite B: mq did not have it, so Kafka's tools fell back to
 * Metadata and printed `Elr: N/A\tLastKnownElr: N/A` where a Kafka broker gives empty lists
 * (`Elr: \tLastKnownElr: `). Checked here: names in order, unknown topics, all topics for an empty
 * list, the partition limit and paging with the cursor.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { rawRequest } from '../../helpers/raw.js';
import { CreateTopics } from '../../../src/engine/protocol/messages/19-create-topics.js';
import { DescribeTopicPartitions } from '../../../src/engine/protocol/messages/75-describe-topic-partitions.js';

let tb: TestBroker;
beforeAll(async () => {
  tb = await startTestBroker();
  for (const [name, numPartitions] of [['dtp-b', 3], ['dtp-a', 2]] as const) {
    const r = await rawRequest(tb.bootstrap, CreateTopics, 7, {
      topics: [{ name, numPartitions, replicationFactor: -1, assignments: [], configs: [] }],
      timeoutMs: 5000,
      validateOnly: false,
    });
    expect(r.topics[0]!.errorCode).toBe(0);
  }
});
afterAll(async () => {
  await tb?.stop();
});

type Cursor = { topicName: string; partitionIndex: number } | null;
const dtp = (topics: string[], limit = 2000, cursor: Cursor = null) =>
  rawRequest(tb.bootstrap, DescribeTopicPartitions, 0, { topics: topics.map((name) => ({ name })), responsePartitionLimit: limit, cursor });

describe('DescribeTopicPartitions', () => {
  it('describes the named topics in name order, with empty ELR lists', async () => {
    const r = await dtp(['dtp-b', 'dtp-a']);
    expect(r.topics.map((t) => t.name)).toEqual(['dtp-a', 'dtp-b']);
    const a = r.topics[0]!;
    expect(a).toMatchObject({ errorCode: 0, isInternal: false });
    expect(a.topicId).toMatch(/^[0-9a-f]{32}$/);
    expect(a.topicId).not.toBe('00000000000000000000000000000000');
    expect(a.partitions).toEqual([0, 1].map((p) => ({
      errorCode: 0, partitionIndex: p, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1],
      eligibleLeaderReplicas: [], lastKnownElr: [], offlineReplicas: [],
    })));
    expect(r.topics[1]!.partitions).toHaveLength(3);
    expect(r.nextCursor).toBeNull();
  });

  it('an unknown topic gets UNKNOWN_TOPIC_OR_PARTITION; an empty list means every topic', async () => {
    const r = await dtp(['nope']);
    expect(r.topics).toEqual([expect.objectContaining({ errorCode: 3, name: 'nope', topicId: '00000000000000000000000000000000', partitions: [] })]);
    const all = await dtp([]);
    expect(all.topics.map((t) => t.name)).toEqual(['dtp-a', 'dtp-b']);
  });

  it('pages with responsePartitionLimit and the cursor', async () => {
    const seen: string[] = [];
    let cursor: Cursor = null;
    for (let i = 0; i < 10; i++) {
      const r = await dtp(['dtp-a', 'dtp-b'], 2, cursor);
      for (const t of r.topics) for (const p of t.partitions) seen.push(`${t.name}-${p.partitionIndex}`);
      expect(r.topics.reduce((n, t) => n + t.partitions.length, 0)).toBeLessThanOrEqual(2);
      cursor = r.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual(['dtp-a-0', 'dtp-a-1', 'dtp-b-0', 'dtp-b-1', 'dtp-b-2']);
    // The first page ends with topic a: the cursor points at b's first partition.
    expect((await dtp(['dtp-a', 'dtp-b'], 2)).nextCursor).toEqual({ topicName: 'dtp-b', partitionIndex: 0 });
  });
});
