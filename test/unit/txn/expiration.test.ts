/**
 * transactional.id.expiration.ms (TransactionStateManager.removeExpiredTransactionalIds): an id
 * with no transaction open and no update for that long becomes Dead and is written as a
 * tombstone; replaying the tombstone forgets it; a failed write keeps it.
 */
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/engine/protocol/error-codes.js';
import { replayTransactionLog } from '../../../src/engine/txn/replay.js';
import { decodeTransactionLogKey } from '../../../src/engine/txn/transaction-log-records.js';
import { harness } from './helpers.js';

const DAY = 86_400_000;

describe('transactional id expiration', () => {
  it('expires only ids idle for the expiration time and not in a transaction, with a tombstone each', () => {
    const h = harness();
    h.write(h.coordinator.initProducerId('idle', 60_000));
    h.write(h.coordinator.initProducerId('busy', 60_000));
    const busy = h.coordinator.get('busy')!;
    h.write(h.coordinator.addPartitions('busy', busy.producerId, busy.producerEpoch, [{ topic: 't', partition: 0 }]));
    h.clock.advance(DAY - 1);
    expect(h.coordinator.expireTransactionalIds(DAY)).toEqual([]);
    h.clock.advance(1);
    const expired = h.coordinator.expireTransactionalIds(DAY);
    expect(expired.map((e) => e.transactionalId)).toEqual(['idle']);
    const [{ result }] = expired as [(typeof expired)[0]];
    expect(result.records).toHaveLength(1);
    expect(decodeTransactionLogKey(result.records[0]!.key)?.transactionalId).toBe('idle');
    expect(result.records[0]!.value).toBeNull();
    // While the tombstone is being written the id is Dead-pending: nothing else may start.
    expect(h.coordinator.initProducerId('idle', 60_000).response.errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    h.write(result);
    expect(h.coordinator.get('idle')).toBeUndefined();
    expect(h.coordinator.describe('idle').errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
    // Replaying the log (init record, then the tombstone) forgets the id too.
    expect([...replayTransactionLog(h.log).keys()]).toEqual(['busy']);
    // The id starts over with a new producer id.
    const again = h.write(h.coordinator.initProducerId('idle', 60_000));
    expect(again.errorCode).toBe(ErrorCode.NONE);
    expect(again.producerEpoch).toBe(0);
  });

  it('completed transactions expire once idle; a failed tombstone write keeps the id', () => {
    const h = harness();
    h.write(h.coordinator.initProducerId('done', 60_000));
    const m = h.coordinator.get('done')!;
    h.write(h.coordinator.addPartitions('done', m.producerId, m.producerEpoch, [{ topic: 't', partition: 0 }]));
    h.write(h.coordinator.endTxn('done', m.producerId, m.producerEpoch, 'COMMIT'));
    h.finishMarkers(h.markers[0]!);
    expect(h.coordinator.get('done')!.state).toBe('CompleteCommit');
    h.clock.advance(DAY);
    const [first] = h.coordinator.expireTransactionalIds(DAY);
    first!.result.revert();
    expect(h.coordinator.get('done')).toMatchObject({ state: 'CompleteCommit', pendingState: null });
    const [second] = h.coordinator.expireTransactionalIds(DAY);
    h.write(second!.result);
    expect(h.coordinator.get('done')).toBeUndefined();
  });
});
