/**
 * Transactional data and markers through the real broker on a real socket: transactional batches
 * produced over the wire with a producer id from InitProducerId, COMMIT/ABORT markers appended
 * through the partition's appendMarker (as the transaction coordinator does), then Fetch
 * read_committed vs read_uncommitted (raw, kafkajs and mq's consumer), ListOffsets at both
 * isolation levels, DescribeProducers, DeleteRecords, and a client's control batch refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { createTopics, kafkaClient } from '../../helpers/kafkajs.js';
import { randomGroup, randomTopic } from '../../helpers/names.js';
import { rawRequest } from '../../helpers/raw.js';
import { makeBatch } from '../../unit/log/batch-builder.js';
import { Cluster } from '../../../src/engine/client/cluster.js';
import { AssignedConsumer } from '../../../src/engine/client/consumer.js';
import { decodeRecords } from '../../../src/engine/client/record-reader.js';
import type { PartitionLog } from '../../../src/engine/log/partition-log.js';
import { encodeMarkerBatch, type MarkerType } from '../../../src/engine/protocol/control-batch.js';
import { ErrorCode } from '../../../src/engine/protocol/error-codes.js';
import { Produce } from '../../../src/engine/protocol/messages/00-produce.js';
import { Fetch } from '../../../src/engine/protocol/messages/01-fetch.js';
import { ListOffsets } from '../../../src/engine/protocol/messages/02-list-offsets.js';
import { DeleteRecords } from '../../../src/engine/protocol/messages/21-delete-records.js';
import { InitProducerId } from '../../../src/engine/protocol/messages/22-init-producer-id.js';
import { DescribeProducers } from '../../../src/engine/protocol/messages/61-describe-producers.js';
import { RAW_TXN_SETTINGS, RAW_TXN_ID } from '../../helpers/transactions.js';

let tb: TestBroker;
beforeAll(async () => {
  tb = await startTestBroker({ settings: RAW_TXN_SETTINGS });
});
afterAll(async () => {
  await tb?.stop();
});

const T0 = 1_700_000_000_000;

interface Producer {
  id: number;
  epoch: number;
  seq: number;
}

async function initProducer(): Promise<Producer> {
  const r = await rawRequest(tb.bootstrap, InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 });
  expect(r.errorCode).toBe(0);
  return { id: r.producerId, epoch: r.producerEpoch, seq: 0 };
}

async function produceRaw(topic: string, records: Buffer) {
  const r = await rawRequest(tb.bootstrap, Produce, 9, {
    transactionalId: RAW_TXN_ID,
    acks: -1,
    timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index: 0, records }] }],
  });
  return r.responses[0]!.partitionResponses[0]!;
}

/** Sends values as one batch; transactional when a producer is given. */
async function send(topic: string, values: string[], p?: Producer, ts = T0): Promise<number> {
  const batch = p
    ? makeBatch(values.map((value) => ({ value, timestamp: ts })), { producerId: p.id, producerEpoch: p.epoch, baseSequence: p.seq, transactional: true })
    : makeBatch(values.map((value) => ({ value, timestamp: ts })));
  if (p) p.seq += values.length;
  const r = await produceRaw(topic, batch);
  expect(r.errorCode, r.errorMessage ?? '').toBe(0);
  return r.baseOffset;
}

function partitionLog(topic: string): PartitionLog {
  return tb.broker.services.log.partition(topic, 0)!;
}

function end(topic: string, p: Producer, type: MarkerType, coordinatorEpoch = 0) {
  return partitionLog(topic).appendMarker({ producerId: p.id, producerEpoch: p.epoch, type, coordinatorEpoch, timestamp: T0 + 1 });
}

async function fetchRaw(topic: string, isolationLevel: number, fetchOffset = 0, version = 12, maxWaitMs = 0) {
  const r = await rawRequest(tb.bootstrap, Fetch, version, {
    replicaId: -1,
    maxWaitMs,
    minBytes: 1,
    maxBytes: 1 << 20,
    isolationLevel,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      { topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] },
    ],
    forgottenTopicsData: [],
    rackId: '',
  });
  return r.responses[0]!.partitions[0]!;
}

async function listOffset(topic: string, isolationLevel: number, timestamp: number) {
  const r = await rawRequest(tb.bootstrap, ListOffsets, 9, {
    replicaId: -1,
    isolationLevel,
    topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp }] }],
  });
  return r.topics[0]!.partitions[0]!;
}

const values = async (records: Buffer | null, aborted?: readonly { producerId: number; firstOffset: number }[]) =>
  (await decodeRecords(records ?? Buffer.alloc(0), 0, aborted)).map((r) => r.value!.toString());

/**
 * 0 plain a | 1-2 A: a1 a2 | 3 B: b1 | 4 COMMIT A | 5 B: b2 | 6 ABORT B | 7 plain z | 8 C: c1 (ongoing)
 */
