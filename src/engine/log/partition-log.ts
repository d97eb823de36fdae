/**
 * The log of one partition: an ordered list of segments, the last one active. Appends are queued
 * and drained by one loop per partition, so offsets are assigned in arrival order while different
 * partitions proceed independently; batches that queue up while a write is in flight go out
 * together in one positional writev (group commit). An append resolves once the bytes are in the
 * OS (they survive kill -9), or after fdatasync with flush.messages=1 or the broker's fsync mode.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../clock.js';
import { Attr, Off, setBaseOffset, setLogAppendTime, setPartitionLeaderEpoch } from '../protocol/record-batch.js';
import { readJsonIfExists, writeJsonAtomic, fsyncDir } from './atomic-file.js';
import { LogError } from './errors.js';
import { fdatasync, pwritevFull } from './fd-io.js';
import {
  INDEX_SUFFIX,
  LOG_START_OFFSET_FILE,
  PRODUCER_STATE_FILE,
  TEMP_SUFFIX,
  TIME_INDEX_SUFFIX,
  parseSegmentFileName,
} from './file-names.js';
import { ProducerStateTable, type ProducerEntry } from './producer-state.js';
import { recordTimestamps } from './record-scan.js';
import { segmentsToDelete, type RetentionReason } from './retention.js';
import { Segment } from './segment.js';
import type { LogConfig } from './topic-config.js';

export interface LogLogger {
  warn(message: string): void;
  info?(message: string): void;
}

export interface PartitionLogOptions {
  topic: string;
  partition: number;
  dir: string;
  config: LogConfig;
  clock: Clock;
  logger: LogLogger;
  /** Broker-wide: fdatasync before acknowledging every append. */
  fsync?: boolean;
  /** False when the data directory had no clean-shutdown marker: recover before serving. */
  clean: boolean;
}

export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
  /** The time stamped on the batch with LogAppendTime, else -1. */
  logAppendTime: number;
  logStartOffset: number;
  /** The batch was a retry of one already in the log; nothing was written. */
  duplicate: boolean;
}

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

export interface RetentionResult {
  deletedSegments: number;
  deletedBytes: number;
  reasons: RetentionReason[];
}

type QueueItem =
  | { kind: 'append'; batch: Buffer; resolve: (r: AppendResult) => void; reject: (e: unknown) => void }
  | { kind: 'task'; run: () => Promise<unknown>; resolve: (r: unknown) => void; reject: (e: unknown) => void };

interface Pending {
  item: Extract<QueueItem, { kind: 'append' }>;
  /** Undefined for a duplicate waiting on its original in the same group. */
  buf?: Buffer;
  position: number;
  result: AppendResult;
  maxTimestamp: number;
  records: number;
}

const FILE_VERSION = 1;
const MAX_GROUP_BATCHES = 512;
const MAX_GROUP_BYTES = 8 << 20;
const INT32_MAX = 2 ** 31 - 1;
const EMPTY = Buffer.alloc(0);

function readInt64(b: Buffer, at: number): number {
  return b.readInt32BE(at) * 2 ** 32 + b.readUInt32BE(at + 4);
}

export class PartitionLog {
  readonly topic: string;
  readonly partition: number;
  readonly dir: string;
  private config: LogConfig;
  private readonly clock: Clock;
  private readonly logger: LogLogger;
  private readonly fsyncAlways: boolean;

  private segments: Segment[] = [];
  private _logStartOffset = 0;
  /** Offset after the last batch written to the OS: the high watermark (one replica). */
  private _logEndOffset = 0;
  /** Offset after the last batch assigned, written or not. */
  private nextOffset = 0;
  private producers = new ProducerStateTable();

  private queue: QueueItem[] = [];
  private draining = false;
  private drained: Promise<void> = Promise.resolve();
  private background = new Set<Promise<unknown>>();
  private failed: unknown;
  private closed = false;
  private unflushedMessages = 0;
  private lastFlush: number;
  private listeners = new Set<(logEndOffset: number) => void>();

  private constructor(o: PartitionLogOptions) {
    this.topic = o.topic;
    this.partition = o.partition;
    this.dir = o.dir;
    this.config = o.config;
    this.clock = o.clock;
    this.logger = o.logger;
    this.fsyncAlways = o.fsync ?? false;
    this.lastFlush = o.clock.now();
  }

