/**
 * A storage failure seen from a client on a real socket: the broker runs in-process with its
 * partition logs on the in-memory file system, one partition's disk write fails, and the client
 * gets KAFKA_STORAGE_ERROR (56) for that partition only, while the other partition keeps taking
 * and serving records. After a restart the partition is recovered with every acknowledged record.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { Broker } from '../../../src/engine/broker/broker.js';
import { MemFs } from '../../../src/engine/log/mem-fs.js';
import { Fetch } from '../../../src/engine/protocol/messages/01-fetch.js';
import { Produce } from '../../../src/engine/protocol/messages/00-produce.js';
import { ListOffsets } from '../../../src/engine/protocol/messages/02-list-offsets.js';
import { Metadata } from '../../../src/engine/protocol/messages/03-metadata.js';
import type { RequestInput } from '../../../src/engine/protocol/schema.js';
import { rawRequest } from '../../helpers/raw.js';
import { batchesIn, makeBatch } from '../../unit/log/batch-builder.js';

const TOPIC = 'storage-errors';
let dataDir: string;
let memFs: MemFs;
let broker: Broker | undefined;

const boot = () => Broker.start({ dataDir, host: '127.0.0.1', port: 0, logFs: memFs });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mq-storage-error-'));
  memFs = new MemFs();
  broker = await boot();
});

afterAll(async () => {
  await broker?.close();
  await rm(dataDir, { recursive: true, force: true });
});

function kafka(): Kafka {
  return new Kafka({ brokers: [broker!.address], clientId: 'storage-error-test', logLevel: logLevel.NOTHING, retry: { retries: 0 } });
}

async function withProducer<T>(fn: (p: Producer) => Promise<T>): Promise<T> {
  const p = kafka().producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
  await p.connect();
  try {
    return await fn(p);
  } finally {
    await p.disconnect();
  }
}

/** One Produce v9 request carrying a batch for each of the given partitions. */
async function produceRaw(partitions: number[]) {
  const request: RequestInput<typeof Produce> = {
    transactionalId: null,
    acks: -1,
    timeoutMs: 5000,
    topicData: [{ name: TOPIC, partitionData: partitions.map((index) => ({ index, records: makeBatch([{ value: `raw-${index}` }]) })) }],
  };
  const r = await rawRequest(broker!.address, Produce, 9, request);
  return new Map(r.responses[0]!.partitionResponses.map((p) => [p.index, p]));
}

async function fetchRaw(partition: number, fetchOffset: number) {
  const request: RequestInput<typeof Fetch> = {
    maxWaitMs: 0,
    minBytes: 0,
    isolationLevel: 0,
    sessionId: 0,
    topics: [{ topic: TOPIC, partitions: [{ partition, fetchOffset, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [],
    rackId: '',
  };
  const r = await rawRequest(broker!.address, Fetch, 12, request);
  const p = r.responses[0]!.partitions[0]!;
  const records = p.records;
  return { errorCode: p.errorCode, highWatermark: p.highWatermark, offsets: Buffer.isBuffer(records) ? batchesIn(records).map((b) => b.baseOffset) : [] };
}

describe('KAFKA_STORAGE_ERROR through the broker', () => {
  it('answers 56 for the failed partition only, keeps serving the other, and recovers on restart', async () => {
    const admin = kafka().admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 2 }] });
    await admin.disconnect();

    await withProducer(async (p) => {
      for (let i = 0; i < 3; i++) await p.send({ topic: TOPIC, acks: -1, messages: [{ value: `p0-${i}`, partition: 0 }, { value: `p1-${i}`, partition: 1 }] });
    });

    // The next write to partition 0's segment is torn by a failing disk.
    memFs.failNext('write', 'EIO', { path: join(dataDir, 'logs', `${TOPIC}-0`), afterBytes: 25 });
    const answer = await produceRaw([0, 1]);
    expect(answer.get(0)).toMatchObject({ errorCode: 56, baseOffset: -1 });
    expect(answer.get(0)!.errorMessage).toContain('EIO');
    expect(answer.get(1)).toMatchObject({ errorCode: 0, baseOffset: 3 });

    // kafkajs sees Kafka's error for partition 0 and succeeds on partition 1.
    await withProducer(async (p) => {
      await expect(p.send({ topic: TOPIC, acks: -1, messages: [{ value: 'again', partition: 0 }] })).rejects.toMatchObject({
        name: 'KafkaJSNumberOfRetriesExceeded',
        cause: { type: 'KAFKA_STORAGE_ERROR', code: 56 },
      });
      const ok = await p.send({ topic: TOPIC, acks: -1, messages: [{ value: 'fine', partition: 1 }] });
      expect(ok[0]).toMatchObject({ partition: 1, errorCode: 0, baseOffset: '4' });
    });

    expect(await fetchRaw(0, 0)).toMatchObject({ errorCode: 56, highWatermark: -1, offsets: [] });
    expect(await fetchRaw(0, 3)).toMatchObject({ errorCode: 56 });
    expect(await fetchRaw(1, 0)).toEqual({ errorCode: 0, highWatermark: 5, offsets: [0, 1, 2, 3, 4] });

    // ListOffsets answers the error instead of closing the connection; Metadata lists the replica
    // as offline and keeps the leader (there is no other broker to move it to).
    const offsets = await rawRequest(broker!.address, ListOffsets, 9, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, timestamp: 1 }, { partitionIndex: 1, timestamp: -1 }] }],
    });
    expect(offsets.topics[0]!.partitions.map((p) => [p.partitionIndex, p.errorCode, p.offset])).toEqual([
      [0, 56, -1],
      [1, 0, 5],
    ]);
    const md = await rawRequest(broker!.address, Metadata, 12, { topics: [{ name: TOPIC, topicId: '00000000000000000000000000000000' }], allowAutoTopicCreation: false });
    expect(md.topics[0]!.partitions.map((p) => [p.partitionIndex, p.errorCode, p.leaderId, p.offlineReplicas])).toEqual([
      [0, 0, 1, [1]],
      [1, 0, 1, []],
    ]);

    // Restart over the same (in-memory) logs: recovery cuts the torn batch, nothing acked is lost.
    await broker!.close();
    broker = await boot();
    expect(await fetchRaw(0, 0)).toEqual({ errorCode: 0, highWatermark: 3, offsets: [0, 1, 2] });
    expect((await produceRaw([0])).get(0)).toMatchObject({ errorCode: 0, baseOffset: 3 });
    const after = await rawRequest(broker.address, Metadata, 12, { topics: [{ name: TOPIC, topicId: '00000000000000000000000000000000' }], allowAutoTopicCreation: false });
    expect(after.topics[0]!.partitions.map((p) => p.offlineReplicas)).toEqual([[], []]);
    expect(await fetchRaw(1, 0)).toMatchObject({ errorCode: 0, highWatermark: 5 });
  });
});
