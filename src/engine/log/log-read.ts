/**
 * Reads of one partition: Fetch by offset through the segment's offset index (Kafka's
 * LocalLog.read and LogSegment.read), and ListOffsets by timestamp through the time index
 * (Kafka's UnifiedLog.fetchOffsetByTimestamp and LogSegment.findOffsetByTimestamp).
 */
import { readBatchHeader } from '../protocol/record-batch.js';
import { LogError } from './errors.js';
import type { PartitionState } from './partition-state.js';
import { recordTimestamps } from './record-scan.js';
import type { Segment } from './segment.js';

export interface ReadResult {
  /** Whole batches, the first one containing the fetch offset; empty at the end of the log. */
  records: Buffer;
  highWatermark: number;
  logStartOffset: number;
}

export interface OffsetAndTimestamp {
  offset: number;
  timestamp: number;
}

const EMPTY = Buffer.alloc(0);

/** Index of the last segment whose base offset is <= offset (Kafka's LogSegments.floorSegment). */
function floorSegment(segments: readonly Segment[], offset: number): number {
  let lo = 0;
  let hi = segments.length - 1;
  let found = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (segments[mid]!.baseOffset <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * Raw batches for Fetch, starting with the batch that contains `fetchOffset` (it may start
 * earlier; clients skip the records before their position): whole batches only, the first
 * always complete even if larger than maxBytes. Reads stay within one segment.
 */
export async function readAt(s: PartitionState, fetchOffset: number, maxBytes: number): Promise<ReadResult> {
  const hw = s.logEndOffset;
  const lso = s.logStartOffset;
  if (fetchOffset < lso || fetchOffset > hw) {
    throw new LogError('OFFSET_OUT_OF_RANGE', `Offset ${fetchOffset} is out of range for partition ${s.name} (log start ${lso}, end ${hw})`);
  }
  if (fetchOffset === hw) return { records: EMPTY, highWatermark: hw, logStartOffset: lso };
  const segs = s.segments;
  for (let i = floorSegment(segs, fetchOffset); i < segs.length; i++) {
    const seg = segs[i]!;
    seg.acquire();
    try {
      const limit = seg.size;
      const pos = await seg.findPosition(fetchOffset, limit);
      if (pos === undefined) continue;
      const { bytes } = await seg.readBatches(pos, maxBytes, limit);
      return { records: bytes, highWatermark: s.logEndOffset, logStartOffset: s.logStartOffset };
    } finally {
      seg.release();
    }
  }
  return { records: EMPTY, highWatermark: s.logEndOffset, logStartOffset: s.logStartOffset };
}

/**
 * ListOffsets by timestamp: the earliest offset (>= log start) whose record timestamp is >= ts,
 * or undefined. The time index narrows the search; the batch found is decoded to get the record.
 */
export async function offsetForTimestamp(s: PartitionState, ts: number): Promise<OffsetAndTimestamp | undefined> {
  const lso = s.logStartOffset;
  for (const seg of [...s.segments]) {
    if (seg.maxTimestamp < ts || seg.nextOffset <= lso) continue;
    seg.acquire();
    try {
      const startRel = seg.timeIndex.startFor(ts);
      let pos = seg.offsetIndex.lookup(startRel).position;
      const limit = seg.size;
      while (pos < limit) {
        let hit: number | undefined;
        let next = limit;
        await seg.walk(pos, limit, { verify: false }, (h, at) => {
          if (h.maxTimestamp >= ts && h.baseOffset + h.lastOffsetDelta >= lso) {
            hit = at;
            next = at + h.size;
            return false;
          }
          return true;
        });
        if (hit === undefined) break;
        const batch = await seg.batchAt(hit);
        const found = await firstRecordAtOrAfter(batch, ts, lso);
        if (found) return found;
        pos = next;
      }
    } finally {
      seg.release();
    }
  }
  return undefined;
}

/** ListOffsets -3: the record with the largest timestamp (the first one if several share it). */
export async function maxTimestamp(s: PartitionState): Promise<OffsetAndTimestamp> {
  let best: Segment | undefined;
  for (const seg of s.segments) if (seg.size > 0 && seg.maxTimestamp >= 0 && (!best || seg.maxTimestamp > best.maxTimestamp)) best = seg;
  if (!best) return { offset: -1, timestamp: -1 };
  best.acquire();
  try {
    const pos = await best.findPosition(best.offsetOfMaxTimestamp);
    if (pos === undefined) return { offset: best.offsetOfMaxTimestamp, timestamp: best.maxTimestamp };
    const batch = await best.batchAt(pos);
    return (await firstRecordAtOrAfter(batch, best.maxTimestamp, 0)) ?? { offset: best.offsetOfMaxTimestamp, timestamp: best.maxTimestamp };
  } finally {
    best.release();
  }
}

async function firstRecordAtOrAfter(batch: Buffer, ts: number, minOffset: number): Promise<OffsetAndTimestamp | undefined> {
  let records;
  try {
    records = await recordTimestamps(batch);
  } catch {
    // A codec we cannot read: answer at batch level, as the header allows.
    const h = readBatchHeader(batch);
    return { offset: Math.max(h.baseOffset, minOffset), timestamp: h.maxTimestamp };
  }
  for (const r of records) if (r.timestamp >= ts && r.offset >= minOffset) return r;
  return undefined;
}
