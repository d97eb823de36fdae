/**
 * The transaction coordinator as a pure state machine (Kafka's TransactionCoordinator.scala and
 * TransactionMetadata.scala, transaction versions 0 and 1). Time comes from an injected clock and
 * producer ids from an injected allocator; nothing here does I/O.
 *
 * Every operation returns a TxnResult: the records to append to `__transaction_state`, the
 * answer, and the two continuations of the write. The runtime appends the records; once they are
 * durable it calls `complete()` and sends `response`; if the write fails it calls `revert()` and
 * sends `onWriteFailure(code)`. A result with no records needs neither (complete() is a no-op).
 * A result with `markers` asks the runtime, after complete(), to write those COMMIT / ABORT
 * control records into every partition listed and then to call `markersWritten(job)`, whose
 * result carries the CompleteCommit / CompleteAbort record (TransactionMarkerChannelManager).
 *
 * Not here yet: KIP-890 part 2 (transaction version 2: EndTxn v5+ bumping the epoch on every
 * end, the nextProducerId overflow path).
 */
import type { Clock } from '../clock.js';
import { ErrorCode } from '../protocol/error-codes.js';
import {
  completeTransition,
  containsAll,
  newMetadata,
  prepareTransition,
  transitRecord,
  unionPartitions,
  type TopicPartition,
  type TxnMetadata,
  type TxnTransit,
} from './metadata.js';
import { NO_PRODUCER_EPOCH, NO_PRODUCER_ID, isEpochExhausted, type TxnState } from './state.js';
import { encodeTransactionLogKey, type TransactionResult } from './transaction-log-records.js';
import { isValidExpectedProducerId, prepareDead, prepareFenceEpoch, prepareIncrementEpoch, shouldExpire } from './transits.js';
import { describeTransaction, listTransactions, type ListFilter } from './queries.js';
import { mapAppendError } from './results.js';
import type {
  DescribedTransaction,
  EndTxnResponse,
  InitProducerIdResponse,
  ListedTransactions,
  MarkerJob,
  ProducerIdAndEpoch,
  TxnCoordinatorConfig,
  TxnResult,
} from './results.js';
export * from './results.js';

function immediate<T>(response: T): TxnResult<T> {
  return { response, records: [], complete: () => {}, revert: () => {}, onWriteFailure: () => response, markers: null };
}

const initError = (errorCode: number): InitProducerIdResponse => ({ errorCode, producerId: NO_PRODUCER_ID, producerEpoch: NO_PRODUCER_EPOCH });

export class TransactionCoordinator {
  private readonly txns = new Map<string, TxnMetadata>();

  constructor(
    private readonly config: TxnCoordinatorConfig,
    private readonly clock: Pick<Clock, 'now'>,
    /** ProducerIdManager.generateProducerId; may throw (answered as its error). */
    private readonly allocateProducerId: () => number,
    loaded: Iterable<TxnMetadata> = [],
  ) {
    for (const m of loaded) this.txns.set(m.transactionalId, m);
  }

  /** A copy of one transactional id's metadata (tests, describe tools). */
  get(transactionalId: string): Readonly<TxnMetadata> | undefined {
    const m = this.txns.get(transactionalId);
    return m && { ...m, partitions: m.partitions.map((p) => ({ ...p })) };
  }

  /**
   * The highest producer id the metadata mentions: after a restart the allocator must start above
   * it (and above the idempotent producers' ids, which only the partitions' producer state knows),
   * as Kafka's ProducerIdManager hands out blocks that are never reused.
   */
  highestProducerId(): number {
    let max = NO_PRODUCER_ID;
    for (const m of this.txns.values()) max = Math.max(max, m.producerId, m.previousProducerId, m.nextProducerId);
    return max;
  }

  // ------------------------------------------------------------------------------------------
  // InitProducerId

