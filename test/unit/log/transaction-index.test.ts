import { describe, expect, it } from 'vitest';
import { ABORTED_TXN_ENTRY_SIZE, TransactionIndex } from '../../../src/engine/log/transaction-index.js';

describe('.txnindex', () => {
  it("encodes Kafka's 34-byte entries (version, producer id, first, last, last stable offset) and reads them back", () => {
    const idx = new TransactionIndex();
    idx.append({ producerId: 7, firstOffset: 10, lastOffset: 15, lastStableOffset: 16 });
    idx.append({ producerId: 2 ** 40 + 3, firstOffset: 20, lastOffset: 30, lastStableOffset: 25 });
    const b = idx.toBuffer();
    expect(b.length).toBe(2 * ABORTED_TXN_ENTRY_SIZE);
    expect(b.readInt16BE(0)).toBe(0);
    expect(b.readBigInt64BE(2)).toBe(7n);
    expect(b.readBigInt64BE(10)).toBe(10n);
    expect(b.readBigInt64BE(18)).toBe(15n);
    expect(b.readBigInt64BE(26)).toBe(16n);
    expect(b.readBigInt64BE(34 + 2)).toBe(2n ** 40n + 3n);
    const back = TransactionIndex.fromBuffer(b);
    expect(back).toBeInstanceOf(TransactionIndex);
    expect((back as TransactionIndex).all()).toEqual(idx.all());
    expect((back as TransactionIndex).equals(idx)).toBe(true);
  });

  it('refuses a partial entry, an unknown version and entries out of order', () => {
    const idx = new TransactionIndex();
    idx.append({ producerId: 1, firstOffset: 0, lastOffset: 5, lastStableOffset: 6 });
    idx.append({ producerId: 1, firstOffset: 7, lastOffset: 9, lastStableOffset: 10 });
    const b = idx.toBuffer();
    expect(TransactionIndex.fromBuffer(b.subarray(0, 40))).toMatch(/not a multiple of 34/);
    const v = Buffer.from(b);
    v.writeInt16BE(1, 34);
    expect(TransactionIndex.fromBuffer(v)).toMatch(/entry 1 has version 1/);
    const swapped = Buffer.concat([b.subarray(34), b.subarray(0, 34)]);
    expect(TransactionIndex.fromBuffer(swapped)).toMatch(/entry 1 is implausible/);
    expect(() => idx.append({ producerId: 2, firstOffset: 1, lastOffset: 9, lastStableOffset: 10 })).toThrow(/not after/);
  });

  it('collects the entries overlapping a fetch range and says when later segments cannot add one', () => {
    const idx = new TransactionIndex();
    idx.append({ producerId: 1, firstOffset: 0, lastOffset: 4, lastStableOffset: 5 });
    idx.append({ producerId: 2, firstOffset: 3, lastOffset: 10, lastStableOffset: 8 });
    idx.append({ producerId: 3, firstOffset: 8, lastOffset: 12, lastStableOffset: 13 });
    // [5, 9): producer 1 ended before 5; 2 overlaps; 3 starts at 8 < 9 and overlaps.
    const r = idx.collect(5, 9);
    expect(r.aborted.map((t) => t.producerId)).toEqual([2, 3]);
    expect(r.complete).toBe(true);
    // [0, 3): producer 1 only; its LSO 5 >= 3 ends the search at once.
    expect(idx.collect(0, 3)).toEqual({ aborted: [idx.all()[0]], complete: true });
    // [13, 20): nothing here, and the search must go on into later segments.
    expect(idx.collect(13, 20)).toEqual({ aborted: [], complete: false });
  });
});
