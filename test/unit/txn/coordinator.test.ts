import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/engine/protocol/error-codes.js';
import { fencedErrorForVersion } from '../../../src/engine/txn/coordinator.js';
import { metadataFromRecord, newMetadata } from '../../../src/engine/txn/metadata.js';
import { decodeTransactionLogValue } from '../../../src/engine/txn/transaction-log-records.js';
import { harness } from './helpers.js';

const tp = (topic: string, partition: number) => ({ topic, partition });

/** A producer that has initialised and added partitions: state Ongoing. */
function ongoing() {
  const h = harness();
  const init = h.write(h.coordinator.initProducerId('tx', 60_000));
  expect(h.write(h.coordinator.addPartitions('tx', init.producerId, init.producerEpoch, [tp('t', 0), tp('t', 1)]))).toBe(ErrorCode.NONE);
  return { ...h, pid: init.producerId, epoch: init.producerEpoch };
}

describe('InitProducerId', () => {
  it('gives a new transactional id a producer id at epoch 0 and writes an Empty record', () => {
    const h = harness();
    const r = h.coordinator.initProducerId('tx', 60_000);
    expect(r.response).toEqual({ errorCode: ErrorCode.NONE, producerId: 1000, producerEpoch: 0 });
    expect(r.records).toHaveLength(1);
    const v = decodeTransactionLogValue(r.records[0]!.value);
    expect(v).toMatchObject({ version: 1, producerId: 1000, producerEpoch: 0, transactionStatus: 0, transactionPartitions: null });
    expect(v?.transactionStartTimestampMs).toBe(-1);
    // Not applied before the write completes: a second call meanwhile is told to retry.
    expect(h.coordinator.initProducerId('tx', 60_000).response.errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    r.complete();
    expect(h.coordinator.get('tx')).toMatchObject({ state: 'Empty', producerId: 1000, producerEpoch: 0, pendingState: null });
  });

  it('bumps the epoch on every new init of the same id, keeping the producer id', () => {
    const h = harness();
    h.write(h.coordinator.initProducerId('tx', 60_000));
    expect(h.write(h.coordinator.initProducerId('tx', 30_000))).toEqual({ errorCode: ErrorCode.NONE, producerId: 1000, producerEpoch: 1 });
    expect(h.coordinator.get('tx')?.txnTimeoutMs).toBe(30_000);
  });

  it('refuses an empty transactional id and timeouts outside 1..transaction.max.timeout.ms', () => {
    const h = harness();
    expect(h.coordinator.initProducerId('', 60_000).response.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect(h.coordinator.initProducerId('tx', 0).response).toEqual({ errorCode: ErrorCode.INVALID_TRANSACTION_TIMEOUT, producerId: -1, producerEpoch: -1 });
    expect(h.coordinator.initProducerId('tx', 900_001).response.errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    expect(h.coordinator.initProducerId('tx', 900_000).response.errorCode).toBe(ErrorCode.NONE);
  });

  it('gives an idempotent producer (no transactional id) a fresh id at epoch 0 and stores nothing', () => {
    const h = harness();
    const r = h.coordinator.initProducerId(null, 0);
    expect(r.response).toEqual({ errorCode: ErrorCode.NONE, producerId: 1000, producerEpoch: 0 });
    expect(r.records).toEqual([]);
  });

  it('fences an ongoing transaction: aborts it with a bumped epoch and answers CONCURRENT_TRANSACTIONS', () => {
    const h = ongoing();
    const r = h.coordinator.initProducerId('tx', 60_000);
    expect(r.response.errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    expect(decodeTransactionLogValue(r.records[0]!.value)).toMatchObject({ transactionStatus: 3, producerEpoch: 1 });
    expect(r.markers).toEqual({ transactionalId: 'tx', producerId: h.pid, producerEpoch: 1, coordinatorEpoch: 3, result: 'ABORT', partitions: [tp('t', 0), tp('t', 1)] });
    h.write(r);
    // The old producer is fenced everywhere.
    expect(h.coordinator.addPartitions('tx', h.pid, 0, [tp('t', 2)]).response).toBe(ErrorCode.PRODUCER_FENCED);
    expect(h.coordinator.endTxn('tx', h.pid, 0, 'COMMIT').response.errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    // The new producer retries while the markers are written, then gets epoch 2.
    expect(h.coordinator.initProducerId('tx', 60_000).response.errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    h.finishMarkers(h.markers[0]!);
    expect(h.coordinator.get('tx')?.state).toBe('CompleteAbort');
    expect(h.write(h.coordinator.initProducerId('tx', 60_000))).toEqual({ errorCode: ErrorCode.NONE, producerId: h.pid, producerEpoch: 2 });
  });

  it('answers CONCURRENT_TRANSACTIONS while a commit or abort is being completed', () => {
    const h = ongoing();
    h.write(h.coordinator.endTxn('tx', h.pid, h.epoch, 'COMMIT'));
    expect(h.coordinator.initProducerId('tx', 60_000).response.errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
  });

  it('a failed fence write keeps the bumped epoch and does not bump it again on the next fence', () => {
    const h = ongoing();
    const r = h.coordinator.initProducerId('tx', 60_000);
    r.revert();
    expect(r.onWriteFailure(ErrorCode.NOT_ENOUGH_REPLICAS).errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    expect(h.coordinator.get('tx')).toMatchObject({ state: 'Ongoing', producerEpoch: 1, hasFailedEpochFence: true, pendingState: null });
    const again = h.coordinator.initProducerId('tx', 60_000);
    expect(again.markers?.producerEpoch).toBe(1);
    h.write(again);
    h.finishMarkers(h.markers[0]!);
    expect(h.coordinator.get('tx')?.hasFailedEpochFence).toBe(false);
  });

  it('a failed write of an init leaves the metadata as it was and maps the error as Kafka does', () => {
    const h = harness();
    h.write(h.coordinator.initProducerId('tx', 60_000));
    const r = h.coordinator.initProducerId('tx', 60_000);
    r.revert();
    expect(r.onWriteFailure(ErrorCode.KAFKA_STORAGE_ERROR).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(r.onWriteFailure(ErrorCode.RECORD_LIST_TOO_LARGE).errorCode).toBe(ErrorCode.UNKNOWN_SERVER_ERROR);
    expect(h.coordinator.get('tx')).toMatchObject({ producerEpoch: 0, pendingState: null });
  });

  describe('KIP-360 recovery with the expected producer id and epoch', () => {
    it('bumps the epoch when the expected one is current, and a retry of that bump gets the same epoch', () => {
      const h = harness();
      const first = h.write(h.coordinator.initProducerId('tx', 60_000));
      const bumped = h.write(h.coordinator.initProducerId('tx', 60_000, { producerId: first.producerId, producerEpoch: 0 }));
      expect(bumped).toEqual({ errorCode: ErrorCode.NONE, producerId: 1000, producerEpoch: 1 });
      expect(h.coordinator.get('tx')?.lastProducerEpoch).toBe(0);
      // The answer was lost; the producer retries with epoch 0 again.
      expect(h.write(h.coordinator.initProducerId('tx', 60_000, { producerId: 1000, producerEpoch: 0 }))).toEqual(bumped);
    });

    it('fences a producer whose expected epoch is neither the current nor the last one, or whose id is unknown', () => {
      const h = harness();
      h.write(h.coordinator.initProducerId('tx', 60_000));
      h.write(h.coordinator.initProducerId('tx', 60_000)); // epoch 1, last epoch -1: someone else initialised
      expect(h.coordinator.initProducerId('tx', 60_000, { producerId: 1000, producerEpoch: 0 }).response.errorCode).toBe(ErrorCode.PRODUCER_FENCED);
      expect(h.coordinator.initProducerId('tx', 60_000, { producerId: 77, producerEpoch: 1 }).response.errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    });

    it('accepts any expected id for a just-created id (epoch -1), as a producer recovering from UNKNOWN_PRODUCER_ID', () => {
      const h = harness();
      expect(h.write(h.coordinator.initProducerId('tx', 60_000, { producerId: 5, producerEpoch: 9 }))).toEqual({
        errorCode: ErrorCode.NONE,
        producerId: 1000,
        producerEpoch: 0,
      });
    });
  });

  describe('epoch exhaustion', () => {
    const exhausted = () => {
      const m = newMetadata('tx', 500, 60_000, 0);
      m.producerEpoch = 32766;
      m.state = 'CompleteCommit';
      return harness({}, [m]);
    };

    it('rotates to a new producer id at epoch 0 once the epoch reaches Short.MaxValue - 1', () => {
      const h = exhausted();
      expect(h.write(h.coordinator.initProducerId('tx', 60_000))).toEqual({ errorCode: ErrorCode.NONE, producerId: 1000, producerEpoch: 0 });
      expect(h.coordinator.get('tx')).toMatchObject({ previousProducerId: 500, lastProducerEpoch: -1 });
    });

    it('with the expected id and epoch, records the last epoch, and a retry with the old id is answered the same', () => {
      const h = exhausted();
      const r = h.write(h.coordinator.initProducerId('tx', 60_000, { producerId: 500, producerEpoch: 32766 }));
      expect(r).toEqual({ errorCode: ErrorCode.NONE, producerId: 1000, producerEpoch: 0 });
      expect(h.coordinator.get('tx')).toMatchObject({ previousProducerId: 500, lastProducerEpoch: 32766 });
      expect(h.write(h.coordinator.initProducerId('tx', 60_000, { producerId: 500, producerEpoch: 32766 }))).toEqual(r);
    });

    it('fences with the one reserved epoch: an ongoing transaction at 32766 is aborted at 32767, then the id rotates', () => {
      const m = newMetadata('tx', 500, 60_000, 0);
      m.producerEpoch = 32766;
      m.state = 'Ongoing';
      m.partitions = [tp('t', 0)];
      m.txnStartTimestamp = 0;
      const h = harness({}, [m]);
      const fence = h.coordinator.initProducerId('tx', 60_000);
      expect(fence.markers?.producerEpoch).toBe(32767);
      h.write(fence);
      h.finishMarkers(h.markers[0]!);
      expect(h.write(h.coordinator.initProducerId('tx', 60_000))).toEqual({ errorCode: ErrorCode.NONE, producerId: 1000, producerEpoch: 0 });
    });
  });
});

describe('AddPartitionsToTxn / AddOffsetsToTxn', () => {
  it('starts a transaction: Ongoing, start time now, the partitions in the record', () => {
    const h = harness();
    h.write(h.coordinator.initProducerId('tx', 60_000));
    h.clock.advance(10);
    const r = h.coordinator.addPartitions('tx', 1000, 0, [tp('a', 0), tp('b', 2), tp('a', 1)]);
    expect(decodeTransactionLogValue(r.records[0]!.value)).toMatchObject({
      transactionStatus: 1,
      transactionStartTimestampMs: h.clock.now(),
      transactionPartitions: [
        { topic: 'a', partitionIds: [0, 1] },
        { topic: 'b', partitionIds: [2] },
      ],
    });
    h.write(r);
    expect(h.coordinator.get('tx')).toMatchObject({ state: 'Ongoing', txnStartTimestamp: h.clock.now() });
  });

  it('answers at once, writing nothing, when the partitions are already in the transaction', () => {
    const h = ongoing();
    const r = h.coordinator.addPartitions('tx', h.pid, h.epoch, [tp('t', 1)]);
    expect(r).toMatchObject({ response: ErrorCode.NONE, records: [] });
    const start = h.coordinator.get('tx')?.txnStartTimestamp;
    h.clock.advance(100);
    h.write(h.coordinator.addPartitions('tx', h.pid, h.epoch, [tp('u', 0)]));
    expect(h.coordinator.get('tx')).toMatchObject({ txnStartTimestamp: start, partitions: [tp('t', 0), tp('t', 1), tp('u', 0)] });
  });

  it("answers Kafka's errors for unknown ids, other producers, old epochs, pending writes and ending transactions", () => {
    const h = ongoing();
    expect(h.coordinator.addPartitions('', h.pid, h.epoch, [tp('t', 0)]).response).toBe(ErrorCode.INVALID_REQUEST);
    expect(h.coordinator.addPartitions('nope', h.pid, h.epoch, [tp('t', 0)]).response).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    expect(h.coordinator.addPartitions('tx', h.pid + 1, h.epoch, [tp('t', 0)]).response).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    expect(h.coordinator.addPartitions('tx', h.pid, h.epoch + 1, [tp('t', 0)]).response).toBe(ErrorCode.PRODUCER_FENCED);
    const pending = h.coordinator.addPartitions('tx', h.pid, h.epoch, [tp('v', 0)]);
    expect(h.coordinator.addPartitions('tx', h.pid, h.epoch, [tp('w', 0)]).response).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    pending.revert();
    expect(h.coordinator.get('tx')?.partitions).toHaveLength(2);
    h.write(h.coordinator.endTxn('tx', h.pid, h.epoch, 'COMMIT'));
    expect(h.coordinator.addPartitions('tx', h.pid, h.epoch, [tp('t', 0)]).response).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
  });

  it('AddOffsetsToTxn adds the group\'s __consumer_offsets partition', () => {
    const h = ongoing();
    h.write(h.coordinator.addOffsets('tx', h.pid, h.epoch, 'group-1'));
    expect(h.coordinator.get('tx')?.partitions).toContainEqual(tp('__consumer_offsets', 'group-1'.length % 50));
  });

  it('verify-only (KIP-890): NONE for partitions in the transaction, TRANSACTION_ABORTABLE for others', () => {
    const h = ongoing();
    const result = h.coordinator.verifyPartitions('tx', h.pid, h.epoch, [tp('t', 0), tp('t', 9)]);
    expect([...result.values()]).toEqual([ErrorCode.NONE, ErrorCode.TRANSACTION_ABORTABLE]);
    expect([...h.coordinator.verifyPartitions('tx', h.pid, h.epoch + 1, [tp('t', 0)]).values()]).toEqual([ErrorCode.PRODUCER_FENCED]);
    expect([...h.coordinator.verifyPartitions('tx', 1, h.epoch, [tp('t', 0)]).values()]).toEqual([ErrorCode.INVALID_PRODUCER_ID_MAPPING]);
    expect([...h.coordinator.verifyPartitions('', 1, 0, [tp('t', 0)]).values()]).toEqual([ErrorCode.INVALID_REQUEST]);
    expect(h.coordinator.get('tx')?.partitions).toHaveLength(2); // verifying writes nothing
    h.write(h.coordinator.endTxn('tx', h.pid, h.epoch, 'ABORT'));
    expect([...h.coordinator.verifyPartitions('tx', h.pid, h.epoch, [tp('t', 0)]).values()]).toEqual([ErrorCode.CONCURRENT_TRANSACTIONS]);
  });
});

describe('EndTxn', () => {
  for (const result of ['COMMIT', 'ABORT'] as const) {
    const prepare = result === 'COMMIT' ? 'PrepareCommit' : 'PrepareAbort';
    const complete = result === 'COMMIT' ? 'CompleteCommit' : 'CompleteAbort';
    const other = result === 'COMMIT' ? 'ABORT' : 'COMMIT';

    it(`${result}: Ongoing -> ${prepare} (record, then markers) -> ${complete} (record)`, () => {
      const h = ongoing();
      const r = h.coordinator.endTxn('tx', h.pid, h.epoch, result);
      expect(r.response).toEqual({ errorCode: ErrorCode.NONE, producerId: h.pid, producerEpoch: h.epoch });
      expect(decodeTransactionLogValue(r.records[0]!.value)).toMatchObject({ transactionStatus: result === 'COMMIT' ? 2 : 3 });
      expect(r.markers).toEqual({ transactionalId: 'tx', producerId: h.pid, producerEpoch: h.epoch, coordinatorEpoch: 3, result, partitions: [tp('t', 0), tp('t', 1)] });
      h.write(r);
      expect(h.coordinator.get('tx')).toMatchObject({ state: prepare, pendingState: complete });
      // Retries while the markers are written are told to wait, whichever result they ask for.
      expect(h.coordinator.endTxn('tx', h.pid, h.epoch, result).response.errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
      expect(h.coordinator.endTxn('tx', h.pid, h.epoch, other).response.errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
      const done = h.coordinator.markersWritten(h.markers[0]!);
      const v = decodeTransactionLogValue(done.records[0]!.value);
      expect(v).toMatchObject({ transactionStatus: result === 'COMMIT' ? 4 : 5, transactionPartitions: [] });
      h.write(done);
      expect(h.coordinator.get('tx')).toMatchObject({ state: complete, pendingState: null, partitions: [] });
      // An idempotent retry of the same EndTxn is answered NONE; the other result is INVALID_TXN_STATE.
      expect(h.coordinator.endTxn('tx', h.pid, h.epoch, result)).toMatchObject({ records: [], response: { errorCode: ErrorCode.NONE, producerId: h.pid, producerEpoch: h.epoch } });
      expect(h.coordinator.endTxn('tx', h.pid, h.epoch, other).response).toEqual({ errorCode: ErrorCode.INVALID_TXN_STATE, producerId: -1, producerEpoch: -1 });
      // The next transaction starts from the completed one.
      h.write(h.coordinator.addPartitions('tx', h.pid, h.epoch, [tp('t', 5)]));
      expect(h.coordinator.get('tx')).toMatchObject({ state: 'Ongoing', partitions: [tp('t', 5)] });
    });
  }

  it('a failed Complete* write leaves the transaction prepared; markersWritten may be called again', () => {
    const h = ongoing();
    h.write(h.coordinator.endTxn('tx', h.pid, h.epoch, 'COMMIT'));
    const first = h.coordinator.markersWritten(h.markers[0]!);
    first.revert();
    expect(h.coordinator.get('tx')).toMatchObject({ state: 'PrepareCommit', pendingState: null });
    expect(h.finishMarkers(h.markers[0]!)).toBe(ErrorCode.NONE);
    expect(h.coordinator.get('tx')?.state).toBe('CompleteCommit');
  });

  it('a failed Prepare* write leaves the transaction Ongoing', () => {
    const h = ongoing();
    const r = h.coordinator.endTxn('tx', h.pid, h.epoch, 'COMMIT');
    r.revert();
    expect(r.onWriteFailure(ErrorCode.REQUEST_TIMED_OUT).errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    expect(h.coordinator.get('tx')).toMatchObject({ state: 'Ongoing', pendingState: null });
  });

  it("answers Kafka's errors: unknown id, other producer, other epoch, no transaction", () => {
    const h = ongoing();
    expect(h.coordinator.endTxn('', h.pid, h.epoch, 'COMMIT').response.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect(h.coordinator.endTxn('nope', h.pid, h.epoch, 'COMMIT').response.errorCode).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    expect(h.coordinator.endTxn('tx', h.pid + 1, h.epoch, 'COMMIT').response.errorCode).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    expect(h.coordinator.endTxn('tx', h.pid, h.epoch + 1, 'COMMIT').response.errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    const e = harness();
    const init = e.write(e.coordinator.initProducerId('tx', 60_000));
    expect(e.coordinator.endTxn('tx', init.producerId, init.producerEpoch, 'COMMIT').response.errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(e.coordinator.endTxn('tx', init.producerId, init.producerEpoch, 'ABORT').response.errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
  });

  it('older request versions get INVALID_PRODUCER_EPOCH for PRODUCER_FENCED, as KafkaApis answers them', () => {
    expect(fencedErrorForVersion(ErrorCode.PRODUCER_FENCED, 'InitProducerId', 3)).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(fencedErrorForVersion(ErrorCode.PRODUCER_FENCED, 'InitProducerId', 4)).toBe(ErrorCode.PRODUCER_FENCED);
    expect(fencedErrorForVersion(ErrorCode.PRODUCER_FENCED, 'EndTxn', 1)).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(fencedErrorForVersion(ErrorCode.PRODUCER_FENCED, 'AddPartitionsToTxn', 2)).toBe(ErrorCode.PRODUCER_FENCED);
    expect(fencedErrorForVersion(ErrorCode.PRODUCER_FENCED, 'AddOffsetsToTxn', 0)).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(fencedErrorForVersion(ErrorCode.CONCURRENT_TRANSACTIONS, 'EndTxn', 0)).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
  });
});

describe('transaction timeouts', () => {
  it('aborts an Ongoing transaction once it is older than its timeout, with an epoch bump that fences the producer', () => {
    const h = harness();
    const init = h.write(h.coordinator.initProducerId('tx', 1_000));
    h.write(h.coordinator.addPartitions('tx', init.producerId, init.producerEpoch, [tp('t', 0)]));
    h.clock.advance(1_000);
    expect(h.coordinator.abortTimedOutTransactions()).toEqual([]); // start + timeout < now, strictly
    h.clock.advance(1);
    const [abort, ...rest] = h.coordinator.abortTimedOutTransactions();
    expect(rest).toEqual([]);
    expect(abort!.markers).toMatchObject({ result: 'ABORT', producerEpoch: 1, partitions: [tp('t', 0)] });
    expect(decodeTransactionLogValue(abort!.records[0]!.value)).toMatchObject({ transactionStatus: 3, producerEpoch: 1 });
    expect(h.write(abort!)).toBe(ErrorCode.NONE);
    // Already being aborted: the next sweep leaves it alone.
    expect(h.coordinator.abortTimedOutTransactions()).toEqual([]);
    h.finishMarkers(h.markers[0]!);
    expect(h.coordinator.get('tx')).toMatchObject({ state: 'CompleteAbort', producerEpoch: 1 });
    expect(h.coordinator.endTxn('tx', init.producerId, init.producerEpoch, 'COMMIT').response.errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    expect(h.coordinator.addPartitions('tx', init.producerId, init.producerEpoch, [tp('t', 0)]).response).toBe(ErrorCode.PRODUCER_FENCED);
  });

  it('leaves Empty, completed and pending transactions alone', () => {
    const h = harness();
    h.write(h.coordinator.initProducerId('empty', 1_000));
    const a = h.write(h.coordinator.initProducerId('pending', 1_000));
    const pending = h.coordinator.addPartitions('pending', a.producerId, a.producerEpoch, [tp('t', 0)]);
    h.clock.advance(10_000);
    expect(h.coordinator.abortTimedOutTransactions()).toEqual([]);
    pending.revert();
  });
});

describe('DescribeTransactions / ListTransactions', () => {
  it('describes a transaction and answers TRANSACTIONAL_ID_NOT_FOUND / INVALID_REQUEST', () => {
    const h = ongoing();
    h.write(h.coordinator.addPartitions('tx', h.pid, h.epoch, [tp('u', 3)]));
    expect(h.coordinator.describe('tx')).toEqual({
      errorCode: ErrorCode.NONE,
      transactionalId: 'tx',
      transactionState: 'Ongoing',
      transactionTimeoutMs: 60_000,
      transactionStartTimeMs: h.clock.now(),
      producerId: h.pid,
      producerEpoch: h.epoch,
      topics: [
        { topic: 't', partitions: [0, 1] },
        { topic: 'u', partitions: [3] },
      ],
    });
    expect(h.coordinator.describe('nope').errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
    expect(h.coordinator.describe('').errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });

  it('lists with state, producer id and duration filters, reporting unknown states', () => {
    const h = ongoing(); // 'tx' Ongoing since now
    const other = h.write(h.coordinator.initProducerId('idle', 60_000));
    const ids = (l: ReturnType<typeof h.coordinator.list>) => l.transactionStates.map((s) => s.transactionalId).sort();
    expect(ids(h.coordinator.list())).toEqual(['idle', 'tx']);
    expect(ids(h.coordinator.list({ states: ['Ongoing'] }))).toEqual(['tx']);
    const bad = h.coordinator.list({ states: ['Ongoing', 'Sleeping'] });
    expect(bad.unknownStateFilters).toEqual(['Sleeping']);
    expect(ids(bad)).toEqual(['tx']);
    expect(ids(h.coordinator.list({ producerIds: [other.producerId] }))).toEqual(['idle']);
    // Duration: only transactions that started more than durationMs ago.
    h.clock.advance(500);
    expect(ids(h.coordinator.list({ states: ['Ongoing'], durationMs: 500 }))).toEqual([]);
    h.clock.advance(1);
    expect(ids(h.coordinator.list({ states: ['Ongoing'], durationMs: 500 }))).toEqual(['tx']);
    expect(h.coordinator.list({ states: ['Ongoing'] }).transactionStates).toEqual([{ transactionalId: 'tx', producerId: h.pid, transactionState: 'Ongoing' }]);
  });
});

describe('record shapes', () => {
  it('writes TransactionLogValue v0 when configured so (below transaction.version 1)', () => {
    const h = harness({ logValueVersion: 0 });
    const r = h.coordinator.initProducerId('tx', 60_000);
    expect(r.records[0]!.value!.readInt16BE(0)).toBe(0);
    expect(metadataFromRecord(r.records[0]!)?.metadata).toMatchObject({ producerId: 1000, producerEpoch: 0, state: 'Empty' });
  });
});
