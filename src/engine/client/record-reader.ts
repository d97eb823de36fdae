/**
 * Reading records out of fetched RecordBatches (magic 2), for the consumers: offsets and
 * timestamps are Numbers (exact below 2^53, which no real log reaches), compressed batches are
 * inflated once, and each record is handed to a visitor through one reused cursor, so reading a
 * million records allocates no per-record objects unless the visitor asks for them (key(),
 * value(), headers() make views on demand).
 *
 * As the Java consumer does: records below the fetch position (a fetch may start mid-batch) and
 * control batches (transaction markers) are skipped, and a truncated last batch (the broker cuts
 * a response at max bytes) is left for the next fetch. Given a read_committed answer's aborted
 * transactions, the batches of those transactions are skipped too (Kafka's CompletedFetch): a
 * producer's batches are aborted from the listed first offset until its ABORT marker. Skipped
 * batches still move the position past their offsets.
 *
 *   const cursor = new RecordCursor();
 *   const r = await readRecords(data, position, cursor, (c) => { print(c); return true; });
 *   r.next      // the next fetch offset; r.stopped when the visitor returned false
 */
import { decompress } from './compression.js';
import { BATCH_HEADER, type RecordHeader } from './record-batch-writer.js';

const NO_HEADERS: RecordHeader[] = [];

/** One record as the reader sees it; fields are overwritten for every record. */
export class RecordCursor {
  topic = '';
  partition = 0;
  offset = 0;
  timestamp = 0;
  timestampType: 'CreateTime' | 'LogAppendTime' = 'CreateTime';
  /** The (decompressed) records section the positions below point into. */
  data: Buffer = Buffer.alloc(0);
  /** -1 length = null key / value. */
  keyStart = 0;
  keyLength = -1;
  valueStart = 0;
  valueLength = -1;
  headerCount = 0;
  headersStart = 0;

  key(): Buffer | null {
    return this.keyLength < 0 ? null : this.data.subarray(this.keyStart, this.keyStart + this.keyLength);
  }

  value(): Buffer | null {
    return this.valueLength < 0 ? null : this.data.subarray(this.valueStart, this.valueStart + this.valueLength);
  }

  /** The headers in order (repeated keys kept; values are views). */
  headers(): RecordHeader[] {
    if (this.headerCount === 0) return NO_HEADERS;
    const out: RecordHeader[] = [];
    const b = this.data;
    let at = this.headersStart;
    for (let h = 0; h < this.headerCount; h++) {
      const kl = readVarint(b, at);
      at = varintEnd;
      const key = kl < 0 ? '' : b.toString('utf8', at, at + kl);
      at += Math.max(0, kl);
      const vl = readVarint(b, at);
      at = varintEnd;
      out.push({ key, value: vl < 0 ? null : b.subarray(at, at + vl) });
      at += Math.max(0, vl);
    }
    return out;
  }
}

/** Position after the varint last read by readVarint (a module slot instead of a tuple per call). */
let varintEnd = 0;

/** A zigzag varint at `at` (exact for |v| < 2^53); sets varintEnd. */
function readVarint(b: Buffer, at: number): number {
  let byte = b[at++]!;
  if (byte === undefined) throw new Error('truncated record');
  let result = byte & 0x7f;
  if (byte & 0x80) {
    let mul = 128;
    do {
      byte = b[at++]!;
      if (byte === undefined) throw new Error('truncated record');
      result += (byte & 0x7f) * mul;
      mul *= 128;
    } while (byte & 0x80);
  }
  varintEnd = at;
  return result % 2 === 1 ? -(result + 1) / 2 : result / 2;
}

/** Bytes of batches read between two turns of the event loop. */
const YIELD_BYTES = 256 * 1024;

export interface ReadResult {
  /** The next offset to fetch: after the last record visited, or after the last complete batch. */
  next: number;
  /** The visitor returned false. */
  stopped: boolean;
}

export type RecordVisitor = (c: RecordCursor) => boolean;

