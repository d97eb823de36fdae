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
