import { describe, expect, it } from 'vitest';
import { ProducerStateTable, addSequence } from '../../../src/engine/log/producer-state.js';

describe('producer state', () => {
  it('accepts an unknown producer at any sequence, then requires the next one', () => {
    const t = new ProducerStateTable();
    expect(t.check(7, 0, 42, 4)).toEqual({ kind: 'append' });
    t.record(7, 0, 42, 4, 100);
    expect(t.check(7, 0, 47, 0)).toEqual({ kind: 'append' });
    expect(t.check(7, 0, 49, 0)).toMatchObject({ kind: 'error', error: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
  });

  it('recognises any of the last five batches as duplicates', () => {
    const t = new ProducerStateTable();
    for (let i = 0; i < 6; i++) t.record(1, 0, i * 10, 9, i * 10);
    expect(t.check(1, 0, 0, 9)).toMatchObject({ kind: 'error' }); // forgotten (sixth back)
    expect(t.check(1, 0, 10, 9)).toEqual({ kind: 'duplicate', baseOffset: 10, lastOffset: 19 });
    expect(t.check(1, 0, 50, 9)).toEqual({ kind: 'duplicate', baseOffset: 50, lastOffset: 59 });
  });

  it('fences older epochs and wants sequence 0 on a new epoch', () => {
    const t = new ProducerStateTable();
    t.record(1, 3, 0, 0, 0);
    expect(t.check(1, 2, 1, 0)).toMatchObject({ kind: 'error', error: 'INVALID_PRODUCER_EPOCH' });
    expect(t.check(1, 4, 5, 0)).toMatchObject({ kind: 'error', error: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
    expect(t.check(1, 4, 0, 0)).toEqual({ kind: 'append' });
    t.record(1, 4, 0, 0, 1);
    expect(t.get(1)!.batches).toHaveLength(1);
  });

  it('wraps sequences at 2^31', () => {
    const t = new ProducerStateTable();
    const max = 2 ** 31 - 1;
    expect(addSequence(max, 1)).toBe(0);
    t.record(1, 0, max - 1, 1, 0); // max-1, max
    expect(t.check(1, 0, 0, 3)).toEqual({ kind: 'append' });
    t.record(1, 0, max, 2, 5); // wraps: max, 0, 1
    expect(t.get(1)!.batches[1]!.lastSeq).toBe(1);
  });

  it('round-trips through JSON', () => {
    const t = new ProducerStateTable();
    t.record(9, 1, 0, 4, 0);
    const u = ProducerStateTable.fromJSON(JSON.parse(JSON.stringify(t.toJSON())));
    expect(u.check(9, 1, 0, 4)).toEqual({ kind: 'duplicate', baseOffset: 0, lastOffset: 4 });
  });
});

describe('producer state with transactions', () => {
  it('a transactional batch starts the transaction, later ones continue it, a marker ends it', () => {
    const t = new ProducerStateTable();
    expect(t.firstUnstableOffset()).toBeUndefined();
    t.record(5, 0, 0, 2, 10, true, 111);
    t.record(5, 0, 3, 1, 13, true, 112);
    expect(t.get(5)).toMatchObject({ currentTxnFirstOffset: 10, lastTimestamp: 112 });
    expect(t.firstUnstableOffset()).toBe(10);
    t.record(6, 0, 0, 0, 15, true);
    expect(t.ongoingTransactions()).toEqual([
      { producerId: 5, firstOffset: 10 },
      { producerId: 6, firstOffset: 15 },
    ]);
    expect(t.checkMarker(5, 0, 0)).toEqual({ kind: 'append' });
    const done = t.recordMarker(5, 0, 'COMMIT', 0, 16, 200);
    expect(done).toEqual({ producerId: 5, firstOffset: 10, lastOffset: 16, aborted: false });
    expect(t.get(5)).toMatchObject({ currentTxnFirstOffset: -1, coordinatorEpoch: 0, lastTimestamp: 200 });
    expect(t.firstUnstableOffset()).toBe(15);
    // Producer 6 aborts; no other transaction is ongoing, so its entry's LSO is the offset after the marker.
    const aborted = t.recordMarker(6, 0, 'ABORT', 0, 17, 201)!;
    expect(aborted.aborted).toBe(true);
    expect(t.lastStableOffsetAfter(aborted)).toBe(18);
    expect(t.firstUnstableOffset()).toBeUndefined();
  });

  it("an aborted transaction's LSO is the first offset of the earliest other ongoing transaction", () => {
    const t = new ProducerStateTable();
    t.record(1, 0, 0, 0, 0, true);
    t.record(2, 0, 0, 0, 1, true);
    const done = t.recordMarker(2, 0, 'ABORT', 3, 2, 0)!;
    expect(t.lastStableOffsetAfter(done)).toBe(0);
  });

  it('a marker without an ongoing transaction ends nothing but still takes its epochs', () => {
    const t = new ProducerStateTable();
    expect(t.recordMarker(9, 2, 'ABORT', 4, 0, 5)).toBeUndefined();
    expect(t.get(9)).toMatchObject({ epoch: 2, coordinatorEpoch: 4, currentTxnFirstOffset: -1 });
    // A producer the marker made has no sequence yet: its next batch starts at 0.
    expect(t.check(9, 2, 3, 0, true)).toMatchObject({ kind: 'error', error: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
    expect(t.check(9, 2, 0, 0, true)).toEqual({ kind: 'append' });
  });

  it('refuses a plain write from a producer in the middle of its transaction', () => {
    const t = new ProducerStateTable();
    t.record(1, 0, 0, 0, 0, true);
    expect(t.check(1, 0, 1, 0, false)).toMatchObject({ kind: 'error', error: 'INVALID_TXN_STATE' });
    expect(t.check(1, 0, 1, 0, true)).toEqual({ kind: 'append' });
  });

  it('fences a marker with an older producer epoch or an older coordinator epoch', () => {
    const t = new ProducerStateTable();
    t.record(1, 3, 0, 0, 0, true);
    expect(t.checkMarker(1, 2, 0)).toMatchObject({ kind: 'error', error: 'INVALID_PRODUCER_EPOCH' });
    t.recordMarker(1, 3, 'COMMIT', 5, 1, 0);
    expect(t.checkMarker(1, 3, 4)).toMatchObject({
      kind: 'error',
      error: 'TRANSACTION_COORDINATOR_FENCED',
      message: 'Invalid coordinator epoch for producerId 1: 4 (zombie), 5 (current)',
    });
    expect(t.checkMarker(1, 3, 5)).toEqual({ kind: 'append' });
    // A coordinator fencing the producer aborts with the bumped epoch: accepted, sequences forgotten.
    t.record(1, 3, 1, 0, 2, true);
    expect(t.checkMarker(1, 4, 5)).toEqual({ kind: 'append' });
    expect(t.recordMarker(1, 4, 'ABORT', 5, 3, 0)).toMatchObject({ firstOffset: 2, aborted: true });
    expect(t.get(1)).toMatchObject({ epoch: 4, batches: [] });
    expect(t.check(1, 3, 2, 0, true)).toMatchObject({ kind: 'error', error: 'INVALID_PRODUCER_EPOCH' });
  });

  it('round-trips through its snapshot, ongoing transactions included, and reads an older snapshot', () => {
    const t = new ProducerStateTable();
    t.record(1, 0, 0, 4, 0, true, 50);
    t.recordMarker(2, 1, 'COMMIT', 7, 5, 60);
    const back = ProducerStateTable.fromJSON(JSON.parse(JSON.stringify(t.toJSON())));
    expect(back.toJSON()).toEqual(t.toJSON());
    expect(back.firstUnstableOffset()).toBe(0);
    const old = ProducerStateTable.fromJSON([{ producerId: 3, epoch: 0, batches: [{ firstSeq: 0, lastSeq: 0, baseOffset: 0, lastOffset: 0 }] }]);
    expect(old.get(3)).toMatchObject({ coordinatorEpoch: -1, lastTimestamp: -1, currentTxnFirstOffset: -1 });
  });
});
