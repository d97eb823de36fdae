/**
 * The transactional producer, Kafka's TransactionManager over the tools' Producer
 * (producer.ts does the batching and delivery):
 *
 *   const p = new TransactionalProducer(session, topic, settings, { transactionalId: 'tx', transactionTimeoutMs: 60_000 }, hooks);
 *   await p.initTransactions();      // FindCoordinator TRANSACTION, InitProducerId(transactional.id)
 *   p.beginTransaction();
 *   p.send(-1, key, value, [], Date.now());   // AddPartitionsToTxn before a partition's first batch
 *   await p.sendOffsetsToTransaction('group', [{ topic, partition, offset }]);  // AddOffsetsToTxn + TxnOffsetCommit
 *   await p.commitTransaction();     // flush, then EndTxn(commit); abortTransaction() for EndTxn(abort)
 *
 * The states and their checks are Kafka's (TransactionManager.State): a call in the wrong state
 * fails with Kafka's "Invalid transition attempted" text; fencing (PRODUCER_FENCED,
 * INVALID_PRODUCER_EPOCH) is fatal with Kafka's "has been fenced by another producer" text;
 * a failed send makes the transaction abortable only. mq speaks the transaction protocol of
 * transaction.version 1 (AddPartitionsToTxn up to v3, EndTxn up to v4), which every Kafka
 * broker from 0.11 to 4.x accepts.
 */
import type { Session } from './connect.js';
import type { Cluster } from './cluster.js';
import type { ProtocolConnection } from './connection.js';
import { isConnectionLost, KafkaResponseError } from './errors.js';
import { Producer, type ProducerHooks, type ProducerSettings, type ProducerTransaction } from './producer.js';
import type { RecordHeader } from './record-batch-writer.js';
import { TransactionError } from './txn-errors.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { InitProducerId } from '../protocol/messages/22-init-producer-id.js';
import { AddPartitionsToTxn } from '../protocol/messages/24-add-partitions-to-txn.js';
import { AddOffsetsToTxn } from '../protocol/messages/25-add-offsets-to-txn.js';
import { EndTxn } from '../protocol/messages/26-end-txn.js';
import { TxnOffsetCommit } from '../protocol/messages/28-txn-offset-commit.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** FindCoordinator key types. */
const GROUP = 0;
const TRANSACTION = 1;

/** The last versions of transaction.version 1: v4+ of AddPartitionsToTxn is the brokers' form, EndTxn v5 bumps the epoch per transaction (KIP-890 part 2). */
const ADD_PARTITIONS_MAX = 3;
const END_TXN_MAX = 4;
/** TransactionManager.ADD_PARTITIONS_RETRY_BACKOFF_MS: CONCURRENT_TRANSACTIONS right after a commit clears fast. */
const ADD_PARTITIONS_BACKOFF_MS = 20;

export type TxnState = 'UNINITIALIZED' | 'INITIALIZING' | 'READY' | 'IN_TRANSACTION' | 'COMMITTING_TRANSACTION' | 'ABORTING_TRANSACTION' | 'ABORTABLE_ERROR' | 'FATAL_ERROR';

/** TransactionManager.State.isTransitionValid, for the states mq's producer has (no 2PC). */
const VALID_FROM: Record<TxnState, readonly TxnState[]> = {
  UNINITIALIZED: ['READY', 'ABORTABLE_ERROR'],
  INITIALIZING: ['UNINITIALIZED', 'COMMITTING_TRANSACTION', 'ABORTING_TRANSACTION'],
  READY: ['INITIALIZING', 'COMMITTING_TRANSACTION', 'ABORTING_TRANSACTION'],
  IN_TRANSACTION: ['READY'],
  COMMITTING_TRANSACTION: ['IN_TRANSACTION'],
  ABORTING_TRANSACTION: ['IN_TRANSACTION', 'ABORTABLE_ERROR'],
  ABORTABLE_ERROR: ['IN_TRANSACTION', 'COMMITTING_TRANSACTION', 'ABORTABLE_ERROR'],
  FATAL_ERROR: ['UNINITIALIZED', 'INITIALIZING', 'READY', 'IN_TRANSACTION', 'COMMITTING_TRANSACTION', 'ABORTING_TRANSACTION', 'ABORTABLE_ERROR', 'FATAL_ERROR'],
};

