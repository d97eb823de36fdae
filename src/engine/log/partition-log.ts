/**
 * The log of one partition, as the broker sees it (Kafka's UnifiedLog): an ordered list of
 * segments, the last one active. This facade holds the pieces together: loading and recovery
 * (log-loader.ts), the append path with group commit and rolls (append-queue.ts), reads
 * (log-read.ts), and here the operations that rewrite the log's extent — retention, DeleteRecords
 * — and the clean close. Shared state and the storage-failure rule live in partition-state.ts.
 */
import path from 'node:path';
import type { Clock } from '../clock.js';
import { AppendQueue, type AppendResult } from './append-queue.js';
import { encodeMarkerBatch, type TxnMarker } from '../protocol/control-batch.js';
import { writeJsonAtomic } from './atomic-file.js';
import { LogError } from './errors.js';
import { LOG_START_OFFSET_FILE, PRODUCER_STATE_FILE } from './file-names.js';
import type { FsPort } from './fs-port.js';
import { loadLog, PARTITION_FILE_VERSION, type LogStartOffsetFile, type ProducerStateFile } from './log-loader.js';
import { maxTimestamp, offsetForTimestamp, readAt, type OffsetAndTimestamp, type ReadResult } from './log-read.js';
import { nodeFs } from './node-fs.js';
import { PartitionState, type LogLogger } from './partition-state.js';
import type { ProducerEntry } from './producer-state.js';
import { segmentsToDelete, type RetentionReason } from './retention.js';
import type { LogConfig } from './topic-config.js';

export interface PartitionLogOptions {
  topic: string;
  partition: number;
  dir: string;
  config: LogConfig;
  clock: Clock;
  logger: LogLogger;
  /** The file system; the real one unless a test injects another. */
  fs?: FsPort;
  /** Broker-wide: fdatasync before acknowledging every append. */
  fsync?: boolean;
  /** False when the data directory had no clean-shutdown marker: recover before serving. */
  clean: boolean;
}

export interface RetentionResult {
  deletedSegments: number;
  deletedBytes: number;
  reasons: RetentionReason[];
}

export class PartitionLog {
  private readonly s: PartitionState;
  private readonly appends: AppendQueue;
  private listeners = new Set<(logEndOffset: number) => void>();

  private constructor(state: PartitionState, fsync: boolean) {
    this.s = state;
    this.appends = new AppendQueue(state, fsync, (leo) => {
      for (const l of this.listeners) l(leo);
    });
  }

  static async open(o: PartitionLogOptions): Promise<PartitionLog> {
    const place = { topic: o.topic, partition: o.partition, dir: o.dir, fs: o.fs ?? nodeFs, clock: o.clock, logger: o.logger };
    const loaded = await loadLog(place, o.config.indexIntervalBytes, o.clean);
    return new PartitionLog(new PartitionState(place, o.config, loaded), o.fsync ?? false);
  }

  get topic(): string {
    return this.s.topic;
  }
  get partition(): number {
    return this.s.partition;
  }
  get dir(): string {
    return this.s.dir;
  }
  get name(): string {
    return this.s.name;
  }
  get logStartOffset(): number {
    return this.s.logStartOffset;
  }
  get logEndOffset(): number {
    return this.s.logEndOffset;
  }
  /** One replica: everything written is committed. */
  get highWatermark(): number {
    return this.s.logEndOffset;
  }
  /** A storage failure took this partition offline; it answers KAFKA_STORAGE_ERROR. */
  get offline(): boolean {
    return this.s.offline;
  }
  get sizeInBytes(): number {
    let n = 0;
    for (const seg of this.s.segments) n += seg.size;
    return n;
  }
  get segmentCount(): number {
    return this.s.segments.length;
  }
  /** Base offsets of the segments, oldest first (for tests and DescribeLogDirs). */
  segmentBaseOffsets(): number[] {
    return this.s.segments.map((seg) => seg.baseOffset);
  }
  producerState(): ProducerEntry[] {
    return this.s.producers.toJSON();
  }

  /** The topic config this partition currently applies (max.message.bytes for Produce). */
  get logConfig(): LogConfig {
    return this.s.config;
  }

  setConfig(config: LogConfig): void {
    this.s.config = config;
  }