async function mixedTopic() {
  const topic = randomTopic('txn');
  await createTopics(tb.bootstrap, [{ topic, numPartitions: 1 }]);
  const [a, b, c] = [await initProducer(), await initProducer(), await initProducer()];
  await send(topic, ['a']);
  await send(topic, ['a1', 'a2'], a);
  await send(topic, ['b1'], b);
  expect((await end(topic, a, 'COMMIT')).baseOffset).toBe(4);
  await send(topic, ['b2'], b);
  expect((await end(topic, b, 'ABORT')).baseOffset).toBe(6);
  await send(topic, ['z']);
  expect(await send(topic, ['c1'], c, T0 + 50)).toBe(8);
  return { topic, a, b, c };
}

const COMMITTED = ['a', 'a1', 'a2', 'z'];
const EVERYTHING = ['a', 'a1', 'a2', 'b1', 'b2', 'z', 'c1'];

describe('Fetch and ListOffsets with transactions', () => {
  it('read_committed stops at the LSO and lists the aborted transaction; read_uncommitted returns all and reports the LSO', async () => {
    const { topic, b } = await mixedTopic();
    const rc = await fetchRaw(topic, 1);
    expect(rc).toMatchObject({ errorCode: 0, highWatermark: 9, lastStableOffset: 8, abortedTransactions: [{ producerId: b.id, firstOffset: 3 }] });
    expect(await values(rc.records)).toEqual(EVERYTHING.slice(0, 5).concat('z')); // raw records: b1/b2 are there, c1 is not
    expect(await values(rc.records, rc.abortedTransactions!)).toEqual(COMMITTED);
    const ru = await fetchRaw(topic, 0);
    expect(ru).toMatchObject({ errorCode: 0, highWatermark: 9, lastStableOffset: 8, abortedTransactions: null });
    expect(await values(ru.records)).toEqual(EVERYTHING);
    // The oldest version served (v4) carries the LSO and the aborted list too.
    const v4 = await fetchRaw(topic, 1, 0, 4);
    expect(v4).toMatchObject({ lastStableOffset: 8, abortedTransactions: [{ producerId: b.id, firstOffset: 3 }] });
    // At the LSO read_committed has nothing to give (and an empty list, as Kafka answers).
    const atLso = await fetchRaw(topic, 1, 8);
    expect(atLso).toMatchObject({ errorCode: 0, lastStableOffset: 8, abortedTransactions: [] });
    expect(atLso.records?.length ?? 0).toBe(0);
  });

  it('ListOffsets: LATEST is the LSO under read_committed and the high watermark otherwise; timestamps past the LSO are not found', async () => {
    const { topic } = await mixedTopic();
    expect((await listOffset(topic, 1, -1)).offset).toBe(8);
    expect((await listOffset(topic, 0, -1)).offset).toBe(9);
    expect((await listOffset(topic, 1, -2)).offset).toBe(0);
    // c1 (offset 8) is the only record at T0 + 50.
    expect(await listOffset(topic, 0, T0 + 50)).toMatchObject({ offset: 8, timestamp: T0 + 50 });
    expect(await listOffset(topic, 1, T0 + 50)).toMatchObject({ offset: -1, timestamp: -1 });
    expect(await listOffset(topic, 0, -3)).toMatchObject({ offset: 8 });
    expect(await listOffset(topic, 1, -3)).toMatchObject({ offset: -1 });
  });

  it('a read_committed fetch parked at the LSO wakes when the marker moves it', async () => {
    const { topic, c } = await mixedTopic();
    const parked = fetchRaw(topic, 1, 8, 12, 60_000);
    // Not answered while the transaction is open (the next Fetch on another socket is answered first).
    expect((await fetchRaw(topic, 0, 8)).records?.length).toBeGreaterThan(0);
    await end(topic, c, 'COMMIT');
    const r = await parked;
    expect(r.lastStableOffset).toBe(10);
    expect(await values(r.records, r.abortedTransactions!)).toEqual(['c1']);
  }, 15_000);

  it('kafkajs consumers: read_committed (its default) sees exactly the committed records, readUncommitted sees all', async () => {
    const { topic, c } = await mixedTopic();
    await end(topic, c, 'ABORT');
    await send(topic, ['last']);
    const read = async (readUncommitted: boolean, want: number) => {
      const consumer = kafkaClient(tb.bootstrap).consumer({ groupId: randomGroup(), readUncommitted, maxWaitTimeInMs: 100 });
      const got: string[] = [];
      await consumer.connect();
      try {
        await consumer.subscribe({ topic, fromBeginning: true });
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`read ${got.join(',')}`)), 15_000);
          void consumer
            .run({
              eachMessage: async ({ message }) => {
                got.push(message.value!.toString());
                if (message.value!.toString() === 'last') {
                  clearTimeout(timer);
                  resolve();
                }
              },
            })
            .catch(reject);
        });
      } finally {
        await consumer.disconnect();
      }
      expect(got.length).toBe(want);
      return got;
    };
    expect(await read(false, 5)).toEqual([...COMMITTED, 'last']);
    expect(await read(true, 8)).toEqual([...EVERYTHING, 'last']);
  }, 40_000);

  it("mq's consumer: read_committed drops aborted records and markers, and its position moves past them", async () => {
    const { topic, c } = await mixedTopic();
    await end(topic, c, 'ABORT'); // 9
    const cluster = await Cluster.connect([tb.bootstrap]);
    try {
      const consume = async (isolationLevel: number) => {
        const consumer = new AssignedConsumer(cluster, { maxWaitMs: 100, isolationLevel });
        await consumer.assign([{ topic, partition: 0, offset: 0 }], 'earliest');
        const got: string[] = [];
        while ((consumer.fetcher.position(topic, 0) ?? 0) < 10) {
          for (const part of await consumer.fetch(100, Infinity)) got.push(...(await values(part.records, part.abortedTransactions)));
        }
        await consumer.close();
        return got;
      };
      expect(await consume(1)).toEqual(COMMITTED);
      expect(await consume(0)).toEqual(EVERYTHING);
    } finally {
      await cluster.close();
    }
  });
});

