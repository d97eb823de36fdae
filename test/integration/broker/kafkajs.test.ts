/**
 * The broker through kafkajs 2.2.4, the project's own client: topic admin, configs, records
 * deletion, every acks mode, gzip, the idempotent producer, and a byte-exact read back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompressionTypes, Kafka, logLevel, type Admin } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { randomTopic } from '../../helpers/names.js';
import { rawRequest } from '../../helpers/raw.js';
import { CreateTopics } from '../../../src/engine/protocol/messages/19-create-topics.js';

let tb: TestBroker;
let kafka: Kafka;
let admin: Admin;

beforeAll(async () => {
  tb = await startTestBroker();
  kafka = new Kafka({ clientId: 'mq-test', brokers: [tb.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 2 } });
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  await admin?.disconnect();
  await tb?.stop();
});

async function consumeAll(topic: string, expected: number, partition?: number) {
  const consumer = kafka.consumer({ groupId: `g-${topic}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const got: { partition: number; offset: string; key: Buffer | null; value: Buffer | null; headers: Record<string, unknown>; timestamp: string }[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${got.length}/${expected} records arrived`)), 20_000);
    void consumer.run({
      eachMessage: async ({ partition: p, message }) => {
        if (partition !== undefined && p !== partition) return;
        const { offset, key, value, headers, timestamp } = message;
        got.push({ partition: p, offset, key, value, headers: headers ?? {}, timestamp });
        if (got.length >= expected) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return got;
}

describe('topic administration', () => {
  it('creates, lists, describes, grows and deletes topics', async () => {
    const t = randomTopic();
    expect(await admin.createTopics({ topics: [{ topic: t, numPartitions: 3 }] })).toBe(true);
    // kafkajs answers false when the topic already exists.
    expect(await admin.createTopics({ topics: [{ topic: t, numPartitions: 3 }] })).toBe(false);
    expect(await admin.listTopics()).toContain(t);
    let meta = await admin.fetchTopicMetadata({ topics: [t] });
    expect(meta.topics[0]!.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);
    expect(meta.topics[0]!.partitions[0]!.leader).toBe(1);
    await admin.createPartitions({ topicPartitions: [{ topic: t, count: 5 }] });
    meta = await admin.fetchTopicMetadata({ topics: [t] });
    expect(meta.topics[0]!.partitions).toHaveLength(5);
    await admin.deleteTopics({ topics: [t] });
    expect(await admin.listTopics()).not.toContain(t);
  });

  it("refuses replication factor above 1 with Kafka's message", async () => {
    const t = randomTopic();
    await expect(admin.createTopics({ topics: [{ topic: t, numPartitions: 1, replicationFactor: 3 }] })).rejects.toMatchObject({
      errors: [expect.objectContaining({ type: 'INVALID_REPLICATION_FACTOR' })],
    });
    const r = await rawRequest(tb.bootstrap, CreateTopics, 5, {
      topics: [{ name: t, numPartitions: 1, replicationFactor: 3, assignments: [], configs: [] }],
      timeoutMs: 1000,
    });
    expect(r.topics[0]!.errorMessage).toBe('Unable to replicate the partition 3 time(s): The target replication factor of 3 cannot be reached because only 1 broker(s) are registered.');
    expect(await admin.listTopics()).not.toContain(t);
  });

  it('refuses illegal topic names', async () => {
    await expect(admin.createTopics({ topics: [{ topic: 'bad name!' }] })).rejects.toMatchObject({
      errors: [expect.objectContaining({ type: 'INVALID_TOPIC_EXCEPTION' })],
    });
    const r = await rawRequest(tb.bootstrap, CreateTopics, 5, {
      topics: [{ name: 'bad name!', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 1000,
    });
    expect(r.topics[0]!.errorMessage).toBe("Topic name is invalid: 'bad name!' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'");
  });

  it('describes and alters topic configs', async () => {
    const t = randomTopic();
    await admin.createTopics({ topics: [{ topic: t, configEntries: [{ name: 'retention.ms', value: '1000000' }] }] });
    const described = await admin.describeConfigs({ resources: [{ type: 2, name: t }], includeSynonyms: false });
    const entries = described.resources[0]!.configEntries;
    const byName = new Map(entries.map((e) => [e.configName, e]));
    expect(byName.get('retention.ms')!.configValue).toBe('1000000');
    expect(byName.get('retention.ms')!.isDefault).toBe(false);
    expect(byName.get('cleanup.policy')!.configValue).toBe('delete');
    expect(byName.get('max.message.bytes')!.configValue).toBe('1048588');
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: t, configEntries: [{ name: 'segment.bytes', value: '1048576' }] }] });
    const after = await admin.describeConfigs({ resources: [{ type: 2, name: t, configNames: ['segment.bytes', 'retention.ms'] }], includeSynonyms: false });
    const afterBy = new Map(after.resources[0]!.configEntries.map((e) => [e.configName, e.configValue]));
    expect(afterBy.get('segment.bytes')).toBe('1048576');
    // AlterConfigs replaces the whole override set, as in Kafka.
    expect(afterBy.get('retention.ms')).toBe('604800000');
  });

  it('rejects unknown config names and bad values', async () => {
    const t = randomTopic();
    await expect(admin.createTopics({ topics: [{ topic: t, configEntries: [{ name: 'no.such.config', value: '1' }] }] })).rejects.toMatchObject({
      errors: [expect.objectContaining({ type: 'INVALID_CONFIG' })],
    });
    const bad = async (name: string, value: string) =>
      (await rawRequest(tb.bootstrap, CreateTopics, 5, {
        topics: [{ name: t, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name, value }] }],
        timeoutMs: 1000,
      })).topics[0]!.errorMessage;
    expect(await bad('no.such.config', '1')).toBe('Unknown topic config name: no.such.config');
    expect(await bad('retention.ms', 'abc')).toBe('Invalid value abc for configuration retention.ms: Not a number of type LONG');
    expect(await admin.listTopics()).not.toContain(t);
  });
});

describe('produce and consume', () => {
  it.each([
    ['acks=-1', -1],
    ['acks=1', 1],
  ])('round-trips keys, headers and timestamps byte for byte (%s)', async (_name, acks) => {
    const t = randomTopic();
    await admin.createTopics({ topics: [{ topic: t, numPartitions: 1 }] });
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const messages = Array.from({ length: 50 }, (_, i) => ({
      key: i % 5 === 0 ? null : Buffer.from(`key-${i}`),
      value: i === 7 ? null : Buffer.from([i, 0, 255, 10, 13, i]),
      headers: { h: Buffer.from(`v${i}`), bin: Buffer.from([0, 1, 2]) },
      timestamp: String(1_600_000_000_000 + i),
    }));
    const [meta] = await producer.send({ topic: t, acks, messages });
    expect(meta!.errorCode).toBe(0);
    expect(meta!.baseOffset).toBe('0');
    await producer.disconnect();
    const got = await consumeAll(t, messages.length);
    got.sort((a, b) => Number(a.offset) - Number(b.offset));
    got.forEach((m, i) => {
      expect(m.offset).toBe(String(i));
      expect(m.key).toEqual(messages[i]!.key);
      expect(m.value).toEqual(messages[i]!.value);
      expect(m.timestamp).toBe(messages[i]!.timestamp);
      expect(m.headers.h).toEqual(messages[i]!.headers.h);
      expect(m.headers.bin).toEqual(Buffer.from([0, 1, 2]));
    });
  });

  it('accepts acks=0 without answering and stores the records', async () => {
    const t = randomTopic();
    await admin.createTopics({ topics: [{ topic: t, numPartitions: 1 }] });
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < 5; i++) await producer.send({ topic: t, acks: 0, messages: [{ value: `fire-${i}` }] });
    await producer.disconnect();
    const got = await consumeAll(t, 5);
    expect(got.map((m) => m.value!.toString()).sort()).toEqual(['fire-0', 'fire-1', 'fire-2', 'fire-3', 'fire-4']);
  });

  it('stores gzip batches and serves them back', async () => {
    const t = randomTopic();
    await admin.createTopics({ topics: [{ topic: t, numPartitions: 1 }] });
    const producer = kafka.producer();
    await producer.connect();
    const messages = Array.from({ length: 200 }, (_, i) => ({ key: `k${i}`, value: 'compressible '.repeat(20) + i }));
    await producer.send({ topic: t, compression: CompressionTypes.GZIP, messages });
    await producer.disconnect();
    const got = await consumeAll(t, 200);
    expect(got.map((m) => m.value!.toString())).toEqual(messages.map((m) => m.value));
  });

  it('de-duplicates retries of the idempotent producer', async () => {
    const t = randomTopic();
    await admin.createTopics({ topics: [{ topic: t, numPartitions: 2 }] });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let i = 0; i < 10; i++) await producer.send({ topic: t, acks: -1, messages: [{ key: `k${i}`, value: `v${i}` }] });
    await producer.disconnect();
    const offsets = await admin.fetchTopicOffsets(t);
    expect(offsets.reduce((n, p) => n + Number(p.high), 0)).toBe(10);
  });

  it('deletes records below an offset', async () => {
    const t = randomTopic();
    await admin.createTopics({ topics: [{ topic: t, numPartitions: 1 }] });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: t, messages: Array.from({ length: 10 }, (_, i) => ({ value: `r${i}` })) });
    await producer.disconnect();
    // kafkajs looks up the leader in its metadata cache before refreshing it.
    await admin.fetchTopicMetadata({ topics: [t] });
    await admin.deleteTopicRecords({ topic: t, partitions: [{ partition: 0, offset: '4' }] });
    const [p] = await admin.fetchTopicOffsets(t);
    expect(p!.low).toBe('4');
    expect(p!.high).toBe('10');
    const got = await consumeAll(t, 6);
    expect(got.map((m) => m.value!.toString())).toEqual(['r4', 'r5', 'r6', 'r7', 'r8', 'r9']);
  });

  it('finds offsets by timestamp', async () => {
    const t = randomTopic();
    await admin.createTopics({ topics: [{ topic: t, numPartitions: 1 }] });
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < 5; i++) await producer.send({ topic: t, messages: [{ value: `t${i}`, timestamp: String(1_700_000_000_000 + i * 1000) }] });
    await producer.disconnect();
    const [p] = await admin.fetchTopicOffsetsByTimestamp(t, 1_700_000_002_500);
    expect(p!.offset).toBe('3');
  });
});
