/**
 * RecordBatch v2 (magic 2) encoding for the console producer's own produce path, and decoding
 * for the consumer's manual-assignment fetch path. Kafka's DefaultRecordBatch / DefaultRecord
 * layout; header order, repeated header keys and null header values are kept exactly.
 */
import zlib from 'node:zlib';
import { promisify } from 'node:util';
import { crc32c } from '../../engine/protocol/crc32c.js';
import { COMPRESSION_TYPES, lz4Compress, lz4Decompress, snappyCompress, snappyDecompress, zstdCompress, zstdDecompress, type CompressionName } from '../../engine/client/compression.js';

const gzip = promisify(zlib.gzip);
const gunzip = promisify(zlib.gunzip);

export interface BatchRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<{ key: string; value: Buffer | null }>;
  /** ms since the epoch */
  timestamp: number;
}

const HEADER = 61;
const NO_KEYS: Buffer[] = [];

function uvarintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

const zigzag = (v: number): number => (v >= 0 ? v * 2 : -v * 2 - 1);

function writeUvarint(b: Buffer, at: number, v: number): number {
  while (v >= 0x80) {
    b[at++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  b[at++] = v;
  return at;
}

const bytesSize = (x: Buffer | null): number => (x === null ? 1 : uvarintSize(zigzag(x.length)) + x.length);

function writeBytes(b: Buffer, at: number, x: Buffer | null): number {
  if (x === null) return writeUvarint(b, at, 1); // zigzag(-1)
  at = writeUvarint(b, at, zigzag(x.length));
  x.copy(b, at);
  return at + x.length;
}

/** The records section (uncompressed) for records sharing `baseTimestamp`. */
export function encodeRecords(records: readonly BatchRecord[], baseTimestamp: number): Buffer {
  const sizes: number[] = new Array(records.length);
  const headerKeys: Buffer[][] = new Array(records.length);
  let total = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const keys = r.headers.length === 0 ? NO_KEYS : r.headers.map((h) => Buffer.from(h.key, 'utf8'));
    headerKeys[i] = keys;
    let body = 1 + uvarintSize(zigzag(r.timestamp - baseTimestamp)) + uvarintSize(zigzag(i)) + bytesSize(r.key) + bytesSize(r.value) + uvarintSize(zigzag(r.headers.length));
    for (let h = 0; h < r.headers.length; h++) body += uvarintSize(zigzag(keys[h]!.length)) + keys[h]!.length + bytesSize(r.headers[h]!.value);
    sizes[i] = body;
    total += uvarintSize(zigzag(body)) + body;
  }
  const b = Buffer.allocUnsafe(total);
  let at = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    at = writeUvarint(b, at, zigzag(sizes[i]!));
    b[at++] = 0;
    at = writeUvarint(b, at, zigzag(r.timestamp - baseTimestamp));
    at = writeUvarint(b, at, zigzag(i));
    at = writeBytes(b, at, r.key);
    at = writeBytes(b, at, r.value);
    at = writeUvarint(b, at, zigzag(r.headers.length));
    for (let h = 0; h < r.headers.length; h++) {
      at = writeBytes(b, at, headerKeys[i]![h]!);
      at = writeBytes(b, at, r.headers[h]!.value);
    }
  }
  return b;
}

export async function compress(codec: CompressionName, data: Buffer): Promise<Buffer> {
  switch (codec) {
    case 'none':
      return data;
    case 'gzip':
      return gzip(data);
    case 'snappy':
      return snappyCompress(data);
    case 'lz4':
      return lz4Compress(data);
    case 'zstd':
      return zstdCompress(data);
  }
}

export async function decompress(codec: number, data: Buffer): Promise<Buffer> {
  switch (codec) {
    case 0:
      return data;
    case 1:
      return gunzip(data);
    case 2:
      return snappyDecompress(data);
    case 3:
      return lz4Decompress(data);
    case 4:
      return zstdDecompress(data);
    default:
      throw new Error(`Unknown compression codec ${codec}`);
  }
}