/** Kafka's IllegalStateException text for a call the state does not allow. */
export class TransactionStateError extends Error {
  readonly javaClass = 'java.lang.IllegalStateException';
  constructor(message: string) {
    super(message);
    this.name = 'TransactionStateError';
  }
}

export interface TransactionSettings {
  /** transactional.id */
  transactionalId: string;
  /** transaction.timeout.ms (Kafka's default 60000) */
  transactionTimeoutMs: number;
  /** retry.backoff.ms for the coordinator's retriable answers */
  retryBackoffMs?: number;
  /** max.block.ms: how long initTransactions, commit and abort may wait on retriable answers (default 60000) */
  maxBlockMs?: number;
}

export interface TxnOffset {
  topic: string;
  partition: number;
  offset: number;
  leaderEpoch?: number;
  metadata?: string | null;
}

/** ConsumerGroupMetadata: the member's identity for the group coordinator's fencing (KIP-447); the group id alone skips it. */
export interface GroupMetadata {
  groupId: string;
  generationId?: number;
  memberId?: string;
  groupInstanceId?: string | null;
}

/** Coordinator answers worth asking again (the coordinator moved, is loading, or is finishing the previous transaction). */
const RETRIABLE: ReadonlySet<number> = new Set([
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  ErrorCode.CONCURRENT_TRANSACTIONS,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.REQUEST_TIMED_OUT,
  ErrorCode.NETWORK_EXCEPTION,
]);

/** The coordinator side of a transactional producer: one transactional.id, its id, epoch and state. */
export class TransactionManager implements ProducerTransaction {
  readonly transactionalId: string;
  private state: TxnState = 'UNINITIALIZED';
  private producerId = -1;
  private producerEpoch = -1;
  private lastError: Error | undefined;
  private coordinatorConn: ProtocolConnection | undefined;
  /** Partitions in the transaction ("topic-partition"), and those being added now. */
  private added = new Set<string>();
  private adding = new Map<string, Promise<void>>();
  /** Whether the coordinator has anything of this transaction (Kafka's transactionStarted): without it, commit and abort end locally. */
  private started = false;
  private readonly backoffMs: number;
  private readonly maxBlockMs: number;

  constructor(
    private readonly session: Session,
    private readonly settings: TransactionSettings,
  ) {
    this.transactionalId = settings.transactionalId;
    this.backoffMs = settings.retryBackoffMs ?? 100;
    this.maxBlockMs = settings.maxBlockMs ?? 60_000;
  }

  get currentState(): TxnState {
    return this.state;
  }

  identity(): { producerId: number; producerEpoch: number } {
    return { producerId: this.producerId, producerEpoch: this.producerEpoch };
  }

  private transition(target: TxnState, error?: Error): void {
    if (!VALID_FROM[target].includes(this.state)) {
      throw new TransactionStateError(`TransactionalId ${this.transactionalId}: Invalid transition attempted from state ${this.state} to state ${target}`);
    }
    this.state = target;
    this.lastError = target === 'ABORTABLE_ERROR' || target === 'FATAL_ERROR' ? error : undefined;
  }

  /** TransactionManager.maybeFailWithError: a fenced producer says so; other errors are wrapped as Kafka wraps them. */
  failIfError(): void {
    if (this.state !== 'ABORTABLE_ERROR' && this.state !== 'FATAL_ERROR') return;
    const e = this.lastError;
    const pe = `(producerId=${this.producerId}, epoch=${this.producerEpoch})`;
    if (e instanceof TransactionError && e.errorCode === ErrorCode.PRODUCER_FENCED) {
      throw new TransactionError(e.errorCode, `Producer with transactionalId '${this.transactionalId}' and ${pe} has been fenced by another producer with the same transactionalId`);
    }
    if (e instanceof TransactionError && e.errorCode === ErrorCode.INVALID_PRODUCER_EPOCH) {
      throw new TransactionError(e.errorCode, `Producer with transactionalId '${this.transactionalId}' and ${pe} attempted to produce with an old epoch`);
    }
    throw new TransactionStateError(`Cannot execute transactional method because we are in an error state${e ? `: ${e.message}` : ''}`);
  }

