/** A small RecordBatch v2 encoder for storage tests (records with value and timestamp only). */
import zlib from 'node:zlib';
import { crc32c } from '../../../src/engine/protocol/crc32c.js';

export interface TestRecord {
  value: string | Buffer;
  key?: string | Buffer | null;
  timestamp?: number;
}

export interface BatchOptions {
  baseTimestamp?: number;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  /** Sets the transactional attribute bit. */
  transactional?: boolean;
  /** Pre-compressed records section for codec tests: (uncompressed) => compressed, with the id. */
  compress?: { id: number; fn: (raw: Buffer) => Buffer };
}

function varint(n: number): number[] {
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  const out: number[] = [];
  while (z >= 0x80) {
    out.push((z % 128) | 0x80);
    z = Math.floor(z / 128);
  }
  out.push(z);
  return out;
}

function bytesField(v: string | Buffer | null | undefined): Buffer {
  if (v === null || v === undefined) return Buffer.from(varint(-1));
  const b = typeof v === 'string' ? Buffer.from(v) : v;
  return Buffer.concat([Buffer.from(varint(b.length)), b]);
}

export function encodeRecords(records: TestRecord[], baseTimestamp: number): Buffer {
  const parts: Buffer[] = [];
  records.forEach((r, i) => {
    const body = Buffer.concat([
      Buffer.from([0]),
      Buffer.from(varint((r.timestamp ?? baseTimestamp) - baseTimestamp)),
      Buffer.from(varint(i)),
      bytesField(r.key),
      bytesField(r.value),
      Buffer.from(varint(0)),
    ]);
    parts.push(Buffer.from(varint(body.length)), body);
  });
  return Buffer.concat(parts);
}

export function makeBatch(records: TestRecord[], o: BatchOptions = {}): Buffer {
  const base = o.baseTimestamp ?? records[0]?.timestamp ?? 1_700_000_000_000;
  const maxTs = Math.max(...records.map((r) => r.timestamp ?? base));
  let body = encodeRecords(records, base);
  let attributes = 0;
  if (o.compress) {
    body = o.compress.fn(body);
    attributes |= o.compress.id;
  }
  if (o.transactional) attributes |= 0x10;
  const b = Buffer.alloc(61 + body.length);
  b.writeBigInt64BE(0n, 0);
  b.writeInt32BE(b.length - 12, 8);
  b.writeInt32BE(-1, 12);
  b.writeInt8(2, 16);
  b.writeInt16BE(attributes, 21);
  b.writeInt32BE(records.length - 1, 23);
  b.writeBigInt64BE(BigInt(base), 27);
  b.writeBigInt64BE(BigInt(maxTs), 35);
  b.writeBigInt64BE(BigInt(o.producerId ?? -1), 43);
  b.writeInt16BE(o.producerEpoch ?? -1, 51);
  b.writeInt32BE(o.baseSequence ?? -1, 53);
  b.writeInt32BE(records.length, 57);
  body.copy(b, 61);
  b.writeUInt32BE(crc32c(b.subarray(21)), 17);
  return b;
}

/** A batch of `count` records of `size` bytes each. */
export function makeSizedBatch(count: number, size: number, o: BatchOptions & { ts?: number } = {}): Buffer {
  const value = Buffer.alloc(size, 0x61);
  return makeBatch(Array.from({ length: count }, () => ({ value, timestamp: o.ts })), o);
}

export const gzip = { id: 1, fn: (b: Buffer) => zlib.gzipSync(b) };

/** Splits a buffer of concatenated batches into (baseOffset, lastOffset, size) triples. */
export function batchesIn(buf: Buffer): { baseOffset: number; lastOffset: number; size: number; value?: string }[] {
  const out = [];
  let at = 0;
  while (at + 12 <= buf.length) {
    const size = buf.readInt32BE(at + 8) + 12;
    if (at + size > buf.length) break;
    const base = Number(buf.readBigInt64BE(at));
    out.push({ baseOffset: base, lastOffset: base + buf.readInt32BE(at + 23), size });
    at += size;
  }
  return out;
}
