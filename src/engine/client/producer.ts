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
 * Kafka's delivery semantics (Sender, TransactionManager): acks=0 sends and awaits nothing;
 * retriable errors are retried (at most `retries` times, exponential backoff from retry.backoff.ms
 * to retry.backoff.max.ms, a metadata refresh before each) until delivery.timeout.ms after the
 * batch was created; other errors go to onError with the batch (its per-record sizes and
 * timestamps). With idempotence (Kafka's default since 3.0) the producer gets a producer id once
 * and numbers each partition's records; a retry resends the same bytes, only after the batches
 * before it, so the broker keeps the order and drops what it already has.
 */
import type { Session } from './connect.js';
import { isConnectionLost, KafkaResponseError } from './errors.js';
import { Produce } from '../protocol/messages/00-produce.js';
import { ErrorCode, errorName } from '../protocol/error-codes.js';
import { partitionForKey } from './partitioner.js';
import { BATCH_HEADER, type BatchProducer, type RecordHeader } from './record-batch-writer.js';
import type { PartitionLeader, ProducerHooks, ProducerSettings } from './producer-api.js';
import { Batch, RETRIABLE, type NodeQueue, type Sealed } from './producer-batch.js';
import { InitProducerId } from '../protocol/messages/22-init-producer-id.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export type { PartitionLeader, ProducedBatch, ProducerHooks, ProducerSettings, ProducerTransaction } from './producer-api.js';

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
  /** InitProducerId's answer when idempotent; -1 otherwise. */
  private producerId = -1;
  private producerEpoch = -1;
  private nextSequence = new Map<number, number>();
  /** Per partition, its batches with a sequence that are not yet acknowledged or failed, in sequence order. */
  private unacked = new Map<number, Batch[]>();
  private turnWaiters: Array<() => void> = [];
  /** Per leader, resolved when the last request taken for it is written. */
  private gates = new Map<number, Promise<void>>();

  constructor(
    private readonly session: Session,
    readonly topic: string,
    settings: ProducerSettings,
    private readonly hooks: ProducerHooks,
  ) {
    this.s = { idempotence: false, retryBackoffMaxMs: 1000, deliveryTimeoutMs: 120_000, ...settings };
  }

  private readonly s: Required<ProducerSettings>;

  async init(): Promise<void> {
    this.partitions = await this.hooks.loadPartitions();
    if (this.hooks.transaction) this.useIdentity();
    else if (this.s.idempotence) await this.initProducerId();
  }

  /**
   * Takes the transaction's producer id and epoch; a new epoch (InitProducerId again) numbers
   * every partition from 0 again, as the broker expects of a new epoch.
   */
  useIdentity(): void {
    const id = this.hooks.transaction!.identity();
    if (id.producerId !== this.producerId || id.producerEpoch !== this.producerEpoch) this.nextSequence.clear();
    this.producerId = id.producerId;
    this.producerEpoch = id.producerEpoch;
  }

  /**
   * An idempotent producer's id and epoch: InitProducerId without a transactional id, once
   * (TransactionManager.initializeTransactions on its first send). A retriable answer is asked
   * again after retry.backoff.ms, within delivery.timeout.ms.
   */
  private async initProducerId(): Promise<void> {
    const deadline = Date.now() + this.s.deliveryTimeoutMs;
    for (;;) {
      let code: number;
      let why = '';
      try {
        const conn = await (await this.session.cluster()).live();
        const res = await conn.request(InitProducerId, { transactionalId: null, transactionTimeoutMs: 60_000 });
        code = res.errorCode;
        if (code === ErrorCode.NONE) {
          this.producerId = res.producerId;
          this.producerEpoch = res.producerEpoch;
          return;
        }
      } catch (err) {
        if (!isConnectionLost(err)) throw this.session.error(err);
        code = ErrorCode.NETWORK_EXCEPTION;
        why = `: ${(err as Error).message}`;
      }
      if (!RETRIABLE.has(code) || Date.now() >= deadline) throw new KafkaResponseError(code, null, `InitProducerId failed${why}`);
      await sleep(this.s.retryBackoffMs);
    }
  }

  /** The producer id the batches carry (-1 when not idempotent). */
  get idempotentProducerId(): number {
    return this.producerId;
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
      if (this.producerId >= 0) for (const b of taken) this.assignSequence(b);
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

  /** TransactionManager.sequenceNumber: each partition's batches numbered from 0 by record, in the order they are drained. */
  private assignSequence(b: Batch): void {
    const seq = this.nextSequence.get(b.partition) ?? 0;
    b.sequence = seq;
    this.nextSequence.set(b.partition, (seq + b.count) % 2 ** 31);
    let list = this.unacked.get(b.partition);
    if (!list) this.unacked.set(b.partition, (list = []));
    list.push(b);
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

  /**
   * One Produce request for `batches` (one per partition, all led by `leader`); resolves when
   * every batch is acknowledged or has failed, retries included. Requests to one leader are
   * written in the order pump() took them (the gate), so an idempotent producer's sequences
   * reach the broker in order, as Kafka's Sender drains them.
   */
  private async sendBatches(leader: number, batches: Batch[]): Promise<void> {
    const gate = this.gates.get(leader) ?? Promise.resolve();
    let open!: () => void;
    const next = new Promise<void>((r) => (open = r));
    this.gates.set(leader, next);
    let todo: Sealed[];
    try {
      const sealed = await Promise.all(batches.map((b) => b.seal(this.s.compression, this.identity(b))));
      todo = batches.map((b, i) => ({ b, bytes: sealed[i]! }));
      // In a transaction, the partitions join it before the batches go (after the requests
      // taken before, so the order to the leader stays the drain order).
      if (this.hooks.transaction) await this.hooks.transaction.addPartitions(this.topic, batches.map((b) => b.partition));
      await gate;
    } catch (err) {
      open();
      throw err;
    }
    const retry = await this.attempt(leader, todo, open);
    await Promise.all(retry.map((t) => this.retry(t)));
  }

  private identity(b: Batch): BatchProducer | undefined {
    if (this.producerId < 0) return undefined;
    return { producerId: this.producerId, producerEpoch: this.producerEpoch, baseSequence: b.sequence, transactional: this.hooks.transaction !== undefined };
  }

  /**
   * Sends one request and settles what it can: acknowledged batches to onAck, permanent failures
   * to onError; returns the batches worth another try. `written` is called once the request is
   * on the wire (or failed to get there).
   */
  private async attempt(leader: number, todo: Sealed[], written: () => void = () => undefined): Promise<Sealed[]> {
    let answers: Map<number, { code: number; message: string | null }>;
    const body = {
      transactionalId: this.hooks.transaction?.transactionalId ?? null,
      acks: this.s.acks,
      timeoutMs: this.s.requestTimeoutMs,
      topicData: [{ name: this.topic, partitionData: todo.map((t) => ({ index: t.b.partition, records: t.bytes })) }],
    };
    let sent = false;
    try {
      const cluster = await this.session.cluster();
      const conn = await cluster.forNode(leader);
      sent = true;
      for (const t of todo) t.b.attempts++;
      answers = new Map();
      if (this.s.acks === 0) {
        // acks=0: Kafka's Sender completes the batch once the request is written; the broker sends nothing back.
        const sent = conn.requestNoAnswer(Produce, body);
        written();
        await sent;
        for (const t of todo) answers.set(t.b.partition, { code: ErrorCode.NONE, message: null });
      } else {
        const answer = conn.request(Produce, body);
        written();
        const res = await answer;
        for (const r of res.responses) {
          for (const pr of r.partitionResponses) answers.set(pr.index, { code: pr.errorCode, message: pr.errorMessage });
        }
      }
    } catch (err) {
      written();
      // A lost connection to the leader (its broker stopped, or moved leadership and went away)
      // is NETWORK_EXCEPTION for Kafka's producer: retriable, after a metadata refresh.
      const lost = isConnectionLost(err);
      if (!(err instanceof KafkaResponseError) && !lost) throw this.session.error(err);
      if (!sent) for (const t of todo) t.b.unreachable++;
      const code = err instanceof KafkaResponseError ? err.errorCode : ErrorCode.NETWORK_EXCEPTION;
      const message = lost ? (err as Error).message : null;
      answers = new Map(todo.map((t) => [t.b.partition, { code, message }]));
    }
    const now = Date.now();
    const retry: typeof todo = [];
    for (const t of todo) {
      const a = answers.get(t.b.partition) ?? { code: ErrorCode.CORRUPT_MESSAGE, message: 'no answer for the partition' };
      // DUPLICATE_SEQUENCE_NUMBER: the broker already has this batch (an earlier try was written); Kafka's Sender treats it as success.
      if (a.code === ErrorCode.NONE || a.code === ErrorCode.DUPLICATE_SEQUENCE_NUMBER) this.settle(t.b, () => this.hooks.onAck?.(t.b, now));
      else if (this.canRetry(t.b, a.code)) {
        t.b.lastError = errorName(a.code);
        retry.push(t);
      } else this.settle(t.b, () => this.hooks.onError(t.b, `${errorName(a.code)}${a.message ? `: ${a.message}` : ''}`));
    }
    return retry;
  }

  /**
   * Sender.canRetry: a retriable error while retries remain and delivery.timeout.ms has not passed.
   * With idempotence, OUT_OF_ORDER_SEQUENCE_NUMBER for a batch behind an unacknowledged one of its
   * partition only means the earlier one was not written yet (TransactionManager.canRetry): it
   * goes again after it.
   */
  private canRetry(b: Batch, code: number): boolean {
    if (b.attempts > this.s.retries) return false;
    if (RETRIABLE.has(code)) return true;
    return code === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER && this.producerId >= 0 && this.unacked.get(b.partition)?.[0] !== b;
  }

  /** A batch is done: off its partition's unacknowledged list, and whoever waits for its turn looks again. */
  private settle(b: Batch, report: () => void): void {
    const list = this.unacked.get(b.partition);
    const i = list?.indexOf(b) ?? -1;
    if (list && i >= 0) list.splice(i, 1);
    report();
    const w = this.turnWaiters;
    this.turnWaiters = [];
    for (const r of w) r();
  }

  /**
   * Retries one batch until it is acknowledged, fails for good, or delivery.timeout.ms passes
   * (Sender.sendProducerData's expiry, with Kafka's TimeoutException text). The wait grows as
   * Kafka's ExponentialBackoff does: retry.backoff.ms * 2^(tries-1), at most retry.backoff.max.ms,
   * with 20% jitter. With idempotence a retried batch goes only when it is the oldest
   * unacknowledged one of its partition, so retries keep the order and reuse their sequence.
   */
  private async retry(t: Sealed): Promise<void> {
    const deadline = t.b.createdAt + this.s.deliveryTimeoutMs;
    for (;;) {
      const tries = t.b.attempts + t.b.unreachable;
      const backoff = Math.min(this.s.retryBackoffMaxMs, this.s.retryBackoffMs * 2 ** Math.max(0, tries - 1)) * (0.8 + Math.random() * 0.4);
      const seq = t.b.sequence >= 0 ? `, sequence ${t.b.sequence}` : '';
      (await this.session.cluster()).note(`retrying ${t.b.count} record(s) for ${this.topic}-${t.b.partition}${seq} after ${t.b.lastError} (try ${t.b.attempts + 1}) in ${Math.round(backoff)} ms`);
      await sleep(Math.max(0, Math.min(backoff, deadline - Date.now())));
      if (this.producerId >= 0) {
        while (this.unacked.get(t.b.partition)?.[0] !== t.b && Date.now() < deadline) {
          await new Promise<void>((r) => {
            const timer = setTimeout(r, Math.max(0, deadline - Date.now()));
            this.turnWaiters.push(() => {
              clearTimeout(timer);
              r();
            });
          });
        }
      }
      const now = Date.now();
      if (now >= deadline) {
        const message = `Expiring ${t.b.count} record(s) for ${this.topic}-${t.b.partition}:${now - t.b.createdAt} ms has passed since batch creation`;
        this.settle(t.b, () => this.hooks.onError(t.b, message, 'org.apache.kafka.common.errors.TimeoutException'));
        return;
      }
      await this.refresh();
      const again = await this.attempt(this.leaderOf(t.b.partition), [t]);
      if (again.length === 0) return;
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
