/**
 * What the loader, the append path, the reads and the PartitionLog facade share about one
 * partition: where it lives, its segments, its offsets, its idempotent-producer state, and
 * whether it is still online.
 *
 * Storage failures. Kafka wraps every disk operation of a log in LocalLog.maybeHandleIOException
 * (storage/.../internals/log/LocalLog.java): an IOException marks the whole log directory offline
 * through LogDirFailureChannel and surfaces as KafkaStorageException, answered with
 * KAFKA_STORAGE_ERROR, and the directory stays offline until the broker restarts. mq runs one log
 * directory per broker, so taking the directory offline would take every partition down with one
 * bad write; instead the failure is scoped to the partition whose file failed. Its log then
 * refuses every later append, read, DeleteRecords and flush with KAFKA_STORAGE_ERROR until the
 * broker restarts (and recovers it); every other partition keeps serving.
 */
import type { Clock } from '../clock.js';
import { LogError } from './errors.js';
import { errnoCode, type FsPort } from './fs-port.js';
import type { CompletedTxn, ProducerStateTable } from './producer-state.js';
import type { Segment } from './segment.js';
import type { LogConfig } from './topic-config.js';

export interface LogLogger {
  warn(message: string): void;
  info?(message: string): void;
}

/** Where a partition lives and what it runs with; fixed for the partition's lifetime. */
export interface PartitionPlace {
  topic: string;
  partition: number;
  dir: string;
  fs: FsPort;
  clock: Clock;
  logger: LogLogger;
}

export class PartitionState {
  readonly topic: string;
  readonly partition: number;
  readonly dir: string;
  readonly fs: FsPort;
  readonly clock: Clock;
  readonly logger: LogLogger;
  config: LogConfig;
  /** Oldest first; the last one is the active segment. Never empty. */
  segments: Segment[];
  logStartOffset: number;
  /** Offset after the last batch written to the OS: the high watermark (one replica). */
  logEndOffset: number;
  producers: ProducerStateTable;
  /** Transactions whose marker has an offset but is not written yet: they still hold the LSO. */
  unwrittenTxns: CompletedTxn[] = [];
  private offlineCause: unknown;
  private offlineAfter = '';

  constructor(
    place: PartitionPlace,
    config: LogConfig,
    loaded: { segments: Segment[]; logStartOffset: number; logEndOffset: number; producers: ProducerStateTable },
  ) {
    this.topic = place.topic;
    this.partition = place.partition;
    this.dir = place.dir;
    this.fs = place.fs;
    this.clock = place.clock;
    this.logger = place.logger;
    this.config = config;
    this.segments = loaded.segments;
    this.logStartOffset = loaded.logStartOffset;
    this.logEndOffset = loaded.logEndOffset;
    this.producers = loaded.producers;
  }

  get name(): string {
    return `${this.topic}-${this.partition}`;
  }

  get activeSegment(): Segment {
    return this.segments[this.segments.length - 1]!;
  }

  /**
   * The last stable offset (Kafka's UnifiedLog.lastStableOffset): the first offset of the oldest
   * transaction not yet ended by a written marker, else the high watermark; never below the log
   * start offset (DeleteRecords and retention may pass an ongoing transaction's start, as
   * UnifiedLog.updateFirstUnstableOffset allows).
   */
  get lastStableOffset(): number {
    let lso = this.logEndOffset;
    const first = this.producers.firstUnstableOffset();
    if (first !== undefined && first < lso) lso = first;
    for (const t of this.unwrittenTxns) if (t.firstOffset < lso) lso = t.firstOffset;
    return Math.max(lso, this.logStartOffset);
  }

  get offline(): boolean {
    return this.offlineCause !== undefined;
  }

  /** The error every operation on an offline partition answers with. */
  storageError(): LogError {
    return new LogError('KAFKA_STORAGE_ERROR', `Partition ${this.name} is offline after ${this.offlineAfter} failed: ${String(this.offlineCause)}`);
  }

  /**
   * Takes the partition offline (once: the first cause is kept) and returns the error to answer
   * with. `what` names the operation that failed, as Kafka's messages do.
   */
  goOffline(what: string, cause: unknown): LogError {
    if (this.offlineCause === undefined) {
      this.offlineCause = cause ?? new Error('unknown failure');
      this.offlineAfter = what;
      this.logger.warn(`Partition ${this.name} is offline: ${what} failed: ${String(cause)}. It answers KAFKA_STORAGE_ERROR until the broker restarts.`);
    }
    return this.storageError();
  }

  /**
   * Kafka's maybeHandleIOException: runs a disk operation of this partition; an I/O error (one
   * with an errno code) takes the partition offline and is rethrown as KAFKA_STORAGE_ERROR. Other
   * errors are bugs and pass through unchanged.
   */
  async guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
    if (this.offline) throw this.storageError();
    try {
      return await fn();
    } catch (e) {
      if (e instanceof LogError || errnoCode(e) === undefined) throw e;
      throw this.goOffline(what, e);
    }
  }
}