  /** Records a failure: fencing and authorization are fatal, anything else only spoils the current transaction. */
  fail(err: Error): void {
    const code = err instanceof TransactionError ? err.errorCode : -1;
    const fatal = code === ErrorCode.PRODUCER_FENCED || code === ErrorCode.INVALID_PRODUCER_EPOCH
      || code === ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED || code === ErrorCode.INVALID_TXN_STATE;
    if (this.state === 'FATAL_ERROR') return;
    if (fatal) this.transition('FATAL_ERROR', err);
    else if (this.state === 'IN_TRANSACTION' || this.state === 'COMMITTING_TRANSACTION' || this.state === 'ABORTABLE_ERROR') this.transition('ABORTABLE_ERROR', err);
    else this.transition('FATAL_ERROR', err);
  }

  private async coordinator(refresh = false): Promise<ProtocolConnection> {
    if (refresh || !this.coordinatorConn || this.coordinatorConn.closed) {
      const cluster = await this.session.cluster();
      this.coordinatorConn = await cluster.coordinator(this.transactionalId, TRANSACTION);
    }
    return this.coordinatorConn;
  }

  /**
   * Sends one coordinator request until it is answered with something other than a retriable
   * error, within max.block.ms. `call` returns the answer's error code.
   */
  private async retrying(what: string, backoffMs: number, call: (conn: ProtocolConnection) => Promise<number>): Promise<void> {
    const deadline = Date.now() + this.maxBlockMs;
    let refresh = false;
    for (;;) {
      let code: number;
      try {
        code = await call(await this.coordinator(refresh));
      } catch (err) {
        if (!isConnectionLost(err) && !(err instanceof KafkaResponseError && RETRIABLE.has(err.errorCode))) throw this.session.error(err);
        code = err instanceof KafkaResponseError ? err.errorCode : ErrorCode.NETWORK_EXCEPTION;
      }
      if (code === ErrorCode.NONE) return;
      if (!RETRIABLE.has(code)) throw new TransactionError(code);
      if (Date.now() + backoffMs >= deadline) {
        throw new TransactionError(code, `Timeout expired after ${this.maxBlockMs}ms while awaiting ${what}`);
      }
      refresh = code === ErrorCode.NOT_COORDINATOR || code === ErrorCode.COORDINATOR_NOT_AVAILABLE || code === ErrorCode.NETWORK_EXCEPTION;
      (await this.session.cluster()).note(`${what} for transactional id ${this.transactionalId}: ${new TransactionError(code).message} Retrying in ${backoffMs} ms`);
      await sleep(backoffMs);
    }
  }

  /** initTransactions: the producer id and a new epoch for the transactional.id, fencing any older producer with it. */
  async initTransactions(): Promise<void> {
    this.transition('INITIALIZING');
    try {
      await this.retrying('InitProducerId', this.backoffMs, async (conn) => {
        const res = await conn.request(InitProducerId, { transactionalId: this.transactionalId, transactionTimeoutMs: this.settings.transactionTimeoutMs });
        if (res.errorCode === ErrorCode.NONE) {
          this.producerId = res.producerId;
          this.producerEpoch = res.producerEpoch;
        }
        return res.errorCode;
      });
    } catch (err) {
      this.state = 'FATAL_ERROR';
      this.lastError = err as Error;
      throw err;
    }
    this.transition('READY');
  }

  beginTransaction(): void {
    this.failIfError();
    this.transition('IN_TRANSACTION');
    this.added.clear();
    this.started = false;
  }

  /** Producer hook: AddPartitionsToTxn for the partitions not yet in the transaction. */
  async addPartitions(topic: string, partitions: readonly number[]): Promise<void> {
    this.failIfError();
    if (this.state !== 'IN_TRANSACTION') {
      throw new TransactionStateError(`Cannot add partition ${topic}-${partitions[0]} to transaction while in state  ${this.state}`);
    }
    const waits: Promise<void>[] = [];
    const fresh: number[] = [];
    for (const p of partitions) {
      const key = `${topic}-${p}`;
      if (this.added.has(key)) continue;
      const pending = this.adding.get(key);
      if (pending) waits.push(pending);
      else fresh.push(p);
    }
    if (fresh.length > 0) {
      const adding = this.addNow(topic, fresh);
      for (const p of fresh) this.adding.set(`${topic}-${p}`, adding);
      waits.push(adding);
      void adding.then(
        () => fresh.forEach((p) => this.adding.delete(`${topic}-${p}`)),
        () => fresh.forEach((p) => this.adding.delete(`${topic}-${p}`)),
      );
    }
    await Promise.all(waits);
  }

