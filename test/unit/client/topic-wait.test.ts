/**
 * Found against real Apache Kafka (test/reference/suite-a-mq-on-kafka.test.ts): a topic created a
 * moment ago (or being auto-created) is UNKNOWN_TOPIC_OR_PARTITION in Metadata for a while (KRaft
 * propagates it asynchronously), and mq-console-producer gave up after 200 ms claiming the broker
 * does not create topics automatically. TopicWait against a scripted peer, without Java.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Cluster } from '../../../src/engine/client/cluster.js';
import type { Struct } from '../../helpers/struct.js';
import { TopicWait } from '../../../src/commands/shared/topic-wait.js';
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

describe('TopicWait', () => {
  const brokerConfigs = (autoCreate: string): Struct => ({
    throttleTimeMs: 0,
    results: [{
      errorCode: 0, errorMessage: null, resourceType: 4, resourceName: '1',
      configs: [{ name: 'auto.create.topics.enable', value: autoCreate, readOnly: true, configSource: 4, isSensitive: false, synonyms: [], configType: 1, documentation: null }],
    }],
  });

  async function waitFor(unknownAnswers: number, autoCreate: string, opts: { graceMs?: number; timeoutMs?: number }) {
    let asked = 0;
    fake = await startFakeKafka({ 3: 9, 32: 4 }, (apiKey) => {
      if (apiKey === 32) return brokerConfigs(autoCreate);
      return metadataAnswer(() => fake!, []);
    });
    const cluster = await Cluster.connect([fake.address]);
    const wait = new TopicWait(cluster, opts);
    try {
      for (;;) {
        const code = ++asked <= unknownAnswers ? 3 : 0;
        if (code === 0) return { result: 'found' as const, asked, ms: wait.elapsedMs };
        const stop = await wait.next(code);
        if (stop) return { result: stop, asked, ms: wait.elapsedMs };
      }
    } finally {
      await cluster.close();
    }
  }

  it('waits past the grace period when the broker auto-creates topics (or the topic was just created)', async () => {
    const r = await waitFor(8, 'true', { graceMs: 300, timeoutMs: 10_000 });
    expect(r.result).toBe('found');
    expect(r.ms).toBeGreaterThan(300);
    expect(fake!.seen).toContain(32);
  });

  it('stops soon after the grace period when auto.create.topics.enable=false', async () => {
    const r = await waitFor(1000, 'false', { graceMs: 300, timeoutMs: 10_000 });
    expect(r.result).toBe('no-auto-create');
    expect(r.ms).toBeLessThan(2000);
  });

  it('stops at the timeout otherwise', async () => {
    const r = await waitFor(1000, 'true', { graceMs: 100, timeoutMs: 700 });
    expect(r.result).toBe('timeout');
    expect(r.ms).toBeLessThan(1500);
  });
});
