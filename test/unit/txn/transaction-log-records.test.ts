import { describe, expect, it } from 'vitest';
import {
  decodeControlRecordType,
  decodeEndTransactionMarker,
  decodeTransactionLogKey,
  decodeTransactionLogValue,
  encodeEndTransactionMarker,
  encodeTransactionLogKey,
  encodeTransactionLogValue,
  type TransactionLogValueInput,
} from '../../../src/engine/txn/transaction-log-records.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

const ongoing: TransactionLogValueInput = {
  producerId: 1000,
  producerEpoch: 2,
  transactionTimeoutMs: 60000,
  transactionStatus: 1, // Ongoing
  transactionPartitions: [{ topic: 't', partitionIds: [0, 1] }],
  transactionLastUpdateTimestampMs: 1700000000500,
  transactionStartTimestampMs: 1700000000000,
};

describe('TransactionLogKey', () => {
  it('is an int16 version 0 and a classic string, as MessageUtil.toVersionPrefixedBytes writes it', () => {
    // 0000 (version 0) | 0002 (string length 2) | 74 78 ("tx")
    expect(encodeTransactionLogKey('tx')).toEqual(hex('0000 0002 7478'));
    expect(decodeTransactionLogKey(hex('0000 0002 7478'))).toEqual({ version: 0, transactionalId: 'tx' });
  });

  it('reads a key of an unknown version as unknown (Kafka skips it on load)', () => {
    expect(decodeTransactionLogKey(hex('0005 0002 7478'))).toBeNull();
  });
});

describe('TransactionLogValue', () => {
  // Derived by hand from TransactionLogValue.json, fields in schema order:
  // version 0 (classic):
  //   0000                      int16 version 0
  //   00000000000003e8          ProducerId 1000 (int64)         [PreviousProducerId, NextProducerId: tagged, v1+ only]
  //   0002                      ProducerEpoch 2 (int16)
  //   0000ea60                  TransactionTimeoutMs 60000 (int32)
  //   01                        TransactionStatus 1 = Ongoing (int8)
  //   00000001                  TransactionPartitions: int32 array length 1
  //     0001 74                 Topic "t": int16 length + bytes
  //     00000002 00000000 00000001   PartitionIds [0, 1]: int32 length + int32s
  //   0000018bcfe569f4          TransactionLastUpdateTimestampMs 1700000000500
  //   0000018bcfe56800          TransactionStartTimestampMs 1700000000000
  const v0 = hex('0000 00000000000003e8 0002 0000ea60 01 00000001 0001 74 00000002 00000000 00000001 0000018bcfe569f4 0000018bcfe56800');
  // version 1 (flexible): compact arrays and strings (length + 1 as uvarint), a tagged-field
  // section after each struct; tagged fields at their defaults (-1, -1, 0) are not written.
  //   0001 | pid | epoch | timeout | status
  //   02                        TransactionPartitions: compact array, 1 element
  //     02 74                   Topic "t": compact string
  //     03 00000000 00000001    PartitionIds: compact array of 2
  //     00                      the element's tagged fields: none
  //   lastUpdate | start
  //   00                        the value's tagged fields: none
  const v1 = hex('0001 00000000000003e8 0002 0000ea60 01 02 02 74 03 00000000 00000001 00 0000018bcfe569f4 0000018bcfe56800 00');

  it('writes version 0 byte for byte as Kafka does', () => {
    expect(encodeTransactionLogValue(ongoing, 0)).toEqual(v0);
  });

  it('writes version 1 byte for byte as Kafka does, with no tagged fields at their defaults', () => {
    expect(encodeTransactionLogValue(ongoing, 1)).toEqual(v1);
  });

  it('writes the tagged fields in tag order when they differ from their defaults', () => {
    const withTags = encodeTransactionLogValue({ ...ongoing, previousProducerId: 999, clientTransactionVersion: 2 }, 1);
    // ... same as v1 up to the final tagged-field section, which becomes:
    //   02                      two tagged fields
    //   00 08 00000000000003e7  tag 0 (PreviousProducerId), size 8, 999
    //   02 02 0002              tag 2 (ClientTransactionVersion), size 2, 2
    expect(withTags).toEqual(Buffer.concat([v1.subarray(0, v1.length - 1), hex('02 00 08 00000000000003e7 02 02 0002')]));
    const back = decodeTransactionLogValue(withTags);
    expect(back).toMatchObject({ version: 1, previousProducerId: 999, nextProducerId: -1, clientTransactionVersion: 2 });
  });

  it('round-trips both versions, and reads a v0 value with the tagged fields at their defaults', () => {
    expect(decodeTransactionLogValue(v0)).toEqual({ version: 0, previousProducerId: -1, nextProducerId: -1, clientTransactionVersion: 0, ...ongoing });
    expect(decodeTransactionLogValue(v1)).toEqual({ version: 1, previousProducerId: -1, nextProducerId: -1, clientTransactionVersion: 0, ...ongoing });
  });

  it('writes null partitions for Empty (as Kafka does) and reads them back', () => {
    const empty = { ...ongoing, transactionStatus: 0, transactionPartitions: null, transactionStartTimestampMs: -1 };
    const b0 = encodeTransactionLogValue(empty, 0);
    // a null classic array is int32 -1; a null compact array is uvarint 0
    expect(b0.subarray(17, 21)).toEqual(hex('ffffffff'));
    expect(encodeTransactionLogValue(empty, 1)[17]).toBe(0);
    expect(decodeTransactionLogValue(b0)?.transactionPartitions).toBeNull();
    expect(decodeTransactionLogValue(encodeTransactionLogValue(empty, 1))?.transactionPartitions).toBeNull();
  });

  it('reads a value from a future Kafka with unknown tagged fields (as TransactionLogTest.testDeserializeFutureTransactionLogValue)', () => {
    // The same value Kafka's test builds, derived by hand:
    //   0001 | 00000000000003e8 ProducerId 1000 | 0064 epoch 100 | 000003e8 timeout 1000 | 04 CompleteCommit
    //   02                          one partition entry:
    //     06 746f706963             Topic "topic"  | 02 00000001 PartitionIds [1]
    //     02                        two unknown tagged fields:
    //     64 05 0003 666f6f         tag 100, size 5, STRING "foo"  | 65 04 00000fa0 tag 101, size 4, INT32 4000
    //   00000000000007d0 last update 2000 | 0000000000000bb8 start 3000
    //   02 64 05 0003666f6f 65 04 00000fa0   the value's own unknown tagged fields 100 and 101
    const future = hex(
      '0001 00000000000003e8 0064 000003e8 04 02 06 746f706963 02 00000001 02 6405 0003666f6f 6504 00000fa0' +
        '00000000000007d0 0000000000000bb8 02 6405 0003666f6f 6504 00000fa0',
    );
    expect(decodeTransactionLogValue(future)).toMatchObject({
      version: 1,
      producerId: 1000,
      producerEpoch: 100,
      transactionTimeoutMs: 1000,
      transactionStatus: 4,
      transactionPartitions: [{ topic: 'topic', partitionIds: [1] }],
      transactionLastUpdateTimestampMs: 2000,
      transactionStartTimestampMs: 3000,
      previousProducerId: -1,
    });
  });

  it('keeps a tombstone null and refuses an unknown version', () => {
    expect(decodeTransactionLogValue(null)).toBeNull();
    expect(() => decodeTransactionLogValue(hex('0002 00'))).toThrow(/Unknown version 2/);
  });
});

