/**
 * The transactional producer's state checks (Kafka's TransactionManager.State), which refuse a
 * call in the wrong state before anything is sent: the session here fails the test if the
 * manager reaches for the network. The protocol side is proven against Kafka in
 * test/reference/txn-producer.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { Session } from '../../../src/engine/client/connect.js';
import { TransactionManager, TransactionStateError } from '../../../src/engine/client/transactions.js';
import { TransactionError } from '../../../src/engine/client/txn-errors.js';
import { ErrorCode } from '../../../src/engine/protocol/error-codes.js';

const offline = new Proxy({} as Session, {
  get(_t, name) {
    throw new Error(`the manager used the session (${String(name)}) in a test that must not reach the network`);
  },
});

const manager = () => new TransactionManager(offline, { transactionalId: 'tx', transactionTimeoutMs: 60_000 });

describe('TransactionManager state checks', () => {
  it('refuses beginTransaction, commit and abort before initTransactions with Kafka\'s text', async () => {
    const m = manager();
    expect(m.currentState).toBe('UNINITIALIZED');
    expect(() => m.beginTransaction()).toThrow(new TransactionStateError('TransactionalId tx: Invalid transition attempted from state UNINITIALIZED to state IN_TRANSACTION'));
    await expect(m.end(true)).rejects.toThrow('TransactionalId tx: Invalid transition attempted from state UNINITIALIZED to state COMMITTING_TRANSACTION');
    await expect(m.end(false)).rejects.toThrow('TransactionalId tx: Invalid transition attempted from state UNINITIALIZED to state ABORTING_TRANSACTION');
    await expect(m.addPartitions('t', [0])).rejects.toThrow('Cannot add partition t-0 to transaction while in state  UNINITIALIZED');
    await expect(m.sendOffsets([{ topic: 't', partition: 0, offset: 1 }], { groupId: 'g' })).rejects.toThrow(
      'Cannot send offsets if a transaction is not in progress (currentState= UNINITIALIZED)',
    );
  });

  it('a fenced producer says so in every later call, with its id and epoch', () => {
    const m = manager();
    m.fail(new TransactionError(ErrorCode.PRODUCER_FENCED));
    expect(m.currentState).toBe('FATAL_ERROR');
    expect(() => m.beginTransaction()).toThrow("Producer with transactionalId 'tx' and (producerId=-1, epoch=-1) has been fenced by another producer with the same transactionalId");
  });

  it('an old epoch is fatal too, with its own text', () => {
    const m = manager();
    m.fail(new TransactionError(ErrorCode.INVALID_PRODUCER_EPOCH));
    expect(() => m.beginTransaction()).toThrow("Producer with transactionalId 'tx' and (producerId=-1, epoch=-1) attempted to produce with an old epoch");
  });

  it('an error outside a transaction is fatal; the wrapped message names the cause', () => {
    const m = manager();
    m.fail(new Error('disk on fire'));
    expect(m.currentState).toBe('FATAL_ERROR');
    expect(() => m.beginTransaction()).toThrow('Cannot execute transactional method because we are in an error state: disk on fire');
  });

  it('Kafka\'s exception texts for the coordinator\'s errors', () => {
    expect(new TransactionError(ErrorCode.CONCURRENT_TRANSACTIONS).message).toBe(
      'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing.',
    );
    expect(new TransactionError(ErrorCode.PRODUCER_FENCED).javaClass).toBe('org.apache.kafka.common.errors.ProducerFencedException');
    expect(new TransactionError(ErrorCode.PRODUCER_FENCED).fenced).toBe(true);
    expect(new TransactionError(ErrorCode.INVALID_TXN_STATE).fenced).toBe(false);
  });
});
