/**
 * Validation of a produced RecordBatch v2 before it is appended, as Kafka's UnifiedLog
 * analyzeAndValidateRecords and LogValidator do (storage/.../internals/log/LogValidator.java,
 * clients/.../record/DefaultRecord.java readFrom, DefaultRecordBatch.RecordIterator): the batch
 * header's count and offset range, every record's framing (length, attributes, timestamp and
 * offset deltas, key, value, headers), no bytes left after the last record, and the record
 * timestamps against message.timestamp.before/after.max.ms.
 *
 * Uncompressed records are walked in one pass over the bytes, reading varints in place: nothing is
 * allocated per record (module-level cursor, no objects). A compressed batch is decompressed only
 * to be walked the same way, bounded by `maxDecompressedBytes`: gzip stops inflating at the bound,
 * snappy, lz4 and zstd frames are refused from the sizes their headers declare before inflating
 * (lz4 without a declared size: blocks times the block maximum); the batch is then stored exactly
 * as received. Where Kafka rewrites a batch instead of refusing it (inner offsets out of order in a
 * compressed batch), mq refuses it, since it never rewrites what a producer sent.
 */
import { createRequire } from 'node:module';
import zlib from 'node:zlib';
import { Attr, Compression, Off, type BatchHeader } from '../protocol/record-batch.js';
import { zstdModule } from '../protocol/zstd-module.js';

const require = createRequire(import.meta.url);

export interface ValidationLimits {
  /** The broker's clock, ms. */
  now: number;
  /** message.timestamp.before.max.ms / after.max.ms (Infinity for Long.MAX_VALUE). */
  timestampBeforeMaxMs: number;
  timestampAfterMaxMs: number;
  /** The topic's message.timestamp.type is LogAppendTime: record timestamps are not checked. */
  logAppendTime: boolean;
  /** cleanup.policy includes compact: every record needs a key. */
  compacted: boolean;
  /** Most bytes a compressed batch may decompress to. */
  maxDecompressedBytes: number;
  /** "topic-partition", for Kafka's messages. */
  topicPartition: string;
}

export interface RecordError {
  batchIndex: number;
  message: string;
}

export type BatchVerdict =
  | { ok: true }
  /**
   * invalid: INVALID_RECORD (CORRUPT_MESSAGE before Produce v8, which has no INVALID_RECORD);
   * timestamp: INVALID_TIMESTAMP.
   */
  | { ok: false; kind: 'invalid' | 'timestamp'; message: string; recordErrors: RecordError[] };

function invalid(message: string, recordErrors: RecordError[] = []): BatchVerdict {
  return { ok: false, kind: 'invalid', message, recordErrors };
}

const OK: BatchVerdict = { ok: true };

/** Thrown by the varint readers at the end of the record; caught once per batch, not per record. */
class Structure extends Error {}

// The cursor of the walk. Module state instead of an object so that reading a varint allocates
// nothing; the walk is synchronous, so no two walks interleave.
let buf: Buffer = Buffer.alloc(0);
let pos = 0;
let limit = 0;

/** Zigzag varint (int32), Kafka's ByteUtils.readVarint. */
function varint(): number {
  let value = 0;
  let shift = 0;
  for (let i = 0; i < 5; i++) {
    if (pos >= limit) throw new Structure('Found invalid record structure');
    const b = buf[pos++]!;
    value |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) return (value >>> 1) ^ -(value & 1);
    shift += 7;
  }
  throw new Structure('Found invalid record structure: varint is too long');
}

/** Zigzag varlong, Kafka's ByteUtils.readVarlong, as a double (exact up to 2^53). */
function varlong(): number {
  let result = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= limit) throw new Structure('Found invalid record structure');
    const b = buf[pos++]!;
    result += (b & 0x7f) * mul;
    if ((b & 0x80) === 0) return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
    mul *= 128;
  }
  throw new Structure('Found invalid record structure: varlong is too long');
}

/** Skips a length-prefixed byte field; -1 is null, anything below is malformed. */
function skipBytes(what: string): number {
  const n = varint();
  if (n < -1) throw new Structure(`Found invalid record structure: negative ${what} size ${n}`);
  if (n > 0) {
    if (limit - pos < n) throw new Structure('Found invalid record structure');
    pos += n;
  }
  return n;
}

