/** RecordBatch header checks against batches built by kafkajs's own encoder, and CRC-32C. */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { crc32c, crc32cJs } from '../../../src/engine/protocol/crc32c.js';
import {
  Attr,
  checkBatch,
  computeCrc,
  Off,
  readBatchHeader,
  setBaseOffset,
  setLogAppendTime,
  setPartitionLeaderEpoch,
} from '../../../src/engine/protocol/record-batch.js';

const require = createRequire(import.meta.url);
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js');
const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js');
const Long = require('kafkajs/src/utils/long.js');
const kjsCrc32C = require('kafkajs/src/protocol/recordBatch/crc32C/index.js');

async function kafkajsBatch(opts: Record<string, unknown> = {}, n = 3): Promise<Buffer> {
  const records = Array.from({ length: n }, (_, i) =>
    Record({ offsetDelta: i, timestampDelta: i * 10, key: `k${i}`, value: Buffer.from(`value-${i}`), headers: { h: 'x' } }),
  );
  const enc = await RecordBatch({
    firstOffset: Long.fromInt(0),
    firstTimestamp: 1_700_000_000_000,
    maxTimestamp: 1_700_000_000_000 + (n - 1) * 10,
    lastOffsetDelta: n - 1,
    records,
    ...opts,
  });
  return Buffer.from(enc.buffer);
}

describe('CRC-32C', () => {
  it('check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32cJs(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
  });
  it('agrees with kafkajs on arbitrary data', () => {
    for (const len of [1, 7, 64, 1000, 4097]) {
      const b = Buffer.alloc(len);
      for (let i = 0; i < len; i++) b[i] = (i * 31 + len) & 0xff;
      expect(crc32c(b)).toBe(kjsCrc32C(b) >>> 0);
      expect(crc32cJs(b)).toBe(crc32c(b));
    }
  });
});

describe('kafkajs-built batches', () => {
  it('pass checkBatch, and the header fields match', async () => {
    const b = await kafkajsBatch({ producerId: Long.fromInt(1234), producerEpoch: 2, firstSequence: 17, partitionLeaderEpoch: 0 }, 3);
    const res = checkBatch(b);
    expect(res.kind).toBe('ok');
    const h = readBatchHeader(b);
    expect(h).toMatchObject({
      baseOffset: 0,
      size: b.length,
      partitionLeaderEpoch: 0,
      magic: 2,
      attributes: 0,
      lastOffsetDelta: 2,
      baseTimestamp: 1_700_000_000_000,
      maxTimestamp: 1_700_000_000_020,
      producerId: 1234,
      producerEpoch: 2,
      baseSequence: 17,
      recordsCount: 3,
    });
    expect(h.crc).toBe(computeCrc(b));
  });

  it('a transactional, non-idempotent default batch', async () => {
    const b = await kafkajsBatch({ transactional: true }, 1);
    const res = checkBatch(b);
    expect(res.kind).toBe('ok');
    if (res.kind === 'ok') {
      expect(res.header.attributes & Attr.transactional).toBe(Attr.transactional);
      expect(res.header.producerId).toBe(-1);
      expect(res.header.recordsCount).toBe(1);
    }
  });

  it('rewriting base offset and leader epoch keeps the CRC valid; LogAppendTime recomputes it', async () => {
    const b = await kafkajsBatch();
    setBaseOffset(b, 2 ** 40 + 3);
    setPartitionLeaderEpoch(b, 5);
    expect(checkBatch(b).kind).toBe('ok');
    expect(readBatchHeader(b)).toMatchObject({ baseOffset: 2 ** 40 + 3, partitionLeaderEpoch: 5 });
    setLogAppendTime(b, 1_800_000_000_000);
    const res = checkBatch(b);
    expect(res.kind).toBe('ok');
    if (res.kind === 'ok') {
      expect(res.header.maxTimestamp).toBe(1_800_000_000_000);
      expect(res.header.attributes & Attr.timestampTypeLogAppend).toBeTruthy();
    }
  });

  it('detects corruption and truncation', async () => {
    const b = await kafkajsBatch();
    const flipped = Buffer.from(b);
    flipped[flipped.length - 1]! ^= 0xff;
    expect(checkBatch(flipped)).toMatchObject({ kind: 'corrupt' });
    const badMagic = Buffer.from(b);
    badMagic[Off.magic] = 1;
    expect(checkBatch(badMagic)).toMatchObject({ kind: 'corrupt' });
    expect(checkBatch(b.subarray(0, b.length - 1))).toMatchObject({ kind: 'truncated', need: b.length });
    expect(checkBatch(b.subarray(0, 5))).toMatchObject({ kind: 'truncated' });
  });

  it('several batches back to back', async () => {
    const b1 = await kafkajsBatch({}, 2);
    const b2 = await kafkajsBatch({ firstOffset: Long.fromInt(2) }, 4);
    const all = Buffer.concat([b1, b2]);
    const first = checkBatch(all, 0);
    expect(first.kind).toBe('ok');
    const second = checkBatch(all, b1.length);
    expect(second).toMatchObject({ kind: 'ok', header: { baseOffset: 2, recordsCount: 4, size: b2.length } });
  });
});
