/**
 * Opens a partition directory and brings it to a state the log can serve from (Kafka's
 * storage/.../internals/log/LogLoader.java): leftovers of interrupted writes and deletions are
 * removed, segments are opened, indexes are loaded or rebuilt, everything after the last clean
 * point is rescanned and cut at the first bad batch, and the idempotent-producer state is read
 * from its snapshot or replayed from the batch headers.
 */
import path from 'node:path';
import { ControlType, decodeControlBatch } from '../protocol/control-batch.js';
import { Attr, type BatchHeader } from '../protocol/record-batch.js';
import { MetaFileError, RECOVERY, logStartOffsetFile, producerStateFile, readMetaFile } from './meta-files.js';
import {
  LOG_START_OFFSET_FILE,
  PRODUCER_STATE_FILE,
  TEMP_SUFFIX,
  logFileName,
  parseSegmentFileName,
} from './file-names.js';
import type { PartitionPlace } from './partition-state.js';
import { ProducerStateTable, type SnapshotEntry } from './producer-state.js';
import { INDEX_FILES_MISSING, Segment, type RecoveryResult } from './segment.js';
import { TransactionIndex } from './transaction-index.js';

/** Version of the JSON files a partition directory holds (log-start-offset, producer state). */
export const PARTITION_FILE_VERSION = 1;

export interface LogStartOffsetFile {
  version: number;
  logStartOffset: number;
}

export interface ProducerStateFile {
  version: number;
  /** The log end offset the snapshot describes. */
  offset: number;
  producers: SnapshotEntry[];
}

export interface LoadedLog {
  segments: Segment[];
  logStartOffset: number;
  logEndOffset: number;
  producers: ProducerStateTable;
}

/**
 * Loads the partition in `place.dir`. With `clean` false (no clean-shutdown marker) the active
 * segment is always rescanned, as Kafka recovers everything after its recovery point.
 */
export async function loadLog(place: PartitionPlace, indexIntervalBytes: number, clean: boolean): Promise<LoadedLog> {
  const { fs, dir } = place;
  await fs.mkdir(dir);
  const bases = await removeLeftovers(place);
  const checkpoint = await readMetaFile(path.join(dir, LOG_START_OFFSET_FILE), logStartOffsetFile, RECOVERY.logStartOffset, fs);
  const now = place.clock.now();
  if (bases.length === 0) bases.push(checkpoint?.logStartOffset ?? 0);

  const segments: Segment[] = [];
  for (const b of bases) {
    const exists = await fs.exists(path.join(dir, logFileName(b)));
    segments.push(exists ? await Segment.open(fs, dir, b, now) : await Segment.create(fs, dir, b, now));
  }
  await recoverSegments(place, segments, indexIntervalBytes, clean);

  const active = segments[segments.length - 1]!;
  for (const s of segments) if (s !== active) s.unpin();
  // The active segment's index lives in memory; stale files on disk would be mistaken for a
  // completed segment by a later recovery.
  await active.removeIndexFiles();
  const logEndOffset = active.nextOffset;
  const logStartOffset = Math.min(Math.max(checkpoint?.logStartOffset ?? 0, segments[0]!.baseOffset), logEndOffset);
  const producers = await loadProducerState(place, segments, logEndOffset, clean);
  return { segments, logStartOffset, logEndOffset, producers };
}

/**
 * Deletes temp files of interrupted atomic replaces and index files whose `.log` is gone (a
 * segment deletion cut short). Returns the base offsets of the segments, ascending.
 */
async function removeLeftovers({ fs, dir }: PartitionPlace): Promise<number[]> {
  const names = await fs.readdir(dir);
  const bases: number[] = [];
  for (const n of names) {
    if (n.endsWith(TEMP_SUFFIX)) {
      await fs.rm(path.join(dir, n));
      continue;
    }
    const p = parseSegmentFileName(n);
    if (p?.suffix === '.log') bases.push(p.baseOffset);
  }
  bases.sort((a, b) => a - b);
  for (const n of names) {
    const p = parseSegmentFileName(n);
    if (p && p.suffix !== '.log' && !bases.includes(p.baseOffset)) {
      await fs.rm(path.join(dir, n));
    }
  }
  return bases;
}

/**
 * Segments with index files were completed and flushed before the files were written; the last
 * segment, and any segment whose index files are missing or implausible, is rescanned batch by
 * batch when the stop was unclean (Kafka: everything after the recovery point). After a clean stop
 * the last segment's tail (the bytes after its last index entry) is still CRC- and offset-checked,
 * and when that fails the whole partition is recovered: a file damaged while the broker was down
 * is never served. The first bad batch cuts its segment there and every later segment is deleted
 * (Kafka's LogLoader.recoverLog), as is the cut segment itself when nothing of it is left.
 */
