/** The Produce-time batch validator: every poison batch of issue 12 refused, every well-formed batch accepted. */
import { createRequire } from 'node:module';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { validateBatch, type ValidationLimits } from '../../../src/engine/log/batch-validate.js';
import { checkBatch } from '../../../src/engine/protocol/record-batch.js';
import { codecs, goodRecords, poisonBatches, rawBatch, record } from '../../helpers/poison.js';
import { makeBatch } from './batch-builder.js';

const require = createRequire(import.meta.url);
const NOW = 1_700_000_000_000;
const LIMITS: ValidationLimits = {
  now: NOW,
  timestampBeforeMaxMs: Infinity,
  timestampAfterMaxMs: Infinity,
  logAppendTime: false,
  compacted: false,
  maxDecompressedBytes: 1 << 20,
  topicPartition: 't-0',
};

async function verdict(batch: Buffer, lim: Partial<ValidationLimits> = {}) {
  const check = checkBatch(batch);
  if (check.kind !== 'ok') throw new Error(`test batch fails the header check: ${JSON.stringify(check)}`);
  return validateBatch(batch, check.header, { ...LIMITS, ...lim });
}

let zstdInit: Promise<void> | undefined;

/** zstd-wasm is initialised once per process: a second init() resets the module the validator already uses. */
async function zstdCodec() {
  const zstd = require('@bokuweb/zstd-wasm') as { init(): Promise<void>; compress(b: Buffer, level?: number): Uint8Array };
  zstdInit ??= zstd.init();
  await zstdInit;
  return { id: 4, fn: (b: Buffer) => Buffer.from(zstd.compress(b, 3)) };
}