  initProducerId(transactionalId: string | null, transactionTimeoutMs: number, expected: ProducerIdAndEpoch | null = null): TxnResult<InitProducerIdResponse> {
    if (transactionalId === null) {
      // An idempotent producer without a transactional id: a fresh id, epoch 0, nothing stored.
      const id = this.tryAllocate();
      return immediate(typeof id === 'number' ? { errorCode: ErrorCode.NONE, producerId: id, producerEpoch: 0 } : initError(id.error));
    }
    if (transactionalId === '') return immediate(initError(ErrorCode.INVALID_REQUEST));
    if (!(transactionTimeoutMs > 0 && transactionTimeoutMs <= this.config.transactionMaxTimeoutMs)) {
      return immediate(initError(ErrorCode.INVALID_TRANSACTION_TIMEOUT));
    }
    let m = this.txns.get(transactionalId);
    if (!m) {
      const id = this.tryAllocate();
      if (typeof id !== 'number') return immediate(initError(id.error));
      // Kafka's putTransactionStateIfNotExists: the entry exists from here on, before any write.
      m = newMetadata(transactionalId, id, transactionTimeoutMs, this.clock.now());
      this.txns.set(transactionalId, m);
    }
    const meta = m;

    if (meta.pendingState !== null) return immediate(initError(ErrorCode.CONCURRENT_TRANSACTIONS));
    if (expected && !isValidExpectedProducerId(meta, expected)) return immediate(initError(ErrorCode.PRODUCER_FENCED));

    switch (meta.state) {
      case 'PrepareAbort':
      case 'PrepareCommit':
        return immediate(initError(ErrorCode.CONCURRENT_TRANSACTIONS));
      case 'CompleteAbort':
      case 'CompleteCommit':
      case 'Empty': {
        let transit: TxnTransit;
        if (isEpochExhausted(meta.producerEpoch) && (!expected || expected.producerEpoch === meta.producerEpoch)) {
          // Epoch exhausted: rotate to a new producer id at epoch 0 (prepareProducerIdRotation).
          const id = this.tryAllocate();
          if (typeof id !== 'number') return immediate(initError(id.error));
          transit = prepareTransition(meta, {
            state: 'Empty',
            producerId: id,
            nextProducerId: NO_PRODUCER_ID,
            producerEpoch: 0,
            lastProducerEpoch: expected ? meta.producerEpoch : NO_PRODUCER_EPOCH,
            txnTimeoutMs: transactionTimeoutMs,
            partitions: [],
            txnStartTimestamp: -1,
            txnLastUpdateTimestamp: this.clock.now(),
          });
        } else {
          const bumped = prepareIncrementEpoch(meta, transactionTimeoutMs, expected?.producerEpoch ?? null, this.clock.now());
          if (typeof bumped === 'number') return immediate(initError(bumped));
          transit = bumped;
        }
        const response: InitProducerIdResponse = { errorCode: ErrorCode.NONE, producerId: transit.producerId, producerEpoch: transit.producerEpoch };
        return this.written(meta, transit, response, (code) => initError(mapAppendError(code)));
      }
      case 'Ongoing': {
        // Fence the producer: abort the ongoing transaction with a bumped epoch that is never
        // returned; the client gets CONCURRENT_TRANSACTIONS and retries, bumping a second time.
        const fence = prepareFenceEpoch(meta);
        return this.endTransaction(meta, fence.producerId, fence.producerEpoch, 'ABORT', false, (r) =>
          r.errorCode === ErrorCode.NONE ? initError(ErrorCode.CONCURRENT_TRANSACTIONS) : initError(r.errorCode),
        );
      }
      case 'Dead':
      case 'PrepareEpochFence':
        throw new Error(`Found transactionalId ${transactionalId} with state ${meta.state}. This is illegal as we should never have transitioned to this state.`);
    }
  }

  // ------------------------------------------------------------------------------------------
  // AddPartitionsToTxn / AddOffsetsToTxn