describe('EndTransactionMarker', () => {
  it('is key = version 0 + type, value = version 0 + coordinator epoch', () => {
    // COMMIT: key 0000 0001; value 0000 (version) 00000005 (coordinator epoch 5)
    expect(encodeEndTransactionMarker({ type: 'COMMIT', coordinatorEpoch: 5 })).toEqual({ key: hex('0000 0001'), value: hex('0000 00000005') });
    // ABORT: type 0
    expect(encodeEndTransactionMarker({ type: 'ABORT', coordinatorEpoch: 0 }).key).toEqual(hex('0000 0000'));
  });

  it('round-trips, reads newer versions as version 0 and refuses what Kafka refuses', () => {
    const m = encodeEndTransactionMarker({ type: 'ABORT', coordinatorEpoch: 7 });
    expect(decodeEndTransactionMarker(m.key, m.value)).toEqual({ type: 'ABORT', coordinatorEpoch: 7 });
    expect(decodeEndTransactionMarker(hex('0003 0001 ff'), hex('0001 00000002 ffff'))).toEqual({ type: 'COMMIT', coordinatorEpoch: 2 });
    expect(decodeControlRecordType(hex('0000 0002'))).toBe(2);
    expect(() => decodeEndTransactionMarker(hex('0000 0002'), hex('0000 00000000'))).toThrow(/Invalid control record type/);
    expect(() => decodeEndTransactionMarker(hex('0000 0001'), hex('0000 0000'))).toThrow(/at least 6 bytes, but found only 4/);
    expect(() => decodeEndTransactionMarker(hex('00'), hex('0000 00000000'))).toThrow(/at least 4 bytes/);
    expect(() => decodeEndTransactionMarker(hex('ffff 0001'), hex('0000 00000000'))).toThrow(/Invalid version/);
  });
});