/** A Fetch answer's aborted transaction: the producer's batches from firstOffset on are not to be read. */
export interface AbortedTransaction {
  producerId: number;
  firstOffset: number;
}

/** Which producers' transactional batches are aborted at the batch being read (CompletedFetch's state). */
class AbortedFilter {
  private readonly pending: AbortedTransaction[];
  private readonly producers = new Set<number>();

  constructor(aborted: readonly AbortedTransaction[]) {
    this.pending = [...aborted].sort((a, b) => a.firstOffset - b.firstOffset);
  }

  /** True when the batch at `pos` belongs to an aborted transaction; updates the state for markers. */
  skip(data: Buffer, pos: number, lastOffset: number, attributes: number): boolean {
    const producerId = Number(data.readBigInt64BE(pos + 43));
    if (producerId < 0) return false;
    while (this.pending.length && this.pending[0]!.firstOffset <= lastOffset) this.producers.add(this.pending.shift()!.producerId);
    if (attributes & CONTROL) {
      if (isAbortMarker(data, pos)) this.producers.delete(producerId);
      return false;
    }
    return (attributes & TRANSACTIONAL) !== 0 && this.producers.has(producerId);
  }
}

const TRANSACTIONAL = 0x10;
const CONTROL = 0x20;

/** A control batch whose one record's key is (version, type ABORT = 0). */
function isAbortMarker(data: Buffer, pos: number): boolean {
  let at = pos + BATCH_HEADER;
  readVarint(data, at); // record length
  at = varintEnd + 1; // attributes
  readVarint(data, at); // timestamp delta
  readVarint(data, varintEnd); // offset delta
  const keyLength = readVarint(data, varintEnd);
  return keyLength >= 4 && data.readInt16BE(varintEnd + 2) === 0;
}

/** Base offset + last offset delta of the batch at `pos`, or -1 when no complete batch is there. */
function batchSize(data: Buffer, pos: number): number {
  if (pos + BATCH_HEADER > data.length) return -1;
  const size = data.readInt32BE(pos + 8) + 12;
  return size < BATCH_HEADER || pos + size > data.length ? -1 : size;
}

/** The next fetch offset after every complete batch in `data` (from the batch headers only). */
export function nextOffsetAfter(data: Buffer, position: number): number {
  let next = position;
  for (let pos = 0, size: number; (size = batchSize(data, pos)) > 0; pos += size) {
    const last = Number(data.readBigInt64BE(pos)) + data.readInt32BE(pos + 23) + 1;
    if (last > next) next = last;
  }
  return next;
}

/**
 * Visits the data records of `data` (a Fetch response's records) with offset >= `position`,
 * until the visitor returns false. `cursor.topic` / `partition` are left as the caller set them.
 * `aborted` (a read_committed answer's list; undefined for read_uncommitted) drops the records
 * of aborted transactions.
 */
export async function readRecords(
  data: Buffer,
  position: number,
  cursor: RecordCursor,
  visit: RecordVisitor,
  aborted?: readonly AbortedTransaction[],
): Promise<ReadResult> {
  let next = position;
  const filter = aborted && aborted.length ? new AbortedFilter(aborted) : undefined;
  let sinceYield = 0;
  for (let pos = 0, size: number; (size = batchSize(data, pos)) > 0; pos += size) {
    if ((sinceYield += size) >= YIELD_BYTES) {
      // Let the socket be read while we work: the prefetched answer keeps arriving (the Java
      // and librdkafka clients read it on another thread) instead of stalling the broker.
      sinceYield = 0;
      await new Promise((r) => setImmediate(r));
    }
    const baseOffset = Number(data.readBigInt64BE(pos));
    const lastOffset = baseOffset + data.readInt32BE(pos + 23);
    const magic = data[pos + 16];
    if (magic !== 2) throw new Error(`Unsupported record batch magic ${magic}`);
    const attributes = data.readInt16BE(pos + 21);
    // Batches below the position still update the aborted state (a marker there ends an abort).
    const skipped = filter?.skip(data, pos, lastOffset, attributes) ?? false;
    if (lastOffset < position) continue;
    if ((attributes & CONTROL) === 0 && !skipped) {
      const codec = attributes & 7;
      const section = data.subarray(pos + BATCH_HEADER, pos + size);
      const records = codec === 0 ? section : await decompress(codec, section);
      const logAppend = (attributes & 0x08) !== 0;
      cursor.timestampType = logAppend ? 'LogAppendTime' : 'CreateTime';
      const stoppedAt = visitBatch(
        records,
        data.readInt32BE(pos + 57),
        baseOffset,
        Number(data.readBigInt64BE(pos + 27)),
        logAppend ? Number(data.readBigInt64BE(pos + 35)) : -1,
        position,
        cursor,
        visit,
      );
      if (stoppedAt >= 0) return { next: stoppedAt + 1, stopped: true };
    }
    if (lastOffset + 1 > next) next = lastOffset + 1;
  }
  return { next, stopped: false };
}