  get name(): string {
    return `${this.topic}-${this.partition}`;
  }
  get logStartOffset(): number {
    return this._logStartOffset;
  }
  get logEndOffset(): number {
    return this._logEndOffset;
  }
  /** One replica: everything written is committed. */
  get highWatermark(): number {
    return this._logEndOffset;
  }
  get sizeInBytes(): number {
    let n = 0;
    for (const s of this.segments) n += s.size;
    return n;
  }
  get segmentCount(): number {
    return this.segments.length;
  }
  /** Base offsets of the segments, oldest first (for tests and DescribeLogDirs). */
  segmentBaseOffsets(): number[] {
    return this.segments.map((s) => s.baseOffset);
  }
  producerState(): ProducerEntry[] {
    return this.producers.toJSON();
  }

  /** The topic config this partition currently applies (max.message.bytes for Produce). */
  get logConfig(): LogConfig {
    return this.config;
  }

  setConfig(config: LogConfig): void {
    this.config = config;
  }

  /** Listener called with the new log end offset after each write; returns an unsubscribe. */
  onAppend(listener: (logEndOffset: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- opening and recovery ---------------------------------------------------------------

  static async open(o: PartitionLogOptions): Promise<PartitionLog> {
    const log = new PartitionLog(o);
    await log.load(o.clean);
    return log;
  }

  private async load(clean: boolean): Promise<void> {
    await fsp.mkdir(this.dir, { recursive: true });
    const names = await fsp.readdir(this.dir);
    const bases: number[] = [];
    for (const n of names) {
      if (n.endsWith(TEMP_SUFFIX)) {
        await fsp.rm(path.join(this.dir, n), { force: true });
        continue;
      }
      const p = parseSegmentFileName(n);
      if (p?.suffix === '.log') bases.push(p.baseOffset);
    }
    bases.sort((a, b) => a - b);
    // Index files without their .log are leftovers of a deletion cut short.
    for (const n of names) {
      const p = parseSegmentFileName(n);
      if (p && (p.suffix === INDEX_SUFFIX || p.suffix === TIME_INDEX_SUFFIX) && !bases.includes(p.baseOffset)) {
        await fsp.rm(path.join(this.dir, n), { force: true });
      }
    }
    const checkpoint = await readJsonIfExists<{ version: number; logStartOffset: number }>(path.join(this.dir, LOG_START_OFFSET_FILE));
    const now = this.clock.now();
    if (bases.length === 0) bases.push(checkpoint?.logStartOffset ?? 0);

    for (const b of bases) {
      this.segments.push(fs.existsSync(path.join(this.dir, `${String(b).padStart(20, '0')}.log`)) ? Segment.open(this.dir, b, now) : Segment.create(this.dir, b, now));
    }

    // Segments with index files were completed and flushed before the files were written; the
    // last segment, and any segment whose index files are missing or implausible, is rescanned
    // batch by batch when the stop was unclean (Kafka: everything after the recovery point).
    let recoverFrom = this.segments.length;
    for (let i = 0; i < this.segments.length; i++) {
      const last = i === this.segments.length - 1;
      if ((!clean && last) || !(await this.segments[i]!.loadIndexes())) {
        recoverFrom = i;
        break;
      }
    }
    for (let i = recoverFrom; i < this.segments.length; i++) {
      const seg = this.segments[i]!;
      const expect = i > 0 ? this.segments[i - 1]!.nextOffset : seg.baseOffset;
      const r = await seg.recover(this.config.indexIntervalBytes, expect);
      if (r.problem) {
        const what = r.problem.kind === 'truncated' ? 'a torn batch' : `a corrupt batch (${r.problem.reason})`;
        this.logger.warn(
          `Recovered partition ${this.name}: truncated ${r.truncatedBytes} bytes of ${what} at offset ${r.badOffset} (${seg.fileName})`,
        );
        const later = this.segments.splice(i + 1);
        for (const s of later) {
          this.logger.warn(`Recovered partition ${this.name}: deleted segment ${s.fileName} (${s.size} bytes) after the truncation point`);
          await s.delete();
        }
        break;
      }
    }
    const active = this.segments[this.segments.length - 1]!;
    for (const s of this.segments) if (s !== active) s.unpin();
    // The active segment's index lives in memory; stale files on disk would be mistaken for a
    // completed segment by a later recovery.
    active.removeIndexFilesSync();
    this._logEndOffset = this.nextOffset = active.nextOffset;
    this._logStartOffset = Math.min(Math.max(checkpoint?.logStartOffset ?? 0, this.segments[0]!.baseOffset), this._logEndOffset);

    await this.loadProducerState(clean);
  }

  /**
   * A snapshot is trusted only after a clean stop (it describes exactly the log that was closed);
   * otherwise the state is replayed from the batch headers so a retry after a crash is still
   * recognised as a duplicate.
   */
  private async loadProducerState(clean: boolean): Promise<void> {
    const file = path.join(this.dir, PRODUCER_STATE_FILE);
    const snap = clean ? await readJsonIfExists<{ version: number; offset: number; producers: ProducerEntry[] }>(file) : undefined;
    await fsp.rm(file, { force: true });
    if (snap && snap.version === FILE_VERSION && snap.offset === this._logEndOffset) {
      this.producers = ProducerStateTable.fromJSON(snap.producers);
      return;
    }
    this.producers = new ProducerStateTable();
    for (const seg of this.segments) {
      await seg.walk(0, seg.size, { verify: false }, (h) => {
        if (h.producerId >= 0 && h.baseSequence >= 0 && !(h.attributes & Attr.control)) {
          this.producers.record(h.producerId, h.producerEpoch, h.baseSequence, h.lastOffsetDelta, h.baseOffset);
        }
      });
    }
  }

  // ---- appending --------------------------------------------------------------------------

  /**
   * Appends one RecordBatch v2 (already validated: magic 2, CRC ok). The buffer is rewritten in
   * place (BaseOffset, PartitionLeaderEpoch, LogAppendTime) and must not be reused until the
   * promise settles.
   */
  append(batch: Buffer): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new LogError('NOT_LEADER_OR_FOLLOWER', `Partition ${this.name} is closed`));
      this.queue.push({ kind: 'append', batch, resolve, reject });
      this.kick();
    });
  }

  /** Runs `fn` with appends held off (retention, DeleteRecords, close). */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return new Promise((resolve, reject) => {
      this.queue.push({ kind: 'task', run: fn, resolve: resolve as (r: unknown) => void, reject });
      this.kick();
    });
  }

  private kick(): void {
    if (this.draining) return;
    this.draining = true;
    this.drained = this.drain().finally(() => {
      this.draining = false;
      if (this.queue.length) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const items = this.queue.splice(0, this.queue.length);
      let group: Pending[] = [];
      let groupBytes = 0;
      const flushGroup = async () => {
        if (!group.length) return;
        const g = group;
        group = [];
        groupBytes = 0;
        await this.writeGroup(g);
      };
      for (const item of items) {
        if (item.kind === 'task') {
          await flushGroup();
          try {
            await this.settleBackground();
            item.resolve(await item.run());
          } catch (e) {
            item.reject(e);
          }
          continue;
        }
        if (this.failed) {
          item.reject(new LogError('KAFKA_STORAGE_ERROR', `Partition ${this.name} is offline after a write error: ${String(this.failed)}`));
          continue;
        }
        try {
          const p = this.assign(item, group);
          if (!p) continue;
          if (p.buf) {
            if (p.position === -1) {
              await flushGroup();
              await this.roll();
              p.position = this.activeSegment.writePosition;
              this.place(p);
            }
            groupBytes += p.buf.length;
          }
          group.push(p);
          if (group.length >= MAX_GROUP_BATCHES || groupBytes >= MAX_GROUP_BYTES) await flushGroup();
        } catch (e) {
          item.reject(e);
        }
      }
      await flushGroup();
    }
  }

  private get activeSegment(): Segment {
    return this.segments[this.segments.length - 1]!;
  }

  /**
   * Decides what happens to one batch: a duplicate, a sequence error, or an append at the next
   * offset. Returns a Pending with position -1 when the active segment must roll first.
   */
  private assign(item: Extract<QueueItem, { kind: 'append' }>, group: Pending[]): Pending | undefined {
    const b = item.batch;
    const producerId = readInt64(b, Off.producerId);
    const epoch = b.readInt16BE(Off.producerEpoch);
    const baseSequence = b.readInt32BE(Off.baseSequence);
    const lastOffsetDelta = b.readInt32BE(Off.lastOffsetDelta);
    const idempotent = producerId >= 0 && baseSequence >= 0;
    if (idempotent) {
      const c = this.producers.check(producerId, epoch, baseSequence, lastOffsetDelta);
      if (c.kind === 'error') {
        item.reject(new LogError(c.error, c.message));
        return undefined;
      }
      if (c.kind === 'duplicate') {
        const result: AppendResult = {
          baseOffset: c.baseOffset,
          lastOffset: c.lastOffset,
          logAppendTime: -1,
          logStartOffset: this._logStartOffset,
          duplicate: true,
        };
        const original = group.find((g) => g.result.baseOffset === c.baseOffset && g.buf);
        if (original) {
          result.logAppendTime = original.result.logAppendTime;
          return { item, position: 0, result, maxTimestamp: -1, records: 0 };
        }
        item.resolve(result);
        return undefined;
      }
    }
    const now = this.clock.now();
    const baseOffset = this.nextOffset;
    setBaseOffset(b, baseOffset);
    setPartitionLeaderEpoch(b, 0);
    let logAppendTime = -1;
    if (this.config.logAppendTime) {
      setLogAppendTime(b, now);
      logAppendTime = now;
    }
    this.nextOffset = baseOffset + lastOffsetDelta + 1;
    if (idempotent) this.producers.record(producerId, epoch, baseSequence, lastOffsetDelta, baseOffset);
    const p: Pending = {
      item,
      buf: b,
      position: -1,
      result: { baseOffset, lastOffset: baseOffset + lastOffsetDelta, logAppendTime, logStartOffset: 0, duplicate: false },
      maxTimestamp: readInt64(b, Off.maxTimestamp),
      records: lastOffsetDelta + 1,
    };
    if (!this.shouldRoll(b.length, now, baseOffset + lastOffsetDelta)) {
      p.position = this.activeSegment.writePosition;
      this.place(p);
    }
    return p;
  }

  private place(p: Pending): void {
    this.activeSegment.writePosition += p.buf!.length;
  }

  /** Kafka's LogSegment.shouldRoll: size, age, full index, or relative offsets overflowing. */
  private shouldRoll(size: number, now: number, lastOffset: number): boolean {
    const seg = this.activeSegment;
    if (seg.isEmpty) return false;
    if (seg.writePosition + size > this.config.segmentBytes) return true;
    // Kafka measures segment.ms from the first batch's timestamp; producers with old or skewed
    // clocks then roll a segment per batch. The segment's creation time on the broker's clock
    // (Kafka's behaviour before 0.10.1) keeps segment.ms meaning "age of the segment".
    if (now - seg.createdAt > this.config.segmentMs) return true;
    if (seg.indexFull(this.config.segmentIndexBytes)) return true;
    return lastOffset - seg.baseOffset > INT32_MAX;
  }

  private async roll(): Promise<void> {
    const old = this.activeSegment;
    const seg = Segment.create(this.dir, this.nextOffsetForRoll(), this.clock.now());
    this.segments.push(seg);
    // The finished segment is flushed and then gets its index files, which mark it complete for
    // a later recovery. In fsync mode the roll waits for that, and for the directory entry.
    const finish = (async () => {
      await old.flush();
      old.unpin();
      await old.writeIndexes(this.fsyncAlways);
      if (this.fsyncAlways) await fsyncDir(this.dir);
    })();
    if (this.fsyncAlways) await finish;
    else this.trackBackground(finish);
  }

  /** The new segment starts at the first offset not yet written (all earlier groups are written). */
  private nextOffsetForRoll(): number {
    return this._logEndOffset;
  }

  private trackBackground(p: Promise<unknown>): void {
    const q = p.catch((e) => this.logger.warn(`Partition ${this.name}: background segment work failed: ${String(e)}`));
    this.background.add(q);
    void q.finally(() => this.background.delete(q));
  }

  private async settleBackground(): Promise<void> {
    while (this.background.size) await Promise.all([...this.background]);
  }

  private async writeGroup(group: Pending[]): Promise<void> {
    if (this.failed) {
      for (const p of group) p.item.reject(new LogError('KAFKA_STORAGE_ERROR', `Partition ${this.name} is offline after a write error`));
      return;
    }
    const seg = this.activeSegment;
    const writes = group.filter((p) => p.buf);
    try {
      if (writes.length) {
        await pwritevFull(seg.fd, writes.map((p) => p.buf!), writes[0]!.position);
        let messages = 0;
        for (const p of writes) messages += p.records;
        this.unflushedMessages += messages;
        const now = this.clock.now();
        if (this.fsyncAlways || this.unflushedMessages >= this.config.flushMessages || now - this.lastFlush >= this.config.flushMs) {
          await fdatasync(seg.fd);
          this.unflushedMessages = 0;
          this.lastFlush = now;
        }
      }
    } catch (e) {
      // The file may now hold part of the group; recovery at the next start cuts it. Until then
      // the partition refuses appends rather than risk assigning offsets twice.
      this.failed = e;
      for (const p of group) p.item.reject(new LogError('KAFKA_STORAGE_ERROR', `Write to ${this.name} failed: ${String(e)}`));
      return;
    }
    for (const p of writes) {
      seg.track(
        { position: p.position, baseOffset: p.result.baseOffset, lastOffset: p.result.lastOffset, size: p.buf!.length, maxTimestamp: p.maxTimestamp },
        this.config.indexIntervalBytes,
      );
    }
    if (writes.length) {
      const last = writes[writes.length - 1]!;
      this._logEndOffset = last.result.lastOffset + 1;
      seg.remember(this._logEndOffset, last.position + last.buf!.length);
    }
    for (const p of group) {
      p.result.logStartOffset = this._logStartOffset;
      p.item.resolve(p.result);
    }
    if (writes.length) for (const l of this.listeners) l(this._logEndOffset);
  }

  // ---- reading ----------------------------------------------------------------------------

  private segmentIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.segments[mid]!.baseOffset <= offset) {
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
  async read(fetchOffset: number, maxBytes: number): Promise<ReadResult> {
    const hw = this._logEndOffset;
    const lso = this._logStartOffset;
    if (fetchOffset < lso || fetchOffset > hw) {
      throw new LogError('OFFSET_OUT_OF_RANGE', `Offset ${fetchOffset} is out of range for partition ${this.name} (log start ${lso}, end ${hw})`);
    }
    if (fetchOffset === hw) return { records: EMPTY, highWatermark: hw, logStartOffset: lso };
    const segs = this.segments;
    for (let i = this.segmentIndexFor(fetchOffset); i < segs.length; i++) {
      const seg = segs[i]!;
      seg.acquire();
      try {
        const limit = seg.size;
        const pos = await seg.findPosition(fetchOffset, limit);
        if (pos === undefined) continue;
        const { bytes } = await seg.readBatches(pos, maxBytes, limit);
        return { records: bytes, highWatermark: this._logEndOffset, logStartOffset: this._logStartOffset };
      } finally {
        seg.release();
      }
    }
    return { records: EMPTY, highWatermark: this._logEndOffset, logStartOffset: this._logStartOffset };
  }

  /**
   * ListOffsets by timestamp: the earliest offset (>= log start) whose record timestamp is >= ts,
   * or undefined. The time index narrows the search; the batch found is decoded to get the record.
   */
  async offsetForTimestamp(ts: number): Promise<OffsetAndTimestamp | undefined> {
    const lso = this._logStartOffset;
    for (const seg of [...this.segments]) {
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
  async maxTimestamp(): Promise<OffsetAndTimestamp> {
    let best: Segment | undefined;
    for (const s of this.segments) if (s.size > 0 && s.maxTimestamp >= 0 && (!best || s.maxTimestamp > best.maxTimestamp)) best = s;
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

  // ---- deleting ---------------------------------------------------------------------------

  /**
   * DeleteRecords: moves the log start offset to `offset` (-1 = the high watermark) and deletes
   * the segments wholly below it. Returns the new log start offset (the low watermark).
   */
  deleteRecordsBefore(offset: number): Promise<number> {
    return this.exclusive(async () => {
      const hw = this._logEndOffset;
      const target = offset === -1 ? hw : offset;
      if (target < 0 || target > hw) {
        throw new LogError('OFFSET_OUT_OF_RANGE', `Cannot delete records of partition ${this.name} before offset ${offset}: the high watermark is ${hw}`);
      }
      if (target > this._logStartOffset) {
        this._logStartOffset = target;
        await this.writeLogStartOffset();
        // All data below the new start: roll so the old active segment can go too (Kafka does).
        if (this.activeSegment.nextOffset <= target && !this.activeSegment.isEmpty) await this.roll();
        await this.settleBackground();
        await this.deleteOldSegments(false);
      }
      return this._logStartOffset;
    });
  }

  /** Applies retention now (the LogDir calls this every log.retention.check.interval.ms). */
  applyRetention(): Promise<RetentionResult> {
    return this.exclusive(() => this.deleteOldSegments(true));
  }

  private async deleteOldSegments(retention: boolean): Promise<RetentionResult> {
    const now = this.clock.now();
    const decision = segmentsToDelete(
      this.segments.map((s) => ({ baseOffset: s.baseOffset, nextOffset: s.nextOffset, size: s.size, maxTimestamp: s.maxTimestamp, createdAt: s.createdAt })),
      {
        retentionMs: retention ? this.config.retentionMs : -1,
        retentionBytes: retention ? this.config.retentionBytes : -1,
        deleteEnabled: this.config.cleanupPolicy.includes('delete'),
      },
      now,
      this._logStartOffset,
    );
    if (decision.count === 0) return { deletedSegments: 0, deletedBytes: 0, reasons: [] };
    const doomed = this.segments.slice(0, decision.count);
    const newStart = this.segments[decision.count]!.baseOffset;
    if (newStart > this._logStartOffset) {
      this._logStartOffset = newStart;
      await this.writeLogStartOffset();
    }
    this.segments = this.segments.slice(decision.count);
    let bytes = 0;
    for (const s of doomed) {
      bytes += s.size;
      await s.delete();
    }
    this.logger.info?.(
      `Deleted ${doomed.length} segment(s) (${bytes} bytes) of partition ${this.name} (${decision.reasons.join(', ')}); log start offset is ${this._logStartOffset}`,
    );
    return { deletedSegments: doomed.length, deletedBytes: bytes, reasons: decision.reasons };
  }

  private async writeLogStartOffset(): Promise<void> {
    await writeJsonAtomic(path.join(this.dir, LOG_START_OFFSET_FILE), { version: FILE_VERSION, logStartOffset: this._logStartOffset });
  }

  // ---- closing ----------------------------------------------------------------------------

  /** Writes everything written so far to disk (fdatasync of the active segment). */
  flush(): Promise<void> {
    return this.exclusive(async () => {
      await this.activeSegment.flush();
      this.unflushedMessages = 0;
      this.lastFlush = this.clock.now();
    });
  }

  /**
   * Clean close: waits for queued appends, flushes, writes the active segment's indexes and the
   * producer-state snapshot, closes the files.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.exclusive(async () => {
      this.closed = true;
      const active = this.activeSegment;
      await active.flush();
      if (!this.failed) {
        await active.writeIndexes(true);
        await writeJsonAtomic(path.join(this.dir, PRODUCER_STATE_FILE), {
          version: FILE_VERSION,
          offset: this._logEndOffset,
          producers: this.producers.toJSON(),
        });
      }
    });
    await this.drained;
    for (const s of this.segments) await s.close();
    this.listeners.clear();
  }

  /** Closes without the clean-shutdown bookkeeping and removes the partition directory. */
  async delete(): Promise<void> {
    this.closed = true;
    await this.exclusive(async () => undefined).catch(() => undefined);
    await this.drained;
    await this.settleBackground();
    for (const s of this.segments) await s.close();
    this.listeners.clear();
  }

  /** Test hook: drop the descriptors as a killed process would, without flushing anything. */
  async abandon(): Promise<void> {
    this.closed = true;
    await this.drained;
    await this.settleBackground();
    for (const s of this.segments) await s.close();
  }
}

async function firstRecordAtOrAfter(batch: Buffer, ts: number, minOffset: number): Promise<OffsetAndTimestamp | undefined> {
  let records;
  try {
    records = await recordTimestamps(batch);
  } catch {
    // A codec we cannot read: answer at batch level, as the header allows.
    const base = Math.max(readInt64(batch, Off.baseOffset), minOffset);
    return { offset: base, timestamp: readInt64(batch, Off.maxTimestamp) };
  }
  for (const r of records) if (r.timestamp >= ts && r.offset >= minOffset) return r;
  return undefined;
}