/** Kafka's LogValidator.validateBatch for a client's v2 batch. */
export function validateHeader(h: BatchHeader, tp: string): BatchVerdict {
  const lastOffset = h.baseOffset + h.lastOffsetDelta;
  if (h.lastOffsetDelta < 0) return invalid(`Batch has an invalid offset range: [${h.baseOffset}, ${lastOffset}] in topic partition ${tp}`);
  if (h.recordsCount <= 0) return invalid(`Invalid reported count for record batch: ${h.recordsCount} in topic partition ${tp}`);
  if (h.lastOffsetDelta + 1 !== h.recordsCount) {
    return invalid(`Inconsistent batch offset range [${h.baseOffset}, ${lastOffset}] and count of records ${h.recordsCount} in topic partition ${tp}`);
  }
  if (h.producerId >= 0 && h.baseSequence < 0) {
    return invalid(`Invalid sequence number ${h.baseSequence} in record batch with producerId ${h.producerId} in topic partition ${tp}`);
  }
  return OK;
}

/**
 * Walks the records of `records[start, end)` (the records section of a batch, decompressed) and
 * checks each one. Structural problems refuse the batch at once (Kafka's InvalidRecordException);
 * timestamp and key problems are collected per record, as Kafka's record_errors.
 */
export function validateRecords(records: Buffer, start: number, end: number, h: BatchHeader, lim: ValidationLimits): BatchVerdict {
  buf = records;
  pos = start;
  const checkTimestamps = !lim.logAppendTime && (h.attributes & Attr.timestampTypeLogAppend) === 0;
  const lowest = lim.now - lim.timestampBeforeMaxMs;
  const highest = lim.now + lim.timestampAfterMaxMs;
  let errors: RecordError[] | undefined;
  let timestampErrors = false;
  try {
    for (let i = 0; i < h.recordsCount; i++) {
      limit = end;
      if (pos >= end) return invalid(`Incorrect declared batch size, premature EOF reached: ${i} of ${h.recordsCount} records present`);
      const size = varint();
      if (size < 0 || end - pos < size) {
        return invalid(`Invalid record size: expected ${size} bytes in record payload, but instead the buffer has only ${end - pos} remaining bytes.`);
      }
      const recordStart = pos;
      limit = pos + size;
      pos++; // attributes (unused in v2)
      const timestampDelta = varlong();
      const offsetDelta = varint();
      if (offsetDelta !== i) return invalid(`Record ${i} has offset delta ${offsetDelta}; the records of a batch must have offset deltas 0..${h.recordsCount - 1} in order`);
      const keySize = skipBytes('key');
      skipBytes('value');
      const headers = varint();
      if (headers < 0) return invalid(`Found invalid number of record headers ${headers}`);
      if (headers > limit - pos) return invalid(`Found invalid number of record headers. ${headers} is larger than the remaining size of the buffer`);
      for (let j = 0; j < headers; j++) {
        const keyLen = varint();
        if (keyLen < 0) return invalid(`Invalid negative header key size ${keyLen}`);
        if (limit - pos < keyLen) throw new Structure('Found invalid record structure');
        pos += keyLen;
        skipBytes('header value');
      }
      if (pos !== limit) {
        return invalid(`Invalid record size: expected to read ${size} bytes in record payload, but instead read ${pos - recordStart}`);
      }
      if (lim.compacted && keySize < 0) {
        (errors ??= []).push({ batchIndex: i, message: `Compacted topic cannot accept message without key in topic partition ${lim.topicPartition}` });
      }
      if (checkTimestamps) {
        const ts = h.baseTimestamp + timestampDelta;
        if (ts !== -1 && (ts < lowest || ts > highest)) {
          timestampErrors = true;
          (errors ??= []).push({
            batchIndex: i,
            message:
              `Timestamp ${ts} of message with offset ${h.baseOffset + offsetDelta} is out of range. ` +
              `The timestamp should be within [${rangeEnd(lowest)}, ${rangeEnd(highest)}]`,
          });
        }
      }
    }
  } catch (e) {
    if (e instanceof Structure) return invalid(e.message);
    throw e;
  }
  if (pos !== end) return invalid('Incorrect declared batch size, records still remaining in file');
  if (errors) {
    // LogValidator.processRecordErrors
    if (timestampErrors) return { ok: false, kind: 'timestamp', message: 'One or more records have been rejected due to invalid timestamp', recordErrors: errors };
    const shown = errors.slice(0, 3).map((e) => `RecordError(batchIndex=${e.batchIndex}, message='${e.message}')`);
    return invalid(
      `One or more records have been rejected due to ${errors.length} record errors in total, and only showing the first three errors at most: [${shown.join(', ')}]`,
      errors,
    );
  }
  return OK;
}

