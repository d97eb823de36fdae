/**
 * Hand-built RecordBatch v2 bytes with a correct CRC and malformed contents ("poison batches"),
 * for the Produce validation tests. Layout as in segments.ts; records as Kafka's DefaultRecord:
 * varint length, attributes, varlong timestampDelta, varint offsetDelta, key, value, headers.
 */
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { crc32c } from '../../src/engine/protocol/crc32c.js';

const require = createRequire(import.meta.url);

export function zigzag(n: number): Buffer {
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  const out: number[] = [];
  while (z >= 0x80) {
    out.push((z % 128) | 0x80);
    z = Math.floor(z / 128);
  }
  out.push(z);
  return Buffer.from(out);
}

function field(v: Buffer | null): Buffer {
  return v === null ? zigzag(-1) : Buffer.concat([zigzag(v.length), v]);
}

export interface RawRecord {
  offsetDelta: number;
  timestampDelta?: number;
  key?: Buffer | null;
  value?: Buffer | null;
  headers?: [string, Buffer | null][];
  /** Overrides the varint length (the body is written as is). */
  size?: number;
  /** Bytes appended inside the record body (counted by the length unless `size` says otherwise). */
  extra?: Buffer;
  /** Replaces the header-count varint. */
  headerCount?: number;
}

export function record(r: RawRecord): Buffer {
  const headers = r.headers ?? [];
  const body = Buffer.concat([
    Buffer.from([0]),
    zigzag(r.timestampDelta ?? 0),
    zigzag(r.offsetDelta),
    field(r.key === undefined ? null : r.key),
    field(r.value === undefined ? Buffer.from(`v${r.offsetDelta}`) : r.value),
    zigzag(r.headerCount ?? headers.length),
    ...headers.flatMap(([k, v]) => [field(Buffer.from(k)), field(v)]),
    r.extra ?? Buffer.alloc(0),
  ]);
  return Buffer.concat([zigzag(r.size ?? body.length), body]);
}

/** `n` well-formed records with offset deltas 0..n-1. */
export function goodRecords(n: number, key: Buffer | null = null): Buffer {
  return Buffer.concat(Array.from({ length: n }, (_, i) => record({ offsetDelta: i, key })));
}

export interface RawBatchOptions {
  /** The records section as stored (already compressed when `compression` is set). */
  records: Buffer;
  count: number;
  lastOffsetDelta?: number;
  compression?: number;
  magic?: number;
  baseTimestamp?: number;
  producerId?: number;
  baseSequence?: number;
}

/** A batch with BatchLength and CRC-32C computed over whatever is given: only the contents are wrong. */
export function rawBatch(o: RawBatchOptions): Buffer {
  const b = Buffer.alloc(61 + o.records.length);
  b.writeBigInt64BE(0n, 0);
  b.writeInt32BE(b.length - 12, 8);
  b.writeInt32BE(-1, 12);
  b.writeInt8(o.magic ?? 2, 16);
  b.writeInt16BE(o.compression ?? 0, 21);
  b.writeInt32BE(o.lastOffsetDelta ?? o.count - 1, 23);
  const ts = BigInt(o.baseTimestamp ?? Date.now());
  b.writeBigInt64BE(ts, 27);
  b.writeBigInt64BE(ts, 35);
  b.writeBigInt64BE(BigInt(o.producerId ?? -1), 43);
  b.writeInt16BE(-1, 51);
  b.writeInt32BE(o.baseSequence ?? -1, 53);
  b.writeInt32BE(o.count, 57);
  o.records.copy(b, 61);
  b.writeUInt32BE(crc32c(b.subarray(21)), 17);
  return b;
}

export const codecs = {
  gzip: { id: 1, fn: (b: Buffer) => zlib.gzipSync(b) },
  snappy: { id: 2, fn: (b: Buffer) => (require('snappy') as { compressSync(b: Buffer): Buffer }).compressSync(b) },
  lz4: { id: 3, fn: (b: Buffer) => (require('lz4-napi') as { compressFrameSync(b: Buffer): Buffer }).compressFrameSync(b) },
} as const;

/** Every poison batch of issue 12, by name; each has a correct CRC. */
export function poisonBatches(): Record<string, Buffer> {
  const two = goodRecords(2);
  return {
    'negative record length': rawBatch({ records: Buffer.concat([record({ offsetDelta: 0 }), zigzag(-7), Buffer.alloc(6)]), count: 2 }),
    'count larger than the records present': rawBatch({ records: two, count: 3 }),
    'count smaller than the records present': rawBatch({ records: goodRecords(3), count: 2 }),
    'trailing bytes after the last record': rawBatch({ records: Buffer.concat([two, Buffer.from([1, 2, 3, 4, 5])]), count: 2 }),
    'offset deltas out of order': rawBatch({ records: Buffer.concat([record({ offsetDelta: 1 }), record({ offsetDelta: 0 })]), count: 2 }),
    'offset deltas with a gap': rawBatch({ records: Buffer.concat([record({ offsetDelta: 0 }), record({ offsetDelta: 2 })]), count: 2 }),
    'lastOffsetDelta not count-1': rawBatch({ records: two, count: 2, lastOffsetDelta: 5 }),
    'zero records': rawBatch({ records: Buffer.alloc(0), count: 0, lastOffsetDelta: 0 }),
    'record length past the batch': rawBatch({ records: Buffer.concat([record({ offsetDelta: 0 }), record({ offsetDelta: 1, size: 200 })]), count: 2 }),
    'key length past the record': rawBatch({
      records: Buffer.concat([zigzag(6), Buffer.from([0, 0, 0]), zigzag(100), Buffer.from([0])]),
      count: 1,
    }),
    'header count past the record': rawBatch({ records: record({ offsetDelta: 0, headerCount: 50 }), count: 1 }),
    'negative header count': rawBatch({ records: record({ offsetDelta: 0, headerCount: -2 }), count: 1 }),
    'bytes left inside a record': rawBatch({ records: record({ offsetDelta: 0, extra: Buffer.from([9, 9]) }), count: 1 }),
    'gzip flag on raw records': rawBatch({ records: two, count: 2, compression: 1 }),
    'snappy flag on raw records': rawBatch({ records: two, count: 2, compression: 2 }),
    'lz4 flag on raw records': rawBatch({ records: two, count: 2, compression: 3 }),
    'zstd flag on raw records': rawBatch({ records: two, count: 2, compression: 4 }),
    'gzip flag on garbage': rawBatch({ records: Buffer.from('this is not gzip at all, just bytes'), count: 2, compression: 1 }),
    'gzip of trailing bytes': rawBatch({ records: codecs.gzip.fn(Buffer.concat([two, Buffer.from([7, 7])])), count: 2, compression: 1 }),
    'snappy of a negative record length': rawBatch({ records: codecs.snappy.fn(Buffer.concat([zigzag(-3), Buffer.alloc(8)])), count: 1, compression: 2 }),
    'lz4 of a short count': rawBatch({ records: codecs.lz4.fn(two), count: 3, compression: 3 }),
    'idempotent batch with a negative sequence': rawBatch({ records: two, count: 2, producerId: 5, baseSequence: -1 }),
  };
}