describe('DescribeProducers, DeleteRecords and control batches', () => {
  it("DescribeProducers lists each producer's epoch, last sequence and timestamp, coordinator epoch and open transaction", async () => {
    const { topic, a, c } = await mixedTopic();
    const r = await rawRequest(tb.bootstrap, DescribeProducers, 0, { topics: [{ name: topic, partitionIndexes: [0, 7] }] });
    const [p0, p7] = r.topics[0]!.partitions;
    expect(p7).toMatchObject({ partitionIndex: 7, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, activeProducers: [] });
    expect(p0!.errorCode).toBe(0);
    const by = new Map(p0!.activeProducers.map((x) => [x.producerId, x]));
    const row = (p: Producer) => ({ producerId: p.id, producerEpoch: p.epoch });
    expect(by.get(a.id)).toEqual({ ...row(a), lastSequence: 1, lastTimestamp: T0 + 1, coordinatorEpoch: 0, currentTxnStartOffset: -1 });
    expect(by.get(c.id)).toEqual({ ...row(c), lastSequence: 0, lastTimestamp: T0 + 50, coordinatorEpoch: -1, currentTxnStartOffset: 8 });
    expect(by.size).toBe(3);
  });

  it('DeleteRecords past an aborted transaction: read_committed from the new start still drops its records', async () => {
    const { topic, b } = await mixedTopic();
    const d = await rawRequest(tb.bootstrap, DeleteRecords, 2, { topics: [{ name: topic, partitions: [{ partitionIndex: 0, offset: 5 }] }], timeoutMs: 5000 });
    expect(d.topics[0]!.partitions[0]).toMatchObject({ errorCode: 0, lowWatermark: 5 });
    const rc = await fetchRaw(topic, 1, 5);
    expect(rc).toMatchObject({ logStartOffset: 5, lastStableOffset: 8, abortedTransactions: [{ producerId: b.id, firstOffset: 3 }] });
    const got = (await decodeRecords(rc.records!, 5, rc.abortedTransactions!)).map((x) => x.value!.toString());
    expect(got).toEqual(['z']);
  });

  it('refuses a control batch from a client with INVALID_RECORD and stores nothing', async () => {
    const { topic, a } = await mixedTopic();
    const before = partitionLog(topic).logEndOffset;
    const r = await produceRaw(topic, encodeMarkerBatch({ producerId: a.id, producerEpoch: a.epoch, type: 'ABORT', coordinatorEpoch: 9, timestamp: T0 }));
    expect(r).toMatchObject({ errorCode: ErrorCode.INVALID_RECORD, baseOffset: -1 });
    expect(r.errorMessage).toMatch(/not allowed to write control records/);
    expect(partitionLog(topic).logEndOffset).toBe(before);
    expect(partitionLog(topic).lastStableOffset).toBe(8);
  });

  it('refuses a plain write from a producer inside its transaction, and a marker from a fenced coordinator', async () => {
    const { topic, c } = await mixedTopic();
    const plain = makeBatch([{ value: 'x', timestamp: T0 }], { producerId: c.id, producerEpoch: c.epoch, baseSequence: c.seq });
    expect((await produceRaw(topic, plain)).errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
    await end(topic, c, 'COMMIT', 5);
    await expect(end(topic, c, 'ABORT', 4)).rejects.toMatchObject({ errorName: 'TRANSACTION_COORDINATOR_FENCED' });
  });
});
