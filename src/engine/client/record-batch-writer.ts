/**
 * RecordBatch v2 (magic 2) encoding, Kafka's DefaultRecordBatch / DefaultRecord layout: records
 * are written straight into one growing buffer as they are appended (no per-record objects, no
 * copy per field), and `seal()` compresses the records section and fills in the 61-byte header
 * (CreateTime; the producer id, epoch and sequence when idempotent). Header order, repeated header keys and null values are kept.
 *
 *   const w = new RecordBatchWriter(16384);
 *   w.append(key, value, headers, Date.now());
 *   const bytes = await w.seal('lz4');          // a complete batch for a Produce request
 *
 * The writer also remembers each record's timestamp and key/value sizes: the producer's
 * callers report latency per record and Kafka's per-record error lines from them.
 */
import { crc32c } from '../protocol/crc32c.js';
import { COMPRESSION_TYPES, compress, type CompressionName } from './compression.js';

export const BATCH_HEADER = 61;

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface BatchRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: readonly RecordHeader[];
  /** ms since the epoch */
  timestamp: number;
}

/** An idempotent producer's identity for one batch. */
export interface BatchProducer {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  /** The batch belongs to a transaction (attribute bit 4, DefaultRecordBatch.TRANSACTIONAL_FLAG_MASK). */
  transactional?: boolean;
}

export const NO_HEADERS: readonly RecordHeader[] = [];

/** Bytes of an unsigned varint. */
function uvarintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

const zigzag = (v: number): number => (v >= 0 ? v * 2 : -v * 2 - 1);
const varintSize = (v: number): number => uvarintSize(zigzag(v));

