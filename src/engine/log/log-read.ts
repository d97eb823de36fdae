/**
 * Reads of one partition: Fetch by offset through the segment's offset index (Kafka's
 * LocalLog.read and LogSegment.read), and ListOffsets by timestamp through the time index
 * (Kafka's UnifiedLog.fetchOffsetByTimestamp and LogSegment.findOffsetByTimestamp).
 */
import { BATCH_HEADER_SIZE, readBatchHeader } from '../protocol/record-batch.js';
import { LogError } from './errors.js';
import type { PartitionState } from './partition-state.js';
import { recordTimestamps } from './record-scan.js';
import type { Segment } from './segment.js';

export interface ReadResult {
  /** Whole batches, the first one containing the fetch offset; empty at the end of the log. */
  records: Buffer;
  highWatermark: number;
  logStartOffset: number;
  lastStableOffset: number;
  /** read_committed only: the aborted transactions overlapping the records returned. */
  abortedTransactions?: { producerId: number; firstOffset: number }[];
}

/** Fetch isolation (Kafka's FetchIsolation): read_committed stops at the last stable offset. */
export type Isolation = 'read_uncommitted' | 'read_committed';

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

/** Segments whose damaged index was already reported, so a broker log says it once. */
const reported = new WeakSet<Segment>();

/**
 * The segment's bytes disagree with themselves (a batch header that cannot be where it is), so
 * there is no answer that is not a guess: the fetch fails rather than skipping records. The index
 * files of a completed segment are removed, so the next start recovers (rescans and cuts) it.
 */
async function damaged(s: PartitionState, seg: Segment, what: string): Promise<LogError> {
  if (!damagedReported.has(seg)) {
    damagedReported.add(seg);
    if (seg !== s.activeSegment) await seg.removeIndexFiles();
    s.logger.warn(`Partition ${s.name}: segment ${seg.fileName} is damaged: ${what}; reads there fail until the broker restarts and recovers the segment`);
  }
  return new LogError('CORRUPT_MESSAGE', `Partition ${s.name}: segment ${seg.fileName} is damaged: ${what}`);
}
const damagedReported = new WeakSet<Segment>();

/**
 * Position of the batch holding `offset` in `seg`, checked against the bytes. An index entry that
 * does not land on the batch it names (Kafka's index has no checksum either) is replaced by a
 * scan from the segment start, and the segment's indexes are rebuilt, said once in the log.
 */
async function locate(s: PartitionState, seg: Segment, offset: number, limit: number): Promise<number | undefined> {
  const r = await seg.findPosition(offset, limit);
  if (r.damaged) await rebuild(s, seg, `a lookup of offset ${offset}`, limit);
  return r.position;
}

async function rebuild(s: PartitionState, seg: Segment, during: string, limit: number): Promise<void> {
  await seg.rebuildIndexes(s.config.indexIntervalBytes, limit);
  if (!reported.has(seg)) {
    reported.add(seg);
    s.logger.warn(
      `Partition ${s.name}: the index of segment ${seg.fileName} does not match the log (found during ${during}); scanned the segment and rebuilt its index`,
    );
  }
}

/**
 * Raw batches for Fetch, starting with the batch that contains `fetchOffset` (it may start
 * earlier; clients skip the records before their position): whole batches only, the first
 * always complete even if larger than maxBytes. Reads stay within one segment, and a fetch offset
 * a segment holds is answered from that segment or not at all.
 */
export async function readAt(s: PartitionState, fetchOffset: number, maxBytes: number, isolation: Isolation = 'read_uncommitted'): Promise<ReadResult> {
  const hw = s.logEndOffset;
  const lso = s.logStartOffset;
  if (fetchOffset < lso || fetchOffset > hw) {
    throw new LogError('OFFSET_OUT_OF_RANGE', `Offset ${fetchOffset} is out of range for partition ${s.name} (log start ${lso}, end ${hw})`);
  }
  const committed = isolation === 'read_committed';
  // Taken before the read: what is returned never reaches past the LSO the answer reports.
  const stable = s.lastStableOffset;
  const r = await readBatchesAt(s, fetchOffset, maxBytes, committed ? stable : hw);
  const out: ReadResult = { records: r.records, highWatermark: s.logEndOffset, logStartOffset: s.logStartOffset, lastStableOffset: stable };
  if (committed) out.abortedTransactions = r.records.length ? collectAbortedTransactions(s, fetchOffset, r.nextOffset) : [];
  return out;
}