  /** AddPartitionsToTxn (and the v4+ batched form, one call per transaction): one error for all partitions. */
  addPartitions(transactionalId: string, producerId: number, producerEpoch: number, partitions: readonly TopicPartition[]): TxnResult<number> {
    if (transactionalId === '') return immediate(ErrorCode.INVALID_REQUEST);
    const m = this.txns.get(transactionalId);
    if (!m || m.producerId !== producerId) return immediate(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    if (m.producerEpoch !== producerEpoch) return immediate(ErrorCode.PRODUCER_FENCED);
    if (m.pendingState !== null) return immediate(ErrorCode.CONCURRENT_TRANSACTIONS);
    if (m.state === 'PrepareCommit' || m.state === 'PrepareAbort') return immediate(ErrorCode.CONCURRENT_TRANSACTIONS);
    // Already in the transaction: answer at once, nothing to write.
    if (m.state === 'Ongoing' && containsAll(m.partitions, partitions)) return immediate(ErrorCode.NONE);
    const now = this.clock.now();
    const starts = m.state === 'Empty' || m.state === 'CompleteAbort' || m.state === 'CompleteCommit';
    const transit = prepareTransition(m, {
      state: 'Ongoing',
      producerId: m.producerId,
      nextProducerId: NO_PRODUCER_ID,
      producerEpoch: m.producerEpoch,
      lastProducerEpoch: m.lastProducerEpoch,
      txnTimeoutMs: m.txnTimeoutMs,
      partitions: unionPartitions(m.partitions, partitions),
      txnStartTimestamp: starts ? now : m.txnStartTimestamp,
      txnLastUpdateTimestamp: now,
    });
    return this.written(m, transit, ErrorCode.NONE, mapAppendError);
  }

  /**
   * KIP-890 part 1's verify-only AddPartitionsToTxn (v4+ with verifyOnly, sent by brokers):
   * per partition NONE if it is in the transaction, TRANSACTION_ABORTABLE if not; one error for
   * all partitions when the producer does not match.
   */
  verifyPartitions(transactionalId: string, producerId: number, producerEpoch: number, partitions: readonly TopicPartition[]): Map<TopicPartition, number> {
    const all = (code: number) => new Map(partitions.map((p) => [p, code]));
    if (transactionalId === '') return all(ErrorCode.INVALID_REQUEST);
    const m = this.txns.get(transactionalId);
    if (!m || m.producerId !== producerId) return all(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    if (m.producerEpoch !== producerEpoch) return all(ErrorCode.PRODUCER_FENCED);
    if (m.state === 'PrepareCommit' || m.state === 'PrepareAbort') return all(ErrorCode.CONCURRENT_TRANSACTIONS);
    return new Map(partitions.map((p) => [p, containsAll(m.partitions, [p]) ? ErrorCode.NONE : ErrorCode.TRANSACTION_ABORTABLE]));
  }

  /** AddOffsetsToTxn: adds the group's `__consumer_offsets` partition (KafkaApis.handleAddOffsetsToTxnRequest). */
  addOffsets(transactionalId: string, producerId: number, producerEpoch: number, groupId: string): TxnResult<number> {
    return this.addPartitions(transactionalId, producerId, producerEpoch, [{ topic: '__consumer_offsets', partition: this.config.offsetsPartitionFor(groupId) }]);
  }

  // ------------------------------------------------------------------------------------------
  // EndTxn

  endTxn(transactionalId: string, producerId: number, producerEpoch: number, result: TransactionResult): TxnResult<EndTxnResponse> {
    if (transactionalId === '') return immediate(initError(ErrorCode.INVALID_REQUEST));
    const m = this.txns.get(transactionalId);
    if (!m) return immediate(initError(ErrorCode.INVALID_PRODUCER_ID_MAPPING));
    return this.endTransaction(m, producerId, producerEpoch, result, true, (r) => r);
  }

  /** TransactionCoordinator.endTransaction for transaction versions 0 and 1. */
  private endTransaction<T>(
    m: TxnMetadata,
    producerId: number,
    producerEpoch: number,
    result: TransactionResult,
    isFromClient: boolean,
    answer: (r: EndTxnResponse) => T,
  ): TxnResult<T> {
    const fail = (code: number) => immediate(answer(initError(code)));
    const isValidEpoch = (!isFromClient || producerEpoch === m.producerEpoch) && producerEpoch >= m.producerEpoch;
    if (m.producerId !== producerId) return fail(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    if (!isValidEpoch) return fail(ErrorCode.PRODUCER_FENCED);
    if (m.pendingState !== null && m.pendingState !== 'PrepareEpochFence') return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
    const ok = () => immediate(answer({ errorCode: ErrorCode.NONE, producerId: m.producerId, producerEpoch: m.producerEpoch }));
    switch (m.state) {
      case 'Ongoing': {
        let epochFence = false;
        if (result === 'ABORT' && m.pendingState === 'PrepareEpochFence') {
          // Kafka bumps the epoch in memory before the write, and never returns it to the client.
          epochFence = true;
          m.pendingState = null;
          m.producerEpoch = producerEpoch;
          m.lastProducerEpoch = NO_PRODUCER_EPOCH;
        }
        const transit = prepareTransition(m, {
          state: result === 'COMMIT' ? 'PrepareCommit' : 'PrepareAbort',
          producerId: m.producerId,
          nextProducerId: NO_PRODUCER_ID,
          producerEpoch: m.producerEpoch,
          lastProducerEpoch: m.lastProducerEpoch,
          txnTimeoutMs: m.txnTimeoutMs,
          partitions: [...m.partitions],
          txnStartTimestamp: m.txnStartTimestamp,
          txnLastUpdateTimestamp: this.clock.now(),
        });
        const job: MarkerJob = {
          transactionalId: m.transactionalId,
          producerId: m.producerId,
          producerEpoch: m.producerEpoch,
          coordinatorEpoch: this.config.coordinatorEpoch,
          result,
          partitions: transit.partitions.map((p) => ({ ...p })),
        };
        const base = this.written(m, transit, answer({ errorCode: ErrorCode.NONE, producerId: m.producerId, producerEpoch: m.producerEpoch }), (code) =>
          answer(initError(mapAppendError(code))),
        );
        return {
          ...base,
          markers: job,
          complete: () => {
            base.complete();
            // Markers go out now; the Complete* transition is pending until they are written.
            this.prepareComplete(m);
          },
          revert: () => {
            base.revert();
            if (epochFence) m.hasFailedEpochFence = true;
          },
        };
      }
      case 'CompleteCommit':
        return result === 'COMMIT' ? ok() : fail(ErrorCode.INVALID_TXN_STATE);
      case 'CompleteAbort':
        return result === 'ABORT' ? ok() : fail(ErrorCode.INVALID_TXN_STATE);
      case 'PrepareCommit':
        return fail(result === 'COMMIT' ? ErrorCode.CONCURRENT_TRANSACTIONS : ErrorCode.INVALID_TXN_STATE);
      case 'PrepareAbort':
        return fail(result === 'ABORT' ? ErrorCode.CONCURRENT_TRANSACTIONS : ErrorCode.INVALID_TXN_STATE);
      case 'Empty':
        return fail(ErrorCode.INVALID_TXN_STATE);
      case 'Dead':
      case 'PrepareEpochFence':
        throw new Error(`Found transactionalId ${m.transactionalId} with state ${m.state}. This is illegal as we should never have transitioned to this state.`);
    }
  }

  private readonly completions = new Map<TxnMetadata, TxnTransit>();

  /** TransactionMetadata.prepareComplete: Complete* pending while the markers are written. */
  private prepareComplete(m: TxnMetadata): TxnTransit {
    const transit = prepareTransition(m, {
      state: m.state === 'PrepareCommit' ? 'CompleteCommit' : 'CompleteAbort',
      producerId: m.producerId,
      nextProducerId: NO_PRODUCER_ID,
      producerEpoch: m.producerEpoch,
      lastProducerEpoch: m.producerEpoch,
      txnTimeoutMs: m.txnTimeoutMs,
      partitions: [],
      txnStartTimestamp: m.txnStartTimestamp,
      txnLastUpdateTimestamp: this.clock.now(),
    });
    m.hasFailedEpochFence = false;
    this.completions.set(m, transit);
    return transit;
  }

  /**
   * Every marker of the job is written: the CompleteCommit / CompleteAbort record. If its write
   * fails, the transaction stays Prepare* and this may be called again (Kafka's marker manager
   * retries the append).
   */
  markersWritten(job: MarkerJob): TxnResult<number> {
    const m = this.txns.get(job.transactionalId);
    const expectedState: TxnState = job.result === 'COMMIT' ? 'PrepareCommit' : 'PrepareAbort';
    if (!m || m.producerId !== job.producerId || m.producerEpoch !== job.producerEpoch || m.state !== expectedState) {
      return immediate(ErrorCode.INVALID_TXN_STATE);
    }
    const transit = this.completions.get(m) ?? this.prepareComplete(m);
    const record = transitRecord(m.transactionalId, transit, this.config.logValueVersion);
    return {
      response: ErrorCode.NONE,
      records: [record],
      markers: null,
      complete: () => {
        this.completions.delete(m);
        completeTransition(m, transit);
      },
      revert: () => {
        this.completions.delete(m);
        m.pendingState = null;
      },
      onWriteFailure: mapAppendError,
    };
  }

  // ------------------------------------------------------------------------------------------
  // Timeouts

  /**
   * TransactionCoordinator.abortTimedOutTransactions: every Ongoing transaction older than its
   * timeout, with no transition pending, is fenced (epoch bump) and aborted. The response is the
   * EndTxn error Kafka logs (NONE when the abort went ahead).
   */
  abortTimedOutTransactions(): TxnResult<number>[] {
    const now = this.clock.now();
    const out: TxnResult<number>[] = [];
    for (const m of this.txns.values()) {
      if (m.pendingState !== null || m.state !== 'Ongoing' || !(m.txnStartTimestamp + m.txnTimeoutMs < now)) continue;
      const fence = prepareFenceEpoch(m);
      out.push(this.endTransaction(m, fence.producerId, fence.producerEpoch, 'ABORT', false, (r) => r.errorCode));
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------
  // Expiration

  /**
   * TransactionStateManager.removeExpiredTransactionalIds: every id with no transaction open,
   * nothing pending, and no update for `expirationMs` (transactional.id.expiration.ms) becomes
   * Dead; its tombstone is the record, and complete() drops it from the coordinator.
   */
  expireTransactionalIds(expirationMs: number): { transactionalId: string; result: TxnResult<void> }[] {
    const now = this.clock.now();
    const out: { transactionalId: string; result: TxnResult<void> }[] = [];
    for (const m of this.txns.values()) {
      if (!shouldExpire(m, now, expirationMs)) continue;
      prepareDead(m, now);
      const result: TxnResult<void> = {
        response: undefined,
        records: [{ key: encodeTransactionLogKey(m.transactionalId), value: null }],
        markers: null,
        complete: () => {
          if (this.txns.get(m.transactionalId) === m && m.pendingState === 'Dead') this.txns.delete(m.transactionalId);
        },
        revert: () => {
          m.pendingState = null;
        },
        onWriteFailure: () => undefined,
      };
      out.push({ transactionalId: m.transactionalId, result });
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------
  // Loading

  /**
   * What the broker does after loading the metadata (TransactionStateManager's load): every
   * PrepareCommit / PrepareAbort transaction gets its markers (re)written; the runtime calls
   * markersWritten for each job when they are. Ongoing transactions are left to the timeout.
   */
  pendingCompletionsAfterLoad(): MarkerJob[] {
    const jobs: MarkerJob[] = [];
    for (const m of this.txns.values()) {
      if (m.pendingState !== null || (m.state !== 'PrepareCommit' && m.state !== 'PrepareAbort')) continue;
      this.prepareComplete(m);
      jobs.push({
        transactionalId: m.transactionalId,
        producerId: m.producerId,
        producerEpoch: m.producerEpoch,
        coordinatorEpoch: this.config.coordinatorEpoch,
        result: m.state === 'PrepareCommit' ? 'COMMIT' : 'ABORT',
        partitions: m.partitions.map((p) => ({ ...p })),
      });
    }
    return jobs;
  }

  // ------------------------------------------------------------------------------------------
  // DescribeTransactions / ListTransactions (queries.ts)

  describe(transactionalId: string): DescribedTransaction {
    return describeTransaction(transactionalId, this.txns.get(transactionalId));
  }

  list(filter: ListFilter = {}): ListedTransactions {
    return listTransactions(this.txns.values(), filter, this.clock.now());
  }

  // ------------------------------------------------------------------------------------------

  private written<T>(m: TxnMetadata, transit: TxnTransit, response: T, onWriteFailure: (code: number) => T): TxnResult<T> {
    return {
      response,
      records: [transitRecord(m.transactionalId, transit, this.config.logValueVersion)],
      markers: null,
      complete: () => completeTransition(m, transit),
      // TransactionStateManager.appendTransactionToLog: a failed append clears the pending state.
      revert: () => {
        m.pendingState = null;
      },
      onWriteFailure,
    };
  }

  private tryAllocate(): number | { error: number } {
    try {
      return this.allocateProducerId();
    } catch {
      return { error: ErrorCode.UNKNOWN_SERVER_ERROR };
    }
  }
}
