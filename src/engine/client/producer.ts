/**
 * The tools' producer, Kafka's RecordAccumulator + Sender in one: records go straight into a
 * RecordBatchWriter per partition; a batch closes at batch.size or after linger.ms; closed
 * batches queue per leader and go out one batch per partition per request, with up to
 * max.in.flight.requests.per.connection requests outstanding per broker. send() blocks (returns
 * a promise) only when buffer.memory is used up, like KafkaProducer.send. Partitions as the Java
 * client picks them (partitioner.ts): explicit, murmur2 of the key, or sticky for null keys (a
 * new partition, round robin, each time a batch closes).
 *
 *   const p = new Producer(session, topic, settings, { loadPartitions, onAck, onError });
 *   await p.init();
 *   const blocked = p.send(-1, key, value, NO_HEADERS, Date.now());
 *   if (blocked) await blocked;
 *   await p.flush(); p.close();
 *
 * Retriable errors are retried `retries` times after retry.backoff.ms and a metadata refresh;
 * other errors go to onError with the batch (its per-record sizes and timestamps).
 */
import type { Session } from './connect.js';
import { isConnectionLost, KafkaResponseError } from './errors.js';
import { Produce } from '../protocol/messages/00-produce.js';
import { ErrorCode, errorName } from '../protocol/error-codes.js';
import type { CompressionName } from './compression.js';
import { partitionForKey } from './partitioner.js';
import { RecordBatchWriter, BATCH_HEADER, type RecordHeader } from './record-batch-writer.js';

export interface ProducerSettings {
  /** -1 all, 0, 1 (0 is sent as 1: our client pairs every request with an answer) */
  acks: number;
  compression: CompressionName;
  batchSize: number;
  lingerMs: number;
  maxInFlight: number;
  maxRequestSize: number;
  bufferMemory: number;
  requestTimeoutMs: number;
  retries: number;
  retryBackoffMs: number;
}

export interface PartitionLeader {
  id: number;
  leader: number;
}

/** A batch as acknowledged or failed: its partition and per-record timestamps and sizes. */
export interface ProducedBatch {
  readonly partition: number;
  readonly count: number;
  readonly timestamps: readonly number[];
  readonly keySizes: readonly number[];
  readonly valueSizes: readonly number[];
}

export interface ProducerHooks {
  /** The topic's partitions and leaders (the tool's Metadata wait and error texts). */
  loadPartitions(): Promise<PartitionLeader[]>;
  onAck?(batch: ProducedBatch, now: number): void;
  onError(batch: ProducedBatch, error: string): void;
}

/** Errors Kafka's producer retries (RetriableException subclasses): worth another try after a metadata refresh. */
const RETRIABLE: ReadonlySet<number> = new Set([
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.REQUEST_TIMED_OUT,
  ErrorCode.NETWORK_EXCEPTION,
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.NOT_ENOUGH_REPLICAS,
  ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
]);

class Batch extends RecordBatchWriter implements ProducedBatch {
  constructor(
    readonly partition: number,
    capacity: number,
    readonly createdAt: number,
  ) {
    super(capacity);
  }
}

interface NodeQueue {
  ready: Batch[];
  inflight: number;
}

export class Producer {
  private partitions: PartitionLeader[] = [];
  private open = new Map<number, Batch>();
  private sticky = -1;
  private nextSticky = Math.floor(Math.random() * 1e6);
  private nodes = new Map<number, NodeQueue>();
  private buffered = 0;
  private outstanding = 0;
  private waiters: Array<() => void> = [];
  private idleWaiters: Array<() => void> = [];
  private lingerTimer: NodeJS.Timeout | undefined;
  private fatal: Error | undefined;

  constructor(
    private readonly session: Session,
    readonly topic: string,
    private readonly s: ProducerSettings,
    private readonly hooks: ProducerHooks,
  ) {}

  async init(): Promise<void> {
    this.partitions = await this.hooks.loadPartitions();
  }

  get partitionCount(): number {
    return this.partitions.length;
  }

  private leaderOf(partition: number): number {
    return this.partitions.find((p) => p.id === partition)?.leader ?? -1;
  }

  /** The Java client's choice: explicit partition (>= 0), murmur2 of the key, or the sticky one. */
  private choose(partition: number, key: Buffer | null): number {
    if (partition >= 0) return partition;
    if (key !== null) return partitionForKey(key, this.partitions.length);
    if (this.sticky < 0) this.sticky = this.partitions[this.nextSticky++ % this.partitions.length]!.id;
    return this.sticky;
  }

  /**
   * Adds a record (`partition` -1 = let the partitioner choose). Returns a promise only when the
   * caller must wait for buffer memory, so the common path allocates nothing but the bytes.
   */
  send(partition: number, key: Buffer | null, value: Buffer | null, headers: readonly RecordHeader[], timestamp: number): Promise<void> | undefined {
    if (this.fatal) throw this.fatal;
    const p = this.choose(partition, key);
    const size = (key?.length ?? 0) + (value?.length ?? 0);
    let b = this.open.get(p);
    if (b && b.at + size + 30 > this.s.batchSize) {
      this.closeBatch(b);
      b = undefined;
    }
    const now = Date.now();
    if (!b) {
      b = new Batch(p, Math.max(this.s.batchSize, BATCH_HEADER + size + 64), now);
      this.open.set(p, b);
      this.armLinger();
    }
    b.append(key, value, headers, timestamp);
    this.buffered += size + 8;
    if (b.at + 30 >= this.s.batchSize) this.closeBatch(b);
    if (this.buffered >= this.s.bufferMemory) return new Promise<void>((r) => this.waiters.push(r));
    return undefined;
  }

