/**
 * `__transaction_state` batches (the coordinator's records as Kafka's RecordBatch v2) and the
 * partition of a transactional id (Kafka's Utils.abs(String.hashCode) % partitions).
 */
import { describe, expect, it } from 'vitest';
import { encodeMarkerBatch } from '../../../src/engine/protocol/control-batch.js';
import { checkBatch, readBatchHeader, setBaseOffset } from '../../../src/engine/protocol/record-batch.js';
import { decodeTxnLogBatches, encodeTxnLogBatch } from '../../../src/engine/txn/log-batch.js';
import { javaStringHash, partitionFor } from '../../../src/engine/txn/partition-for.js';
import { decodeTransactionLogKey, decodeTransactionLogValue, encodeTransactionLogKey, encodeTransactionLogValue } from '../../../src/engine/txn/transaction-log-records.js';

const value = (producerId: number) =>
  encodeTransactionLogValue({
    producerId,
    producerEpoch: 0,
    transactionTimeoutMs: 60_000,
    transactionStatus: 1,
    transactionPartitions: [{ topic: 't', partitionIds: [0, 2] }],
    transactionLastUpdateTimestampMs: 5,
    transactionStartTimestampMs: 4,
  });

describe('__transaction_state batches', () => {
  it('encodes records as one valid uncompressed batch without a producer, and decodes them back', () => {
    const records = [
      { key: encodeTransactionLogKey('a'), value: value(7) },
      { key: encodeTransactionLogKey('b'), value: null },
    ];
    const batch = encodeTxnLogBatch(records, 1_700_000_000_000);
    expect(checkBatch(batch).kind).toBe('ok');
    const h = readBatchHeader(batch);
    expect(h).toMatchObject({ producerId: -1, producerEpoch: -1, baseSequence: -1, recordsCount: 2, lastOffsetDelta: 1, attributes: 0 });
    const back = decodeTxnLogBatches(batch);
    expect(back.nextOffset).toBe(2);
    expect(back.records).toHaveLength(2);
    expect(decodeTransactionLogKey(back.records[0]!.key)?.transactionalId).toBe('a');
    expect(decodeTransactionLogValue(back.records[0]!.value)).toMatchObject({ producerId: 7, transactionStatus: 1, transactionPartitions: [{ topic: 't', partitionIds: [0, 2] }] });
    expect(back.records[1]).toEqual({ key: encodeTransactionLogKey('b'), value: null });
  });

  it('reads several batches in a row at their offsets and skips control batches', () => {
    const one = encodeTxnLogBatch([{ key: encodeTransactionLogKey('a'), value: value(1) }], 1);
    const marker = encodeMarkerBatch({ producerId: 1, producerEpoch: 0, type: 'COMMIT', coordinatorEpoch: 0, timestamp: 1 });
    const two = encodeTxnLogBatch([{ key: encodeTransactionLogKey('a'), value: value(2) }], 2);
    setBaseOffset(marker, 1);
    setBaseOffset(two, 2);
    const back = decodeTxnLogBatches(Buffer.concat([one, marker, two]));
    expect(back.nextOffset).toBe(3);
    expect(back.records.map((r) => decodeTransactionLogValue(r.value)?.producerId)).toEqual([1, 2]);
  });

  it('stops at a batch cut short (a read ends inside one)', () => {
    const one = encodeTxnLogBatch([{ key: encodeTransactionLogKey('a'), value: value(1) }], 1);
    const two = encodeTxnLogBatch([{ key: encodeTransactionLogKey('b'), value: value(2) }], 2);
    setBaseOffset(two, 1);
    const back = decodeTxnLogBatches(Buffer.concat([one, two.subarray(0, two.length - 3)]));
    expect(back).toMatchObject({ nextOffset: 1, records: [{ key: encodeTransactionLogKey('a') }] });
  });
});

describe('partitionFor', () => {
  it("is Java's String.hashCode over UTF-16 code units", () => {
    expect(javaStringHash('')).toBe(0);
    expect(javaStringHash('a')).toBe(97);
    expect(javaStringHash('hello')).toBe(99162322);
    expect(javaStringHash('€😀')).toBe(((0x20ac * 31 + 0xd83d) * 31 + 0xde00) | 0);
  });

  it('maps Integer.MIN_VALUE to partition 0 as Utils.abs does, and negative hashes by their absolute value', () => {
    expect(javaStringHash('polygenelubricants')).toBe(-2147483648);
    expect(partitionFor('polygenelubricants', 50)).toBe(0);
    // The hash as the polynomial sum of code units * 31^k modulo 2^32, read as a signed int.
    const reference = (s: string) => {
      let h = 0n;
      for (let i = 0; i < s.length; i++) h = (h * 31n + BigInt(s.charCodeAt(i))) % 2n ** 32n;
      return Number(BigInt.asIntN(32, h));
    };
    const negative = 'tx-orders';
    expect(reference(negative)).toBeLessThan(0);
    expect(javaStringHash(negative)).toBe(reference(negative));
    expect(partitionFor(negative, 50)).toBe(-reference(negative) % 50);
    expect(partitionFor('hello', 50)).toBe(99162322 % 50);
  });
});