async function recoverSegments(place: PartitionPlace, segments: Segment[], indexIntervalBytes: number, clean: boolean): Promise<void> {
  const name = `${place.topic}-${place.partition}`;
  let recoverFrom = segments.length;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const last = i === segments.length - 1;
    if (!clean && last) {
      recoverFrom = i;
      break;
    }
    const why = await seg.loadIndexes(last);
    if (why !== undefined && why !== INDEX_FILES_MISSING && last) {
      place.logger.warn(`Partition ${name}: the tail check of ${seg.fileName} after a clean stop failed (${why}); recovering the whole partition`);
      recoverFrom = 0;
      break;
    }
    const prev = segments[i - 1];
    if (why === undefined && prev && !prev.isEmpty && prev.nextOffset !== seg.baseOffset) {
      // Said and acted on below: the previous segment is recovered from here.
      recoverFrom = i;
      break;
    }
    if (why !== undefined) {
      recoverFrom = i;
      break;
    }
  }
  // The segment before the first one recovered was loaded from its index, its tail walked without a CRC check: when
  // its end does not meet the next segment's base offset (the file name, which Kafka treats as authoritative), that
  // tail is what is damaged (a flipped LastOffsetDelta), so it is recovered too rather than trusted as the offset the
  // next segment must continue from.
  while (recoverFrom > 0 && recoverFrom < segments.length) {
    const prev = segments[recoverFrom - 1]!;
    const seg = segments[recoverFrom]!;
    if (prev.isEmpty || prev.nextOffset === seg.baseOffset) break;
    place.logger.warn(`Partition ${name}: segment ${seg.fileName} does not follow on from ${prev.fileName}, which ends before offset ${prev.nextOffset}; recovering ${prev.fileName}`);
    recoverFrom--;
  }
  for (let i = recoverFrom; i < segments.length; i++) {
    const seg = segments[i]!;
    const prev = segments[i - 1];
    const expect = prev && !prev.isEmpty ? prev.nextOffset : seg.baseOffset;
    const r = await seg.recover(indexIntervalBytes, expect);
    if (!r.problem) continue;
    place.logger.warn(`Recovered partition ${name}: ${describeCut(seg, r)}`);
    const doomed = segments.splice(i + (seg.isEmpty && i > 0 ? 0 : 1));
    for (const s of doomed) {
      place.logger.warn(`Recovered partition ${name}: deleted segment ${s.fileName} (${s.size} bytes) after the truncation point`);
      await s.delete();
    }
    break;
  }
}

/** The log line for a cut: which file, where, and what was wrong (expected vs found for offsets). */
function describeCut(seg: Segment, r: RecoveryResult): string {
  const p = r.problem!;
  const what =
    p.kind === 'truncated'
      ? 'a torn batch'
      : p.found !== undefined
        ? `a batch with base offset ${p.found} where offset ${p.expected ?? seg.baseOffset} was expected (the base offset is outside the CRC)`
        : `a corrupt batch (${p.reason})`;
  return `truncated ${r.truncatedBytes} bytes of ${what} at offset ${r.badOffset} (${seg.fileName}) from position ${p.position}`;
}

/**
 * A snapshot is trusted only after a clean stop (it describes exactly the log that was closed),
 * and only with every segment's aborted-transaction index read from its files; otherwise the
 * state is replayed from the log so a retry after a crash is still recognised as a duplicate and
 * a transaction without its marker still holds the last stable offset (Kafka's
 * ProducerStateManager snapshot plus LogLoader's replay). The replay rebuilds the `.txnindex` of
 * every segment as it goes, as Kafka's LogSegment.recover does.
 */
async function loadProducerState(place: PartitionPlace, segments: Segment[], logEndOffset: number, clean: boolean): Promise<ProducerStateTable> {
  const file = path.join(place.dir, PRODUCER_STATE_FILE);
  // A damaged snapshot is no reason to refuse: the batch headers rebuild it, as Kafka deletes a
  // corrupt producer snapshot and replays the log (ProducerStateManager.loadFromSnapshot).
  const snap = clean
    ? await readMetaFile(file, producerStateFile, RECOVERY.producerState, place.fs).catch((e: unknown) => {
        if (!(e instanceof MetaFileError)) throw e;
        place.logger.warn(`${file} ${e.problem}. ${RECOVERY.producerState}`);
        return undefined;
      })
    : undefined;
  await place.fs.rm(file);
  const indexesTrusted = segments.every((seg) => seg.txnIndexTrusted);
  if (snap && snap.version === PARTITION_FILE_VERSION && snap.offset === logEndOffset && indexesTrusted) return ProducerStateTable.fromJSON(snap.producers);
  const producers = new ProducerStateTable();
  for (const seg of segments) {
    const rebuilt = await replaySegment(seg, producers);
    const changed = !seg.txnIndexTrusted || !rebuilt.equals(seg.txnIndex);
    seg.txnIndex = rebuilt;
    seg.txnIndexTrusted = true;
    // A completed segment's files are not rewritten later: put the rebuilt index on disk now
    // (the active one's too, so what is on disk is never stale at start).
    if (changed) await seg.writeTxnIndex();
  }
  return producers;
}

/** Replays one segment's batches into `producers`; returns the segment's aborted transactions. */
async function replaySegment(seg: Segment, producers: ProducerStateTable): Promise<TransactionIndex> {
  const index = new TransactionIndex();
  // Marker batches are read whole (their control record holds the type and coordinator epoch);
  // data batches need only their header. The walk's visitor is synchronous, so the headers are
  // gathered first and applied in order.
  const seen: { h: BatchHeader; position: number }[] = [];
  await seg.walk(0, seg.size, { verify: false }, (h, position) => {
    if (h.producerId >= 0) seen.push({ h, position });
  });
  for (const { h, position } of seen) {
    const transactional = (h.attributes & Attr.transactional) !== 0;
    if (h.attributes & Attr.control) {
      let control;
      try {
        control = decodeControlBatch(await seg.batchAt(position));
      } catch {
        continue; // not a marker mq can read (the CRC passed at append or recovery): nothing to apply
      }
      if (control.coordinatorEpoch === undefined) continue;
      const type = control.controlType === ControlType.commit ? 'COMMIT' : 'ABORT';
      const done = producers.recordMarker(h.producerId, h.producerEpoch, type, control.coordinatorEpoch, h.baseOffset, h.maxTimestamp);
      if (done?.aborted) index.append({ ...done, lastStableOffset: producers.lastStableOffsetAfter(done) });
    } else if (h.baseSequence >= 0 || transactional) {
      producers.record(h.producerId, h.producerEpoch, h.baseSequence, h.lastOffsetDelta, h.baseOffset, transactional, h.maxTimestamp);
    }
  }
  return index;
}