  /** One timer for the oldest open batch; linger.ms=0 sends as soon as the loop yields and a request slot is free. */
  private armLinger(): void {
    if (this.lingerTimer) return;
    let oldest = Infinity;
    for (const b of this.open.values()) oldest = Math.min(oldest, b.createdAt);
    if (oldest === Infinity) return;
    const delay = Math.max(0, oldest + this.s.lingerMs - Date.now());
    this.lingerTimer = setTimeout(() => {
      this.lingerTimer = undefined;
      const now = Date.now();
      for (const b of [...this.open.values()]) {
        if (b.createdAt + this.s.lingerMs > now) continue;
        const q = this.nodes.get(this.leaderOf(b.partition));
        // With no linger, wait while the leader's window is full so records keep batching.
        if (this.s.lingerMs > 0 || !q || (q.inflight < this.s.maxInFlight && q.ready.length === 0)) this.closeBatch(b);
      }
      this.armLinger();
    }, delay);
  }

  /** Closes a batch and queues it for its leader. */
  private closeBatch(b: Batch): void {
    this.open.delete(b.partition);
    if (b.partition === this.sticky) this.sticky = -1;
    const leader = this.leaderOf(b.partition);
    let q = this.nodes.get(leader);
    if (!q) this.nodes.set(leader, (q = { ready: [], inflight: 0 }));
    q.ready.push(b);
    this.outstanding++;
    this.pump(leader);
  }

  private pump(leader: number): void {
    const q = this.nodes.get(leader);
    if (!q) return;
    while (q.inflight < this.s.maxInFlight && q.ready.length > 0) {
      const taken: Batch[] = [];
      const rest: Batch[] = [];
      const seen = new Set<number>();
      let size = 0;
      for (const b of q.ready) {
        if (!seen.has(b.partition) && (taken.length === 0 || size + b.at <= this.s.maxRequestSize)) {
          seen.add(b.partition);
          taken.push(b);
          size += b.at;
        } else rest.push(b);
      }
      q.ready = rest;
      q.inflight++;
      void this.sendBatches(leader, taken)
        .catch((e: Error) => {
          this.fatal ??= e;
        })
        .finally(() => {
          q.inflight--;
          this.outstanding -= taken.length;
          for (const b of taken) this.buffered -= b.bytes + 8 * b.count;
          this.release();
          this.pump(leader);
        });
    }
  }

  private release(): void {
    if (this.buffered < this.s.bufferMemory || this.fatal) {
      const w = this.waiters;
      this.waiters = [];
      for (const r of w) r();
    }
    if (this.outstanding === 0) {
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const r of w) r();
    }
  }

  private async refresh(): Promise<void> {
    try {
      this.partitions = await this.hooks.loadPartitions();
    } catch {
      /* keep the old leaders; the retry reports what fails */
    }
  }

  private async sendBatches(leader: number, batches: Batch[]): Promise<void> {
    const sealed = await Promise.all(batches.map((b) => b.seal(this.s.compression)));
    const acks = this.s.acks === 0 ? 1 : this.s.acks;
    let todo = batches.map((b, i) => ({ b, bytes: sealed[i]! }));
    for (let attempt = 0; todo.length > 0; attempt++) {
      let answers: Map<number, { code: number; message: string | null }>;
      try {
        const cluster = await this.session.cluster();
        const conn = await cluster.forNode(leader);
        const res = await conn.request(Produce, {
          transactionalId: null,
          acks,
          timeoutMs: this.s.requestTimeoutMs,
          topicData: [{ name: this.topic, partitionData: todo.map((t) => ({ index: t.b.partition, records: t.bytes })) }],
        });
        answers = new Map();
        for (const r of res.responses) {
          for (const pr of r.partitionResponses) answers.set(pr.index, { code: pr.errorCode, message: pr.errorMessage });
        }
      } catch (err) {
        // A lost connection to the leader (its broker stopped, or moved leadership and went away)
        // is NETWORK_EXCEPTION for Kafka's producer: retriable, after a metadata refresh.
        const lost = isConnectionLost(err);
        if (!(err instanceof KafkaResponseError) && !lost) throw this.session.error(err);
        const code = err instanceof KafkaResponseError ? err.errorCode : ErrorCode.NETWORK_EXCEPTION;
        const message = lost ? (err as Error).message : null;
        answers = new Map(todo.map((t) => [t.b.partition, { code, message }]));
      }
      const now = Date.now();
      const retry: typeof todo = [];
      for (const t of todo) {
        const a = answers.get(t.b.partition) ?? { code: ErrorCode.CORRUPT_MESSAGE, message: 'no answer for the partition' };
        if (a.code === ErrorCode.NONE) this.hooks.onAck?.(t.b, now);
        else if (RETRIABLE.has(a.code) && attempt < this.s.retries) retry.push(t);
        else this.hooks.onError(t.b, `${errorName(a.code)}${a.message ? `: ${a.message}` : ''}`);
      }
      todo = retry;
      if (todo.length > 0) {
        await new Promise((r) => setTimeout(r, this.s.retryBackoffMs));
        await this.refresh();
        leader = this.leaderOf(todo[0]!.b.partition);
      }
    }
  }

  /** Sends everything buffered and waits for every answer. */
  async flush(): Promise<void> {
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    for (const b of [...this.open.values()]) this.closeBatch(b);
    if (this.outstanding > 0) await new Promise<void>((r) => this.idleWaiters.push(r));
    if (this.fatal) throw this.fatal;
  }

  /** Stops the linger timer (after flush, or when giving up). */
  close(): void {
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
  }
}