  private async addNow(topic: string, partitions: number[]): Promise<void> {
    try {
      await this.retrying('AddPartitionsToTxn', ADD_PARTITIONS_BACKOFF_MS, async (conn) => {
        const v = Math.min(conn.versionFor(AddPartitionsToTxn.apiKey), ADD_PARTITIONS_MAX);
        const res = await conn.request(
          AddPartitionsToTxn,
          {
            v3AndBelowTransactionalId: this.transactionalId,
            v3AndBelowProducerId: this.producerId,
            v3AndBelowProducerEpoch: this.producerEpoch,
            v3AndBelowTopics: [{ name: topic, partitions }],
          },
          v,
        );
        // One answer per partition; the first error other than OPERATION_NOT_ATTEMPTED (the others were not tried) decides.
        let code: number = ErrorCode.NONE;
        for (const t of res.resultsByTopicV3AndBelow) {
          for (const r of t.resultsByPartition) {
            if (r.partitionErrorCode !== ErrorCode.NONE && r.partitionErrorCode !== ErrorCode.OPERATION_NOT_ATTEMPTED) code = r.partitionErrorCode;
          }
        }
        return code;
      });
    } catch (err) {
      this.fail(err as Error);
      throw err;
    }
    for (const p of partitions) this.added.add(`${topic}-${p}`);
    this.started = true;
  }

  /**
   * sendOffsetsToTransaction: AddOffsetsToTxn (the group's offsets partition joins the
   * transaction), then TxnOffsetCommit to the group coordinator; the offsets count when the
   * transaction commits.
   */
  async sendOffsets(offsets: readonly TxnOffset[], group: GroupMetadata): Promise<void> {
    this.failIfError();
    if (this.state !== 'IN_TRANSACTION') throw new TransactionStateError('Cannot send offsets if a transaction is not in progress (currentState= ' + this.state + ')');
    try {
      await this.retrying('AddOffsetsToTxn', this.backoffMs, async (conn) => {
        const id = { transactionalId: this.transactionalId, producerId: this.producerId, producerEpoch: this.producerEpoch };
        const res = await conn.request(AddOffsetsToTxn, { ...id, groupId: group.groupId });
        return res.errorCode;
      });
      this.started = true;
      const cluster = await this.session.cluster();
      await this.commitOffsets(cluster, offsets, group);
    } catch (err) {
      this.fail(err as Error);
      throw err;
    }
  }

  private async commitOffsets(cluster: Cluster, offsets: readonly TxnOffset[], group: GroupMetadata): Promise<void> {
    const byTopic = new Map<string, TxnOffset[]>();
    for (const o of offsets) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), o]);
    const deadline = Date.now() + this.maxBlockMs;
    for (;;) {
      const conn = await cluster.coordinator(group.groupId, GROUP);
      const v = conn.versionFor(TxnOffsetCommit.apiKey);
      const res = await conn.request(TxnOffsetCommit, {
        transactionalId: this.transactionalId,
        groupId: group.groupId,
        producerId: this.producerId,
        producerEpoch: this.producerEpoch,
        ...(v >= 3 ? { generationId: group.generationId ?? -1, memberId: group.memberId ?? '', groupInstanceId: group.groupInstanceId ?? null } : {}),
        topics: [...byTopic].map(([name, list]) => ({
          name,
          partitions: list.map((o) => ({
            partitionIndex: o.partition,
            committedOffset: o.offset,
            ...(v >= 2 ? { committedLeaderEpoch: o.leaderEpoch ?? -1 } : {}),
            committedMetadata: o.metadata ?? '',
          })),
        })),
      });
      let code: number = ErrorCode.NONE;
      for (const t of res.topics) for (const p of t.partitions) if (p.errorCode !== ErrorCode.NONE) code = p.errorCode;
      if (code === ErrorCode.NONE) return;
      if (!RETRIABLE.has(code) || Date.now() + this.backoffMs >= deadline) throw new TransactionError(code);
      await sleep(this.backoffMs);
    }
  }

  /** Commit (after the producer flushed) or abort: EndTxn, or nothing when the coordinator never heard of this transaction. */
  async end(commit: boolean): Promise<void> {
    if (commit) {
      this.failIfError();
      this.transition('COMMITTING_TRANSACTION');
    } else {
      if (this.state !== 'ABORTABLE_ERROR') this.failIfError();
      this.transition('ABORTING_TRANSACTION');
    }
    if (this.started) {
      try {
        await this.retrying('EndTxn', this.backoffMs, async (conn) => {
          const v = Math.min(conn.versionFor(EndTxn.apiKey), END_TXN_MAX);
          const id = { transactionalId: this.transactionalId, producerId: this.producerId, producerEpoch: this.producerEpoch };
          const res = await conn.request(EndTxn, { ...id, committed: commit }, v);
          return res.errorCode;
        });
      } catch (err) {
        if (commit) this.fail(err as Error);
        else {
          this.state = 'FATAL_ERROR';
          this.lastError = err as Error;
        }
        throw err;
      }
    }
    this.transition('READY');
  }
}

