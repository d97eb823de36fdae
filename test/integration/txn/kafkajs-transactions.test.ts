/**
 * The transaction coordinator against kafkajs 2.2.4's transactional producer on the real broker:
 * commits and aborts across topics and partitions (markers where Kafka puts them, read straight
 * from the segment files), fencing by a second producer of the same transactional.id,
 * consume-transform-produce offsets that appear only with the commit, the coordinator aborting a
 * transaction past its timeout, and `__transaction_state` as Kafka's internal topic.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import kafkajs from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { createTopics, kafkaClient } from '../../helpers/kafkajs.js';
import { randomGroup, randomTopic } from '../../helpers/names.js';
import { rawRequest } from '../../helpers/raw.js';
import { readStoredBatches, type StoredBatch } from '../../helpers/segments.js';
import { waitFor } from '../../helpers/wait.js';
import { ErrorCode } from '../../../src/engine/protocol/error-codes.js';
import { Produce } from '../../../src/engine/protocol/messages/00-produce.js';
import { Metadata } from '../../../src/engine/protocol/messages/03-metadata.js';
import { OffsetFetch } from '../../../src/engine/protocol/messages/09-offset-fetch.js';
import { FindCoordinator } from '../../../src/engine/protocol/messages/10-find-coordinator.js';
import { ApiVersions } from '../../../src/engine/protocol/messages/18-api-versions.js';
import { DeleteTopics } from '../../../src/engine/protocol/messages/20-delete-topics.js';
import { CreatePartitions } from '../../../src/engine/protocol/messages/37-create-partitions.js';
import { DeleteRecords } from '../../../src/engine/protocol/messages/21-delete-records.js';
import { DescribeTransactions } from '../../../src/engine/protocol/messages/65-describe-transactions.js';
import { ListTransactions } from '../../../src/engine/protocol/messages/66-list-transactions.js';
import { encodeBatch } from '../../../src/engine/client/record-batch-writer.js';
import { decodeControlBatch } from '../../../src/engine/protocol/control-batch.js';
import { Attr, Off, computeCrc } from '../../../src/engine/protocol/record-batch.js';
import { partitionFor } from '../../../src/engine/txn/partition-for.js';
import { main as topicsMain } from '../../../src/commands/topics/index.js';
import { testIo } from '../commands/producer-helpers.js';
import { decodeTxnLogBatches } from '../../../src/engine/txn/log-batch.js';
import { decodeTransactionLogKey, decodeTransactionLogValue } from '../../../src/engine/txn/transaction-log-records.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

const { Kafka, logLevel } = kafkajs;

let tb: TestBroker;
beforeAll(async () => {
  // A short abort check so the timeout test observes the coordinator within a second.
  tb = await startTestBroker({ settings: { 'transaction.abort.timed.out.transaction.cleanup.interval.ms': '100', 'transaction.state.log.num.partitions': '5' } });
});
afterAll(async () => {
  await tb?.stop();
});

function client(clientId = 'mq-txn-test') {
  return new Kafka({ clientId, brokers: [tb.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 50 } });
}

async function txnProducer(transactionalId: string, transactionTimeout = 60_000) {
  const p = client().producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, transactionTimeout });
  await p.connect();
  return p;
}

/** The control batches of a partition as (offset, type) pairs, decoded from the segment bytes. */
async function markers(topic: string, partition = 0): Promise<{ offset: number; type: 'COMMIT' | 'ABORT'; producerId: bigint }[]> {
  const batches = await readStoredBatches(tb.dataDir, topic, partition);
  const out: { offset: number; type: 'COMMIT' | 'ABORT'; producerId: bigint }[] = [];
  for (const b of batches.filter((x: StoredBatch) => x.control)) {
    const bytes = await readFile(join(tb.dataDir, 'logs', `${topic}-${partition}`, b.file));
    const c = decodeControlBatch(bytes, b.position);
    out.push({ offset: Number(b.baseOffset), type: c.controlType === 1 ? 'COMMIT' : 'ABORT', producerId: b.producerId });
  }
  return out;
}

async function describe1(id: string) {
  const r = await rawRequest(tb.bootstrap, DescribeTransactions, 0, { transactionalIds: [id] });
  return r.transactionStates[0]!;
}