/**
 * The aborted transactions that overlap [fetchOffset, upperBoundOffset), from the segment
 * holding fetchOffset on, until an entry shows no later one can overlap (Kafka's
 * LocalLog.collectAbortedTransactions). A marker follows its data, so no earlier segment holds
 * an entry reaching fetchOffset; and none below the log start offset is returned.
 */
function collectAbortedTransactions(s: PartitionState, fetchOffset: number, upperBoundOffset: number): { producerId: number; firstOffset: number }[] {
  const out: { producerId: number; firstOffset: number }[] = [];
  const segs = s.segments;
  for (let i = floorSegment(segs, fetchOffset); i < segs.length; i++) {
    const r = segs[i]!.txnIndex.collect(fetchOffset, upperBoundOffset);
    for (const t of r.aborted) out.push({ producerId: t.producerId, firstOffset: t.firstOffset });
    if (r.complete) break;
  }
  return out;
}

/** Whole batches from the one holding fetchOffset, none starting at or after `maxOffset`. */
async function readBatchesAt(s: PartitionState, fetchOffset: number, maxBytes: number, maxOffset: number): Promise<{ records: Buffer; nextOffset: number }> {
  const none = { records: EMPTY, nextOffset: fetchOffset };
  if (fetchOffset >= maxOffset) return none;
  const segs = s.segments;
  for (let i = floorSegment(segs, fetchOffset); i < segs.length; i++) {
    const seg = segs[i]!;
    seg.acquire();
    try {
      const limit = seg.size;
      const next = seg.nextOffset;
      const pos = await locate(s, seg, fetchOffset, limit);
      if (pos === undefined) {
        if (fetchOffset >= seg.baseOffset && fetchOffset < next) throw await damaged(s, seg, `no readable batch holds offset ${fetchOffset}`);
        continue;
      }
      const { bytes, bad, nextOffset } = await seg.readBatches(pos, maxBytes, limit, maxOffset);
      if (bytes.length === 0 && bad) throw await damaged(s, seg, bad);
      if (bytes.length >= BATCH_HEADER_SIZE) {
        const h = readBatchHeader(bytes);
        if (h.baseOffset > fetchOffset || h.baseOffset + h.lastOffsetDelta < fetchOffset) {
          throw await damaged(s, seg, `the batch at position ${pos} holds offsets ${h.baseOffset}..${h.baseOffset + h.lastOffsetDelta}, not ${fetchOffset}`);
        }
      }
      return { records: bytes, nextOffset: bytes.length ? nextOffset : fetchOffset };
    } finally {
      seg.release();
    }
  }
  return none;
}

/**
 * Where a search by timestamp starts in `seg`: the batch the time index names for `ts`, checked
 * (it must hold the entry's offset and have the entry's timestamp as its max timestamp, which is
 * how entries are made); otherwise the segment start, and the indexes are rebuilt.
 */
async function timeSearchStart(s: PartitionState, seg: Segment, ts: number, limit: number): Promise<number> {
  const e = seg.timeIndex.entryFor(ts);
  if (!e) return 0;
  const offset = seg.baseOffset + e.relOffset;
  const pos = await locate(s, seg, offset, limit);
  if (pos !== undefined) {
    const h = await seg.headerAt(pos);
    if (h && h.baseOffset <= offset && offset <= h.baseOffset + h.lastOffsetDelta && h.maxTimestamp === e.timestamp) return pos;
  }
  await rebuild(s, seg, `a lookup of timestamp ${ts}`, limit);
  return 0;
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
      const limit = seg.size;
      let pos = await timeSearchStart(s, seg, ts, limit);
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
    const limit = best.size;
    let pos = await locate(s, best, best.offsetOfMaxTimestamp, limit);
    const h = pos === undefined ? undefined : await best.headerAt(pos);
    if (!h || h.maxTimestamp !== best.maxTimestamp) {
      // The time index's last entry (where maxTimestamp comes from) does not describe the log.
      await rebuild(s, best, 'a lookup of the max timestamp', limit);
      pos = await locate(s, best, best.offsetOfMaxTimestamp, limit);
    }
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
