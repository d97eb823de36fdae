/**
 * RecordBatch v2 (magic 2) header access. The broker stores batches exactly as produced; it only
 * reads the 61-byte header, checks framing and CRC-32C, and rewrites BaseOffset and
 * PartitionLeaderEpoch, which lie outside the CRC (it covers bytes 21..end).
 */
import { crc32c } from './crc32c.js';

export const BATCH_HEADER_SIZE = 61;
/** BaseOffset (8) + BatchLength (4): the bytes not counted by BatchLength. */
export const LOG_OVERHEAD = 12;

export const Off = {
  baseOffset: 0,
  batchLength: 8,
  partitionLeaderEpoch: 12,
  magic: 16,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  baseTimestamp: 27,
  maxTimestamp: 35,
  producerId: 43,
  producerEpoch: 51,
  baseSequence: 53,
  recordsCount: 57,
  records: 61,
} as const;

export const Compression = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;

export const Attr = {
  compressionMask: 0x07,
  timestampTypeLogAppend: 0x08,
  transactional: 0x10,
  control: 0x20,
} as const;

const TWO_32 = 2 ** 32;

function readInt64(b: Buffer, at: number): number {
  return b.readInt32BE(at) * TWO_32 + b.readUInt32BE(at + 4);
}

function writeInt64(b: Buffer, at: number, v: number): void {
  const hi = Math.floor(v / TWO_32);
  b.writeInt32BE(hi | 0, at);
  b.writeUInt32BE((v - hi * TWO_32) >>> 0, at + 4);
}

export interface BatchHeader {
  baseOffset: number;
  /** Total size of the batch in bytes, LOG_OVERHEAD included. */
  size: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordsCount: number;
}

/** Reads the header of the batch starting at `at`. The caller checks there are 61 bytes. */
export function readBatchHeader(b: Buffer, at = 0): BatchHeader {
  return {
    baseOffset: readInt64(b, at + Off.baseOffset),
    size: b.readInt32BE(at + Off.batchLength) + LOG_OVERHEAD,
    partitionLeaderEpoch: b.readInt32BE(at + Off.partitionLeaderEpoch),
    magic: b.readInt8(at + Off.magic),
    crc: b.readUInt32BE(at + Off.crc),
    attributes: b.readInt16BE(at + Off.attributes),
    lastOffsetDelta: b.readInt32BE(at + Off.lastOffsetDelta),
    baseTimestamp: readInt64(b, at + Off.baseTimestamp),
    maxTimestamp: readInt64(b, at + Off.maxTimestamp),
    producerId: readInt64(b, at + Off.producerId),
    producerEpoch: b.readInt16BE(at + Off.producerEpoch),
    baseSequence: b.readInt32BE(at + Off.baseSequence),
    recordsCount: b.readInt32BE(at + Off.recordsCount),
  };
}

export function setBaseOffset(b: Buffer, baseOffset: number, at = 0): void {
  writeInt64(b, at + Off.baseOffset, baseOffset);
}

export function setPartitionLeaderEpoch(b: Buffer, epoch: number, at = 0): void {
  b.writeInt32BE(epoch, at + Off.partitionLeaderEpoch);
}

/** Sets LogAppendTime: attribute bit 3 and MaxTimestamp = now, then recomputes the CRC. */
export function setLogAppendTime(b: Buffer, now: number, at = 0): void {
  const attrs = b.readInt16BE(at + Off.attributes);
  b.writeInt16BE(attrs | Attr.timestampTypeLogAppend, at + Off.attributes);
  writeInt64(b, at + Off.maxTimestamp, now);
  const size = b.readInt32BE(at + Off.batchLength) + LOG_OVERHEAD;
  b.writeUInt32BE(crc32c(b.subarray(at + Off.attributes, at + size)), at + Off.crc);
}

export function computeCrc(b: Buffer, at = 0, size = b.readInt32BE(at + Off.batchLength) + LOG_OVERHEAD): number {
  return crc32c(b.subarray(at + Off.attributes, at + size));
}

export type BatchProblem =
  | { kind: 'truncated'; need: number }
  | { kind: 'corrupt'; reason: string }
  | { kind: 'ok'; header: BatchHeader };

/**
 * Checks the batch at `at`: enough bytes for the header and the declared length, magic 2, a
 * sane length, and the CRC. Used by Produce validation and by crash recovery.
 */
export function checkBatch(b: Buffer, at = 0, end = b.length): BatchProblem {
  if (end - at < LOG_OVERHEAD) return { kind: 'truncated', need: LOG_OVERHEAD };
  const batchLength = b.readInt32BE(at + Off.batchLength);
  const size = batchLength + LOG_OVERHEAD;
  if (batchLength < BATCH_HEADER_SIZE - LOG_OVERHEAD) return { kind: 'corrupt', reason: `batch length ${batchLength} is too small` };
  if (end - at < BATCH_HEADER_SIZE) return { kind: 'truncated', need: BATCH_HEADER_SIZE };
  const magic = b.readInt8(at + Off.magic);
  if (magic !== 2) return { kind: 'corrupt', reason: `unsupported magic ${magic}` };
  if (end - at < size) return { kind: 'truncated', need: size };
  const header = readBatchHeader(b, at);
  const actual = computeCrc(b, at, size);
  if (actual !== header.crc) return { kind: 'corrupt', reason: `CRC mismatch (stored ${header.crc}, computed ${actual})` };
  return { kind: 'ok', header };
}
