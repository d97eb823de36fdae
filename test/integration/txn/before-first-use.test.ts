/**
 * Before any transactional producer has looked for its coordinator there is no
 * `__transaction_state`: requests about ids that must already exist, reads, and malformed ones are
 * answered as Kafka's coordinator answers an unknown id, and none of them creates the topic; the
 * first FindCoordinator TRANSACTION does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { rawRequest } from '../../helpers/raw.js';
import { ErrorCode } from '../../../src/engine/protocol/error-codes.js';
import { FindCoordinator } from '../../../src/engine/protocol/messages/10-find-coordinator.js';
import { InitProducerId } from '../../../src/engine/protocol/messages/22-init-producer-id.js';
import { AddPartitionsToTxn } from '../../../src/engine/protocol/messages/24-add-partitions-to-txn.js';
import { AddOffsetsToTxn } from '../../../src/engine/protocol/messages/25-add-offsets-to-txn.js';
import { EndTxn } from '../../../src/engine/protocol/messages/26-end-txn.js';
import { TxnOffsetCommit } from '../../../src/engine/protocol/messages/28-txn-offset-commit.js';
import { DescribeTransactions } from '../../../src/engine/protocol/messages/65-describe-transactions.js';
import { ListTransactions } from '../../../src/engine/protocol/messages/66-list-transactions.js';

let tb: TestBroker;
beforeAll(async () => {
  tb = await startTestBroker({ settings: { 'transaction.state.log.num.partitions': '2' } });
});
afterAll(async () => tb?.stop());

const exists = () => tb.broker.services.log.topic('__transaction_state') !== undefined;

describe('before the first transactional producer', () => {
  it('answers unknown ids without creating __transaction_state; FindCoordinator TRANSACTION creates it', async () => {
    const end = await rawRequest(tb.bootstrap, EndTxn, 3, { transactionalId: 'nobody', producerId: 1, producerEpoch: 0, committed: true });
    expect(end.errorCode).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    const offs = await rawRequest(tb.bootstrap, AddOffsetsToTxn, 3, { transactionalId: 'nobody', producerId: 1, producerEpoch: 0, groupId: 'g' });
    expect(offs.errorCode).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    const add = await rawRequest(tb.bootstrap, AddPartitionsToTxn, 5, {
      transactions: [{ transactionalId: 'nobody', producerId: 1, producerEpoch: 0, verifyOnly: true, topics: [] }],
    });
    expect(add.resultsByTransaction[0]!.topicResults).toEqual([]);
    const commit = await rawRequest(tb.bootstrap, TxnOffsetCommit, 3, {
      transactionalId: 'nobody',
      groupId: 'g',
      producerId: 1,
      producerEpoch: 0,
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1, committedMetadata: null }] }],
    });
    expect(commit.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    const empty = await rawRequest(tb.bootstrap, InitProducerId, 4, { transactionalId: '', transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1 });
    expect(empty.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    const described = await rawRequest(tb.bootstrap, DescribeTransactions, 0, { transactionalIds: ['nobody'] });
    expect(described.transactionStates[0]!.errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
    const listed = await rawRequest(tb.bootstrap, ListTransactions, 1, { stateFilters: [], producerIdFilters: [], durationFilter: -1 });
    expect(listed.transactionStates).toEqual([]);
    expect(exists()).toBe(false);

    const found = await rawRequest(tb.bootstrap, FindCoordinator, 3, { key: 'first', keyType: 1 });
    expect(found).toMatchObject({ errorCode: 0, nodeId: 1, port: tb.port });
    expect(exists()).toBe(true);
    expect(tb.broker.services.log.topic('__transaction_state')).toMatchObject({ partitions: 2, configs: { 'cleanup.policy': 'compact' } });
  });
});