/** A producer for one topic whose records go out in transactions. */
export class TransactionalProducer {
  readonly txn: TransactionManager;
  private readonly producer: Producer;
  /** The first failed batch of the current transaction (its records will not all be there: the transaction must abort). */
  private sendError: string | undefined;

  constructor(
    session: Session,
    readonly topic: string,
    settings: ProducerSettings,
    txn: TransactionSettings,
    hooks: Omit<ProducerHooks, 'transaction'>,
  ) {
    this.txn = new TransactionManager(session, { retryBackoffMs: settings.retryBackoffMs, ...txn });
    // A transactional producer is idempotent with acks=all (ProducerConfig: transactional.id requires it).
    this.producer = new Producer(session, topic, { ...settings, acks: -1, idempotence: true }, {
      ...hooks,
      transaction: this.txn,
      onError: (batch, error, javaClass) => {
        this.sendError ??= error;
        hooks.onError(batch, error, javaClass);
      },
    });
  }

  get partitionCount(): number {
    return this.producer.partitionCount;
  }

  get producerId(): number {
    return this.txn.identity().producerId;
  }

  async initTransactions(): Promise<void> {
    await this.txn.initTransactions();
    await this.producer.init();
  }

  beginTransaction(): void {
    this.txn.beginTransaction();
    this.sendError = undefined;
  }

  /** As Producer.send; only inside a transaction. */
  send(partition: number, key: Buffer | null, value: Buffer | null, headers: readonly RecordHeader[], timestamp: number): Promise<void> | undefined {
    // A spoiled transaction takes no more records (KafkaProducer.send -> maybeAddPartition): abort it first.
    this.txn.failIfError();
    const state = this.txn.currentState;
    if (state !== 'IN_TRANSACTION') {
      // TransactionManager.maybeAddPartition's texts (Kafka names the partition; here the topic).
      const where = `${this.topic}${partition >= 0 ? `-${partition}` : ''}`;
      throw new TransactionStateError(
        state === 'UNINITIALIZED' || state === 'INITIALIZING'
          ? `Cannot add partition ${where} to transaction before completing a call to initTransactions`
          : `Cannot add partition ${where} to transaction while in state  ${state}`,
      );
    }
    return this.producer.send(partition, key, value, headers, timestamp);
  }

  sendOffsetsToTransaction(offsets: readonly TxnOffset[], group: GroupMetadata): Promise<void> {
    return this.txn.sendOffsets(offsets, group);
  }

  /** KafkaProducer.flush: sends what is buffered and waits for the answers (the transaction stays open). */
  flush(): Promise<void> {
    return this.producer.flush();
  }

  /** Flushes the transaction's records, then commits; a record that failed makes it abortable instead (Kafka's commitTransaction). */
  async commitTransaction(): Promise<void> {
    await this.producer.flush();
    if (this.sendError !== undefined && this.txn.currentState === 'IN_TRANSACTION') this.txn.fail(new Error(this.sendError));
    await this.txn.end(true);
  }

  /**
   * Aborts: waits for the records already handed over, then EndTxn(abort). (Kafka's producer
   * drops batches not yet sent instead; either way no read_committed consumer sees them.)
   */
  async abortTransaction(): Promise<void> {
    try {
      await this.producer.flush();
    } catch {
      /* the abort goes on: what failed is aborted with the rest */
    }
    await this.txn.end(false);
  }

  close(): void {
    this.producer.close();
  }
}
