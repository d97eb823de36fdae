/**
 * Found against real Apache Kafka (test/reference/suite-a-mq-on-kafka.test.ts): a fresh cluster
 * answers FindCoordinator with COORDINATOR_NOT_AVAILABLE until it has created __consumer_offsets,
 * and mq-console-consumer failed with "Failed to find group coordinator". Reproduced with a
 * scripted peer so it runs without Java.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Cluster } from '../../../src/engine/client/cluster.js';
import type { Struct } from '../../helpers/struct.js';
import { startFakeKafka, type FakeKafka } from './fake-kafka.js';

let fake: FakeKafka | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const metadataAnswer = (f: () => FakeKafka, topics: Struct[]): Struct => ({
  throttleTimeMs: 0,
  brokers: [{ nodeId: 1, host: f().host, port: f().port, rack: null }],
  clusterId: 'c',
  controllerId: 1,
  topics,
  clusterAuthorizedOperations: -2147483648,
});

describe('Cluster.coordinator', () => {
  it('keeps asking while the coordinator is not available yet (fresh cluster), then connects', async () => {
    let asked = 0;
    fake = await startFakeKafka({ 10: 4, 3: 9 }, (apiKey) => {
      if (apiKey === 10) {
        asked++;
        const code = asked <= 4 ? 15 : 0;
        return { throttleTimeMs: 0, coordinators: [{ key: 'g', nodeId: 1, host: fake!.host, port: fake!.port, errorCode: code, errorMessage: null }] };
      }
      return metadataAnswer(() => fake!, []);
    });
    const cluster = await Cluster.connect([fake.address]);
    try {
      const conn = await cluster.coordinator('g');
      expect(conn.address).toBe(fake.address);
      expect(asked).toBe(5);
    } finally {
      await cluster.close();
    }
  });

  it('gives up after waitMs with the broker error', async () => {
    fake = await startFakeKafka({ 10: 4 }, () => ({
      throttleTimeMs: 0,
      coordinators: [{ key: 'g', nodeId: -1, host: '', port: -1, errorCode: 15, errorMessage: 'The coordinator is not available.' }],
    }));
    const cluster = await Cluster.connect([fake.address]);
    try {
      const t0 = Date.now();
      await expect(cluster.coordinator('g', 0, 800)).rejects.toThrow('The coordinator is not available.');
      expect(Date.now() - t0).toBeLessThan(3000);
    } finally {
      await cluster.close();
    }
  });
});