/** Java's long arithmetic saturates nowhere, but Long.MAX_VALUE bounds print as Kafka computes them. */
function rangeEnd(n: number): string {
  if (n === Infinity) return '9223372036854775807';
  if (n === -Infinity) return '-9223372036854775808';
  return String(n);
}

/** The whole validation of one produced batch (`batch` is exactly one batch, its CRC already checked). */
export async function validateBatch(batch: Buffer, h: BatchHeader, lim: ValidationLimits): Promise<BatchVerdict> {
  const head = validateHeader(h, lim.topicPartition);
  if (!head.ok) return head;
  const codec = h.attributes & Attr.compressionMask;
  if (codec === Compression.none) return validateRecords(batch, Off.records, batch.length, h, lim);
  let records: Buffer;
  try {
    records = await decompress(codec, batch.subarray(Off.records), lim.maxDecompressedBytes);
  } catch (e) {
    return invalid(`Failed to decompress record stream (${codecName(codec)}): ${e instanceof Error ? e.message : String(e)}`);
  }
  return validateRecords(records, 0, records.length, h, lim);
}

function codecName(codec: number): string {
  return ['none', 'gzip', 'snappy', 'lz4', 'zstd'][codec] ?? String(codec);
}

class TooLarge extends Error {
  constructor(max: number) {
    super(`the records decompress to more than ${max} bytes`);
  }
}

async function decompress(codec: number, body: Buffer, max: number): Promise<Buffer> {
  switch (codec) {
    case Compression.gzip:
      // maxOutputLength stops inflating at the bound instead of after it.
      try {
        return zlib.gunzipSync(body, { maxOutputLength: max });
      } catch (e) {
        if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new TooLarge(max);
        throw e;
      }
    case Compression.snappy:
      return snappy(body, max);
    case Compression.lz4:
      return lz4(body, max);
    case Compression.zstd:
      return zstd(body, max);
    default:
      throw new Error(`unknown compression codec ${codec}`);
  }
}

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);

/** A raw snappy block starts with its uncompressed length (a varint): checked before inflating. */
function snappyLength(block: Buffer): number {
  let n = 0;
  let mul = 1;
  for (let i = 0; i < 5 && i < block.length; i++) {
    const b = block[i]!;
    n += (b & 0x7f) * mul;
    if ((b & 0x80) === 0) return n;
    mul *= 128;
  }
  throw new Error('snappy block has no length');
}

function snappy(data: Buffer, max: number): Buffer {
  const lib = require('snappy') as { uncompressSync(b: Uint8Array, o?: { asBuffer: boolean }): Buffer | string };
  const raw = (b: Buffer) => {
    const out = lib.uncompressSync(b, { asBuffer: true });
    return typeof out === 'string' ? Buffer.from(out) : out;
  };
  if (data.length >= 16 && data.subarray(0, 8).equals(XERIAL_MAGIC)) {
    // xerial framing (the Java client's): magic, version, compatible version, then (int32 length, block) pairs.
    const blocks: Buffer[] = [];
    let total = 0;
    let at = 16;
    while (at < data.length) {
      if (at + 4 > data.length) throw new Error('truncated xerial snappy block length');
      const len = data.readInt32BE(at);
      at += 4;
      if (len < 0 || at + len > data.length) throw new Error('xerial snappy block runs past the batch');
      const block = data.subarray(at, at + len);
      total += snappyLength(block);
      if (total > max) throw new TooLarge(max);
      blocks.push(raw(block));
      at += len;
    }
    return Buffer.concat(blocks);
  }
  if (snappyLength(data) > max) throw new TooLarge(max);
  return raw(data);
}