describe('batch validation', () => {
  it.each(Object.entries(poisonBatches()))('refuses %s', async (_name, batch) => {
    const v = await verdict(batch);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.kind).toBe('invalid');
  });

  it('names the problem as Kafka does', async () => {
    const p = poisonBatches();
    const msg = async (name: string) => {
      const v = await verdict(p[name]!);
      return v.ok ? '' : v.message;
    };
    expect(await msg('trailing bytes after the last record')).toBe('Incorrect declared batch size, records still remaining in file');
    expect(await msg('negative record length')).toMatch(/^Invalid record size: expected -7 bytes in record payload/);
    expect(await msg('lastOffsetDelta not count-1')).toBe('Inconsistent batch offset range [0, 5] and count of records 2 in topic partition t-0');
    expect(await msg('zero records')).toBe('Invalid reported count for record batch: 0 in topic partition t-0');
    expect(await msg('count larger than the records present')).toMatch(/^Incorrect declared batch size, premature EOF reached/);
    expect(await msg('gzip flag on raw records')).toMatch(/^Failed to decompress record stream \(gzip\)/);
    expect(await msg('negative header count')).toBe('Found invalid number of record headers -2');
  });

  it('accepts well-formed batches, uncompressed and in every codec', async () => {
    const records = [
      { value: 'a', key: 'k' },
      { value: Buffer.alloc(3000, 1), key: null },
      { value: '', key: '' },
    ];
    const z = await zstdCodec();
    for (const compress of [undefined, codecs.gzip, codecs.snappy, codecs.lz4, z]) {
      expect(await verdict(makeBatch(records, { compress, baseTimestamp: NOW }))).toEqual({ ok: true });
    }
    const withHeaders = rawBatch({
      records: Buffer.concat([
        record({ offsetDelta: 0, headers: [['h', Buffer.from('x')], ['n', null]] }),
        record({ offsetDelta: 1, key: Buffer.from('k'), value: null }),
      ]),
      count: 2,
    });
    expect(await verdict(withHeaders)).toEqual({ ok: true });
  });

  it('accepts xerial-framed snappy (the Java client)', async () => {
    const raw = goodRecords(4);
    const snappy = require('snappy') as { compressSync(b: Buffer): Buffer };
    const half = Math.floor(raw.length / 2);
    const blocks = [snappy.compressSync(raw.subarray(0, half)), snappy.compressSync(raw.subarray(half))];
    const head = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]);
    const framed = Buffer.concat([head, ...blocks.flatMap((b) => [Buffer.from([0, 0, (b.length >> 8) & 0xff, b.length & 0xff]), b])]);
    expect(await verdict(rawBatch({ records: framed, count: 4, compression: 2 }))).toEqual({ ok: true });
  });

  it('refuses out-of-range timestamps with INVALID_TIMESTAMP and record errors, as message.timestamp.*.max.ms ask', async () => {
    const batch = rawBatch({
      records: Buffer.concat([
        record({ offsetDelta: 0 }),
        record({ offsetDelta: 1, timestampDelta: -NOW }),
        record({ offsetDelta: 2, timestampDelta: 10 * 3_600_000 }),
      ]),
      count: 3,
      baseTimestamp: NOW,
    });
    expect(await verdict(batch)).toEqual({ ok: true });
    const v = await verdict(batch, { timestampBeforeMaxMs: 3_600_000, timestampAfterMaxMs: 3_600_000 });
    expect(v).toEqual({
      ok: false,
      kind: 'timestamp',
      message: 'One or more records have been rejected due to invalid timestamp',
      recordErrors: [
        { batchIndex: 1, message: `Timestamp 0 of message with offset 1 is out of range. The timestamp should be within [${NOW - 3_600_000}, ${NOW + 3_600_000}]` },
        { batchIndex: 2, message: `Timestamp ${NOW + 36_000_000} of message with offset 2 is out of range. The timestamp should be within [${NOW - 3_600_000}, ${NOW + 3_600_000}]` },
      ],
    });
    // A LogAppendTime topic takes the broker's time instead: nothing to check.
    expect(await verdict(batch, { timestampBeforeMaxMs: 3_600_000, logAppendTime: true })).toEqual({ ok: true });
  });

  it('refuses a record without a key on a compacted topic', async () => {
    const batch = rawBatch({ records: Buffer.concat([record({ offsetDelta: 0, key: Buffer.from('k') }), record({ offsetDelta: 1 })]), count: 2 });
    const v = await verdict(batch, { compacted: true });
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.recordErrors).toEqual([{ batchIndex: 1, message: 'Compacted topic cannot accept message without key in topic partition t-0' }]);
  });

  it('stops decompressing at the bound', async () => {
    const big = Buffer.concat(Array.from({ length: 200 }, (_, i) => record({ offsetDelta: i, value: Buffer.alloc(10_000) })));
    const z = await zstdCodec();
    for (const c of [codecs.gzip, codecs.snappy, codecs.lz4, z]) {
      const batch = rawBatch({ records: c.fn(big), count: 200, compression: c.id });
      expect(batch.length).toBeLessThan(200_000);
      const v = await verdict(batch, { maxDecompressedBytes: 1_000_000 });
      expect(v.ok, `codec ${c.id}`).toBe(false);
      if (!v.ok) expect(v.message).toMatch(/more than 1000000 bytes/);
      expect(await verdict(batch, { maxDecompressedBytes: 4_000_000 })).toEqual({ ok: true });
    }
  });

  it('refuses a zstd or lz4 frame that declares an oversized content size before inflating it', async () => {
    const fcs = Buffer.alloc(8);
    fcs.writeBigUInt64LE(2n ** 40n);
    // zstd: magic, FHD single-segment with an 8-byte content size, then junk.
    const zstd = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0xe0]), fcs, Buffer.alloc(32, 7)]);
    // lz4: magic, FLG version 01 with the content-size bit, BD 64 KiB blocks, the size, HC, junk.
    const lz4 = Buffer.concat([Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x48, 0x40]), fcs, Buffer.from([0]), Buffer.alloc(32, 7)]);
    for (const [id, body] of [[4, zstd], [3, lz4]] as const) {
      const v = await verdict(rawBatch({ records: body, count: 1, compression: id }));
      expect(v.ok).toBe(false);
      if (!v.ok) expect(v.message).toMatch(/the records decompress to more than 1048576 bytes$/);
    }
  });

  it('leaves the batch bytes as they were', async () => {
    const batch = makeBatch([{ value: 'x' }, { value: 'y' }], { compress: { id: 1, fn: (b) => zlib.gzipSync(b) } });
    const copy = Buffer.from(batch);
    await verdict(batch);
    expect(batch.equals(copy)).toBe(true);
  });
});
