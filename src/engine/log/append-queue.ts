/**
 * The append path of one partition. Appends are queued and drained by one loop per partition, so
 * offsets are assigned in arrival order while different partitions proceed independently; batches
 * that queue up while a write is in flight go out together in one positional writev (group
 * commit). An append resolves once the bytes are in the OS (they survive kill -9), or after
 * fdatasync with flush.messages / flush.ms reached or the broker's fsync mode. The active segment
 * rolls on Kafka's LogSegment.shouldRoll conditions (storage/.../internals/log/LogSegment.java).
 *
 * Work that must not interleave with appends (retention, DeleteRecords, flush, close) runs as an
 * exclusive task in the same queue.
 */
import { encodeMarkerBatch, type TxnMarker } from '../protocol/control-batch.js';
import { Attr, Off, setBaseOffset, setLogAppendTime, setPartitionLeaderEpoch } from '../protocol/record-batch.js';
import { LogError } from './errors.js';
import type { PartitionState } from './partition-state.js';
import type { CompletedTxn } from './producer-state.js';
import { Segment } from './segment.js';

export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
  /** The time stamped on the batch with LogAppendTime, else -1. */
  logAppendTime: number;
  logStartOffset: number;
  /** The batch was a retry of one already in the log; nothing was written. */
  duplicate: boolean;
}

type AppendItem = {
  kind: 'append';
  batch: Buffer;
  /** Set for a COMMIT/ABORT control batch, which only appendMarker writes. */
  marker?: TxnMarker;
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
};
type TaskItem = { kind: 'task'; run: () => Promise<unknown>; resolve: (r: unknown) => void; reject: (e: unknown) => void };

interface Pending {
  item: AppendItem;
  /** Undefined for a duplicate waiting on its original in the same group. */
  buf?: Buffer;
  position: number;
  result: AppendResult;
  maxTimestamp: number;
  records: number;
  /** The transaction this marker ends, with the LSO to index it under if aborted. */
  completed?: { txn: CompletedTxn; lastStableOffset: number };
}

const MAX_GROUP_BATCHES = 512;
const MAX_GROUP_BYTES = 8 << 20;
const INT32_MAX = 2 ** 31 - 1;

function readInt64(b: Buffer, at: number): number {
  return b.readInt32BE(at) * 2 ** 32 + b.readUInt32BE(at + 4);
}

export class AppendQueue {
  private readonly s: PartitionState;
  private readonly fsyncAlways: boolean;
  private readonly written: (logEndOffset: number) => void;
  /** Offset after the last batch assigned, written or not. */
  private nextOffset: number;
  private queue: (AppendItem | TaskItem)[] = [];
  private draining = false;
  private drainedP: Promise<void> = Promise.resolve();
  private background = new Set<Promise<unknown>>();
  private unflushedMessages = 0;
  private lastFlush: number;
  /** Set by close, delete and abandon: later appends are refused. */
  closed = false;

  constructor(state: PartitionState, fsyncAlways: boolean, written: (logEndOffset: number) => void) {
    this.s = state;
    this.fsyncAlways = fsyncAlways;
    this.written = written;
    this.nextOffset = state.logEndOffset;
    this.lastFlush = state.clock.now();
  }

  /** Settles when the drain loop has nothing left to do. */
  get drained(): Promise<void> {
    return this.drainedP;
  }

  /**
   * Appends one RecordBatch v2 (already validated: magic 2, CRC ok). The buffer is rewritten in
   * place (BaseOffset, PartitionLeaderEpoch, LogAppendTime) and must not be reused until the
   * promise settles.
   */
  append(batch: Buffer): Promise<AppendResult> {
    // Kafka's LogValidator refuses control batches from clients: only markers write them.
    if (batch.length > Off.attributes + 1 && batch.readInt16BE(Off.attributes) & Attr.control) {
      return Promise.reject(new LogError('INVALID_RECORD', `Clients are not allowed to write control records in topic partition ${this.s.name}`));
    }
    return this.enqueue(batch);
  }

  /**
   * Appends a COMMIT/ABORT marker for `m.producerId`, in order with the data (the coordinator's
   * path, Kafka's AppendOrigin.COORDINATOR). Refused with INVALID_PRODUCER_EPOCH for an older
   * producer epoch and TRANSACTION_COORDINATOR_FENCED for an older coordinator epoch.
   */
  appendMarker(m: TxnMarker): Promise<AppendResult> {
    return this.enqueue(encodeMarkerBatch(m), m);
  }

