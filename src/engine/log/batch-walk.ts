/**
 * Walks the RecordBatches stored in a segment file from a byte position, reading large chunks
 * with positional reads through the `read` it is given (this file does no I/O of its own).
 * Recovery walks with CRC checks; index rebuilds and producer-state replays walk headers only.
 */
import { BATCH_HEADER_SIZE, LOG_OVERHEAD, Off, checkBatch, readBatchHeader, type BatchHeader } from '../protocol/record-batch.js';

const CHUNK = 1 << 20;

export interface WalkProblem {
  kind: 'truncated' | 'corrupt';
  /** Where the bad batch starts: everything from here on is unusable. */
  position: number;
  reason: string;
  /** For an offset out of sequence: the base offset found and the one expected. */
  found?: number;
  expected?: number;
}

export interface WalkResult {
  /** Position after the last good batch. */
  end: number;
  problem?: WalkProblem;
}

export interface WalkOptions {
  /** Check length, magic and CRC-32C of every batch (recovery); otherwise only framing. */
  verify: boolean;
  /**
   * The base offset the first batch must have; each later batch must follow the one before it
   * (see offsetFollows). Without it only the order within the walk is checked.
   */
  expectOffset?: number;
  /** The segment's base offset (its file name): no batch may start below it. */
  segmentBase?: number;
}

/**
 * The one rule for where a batch's base offset may be, given the offset after the previous
 * batch (or where the segment must start). The base offset is outside the CRC (Kafka's
 * DefaultRecordBatch: the CRC covers attributes onwards), so a flipped bit there is only seen
 * here. mq has no log compaction, so offsets are dense and a batch must start exactly at
 * `expected`. Kafka's cleaner leaves gaps (LogCleaner keeps the last offset of each batch but drops
 * records, and empty batches can vanish entirely); when mq gets compaction, relax this to also
 * allow `found > expected` when the segment is marked cleaned and `found` is still below the next
 * segment's base offset. Offsets above 2^53 cannot be represented and are damage too.
 */
export function offsetFollows(found: number, lastOffset: number, expected: number): boolean {
  return found === expected && Number.isSafeInteger(lastOffset) && lastOffset >= found;
}

/** What a walk calls for each batch: the header, its position, and its bytes when verifying. */
export type BatchVisitor = (h: BatchHeader, position: number, bytes: Buffer | undefined) => boolean | void;

/**
 * Calls `visit(header, position)` for each batch in [start, end). `read` fills a buffer from a
 * file position and returns the bytes read. `visit` may return false to stop early. The header
 * object is fresh for each batch.
 */
export async function walkBatches(
  read: (buf: Buffer, position: number) => Promise<number>,
  start: number,
  end: number,
  opts: WalkOptions,
  visit: BatchVisitor,
): Promise<WalkResult> {
  let buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(end - start, BATCH_HEADER_SIZE)));
  let bufStart = start;
  let bufLen = 0;
  let pos = start;
  let expect = opts.expectOffset;
  const floor = opts.segmentBase ?? 0;
  const load = async (at: number, need: number) => {
    const want = Math.max(need, Math.min(CHUNK, end - at));
    if (buf.length < want) buf = Buffer.allocUnsafe(want);
    bufStart = at;
    bufLen = await read(buf.subarray(0, Math.min(buf.length, end - at)), at);
  };
  while (pos < end) {
    const remaining = end - pos;
    const need = opts.verify ? LOG_OVERHEAD : Math.min(BATCH_HEADER_SIZE, remaining);
    if (pos < bufStart || pos + need > bufStart + bufLen) await load(pos, need);
    let at = pos - bufStart;
    if (remaining < LOG_OVERHEAD) return { end: pos, problem: { kind: 'truncated', position: pos, reason: `${remaining} bytes left, less than a batch header` } };
    const size = buf.readInt32BE(at + Off.batchLength) + LOG_OVERHEAD;
    if (size < BATCH_HEADER_SIZE) return { end: pos, problem: { kind: 'corrupt', position: pos, reason: `batch length ${size - LOG_OVERHEAD} is too small` } };
    if (size > remaining) return { end: pos, problem: { kind: 'truncated', position: pos, reason: `batch of ${size} bytes but only ${remaining} bytes left` } };
    const inBuf = opts.verify ? size : BATCH_HEADER_SIZE;
    if (pos + inBuf > bufStart + bufLen) {
      await load(pos, inBuf);
      at = 0;
    }
    let header: BatchHeader;
    if (opts.verify) {
      const r = checkBatch(buf, at, at + size);
      if (r.kind === 'truncated') return { end: pos, problem: { kind: 'truncated', position: pos, reason: `needs ${r.need} bytes` } };
      if (r.kind === 'corrupt') return { end: pos, problem: { kind: 'corrupt', position: pos, reason: r.reason } };
      header = r.header;
    } else {
      const magic = buf.readInt8(at + Off.magic);
      if (magic !== 2) return { end: pos, problem: { kind: 'corrupt', position: pos, reason: `unsupported magic ${magic}` } };
      header = readBatchHeader(buf, at);
    }
    const last = header.baseOffset + header.lastOffsetDelta;
    const ok =
      expect === undefined ? header.lastOffsetDelta >= 0 && Number.isSafeInteger(last) : offsetFollows(header.baseOffset, last, expect);
    if (!ok || header.baseOffset < floor) {
      const want = expect === undefined ? `at least ${floor}` : `${expect}`;
      return {
        end: pos,
        problem: { kind: 'corrupt', position: pos, reason: `base offset ${header.baseOffset} out of sequence (expected ${want}, last offset ${last})`, found: header.baseOffset, expected: expect },
      };
    }
    expect = header.baseOffset + header.lastOffsetDelta + 1;
    const bytes = opts.verify ? buf.subarray(at, at + size) : undefined;
    if (visit(header, pos, bytes) === false) return { end: pos + size };
    pos += size;
  }
  return { end: pos };
}