async function readAll(topic: string, expected: number, readUncommitted = true): Promise<string[]> {
  const consumer = client().consumer({ groupId: randomGroup(), readUncommitted, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen: string[] = [];
  await consumer.run({ eachMessage: async ({ message, partition }) => void seen.push(`${partition}:${message.value?.toString()}`) });
  await waitFor(() => seen.length >= expected, { message: `${expected} records of ${topic}` });
  await consumer.disconnect();
  return seen.sort();
}

describe('kafkajs transactional producer', () => {
  it('commits across topics and partitions: data, then one COMMIT marker per partition at the next offset', async () => {
    const a = randomTopic('txa');
    const b = randomTopic('txb');
    await createTopics(tb.bootstrap, [{ topic: a, numPartitions: 2 }, { topic: b }]);
    const id = `tx-${a}`;
    const p = await txnProducer(id);
    const t = await p.transaction();
    await t.send({ topic: a, messages: [{ value: 'a0', partition: 0 }, { value: 'a1', partition: 1 }] });
    await t.send({ topic: b, messages: [{ value: 'b0' }, { value: 'b1' }] });
    const during = await describe1(id);
    expect(during.transactionState).toBe('Ongoing');
    expect(during.topics.map((x) => `${x.topic}:${[...x.partitions].sort().join(',')}`).sort()).toEqual([`${a}:0,1`, `${b}:0`].sort());
    await t.commit();
    await p.disconnect();

    await waitFor(async () => (await describe1(id)).transactionState === 'CompleteCommit');
    expect(await markers(a, 0)).toEqual([{ offset: 1, type: 'COMMIT', producerId: BigInt(during.producerId) }]);
    expect(await markers(a, 1)).toEqual([{ offset: 1, type: 'COMMIT', producerId: BigInt(during.producerId) }]);
    expect(await markers(b, 0)).toEqual([{ offset: 2, type: 'COMMIT', producerId: BigInt(during.producerId) }]);
    // The data batches are transactional and carry the producer's id.
    const data = (await readStoredBatches(tb.dataDir, b, 0)).filter((x) => !x.control);
    expect(data.every((x) => x.transactional && x.producerId === BigInt(during.producerId))).toBe(true);
    expect(await readAll(b, 2)).toEqual(['0:b0', '0:b1']);
  });

  it('aborts: an ABORT marker after the data; the next transaction of the same producer commits after it', async () => {
    const topic = randomTopic('txab');
    await createTopics(tb.bootstrap, [{ topic }]);
    const id = `tx-${topic}`;
    const p = await txnProducer(id);
    const t1 = await p.transaction();
    await t1.send({ topic, messages: [{ value: 'gone-1' }, { value: 'gone-2' }] });
    await t1.abort();
    const t2 = await p.transaction();
    await t2.send({ topic, messages: [{ value: 'kept' }] });
    await t2.commit();
    await p.disconnect();
    await waitFor(async () => (await describe1(id)).transactionState === 'CompleteCommit');
    const m = await markers(topic);
    expect(m.map((x) => `${x.offset}:${x.type}`)).toEqual(['2:ABORT', '4:COMMIT']);
    // read_uncommitted sees the aborted records too (the log does not filter them without the LSO work).
    expect(await readAll(topic, 3)).toEqual(['0:gone-1', '0:gone-2', '0:kept']);
  });

  it('fencing: a second producer with the same transactional.id aborts the first one\'s transaction and fences it', async () => {
    const topic = randomTopic('txfence');
    await createTopics(tb.bootstrap, [{ topic }]);
    const id = `tx-${topic}`;
    const first = await txnProducer(id);
    const t1 = await first.transaction();
    await t1.send({ topic, messages: [{ value: 'zombie' }] });
    const before = await describe1(id);

    // kafkajs sends InitProducerId with the transactional id when the first transaction begins.
    const second = await txnProducer(id);
    const t2 = await second.transaction();
    const after = await describe1(id);
    // The open transaction was aborted with a bumped epoch (fence), then the new producer bumped again.
    expect(after.producerId).toBe(before.producerId);
    expect(after.producerEpoch).toBe(before.producerEpoch + 2);
    expect(after.transactionState).toBe('Empty');
    expect((await markers(topic)).map((x) => `${x.offset}:${x.type}`)).toEqual(['1:ABORT']);

    // kafkajs sends InitProducerId v1 and Produce/EndTxn below v2: Kafka answers it INVALID_PRODUCER_EPOCH.
    await expect(t1.send({ topic, messages: [{ value: 'late' }] })).rejects.toThrow(/epoch/i);
    await expect(t1.commit()).rejects.toMatchObject({ type: 'INVALID_PRODUCER_EPOCH' });
    await t2.send({ topic, messages: [{ value: 'new' }] });
    await t2.commit();
    await first.disconnect();
    await second.disconnect();
    expect((await markers(topic)).map((x) => `${x.offset}:${x.type}`)).toEqual(['1:ABORT', '3:COMMIT']);
  });

  it('sendOffsets: the group\'s offsets appear with the commit, not before; UNSTABLE_OFFSET_COMMIT while pending', async () => {
    const input = randomTopic('txin');
    const output = randomTopic('txout');
    const group = randomGroup('txg');
    await createTopics(tb.bootstrap, [{ topic: input }, { topic: output }]);
    const id = `tx-${output}`;
    const p = await txnProducer(id);
    const admin = kafkaClient(tb.bootstrap).admin();
    await admin.connect();
    try {
      const t = await p.transaction();
      await t.send({ topic: output, messages: [{ value: 'transformed' }] });
      await t.sendOffsets({ consumerGroupId: group, topics: [{ topic: input, partitions: [{ partition: 0, offset: '5' }] }] });
      const d = await describe1(id);
      expect(d.topics.map((x) => x.topic).sort()).toEqual(['__consumer_offsets', output].sort());
      expect(d.topics.find((x) => x.topic === '__consumer_offsets')!.partitions).toEqual([partitionFor(group, 50)]);
      // Not visible to OffsetFetch yet; a consumer asking for stable offsets is told to wait.
      expect(await admin.fetchOffsets({ groupId: group, topics: [input] })).toEqual([{ topic: input, partitions: [{ partition: 0, offset: '-1', metadata: null }] }]);
      const stable = await rawRequest(tb.bootstrap, OffsetFetch, 7, { groupId: group, topics: [{ name: input, partitionIndexes: [0] }], requireStable: true });
      expect(stable.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.UNSTABLE_OFFSET_COMMIT);
      await t.commit();
      await waitFor(async () => (await admin.fetchOffsets({ groupId: group, topics: [input] }))[0]!.partitions[0]!.offset === '5');
      const after = await rawRequest(tb.bootstrap, OffsetFetch, 7, { groupId: group, topics: [{ name: input, partitionIndexes: [0] }], requireStable: true });
      expect(after.topics[0]!.partitions[0]).toMatchObject({ errorCode: 0, committedOffset: 5 });

      // An aborted transaction's offsets never appear.
      const t2 = await p.transaction();
      await t2.sendOffsets({ consumerGroupId: group, topics: [{ topic: input, partitions: [{ partition: 0, offset: '9' }] }] });
      await t2.abort();
      await waitFor(async () => (await describe1(id)).transactionState === 'CompleteAbort');
      expect((await admin.fetchOffsets({ groupId: group, topics: [input] }))[0]!.partitions[0]!.offset).toBe('5');
    } finally {
      await admin.disconnect();
      await p.disconnect();
    }
  });

  it('a transaction that outlives transaction.timeout.ms is aborted by the coordinator and its producer fenced', async () => {
    const topic = randomTopic('txtimeout');
    await createTopics(tb.bootstrap, [{ topic }]);
    const id = `tx-${topic}`;
    const p = await txnProducer(id, 500);
    const t = await p.transaction();
    await t.send({ topic, messages: [{ value: 'slow' }] });
    const open = await describe1(id);
    expect(open.transactionTimeoutMs).toBe(500);
    const aborted = await waitFor(async () => {
      const d = await describe1(id);
      return d.transactionState === 'CompleteAbort' && d;
    });
    expect(aborted.producerEpoch).toBe(open.producerEpoch + 1);
    expect((await markers(topic)).map((x) => `${x.offset}:${x.type}`)).toEqual(['1:ABORT']);
    await expect(t.commit()).rejects.toMatchObject({ type: 'INVALID_PRODUCER_EPOCH' });
    await p.disconnect();
  });
});

describe('the coordinator over the wire', () => {
  it('FindCoordinator TRANSACTION answers this broker; ApiVersions finalizes transaction.version 1', async () => {
    const r = await rawRequest(tb.bootstrap, FindCoordinator, 4, { keyType: 1, coordinatorKeys: ['any-id'] });
    expect(r.coordinators[0]).toMatchObject({ key: 'any-id', nodeId: 1, port: tb.port, errorCode: 0 });
    const v = await rawRequest(tb.bootstrap, ApiVersions, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' });
    expect(v.finalizedFeatures).toEqual([{ name: 'transaction.version', maxVersionLevel: 1, minVersionLevel: 1 }]);
    expect(v.supportedFeatures).toEqual([{ name: 'transaction.version', minVersion: 0, maxVersion: 1 }]);
  });

  it('__transaction_state is internal: marked in Metadata, refused for Produce and DeleteTopics', async () => {
    await rawRequest(tb.bootstrap, FindCoordinator, 4, { keyType: 1, coordinatorKeys: ['x'] });
    const md = await rawRequest(tb.bootstrap, Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    const ts = md.topics.find((t) => t.name === '__transaction_state')!;
    expect(ts.isInternal).toBe(true);
    expect(ts.partitions).toHaveLength(5);
    expect(md.topics.filter((t) => t.name !== '__transaction_state').every((t) => !t.isInternal)).toBe(true);

    const batch = await encodeBatch([{ key: Buffer.from('k'), value: Buffer.from('v'), headers: [], timestamp: Date.now() }]);
    const topicData = [{ name: '__transaction_state', partitionData: [{ index: 0, records: batch }] }];
    const produced = await rawRequest(tb.bootstrap, Produce, 9, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData });
    expect(produced.responses[0]!.partitionResponses[0]).toMatchObject({ errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage: 'Cannot append to internal topic __transaction_state' });

    const del = await rawRequest(tb.bootstrap, DeleteTopics, 5, { topicNames: ['__transaction_state'], timeoutMs: 5000 });
    expect(del.responses[0]).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST });
    expect(tb.broker.services.log.topic('__transaction_state')).toBeDefined();

    const grow = await rawRequest(tb.bootstrap, CreatePartitions, 3, { topics: [{ name: '__transaction_state', count: 8, assignments: null }], timeoutMs: 5000, validateOnly: false });
    expect(grow.results[0]).toMatchObject({ errorCode: ErrorCode.INVALID_PARTITIONS });
    expect(tb.broker.services.log.topic('__transaction_state')!.partitions).toBe(5);

    const trimmed = await rawRequest(tb.bootstrap, DeleteRecords, 2, { topics: [{ name: '__transaction_state', partitions: [{ partitionIndex: 0, offset: -1 }] }], timeoutMs: 5000 });
    expect(trimmed.topics[0]!.partitions[0]).toMatchObject({ errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, lowWatermark: -1 });
  });

  it('mq-topics --list shows __transaction_state as Kafka lists internal topics, and --exclude-internal leaves it out', async () => {
    await rawRequest(tb.bootstrap, FindCoordinator, 4, { keyType: 1, coordinatorKeys: ['x'] });
    const all = testIo();
    expect(await topicsMain(['--bootstrap-server', tb.bootstrap, '--list'], all)).toBe(0);
    expect(all.out().split('\n')).toContain('__transaction_state');
    const user = testIo();
    expect(await topicsMain(['--bootstrap-server', tb.bootstrap, '--list', '--exclude-internal'], user)).toBe(0);
    expect(user.out().split('\n')).not.toContain('__transaction_state');
    expect(user.out().length).toBeGreaterThan(0);
  });

  it('a transactional batch for a partition not in the transaction is refused with INVALID_TXN_STATE (KIP-890 part 1)', async () => {
    const topic = randomTopic('txverify');
    await createTopics(tb.bootstrap, [{ topic, numPartitions: 2 }]);
    const id = `tx-${topic}`;
    const p = await txnProducer(id);
    const t = await p.transaction();
    await t.send({ topic, messages: [{ value: 'in', partition: 0 }] });
    const d = await describe1(id);
    const batch = await encodeBatch([{ key: null, value: Buffer.from('sneaky'), headers: [], timestamp: Date.now() }]);
    batch.writeBigInt64BE(BigInt(d.producerId), Off.producerId);
    batch.writeInt16BE(d.producerEpoch, Off.producerEpoch);
    batch.writeInt32BE(0, Off.baseSequence);
    batch.writeInt16BE(batch.readInt16BE(Off.attributes) | Attr.transactional, Off.attributes);
    batch.writeUInt32BE(computeCrc(batch), Off.crc);
    const topicData = [{ name: topic, partitionData: [{ index: 1, records: batch }] }];
    const r = await rawRequest(tb.bootstrap, Produce, 9, { transactionalId: id, acks: -1, timeoutMs: 5000, topicData });
    expect(r.responses[0]!.partitionResponses[0]).toMatchObject({ errorCode: ErrorCode.INVALID_TXN_STATE, errorMessage: 'Partition was not added to the transaction' });
    expect(await readStoredBatches(tb.dataDir, topic, 1)).toEqual([]);
    await t.abort();
    await p.disconnect();
  });

  it('ListTransactions filters by state, producer id and duration', async () => {
    const topic = randomTopic('txlist');
    await createTopics(tb.bootstrap, [{ topic }]);
    const id = `tx-${topic}`;
    const p = await txnProducer(id);
    const t = await p.transaction();
    await t.send({ topic, messages: [{ value: 'open' }] });
    const d = await describe1(id);
    const ongoing = await rawRequest(tb.bootstrap, ListTransactions, 1, { stateFilters: ['Ongoing'], producerIdFilters: [], durationFilter: -1 });
    expect(ongoing.transactionStates).toContainEqual({ transactionalId: id, producerId: d.producerId, transactionState: 'Ongoing' });
    const byId = await rawRequest(tb.bootstrap, ListTransactions, 1, { stateFilters: [], producerIdFilters: [d.producerId], durationFilter: -1 });
    expect(byId.transactionStates).toEqual([{ transactionalId: id, producerId: d.producerId, transactionState: 'Ongoing' }]);
    const old = await rawRequest(tb.bootstrap, ListTransactions, 1, { stateFilters: [], producerIdFilters: [d.producerId], durationFilter: 3_600_000 });
    expect(old.transactionStates).toEqual([]);
    const bad = await rawRequest(tb.bootstrap, ListTransactions, 0, { stateFilters: ['Bogus'], producerIdFilters: [] });
    expect(bad.unknownStateFilters).toEqual(['Bogus']);
    await t.commit();
    await p.disconnect();
  });
});

describe('transactional.id.expiration.ms', () => {
  it('an idle transactional id is removed with a tombstone, and stays removed after a restart', async () => {
    const settings = {
      'transactional.id.expiration.ms': '300',
      'transaction.remove.expired.transaction.cleanup.interval.ms': '100',
      'transaction.state.log.num.partitions': '1',
    };
    const own = await startTestBroker({ settings });
    try {
      const topic = randomTopic('txexp');
      await createTopics(own.bootstrap, [{ topic }]);
      const id = `tx-${topic}`;
      const k = new Kafka({ clientId: 'exp', brokers: [own.bootstrap], logLevel: logLevel.NOTHING });
      const p = k.producer({ transactionalId: id, idempotent: true, maxInFlightRequests: 1 });
      await p.connect();
      const t = await p.transaction();
      await t.send({ topic, messages: [{ value: 'v' }] });
      await t.commit();
      await p.disconnect();
      const found = async () => (await rawRequest(own.bootstrap, DescribeTransactions, 0, { transactionalIds: [id] })).transactionStates[0]!.errorCode;
      await waitFor(async () => (await found()) === ErrorCode.TRANSACTIONAL_ID_NOT_FOUND, { message: 'the id expires' });
      const segment = await readFile(join(own.dataDir, 'logs', '__transaction_state-0', '00000000000000000000.log'));
      const written = decodeTxnLogBatches(segment).records;
      // Empty, Ongoing, PrepareCommit, CompleteCommit, then the tombstone.
      expect(written.map((r) => decodeTransactionLogValue(r.value)?.transactionStatus ?? 'tombstone')).toEqual([0, 1, 2, 4, 'tombstone']);
      expect(decodeTransactionLogKey(written[4]!.key)?.transactionalId).toBe(id);
      await own.restart();
      expect(await found()).toBe(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
    } finally {
      await own.stop();
    }
  });
});