const LZ4_MAGIC = 0x184d2204;
/** BD byte bits 4-6: the most bytes one block of the frame decompresses to. */
const LZ4_BLOCK_MAX: Readonly<Record<number, number>> = { 4: 64 << 10, 5: 256 << 10, 6: 1 << 20, 7: 4 << 20 };

/**
 * The most bytes an LZ4 frame (the format Kafka's KafkaLZ4BlockOutputStream writes) can
 * decompress to, from its headers alone: the declared content size when there is one, else the
 * number of blocks times the block maximum. Undefined when the headers do not parse (the codec
 * then reports the problem).
 */
function lz4Bound(data: Buffer): number | undefined {
  if (data.length < 7) return undefined;
  const flg = data[4]!;
  const blockMax = LZ4_BLOCK_MAX[(data[5]! >> 4) & 7];
  if (blockMax === undefined) return undefined;
  let at = 6;
  if (flg & 0x08) {
    if (data.length < at + 8) return undefined;
    return Number(data.readBigUInt64LE(at));
  }
  if (flg & 0x01) at += 4; // dictionary id
  at += 1; // header checksum
  const blockChecksum = (flg & 0x10) !== 0;
  let blocks = 0;
  while (at + 4 <= data.length) {
    const word = data.readUInt32LE(at);
    at += 4;
    if (word === 0) return blocks * blockMax;
    at += (word & 0x7fffffff) + (blockChecksum ? 4 : 0);
    blocks++;
  }
  return undefined;
}

function lz4(data: Buffer, max: number): Buffer {
  if (data.length < 7 || data.readUInt32LE(0) !== LZ4_MAGIC) throw new Error('not an LZ4 frame');
  // Refuse an oversized frame before inflating it (the binding has no output limit).
  const bound = lz4Bound(data);
  if (bound !== undefined && bound > max + (LZ4_BLOCK_MAX[(data[5]! >> 4) & 7] ?? 0)) throw new TooLarge(max);
  const lib = require('lz4-napi') as { decompressFrameSync(b: Buffer): Buffer };
  const out = lib.decompressFrameSync(data);
  if (out.length > max) throw new TooLarge(max);
  return out;
}

/**
 * The content size a zstd frame header declares (RFC 8878 3.1.1.1), or undefined. zstd-wasm
 * allocates exactly that much before decompressing, so an oversized claim is refused first.
 */
function zstdDeclaredSize(data: Buffer): number | undefined {
  if (data.length < 6 || data.readUInt32LE(0) !== 0xfd2fb528) return undefined;
  const fhd = data[4]!;
  const fcsFlag = fhd >> 6;
  const singleSegment = (fhd >> 5) & 1;
  const dictBytes = [0, 1, 2, 4][fhd & 3]!;
  const fcsBytes = [singleSegment ? 1 : 0, 2, 4, 8][fcsFlag]!;
  if (fcsBytes === 0) return undefined;
  const at = 5 + (singleSegment ? 0 : 1) + dictBytes;
  if (data.length < at + fcsBytes) return undefined;
  switch (fcsBytes) {
    case 1:
      return data[at]!;
    case 2:
      return data.readUInt16LE(at) + 256;
    case 4:
      return data.readUInt32LE(at);
    default:
      return Number(data.readBigUInt64LE(at));
  }
}

async function zstd(data: Buffer, max: number): Promise<Buffer> {
  const declared = zstdDeclaredSize(data);
  if (declared !== undefined && declared > max) throw new TooLarge(max);
  const z = await zstdModule();
  // The wasm heap is the bound (input, output and the codec's own state, hence the slack): grow it, since
  // frames from streaming encoders may not declare their size, up to `max`; the output is checked after.
  const cap = max + data.length + (4 << 20);
  for (let heap = Math.min(cap, Math.max(4 << 20, data.length * 16)); ; heap = Math.min(cap, heap * 4)) {
    let out: Uint8Array;
    try {
      out = z.decompress(data, { defaultHeapSize: heap });
    } catch (e) {
      if (heap >= cap) throw new Error(`zstd: ${e instanceof Error ? e.message : String(e)} (or more than ${max} bytes)`, { cause: e });
      continue;
    }
    if (out.length > max) throw new TooLarge(max);
    return Buffer.from(out);
  }
}