function writeUvarint(b: Buffer, at: number, v: number): number {
  while (v >= 0x80) {
    b[at++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  b[at++] = v;
  return at;
}

/** Copies `src` into `b` at `at`; a plain loop beats Buffer#copy's native call (~100 ns) for tiny values only. */
function put(b: Buffer, at: number, src: Buffer): number {
  const n = src.length;
  if (n < 32) {
    for (let i = 0; i < n; i++) b[at + i] = src[i]!;
  } else src.copy(b, at);
  return at + n;
}

/** An upper bound of a record's encoded size (used for batch.size decisions before encoding). */
export function recordSizeBound(keyLen: number, valueLen: number, headers: readonly RecordHeader[]): number {
  let n = 26 + Math.max(0, keyLen) + Math.max(0, valueLen);
  for (const h of headers) n += 10 + Buffer.byteLength(h.key, 'utf8') + (h.value?.length ?? 0);
  return n;
}

export class RecordBatchWriter {
  private buf: Buffer;
  /** End of the records written so far (the records section starts at BATCH_HEADER). */
  at = BATCH_HEADER;
  count = 0;
  /** key + value bytes appended (what Kafka's perf tools count). */
  bytes = 0;
  baseTimestamp = 0;
  maxTimestamp = 0;
  readonly timestamps: number[] = [];
  /** -1 for a null key / value. */
  readonly keySizes: number[] = [];
  readonly valueSizes: number[] = [];

  constructor(capacity: number) {
    this.buf = Buffer.allocUnsafe(Math.max(capacity, BATCH_HEADER + 64));
  }

  private grow(need: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
    this.buf.copy(bigger, 0, 0, this.at);
    this.buf = bigger;
  }

  append(key: Buffer | null, value: Buffer | null, headers: readonly RecordHeader[], timestamp: number): void {
    if (this.count === 0) this.baseTimestamp = this.maxTimestamp = timestamp;
    const tsDelta = timestamp - this.baseTimestamp;
    const keyLen = key === null ? -1 : key.length;
    const valueLen = value === null ? -1 : value.length;
    let body =
      1 +
      varintSize(tsDelta) +
      varintSize(this.count) +
      varintSize(keyLen) +
      Math.max(0, keyLen) +
      varintSize(valueLen) +
      Math.max(0, valueLen) +
      varintSize(headers.length);
    let headerKeys: Buffer[] | undefined;
    if (headers.length > 0) {
      headerKeys = headers.map((h) => Buffer.from(h.key, 'utf8'));
      for (let i = 0; i < headers.length; i++) {
        const v = headers[i]!.value;
        body += varintSize(headerKeys[i]!.length) + headerKeys[i]!.length + (v === null ? 1 : varintSize(v.length) + v.length);
      }
    }
    const need = this.at + body + 5;
    if (need > this.buf.length) this.grow(need);
    const b = this.buf;
    let at = writeUvarint(b, this.at, zigzag(body));
    b[at++] = 0; // attributes
    at = writeUvarint(b, at, zigzag(tsDelta));
    at = writeUvarint(b, at, zigzag(this.count));
    at = writeUvarint(b, at, zigzag(keyLen));
    if (key !== null) at = put(b, at, key);
    at = writeUvarint(b, at, zigzag(valueLen));
    if (value !== null) at = put(b, at, value);
    at = writeUvarint(b, at, zigzag(headers.length));
    if (headerKeys) {
      for (let i = 0; i < headers.length; i++) {
        at = writeUvarint(b, at, zigzag(headerKeys[i]!.length));
        at = put(b, at, headerKeys[i]!);
        const v = headers[i]!.value;
        if (v === null) b[at++] = 1; // zigzag(-1)
        else {
          at = writeUvarint(b, at, zigzag(v.length));
          at = put(b, at, v);
        }
      }
    }
    this.at = at;
    this.count++;
    this.bytes += Math.max(0, keyLen) + Math.max(0, valueLen);
    if (timestamp > this.maxTimestamp) this.maxTimestamp = timestamp;
    this.timestamps.push(timestamp);
    this.keySizes.push(keyLen);
    this.valueSizes.push(valueLen);
  }

  /**
   * The finished RecordBatch bytes (compressed when asked). The writer is done after this.
   * `producer` stamps an idempotent producer's id, epoch and the batch's first sequence
   * (DefaultRecordBatch's producerId / producerEpoch / baseSequence); without it they are -1.
   */
  async seal(codec: CompressionName = 'none', producer?: BatchProducer): Promise<Buffer> {
    if (this.count === 0) throw new Error('empty batch');
    let b = this.buf;
    let end = this.at;
    if (codec !== 'none') {
      const payload = await compress(codec, b.subarray(BATCH_HEADER, this.at));
      b = Buffer.allocUnsafe(BATCH_HEADER + payload.length);
      payload.copy(b, BATCH_HEADER);
      end = BATCH_HEADER + payload.length;
    }
    b.writeBigInt64BE(0n, 0); // base offset: the broker assigns it
    b.writeInt32BE(end - 12, 8);
    b.writeInt32BE(-1, 12); // partition leader epoch
    b[16] = 2; // magic
    b.writeInt16BE(COMPRESSION_TYPES[codec] | (producer?.transactional ? 0x10 : 0), 21);
    b.writeInt32BE(this.count - 1, 23);
    b.writeBigInt64BE(BigInt(this.baseTimestamp), 27);
    b.writeBigInt64BE(BigInt(this.maxTimestamp), 35);
    b.writeBigInt64BE(BigInt(producer?.producerId ?? -1), 43);
    b.writeInt16BE(producer?.producerEpoch ?? -1, 51);
    b.writeInt32BE(producer?.baseSequence ?? -1, 53);
    b.writeInt32BE(this.count, 57);
    b.writeUInt32BE(crc32c(b.subarray(21, end)), 17);
    return b.subarray(0, end);
  }
}

/** A complete RecordBatch of `records` (tests and one-off writes). */
export async function encodeBatch(records: readonly BatchRecord[], codec: CompressionName = 'none'): Promise<Buffer> {
  if (records.length === 0) throw new Error('empty batch');
  const w = new RecordBatchWriter(1024);
  // Timestamps are deltas from the first record's; an earlier record later in the list gets a negative delta, as Kafka allows.
  for (const r of records) w.append(r.key, r.value, r.headers, r.timestamp);
  return w.seal(codec);
}