/** A complete RecordBatch (CreateTime, no producer id), ready for a Produce request. */
export async function encodeBatch(records: readonly BatchRecord[], codec: CompressionName = 'none'): Promise<Buffer> {
  if (records.length === 0) throw new Error('empty batch');
  let base = records[0]!.timestamp;
  let max = base;
  for (const r of records) {
    if (r.timestamp < base) base = r.timestamp;
    if (r.timestamp > max) max = r.timestamp;
  }
  const payload = await compress(codec, encodeRecords(records, base));
  const b = Buffer.allocUnsafe(HEADER + payload.length);
  b.writeBigInt64BE(0n, 0);
  b.writeInt32BE(HEADER - 12 + payload.length, 8);
  b.writeInt32BE(-1, 12);
  b.writeInt8(2, 16);
  b.writeInt16BE(COMPRESSION_TYPES[codec], 21);
  b.writeInt32BE(records.length - 1, 23);
  b.writeBigInt64BE(BigInt(base), 27);
  b.writeBigInt64BE(BigInt(max), 35);
  b.writeBigInt64BE(-1n, 43);
  b.writeInt16BE(-1, 51);
  b.writeInt32BE(-1, 53);
  b.writeInt32BE(records.length, 57);
  payload.copy(b, HEADER);
  b.writeUInt32BE(crc32c(b.subarray(21)), 17);
  return b;
}

export interface DecodedRecord {
  offset: bigint;
  timestamp: bigint;
  timestampType: 'CreateTime' | 'LogAppendTime';
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<{ key: string; value: Buffer | null }>;
}

class Cursor {
  constructor(
    readonly b: Buffer,
    public at = 0,
  ) {}
  varlong(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = this.b[this.at++];
      if (byte === undefined) throw new Error('truncated record');
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) break;
      shift += 7n;
    }
    return (result >> 1n) ^ -(result & 1n);
  }
  varint(): number {
    return Number(this.varlong());
  }
  bytes(): Buffer | null {
    const n = this.varint();
    if (n < 0) return null;
    if (this.at + n > this.b.length) throw new Error('truncated record');
    const out = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
}

/**
 * Every data record of the batches in `data` (a Fetch response's records), skipping control
 * batches and aborted-transaction filtering (read_uncommitted). A truncated last batch is ignored.
 */
export async function decodeBatches(data: Buffer): Promise<DecodedRecord[]> {
  const out: DecodedRecord[] = [];
  let pos = 0;
  while (pos + HEADER <= data.length) {
    const size = data.readInt32BE(pos + 8) + 12;
    if (pos + size > data.length) break;
    const magic = data.readInt8(pos + 16);
    if (magic !== 2) throw new Error(`Unsupported record batch magic ${magic}`);
    const attributes = data.readInt16BE(pos + 21);
    const baseOffset = data.readBigInt64BE(pos);
    const baseTimestamp = data.readBigInt64BE(pos + 27);
    const maxTimestamp = data.readBigInt64BE(pos + 35);
    const count = data.readInt32BE(pos + 57);
    const control = (attributes & 0x20) !== 0;
    const logAppend = (attributes & 0x08) !== 0;
    if (!control) {
      const payload = await decompress(attributes & 7, data.subarray(pos + HEADER, pos + size));
      const c = new Cursor(payload);
      for (let i = 0; i < count; i++) {
        c.varint(); // length
        c.at += 1; // attributes
        const tsDelta = c.varlong();
        const offDelta = c.varlong();
        const key = c.bytes();
        const value = c.bytes();
        const nh = c.varint();
        const headers: DecodedRecord['headers'] = [];
        for (let h = 0; h < nh; h++) {
          const k = c.bytes();
          headers.push({ key: k === null ? '' : k.toString('utf8'), value: c.bytes() });
        }
        out.push({
          offset: baseOffset + offDelta,
          timestamp: logAppend ? maxTimestamp : baseTimestamp + tsDelta,
          timestampType: logAppend ? 'LogAppendTime' : 'CreateTime',
          key,
          value,
          headers,
        });
      }
    }
    pos += size;
  }
  return out;
}
