/**
 * A failed write to `__transaction_state` (the in-memory file system fails one disk write): the
 * operation is answered NOT_COORDINATOR (Kafka's mapping of KAFKA_STORAGE_ERROR for the
 * coordinator), nothing of it is kept in memory, the other partitions of the topic keep serving
 * their transactional ids, and after a restart the id is where it was before the failed write.
 * A record the coordinator cannot read stops the start with its place named, as a damaged
 * metadata file does.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Broker, streamLogger } from '../../../src/engine/broker/broker.js';
import { MemFs } from '../../../src/engine/log/mem-fs.js';
import { ErrorCode } from '../../../src/engine/protocol/error-codes.js';
import { CreateTopics } from '../../../src/engine/protocol/messages/19-create-topics.js';
import { InitProducerId } from '../../../src/engine/protocol/messages/22-init-producer-id.js';
import { AddPartitionsToTxn } from '../../../src/engine/protocol/messages/24-add-partitions-to-txn.js';
import { DescribeTransactions } from '../../../src/engine/protocol/messages/65-describe-transactions.js';
import { partitionFor } from '../../../src/engine/txn/partition-for.js';
import { rawRequest } from '../../helpers/raw.js';
import { startTestBroker } from '../../helpers/broker.js';
import { encodeTxnLogBatch } from '../../../src/engine/txn/log-batch.js';
import { encodeTransactionLogKey } from '../../../src/engine/txn/transaction-log-records.js';

const PARTITIONS = 3;
let dataDir: string;
let memFs: MemFs;
let broker: Broker | undefined;
const boot = () => Broker.start({ dataDir, host: '127.0.0.1', port: 0, logFs: memFs, logger: process.env.MQ_DEBUG ? streamLogger(process.stderr, true) : undefined, settings: [['transaction.state.log.num.partitions', String(PARTITIONS)]] });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mq-txn-storage-'));
  memFs = new MemFs();
  // Only the partition logs are on the in-memory file system; meta/producer-ids.json is on disk.
  await mkdir(join(dataDir, 'meta'));
  broker = await boot();
});
afterAll(async () => {
  await broker?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const init = async (id: string) =>
  rawRequest(broker!.address, InitProducerId, 4, { transactionalId: id, transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1 });
const add = async (id: string, producerId: number, producerEpoch: number) =>
  rawRequest(broker!.address, AddPartitionsToTxn, 3, {
    v3AndBelowTransactionalId: id,
    v3AndBelowProducerId: producerId,
    v3AndBelowProducerEpoch: producerEpoch,
    v3AndBelowTopics: [{ name: 'data', partitions: [0] }],
  });
const describeTxn = async (id: string) => (await rawRequest(broker!.address, DescribeTransactions, 0, { transactionalIds: [id] })).transactionStates[0]!;

describe('a failed __transaction_state write', () => {
  it('answers NOT_COORDINATOR, keeps nothing, leaves other partitions serving, and the restart finds the id as before', async () => {
    await rawRequest(broker!.address, CreateTopics, 4, { topics: [{ name: 'data', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    // Two ids in different partitions of __transaction_state.
    const ids = ['alpha', 'beta', 'gamma', 'delta'];
    const [victim, other] = [ids[0]!, ids.find((i) => partitionFor(i, PARTITIONS) !== partitionFor(ids[0]!, PARTITIONS))!];
    const a = await init(victim);
    const b = await init(other);
    expect([a.errorCode, b.errorCode]).toEqual([0, 0]);

    memFs.failNext('write', 'EIO', { path: join(dataDir, 'logs', `__transaction_state-${partitionFor(victim, PARTITIONS)}`) });
    const failed = await add(victim, a.producerId, a.producerEpoch);
    expect(failed.resultsByTopicV3AndBelow[0]!.resultsByPartition[0]!.partitionErrorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(await describeTxn(victim)).toMatchObject({ transactionState: 'Empty', topics: [] });

    const fine = await add(other, b.producerId, b.producerEpoch);
    expect(fine.resultsByTopicV3AndBelow[0]!.resultsByPartition[0]!.partitionErrorCode).toBe(ErrorCode.NONE);
    expect((await describeTxn(other)).transactionState).toBe('Ongoing');

    await broker!.close();
    broker = await boot();
    expect(await describeTxn(victim)).toMatchObject({ transactionState: 'Empty', producerId: a.producerId, producerEpoch: a.producerEpoch });
    expect((await describeTxn(other)).transactionState).toBe('Ongoing');
    const again = await add(victim, a.producerId, a.producerEpoch);
    expect(again.resultsByTopicV3AndBelow[0]!.resultsByPartition[0]!.partitionErrorCode).toBe(ErrorCode.NONE);
  });
});

describe('a __transaction_state record the coordinator cannot read', () => {
  it('stops the start with the partition, its directory and the offset named', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mq-txn-bad-record-'));
    try {
      const tb = await startTestBroker({ dataDir: dir, settings: { 'transaction.state.log.num.partitions': '1' } });
      await tb.broker.services.txn.ready();
      // A value of a version Kafka's TransactionLog does not know (written by something else).
      const bad = Buffer.from([0x00, 0x09, 0x00]);
      await tb.broker.services.log.partition('__transaction_state', 0)!.append(encodeTxnLogBatch([{ key: encodeTransactionLogKey('x'), value: bad }], Date.now()));
      await tb.stop();
      await expect(startTestBroker({ dataDir: dir })).rejects.toThrow(/__transaction_state-0 \(.*__transaction_state-0\): record 0 of the batches from offset 0 cannot be read: Unknown version 9/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