  private enqueue(batch: Buffer, marker?: TxnMarker): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new LogError('NOT_LEADER_OR_FOLLOWER', `Partition ${this.s.name} is closed`));
      if (this.s.offline) return reject(this.s.storageError());
      this.queue.push({ kind: 'append', batch, marker, resolve, reject });
      this.kick();
    });
  }

  /** Runs `fn` with appends held off and background segment work settled. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return new Promise((resolve, reject) => {
      this.queue.push({ kind: 'task', run: fn, resolve: resolve as (r: unknown) => void, reject });
      this.kick();
    });
  }

  /** fdatasync of the active segment now (flush() and close); resets the flush.* counters. */
  async flushActive(): Promise<void> {
    await this.s.activeSegment.flush();
    this.unflushedMessages = 0;
    this.lastFlush = this.s.clock.now();
  }

  private kick(): void {
    if (this.draining) return;
    this.draining = true;
    this.drainedP = this.drain().finally(() => {
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
        if (this.s.offline) {
          item.reject(this.s.storageError());
          continue;
        }
        try {
          const p = this.assign(item, group);
          if (!p) continue;
          if (p.buf) {
            if (p.position === -1) {
              await flushGroup();
              await this.roll();
              p.position = this.s.activeSegment.writePosition;
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

  /**
   * Decides what happens to one batch: a duplicate, a sequence error, or an append at the next
   * offset. Returns a Pending with position -1 when the active segment must roll first.
   */
  private assign(item: AppendItem, group: Pending[]): Pending | undefined {
    const b = item.batch;
    const producerId = readInt64(b, Off.producerId);
    const epoch = b.readInt16BE(Off.producerEpoch);
    const baseSequence = b.readInt32BE(Off.baseSequence);
    const lastOffsetDelta = b.readInt32BE(Off.lastOffsetDelta);
    const idempotent = producerId >= 0 && baseSequence >= 0;
    const transactional = (b.readInt16BE(Off.attributes) & Attr.transactional) !== 0;
    const m = item.marker;
    if (m) {
      const c = this.s.producers.checkMarker(m.producerId, m.producerEpoch, m.coordinatorEpoch);
      if (c.kind === 'error') {
        item.reject(new LogError(c.error, `${c.message} in partition ${this.s.name}`));
        return undefined;
      }
    } else if (transactional && !idempotent) {
      item.reject(new LogError('INVALID_RECORD', `A transactional batch needs a producer id and sequence (partition ${this.s.name})`));
      return undefined;
    } else if (idempotent) {
      const c = this.s.producers.check(producerId, epoch, baseSequence, lastOffsetDelta, transactional);
      if (c.kind === 'error') {
        item.reject(new LogError(c.error, c.message));
        return undefined;
      }
      if (c.kind === 'duplicate') {
        const result: AppendResult = {
          baseOffset: c.baseOffset,
          lastOffset: c.lastOffset,
          logAppendTime: -1,
          logStartOffset: this.s.logStartOffset,
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
    const now = this.s.clock.now();
    const baseOffset = this.nextOffset;
    setBaseOffset(b, baseOffset);
    setPartitionLeaderEpoch(b, 0);
    let logAppendTime = -1;
    if (this.s.config.logAppendTime) {
      setLogAppendTime(b, now);
      logAppendTime = now;
    }
    this.nextOffset = baseOffset + lastOffsetDelta + 1;
    const maxTimestamp = readInt64(b, Off.maxTimestamp);
    let completed: Pending['completed'];
    if (m) {
      const txn = this.s.producers.recordMarker(m.producerId, m.producerEpoch, m.type, m.coordinatorEpoch, baseOffset, maxTimestamp);
      if (txn) {
        // Until the marker is written the transaction still holds the LSO (see PartitionState).
        completed = { txn, lastStableOffset: this.s.producers.lastStableOffsetAfter(txn) };
        this.s.unwrittenTxns.push(txn);
      }
    } else if (idempotent) this.s.producers.record(producerId, epoch, baseSequence, lastOffsetDelta, baseOffset, transactional, maxTimestamp);
    const p: Pending = {
      item,
      buf: b,
      position: -1,
      result: { baseOffset, lastOffset: baseOffset + lastOffsetDelta, logAppendTime, logStartOffset: 0, duplicate: false },
      maxTimestamp,
      records: lastOffsetDelta + 1,
      completed,
    };
    if (!this.shouldRoll(b.length, now, baseOffset + lastOffsetDelta)) {
      p.position = this.s.activeSegment.writePosition;
      this.place(p);
    }
    return p;
  }

  private place(p: Pending): void {
    this.s.activeSegment.writePosition += p.buf!.length;
  }

  /** Kafka's LogSegment.shouldRoll: size, age, full index, or relative offsets overflowing. */
  private shouldRoll(size: number, now: number, lastOffset: number): boolean {
    const seg = this.s.activeSegment;
    const config = this.s.config;
    if (seg.isEmpty) return false;
    if (seg.writePosition + size > config.segmentBytes) return true;
    // Kafka measures segment.ms from the first batch's timestamp; producers with old or skewed
    // clocks then roll a segment per batch. The segment's creation time on the broker's clock
    // (Kafka's behaviour before 0.10.1) keeps segment.ms meaning "age of the segment".
    if (now - seg.createdAt > config.segmentMs) return true;
    if (seg.indexFull(config.segmentIndexBytes)) return true;
    return lastOffset - seg.baseOffset > INT32_MAX;
  }

  /**
   * Starts a new active segment at the first offset not yet written (all earlier groups are
   * written). The finished segment is flushed and then gets its index files, which mark it
   * complete for a later recovery; in fsync mode the roll waits for that.
   */
  async roll(): Promise<void> {
    const s = this.s;
    const old = s.activeSegment;
    let seg: Segment;
    try {
      seg = await Segment.create(s.fs, s.dir, s.logEndOffset, s.clock.now());
    } catch (e) {
      throw s.goOffline(`roll of segment ${old.fileName}`, e);
    }
    s.segments.push(seg);
    const finish = (async () => {
      await old.flush();
      old.unpin();
      await old.writeIndexes();
    })().catch((e: unknown) => {
      throw s.goOffline(`flush of segment ${old.fileName}`, e);
    });
    if (this.fsyncAlways) await finish;
    else this.trackBackground(finish);
  }

  private trackBackground(p: Promise<unknown>): void {
    // The failure has already taken the partition offline; nothing else waits for this promise.
    const q = p.catch(() => undefined);
    this.background.add(q);
    void q.finally(() => this.background.delete(q));
  }

  async settleBackground(): Promise<void> {
    while (this.background.size) await Promise.all([...this.background]);
  }

  private async writeGroup(group: Pending[]): Promise<void> {
    const s = this.s;
    if (s.offline) {
      for (const p of group) p.item.reject(s.storageError());
      return;
    }
    const seg = s.activeSegment;
    const writes = group.filter((p) => p.buf);
    try {
      if (writes.length) {
        await seg.write(writes.map((p) => p.buf!), writes[0]!.position);
        let messages = 0;
        for (const p of writes) messages += p.records;
        this.unflushedMessages += messages;
        const now = s.clock.now();
        if (this.fsyncAlways || this.unflushedMessages >= s.config.flushMessages || now - this.lastFlush >= s.config.flushMs) {
          await seg.flush();
          this.unflushedMessages = 0;
          this.lastFlush = now;
        }
      }
    } catch (e) {
      // The file may now hold part of the group; recovery at the next start cuts it. Until then
      // the partition refuses appends rather than risk assigning offsets twice.
      const err = s.goOffline('append', e);
      for (const p of group) p.item.reject(err);
      return;
    }
    for (const p of writes) {
      seg.track(
        { position: p.position, baseOffset: p.result.baseOffset, lastOffset: p.result.lastOffset, size: p.buf!.length, maxTimestamp: p.maxTimestamp },
        s.config.indexIntervalBytes,
      );
    }
    for (const p of writes) {
      const c = p.completed;
      if (!c) continue;
      // In the index before the log end (and so the LSO) passes the marker: a read_committed
      // fetch that can see the aborted data also sees that it was aborted.
      const t = c.txn;
      if (t.aborted) {
        seg.txnIndex.append({ producerId: t.producerId, firstOffset: t.firstOffset, lastOffset: t.lastOffset, lastStableOffset: c.lastStableOffset });
      }
      s.unwrittenTxns = s.unwrittenTxns.filter((u) => u !== t);
    }
    if (writes.length) {
      const last = writes[writes.length - 1]!;
      s.logEndOffset = last.result.lastOffset + 1;
      seg.remember(s.logEndOffset, last.position + last.buf!.length);
    }
    for (const p of group) {
      p.result.logStartOffset = s.logStartOffset;
      p.item.resolve(p.result);
    }
    if (writes.length) this.written(s.logEndOffset);
  }
}