  /** Listener called with the new log end offset after each write; returns an unsubscribe. */
  onAppend(listener: (logEndOffset: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** See AppendQueue.append. */
  append(batch: Buffer): Promise<AppendResult> {
    return this.appends.append(batch);
  }

  /**
   * Writes a transaction marker (a COMMIT or ABORT control batch) for a producer. A placeholder
   * that appends the batch as it is; the producer-state checks, the LSO and the aborted
   * transaction index come with the log's transaction support.
   */
  appendMarker(m: TxnMarker): Promise<AppendResult> {
    return this.append(encodeMarkerBatch(m));
  }

  read(fetchOffset: number, maxBytes: number): Promise<ReadResult> {
    return this.s.guard('read', () => readAt(this.s, fetchOffset, maxBytes));
  }

  offsetForTimestamp(ts: number): Promise<OffsetAndTimestamp | undefined> {
    return this.s.guard('read by timestamp', () => offsetForTimestamp(this.s, ts));
  }

  maxTimestamp(): Promise<OffsetAndTimestamp> {
    return this.s.guard('read of the max timestamp', () => maxTimestamp(this.s));
  }

  // ---- deleting ---------------------------------------------------------------------------

  /**
   * DeleteRecords: moves the log start offset to `offset` (-1 = the high watermark) and deletes
   * the segments wholly below it. Returns the new log start offset (the low watermark).
   */
  deleteRecordsBefore(offset: number): Promise<number> {
    const s = this.s;
    return this.appends.exclusive(() =>
      s.guard('delete records', async () => {
        const hw = s.logEndOffset;
        const target = offset === -1 ? hw : offset;
        if (target < 0 || target > hw) {
          throw new LogError('OFFSET_OUT_OF_RANGE', `Cannot delete records of partition ${s.name} before offset ${offset}: the high watermark is ${hw}`);
        }
        if (target > s.logStartOffset) {
          s.logStartOffset = target;
          await this.writeLogStartOffset();
          // All data below the new start: roll so the old active segment can go too (Kafka does).
          if (s.activeSegment.nextOffset <= target && !s.activeSegment.isEmpty) await this.appends.roll();
          await this.appends.settleBackground();
          await this.deleteOldSegments(false);
        }
        return s.logStartOffset;
      }),
    );
  }

  /** Applies retention now (the LogDir calls this every log.retention.check.interval.ms). */
  applyRetention(): Promise<RetentionResult> {
    return this.appends.exclusive(async () => {
      // An offline partition keeps its files for the recovery at the next start.
      if (this.s.offline) return { deletedSegments: 0, deletedBytes: 0, reasons: [] };
      return this.s.guard('retention', () => this.deleteOldSegments(true));
    });
  }

  private async deleteOldSegments(retention: boolean): Promise<RetentionResult> {
    const s = this.s;
    const now = s.clock.now();
    const decision = segmentsToDelete(
      s.segments.map((seg) => ({
        baseOffset: seg.baseOffset,
        nextOffset: seg.nextOffset,
        size: seg.size,
        maxTimestamp: seg.maxTimestamp,
        createdAt: seg.createdAt,
      })),
      {
        retentionMs: retention ? s.config.retentionMs : -1,
        retentionBytes: retention ? s.config.retentionBytes : -1,
        deleteEnabled: s.config.cleanupPolicy.includes('delete'),
      },
      now,
      s.logStartOffset,
    );
    if (decision.count === 0) return { deletedSegments: 0, deletedBytes: 0, reasons: [] };
    const doomed = s.segments.slice(0, decision.count);
    const newStart = s.segments[decision.count]!.baseOffset;
    if (newStart > s.logStartOffset) {
      s.logStartOffset = newStart;
      await this.writeLogStartOffset();
    }
    s.segments = s.segments.slice(decision.count);
    let bytes = 0;
    for (const seg of doomed) {
      bytes += seg.size;
      await seg.delete();
    }
    s.logger.info?.(
      `Deleted ${doomed.length} segment(s) (${bytes} bytes) of partition ${s.name} (${decision.reasons.join(', ')}); log start offset is ${s.logStartOffset}`,
    );
    return { deletedSegments: doomed.length, deletedBytes: bytes, reasons: decision.reasons };
  }

  private async writeLogStartOffset(): Promise<void> {
    const file: LogStartOffsetFile = { version: PARTITION_FILE_VERSION, logStartOffset: this.s.logStartOffset };
    await writeJsonAtomic(path.join(this.s.dir, LOG_START_OFFSET_FILE), file, this.s.fs);
  }

  // ---- closing ----------------------------------------------------------------------------

  /** Writes everything written so far to disk (fdatasync of the active segment). */
  flush(): Promise<void> {
    return this.appends.exclusive(() => this.s.guard('flush', () => this.appends.flushActive()));
  }

  /**
   * Clean close: waits for queued appends, flushes, writes the active segment's indexes and the
   * producer-state snapshot, closes the files. An offline partition only closes its files: what
   * it holds is recovered at the next start.
   */
  async close(): Promise<void> {
    if (this.appends.closed) return;
    const s = this.s;
    await this.appends.exclusive(async () => {
      this.appends.closed = true;
      if (s.offline) return;
      await s
        .guard('close', async () => {
          await this.appends.flushActive();
          await s.activeSegment.writeIndexes();
          const snapshot: ProducerStateFile = { version: PARTITION_FILE_VERSION, offset: s.logEndOffset, producers: s.producers.toJSON() };
          await writeJsonAtomic(path.join(s.dir, PRODUCER_STATE_FILE), snapshot, s.fs);
        })
        .catch((e: unknown) => {
          // The partition is now offline (and said so); the other partitions still close cleanly.
          if (!(e instanceof LogError)) throw e;
        });
    });
    await this.appends.drained;
    for (const seg of s.segments) await seg.close();
    this.listeners.clear();
  }

  /** Closes without the clean-shutdown bookkeeping (the caller removes the directory). */
  async delete(): Promise<void> {
    this.appends.closed = true;
    await this.appends.exclusive(async () => undefined).catch(() => undefined);
    await this.appends.drained;
    await this.appends.settleBackground();
    for (const seg of this.s.segments) await seg.close();
    this.listeners.clear();
  }

  /** Test hook: drop the descriptors as a killed process would, without flushing anything. */
  async abandon(): Promise<void> {
    this.appends.closed = true;
    await this.appends.drained;
    await this.appends.settleBackground();
    for (const seg of this.s.segments) await seg.close();
  }
}