/** The records of one batch; returns the offset of the record the visitor stopped at, or -1. */
function visitBatch(
  b: Buffer,
  count: number,
  baseOffset: number,
  baseTimestamp: number,
  logAppendTime: number,
  position: number,
  c: RecordCursor,
  visit: RecordVisitor,
): number {
  c.data = b;
  let at = 0;
  for (let i = 0; i < count; i++) {
    const len = readVarint(b, at);
    const end = varintEnd + len;
    if (end > b.length) throw new Error('truncated record');
    at = varintEnd + 1; // attributes
    const tsDelta = readVarint(b, at);
    const offset = baseOffset + readVarint(b, varintEnd);
    if (offset < position) {
      at = end;
      continue;
    }
    const kl = readVarint(b, varintEnd);
    c.keyStart = varintEnd;
    c.keyLength = kl;
    const vl = readVarint(b, kl > 0 ? varintEnd + kl : varintEnd);
    c.valueStart = varintEnd;
    c.valueLength = vl;
    c.headerCount = readVarint(b, vl > 0 ? varintEnd + vl : varintEnd);
    c.headersStart = varintEnd;
    c.offset = offset;
    c.timestamp = logAppendTime >= 0 ? logAppendTime : baseTimestamp + tsDelta;
    at = end;
    if (!visit(c)) return offset;
  }
  return -1;
}

export interface Counted {
  messages: number;
  bytes: number;
  /** Position after the records counted (the next fetch offset). */
  nextOffset: number;
}

/**
 * Counts what ConsumerPerformance counts: records of `data` at or after `position`, at most
 * `limit`, and their key + value bytes.
 */
export async function countRecords(data: Buffer, position: number, limit = Infinity, aborted?: readonly AbortedTransaction[]): Promise<Counted> {
  let messages = 0;
  let bytes = 0;
  if (limit <= 0) return { messages, bytes, nextOffset: position };
  const r = await readRecords(data, position, new RecordCursor(), (c) => {
    messages++;
    bytes += Math.max(0, c.keyLength) + Math.max(0, c.valueLength);
    return messages < limit;
  }, aborted);
  // Stopping on the batch's last record still moves past the whole batch (its offsets are used up).
  return { messages, bytes, nextOffset: r.next };
}

export interface DecodedRecord {
  offset: number;
  timestamp: number;
  timestampType: 'CreateTime' | 'LogAppendTime';
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

/** Every data record of `data` as objects (tests, small reads). */
export async function decodeRecords(data: Buffer, position = 0, aborted?: readonly AbortedTransaction[]): Promise<DecodedRecord[]> {
  const out: DecodedRecord[] = [];
  await readRecords(data, position, new RecordCursor(), (c) => {
    out.push({ offset: c.offset, timestamp: c.timestamp, timestampType: c.timestampType, key: c.key(), value: c.value(), headers: c.headers() });
    return true;
  }, aborted);
  return out;
}
