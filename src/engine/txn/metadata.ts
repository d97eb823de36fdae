/**
 * One transactional id's metadata (Kafka's TransactionMetadata) and the target of a transition
 * (TxnTransitMetadata), with their conversion to and from TransactionLogValue records.
 *
 * As in Kafka, an operation never changes the metadata directly: it prepares a transit and sets
 * `pendingState`; only once the transit's record is durable does `completeTransition` apply it.
 * While a transition is pending, other operations answer CONCURRENT_TRANSACTIONS.
 */
import { NO_PRODUCER_EPOCH, NO_PRODUCER_ID, isValidTransition, stateFromId, stateId, type TxnState } from './state.js';
import {
  decodeTransactionLogKey,
  decodeTransactionLogValue,
  encodeTransactionLogKey,
  encodeTransactionLogValue,
  type TransactionLogValueVersion,
} from './transaction-log-records.js';

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface TxnTransit {
  producerId: number;
  previousProducerId: number;
  nextProducerId: number;
  producerEpoch: number;
  lastProducerEpoch: number;
  txnTimeoutMs: number;
  state: TxnState;
  partitions: TopicPartition[];
  txnStartTimestamp: number;
  txnLastUpdateTimestamp: number;
}

export interface TxnMetadata {
  readonly transactionalId: string;
  producerId: number;
  previousProducerId: number;
  nextProducerId: number;
  producerEpoch: number;
  lastProducerEpoch: number;
  txnTimeoutMs: number;
  state: TxnState;
  partitions: TopicPartition[];
  txnStartTimestamp: number;
  txnLastUpdateTimestamp: number;
  pendingState: TxnState | null;
  /** A fence's bumped epoch may not be durable: the next fence does not bump again (Kafka's hasFailedEpochFence). */
  hasFailedEpochFence: boolean;
}

/** One record for `__transaction_state`: key and value bytes (value null = tombstone). */
export interface TxnLogRecord {
  key: Buffer;
  value: Buffer | null;
}

export function newMetadata(transactionalId: string, producerId: number, txnTimeoutMs: number, now: number): TxnMetadata {
  return {
    transactionalId,
    producerId,
    previousProducerId: NO_PRODUCER_ID,
    nextProducerId: NO_PRODUCER_ID,
    producerEpoch: NO_PRODUCER_EPOCH,
    lastProducerEpoch: NO_PRODUCER_EPOCH,
    txnTimeoutMs,
    state: 'Empty',
    partitions: [],
    txnStartTimestamp: -1,
    txnLastUpdateTimestamp: now,
    pendingState: null,
    hasFailedEpochFence: false,
  };
}

export function samePartition(a: TopicPartition, b: TopicPartition): boolean {
  return a.topic === b.topic && a.partition === b.partition;
}

export function unionPartitions(a: readonly TopicPartition[], b: readonly TopicPartition[]): TopicPartition[] {
  const out = [...a];
  for (const p of b) if (!out.some((q) => samePartition(p, q))) out.push({ topic: p.topic, partition: p.partition });
  return out;
}

export function containsAll(have: readonly TopicPartition[], want: readonly TopicPartition[]): boolean {
  return want.every((p) => have.some((q) => samePartition(p, q)));
}

/**
 * TransactionMetadata.prepareTransitionTo: checks the transition and sets the pending state.
 * Violations are bugs in the coordinator (Kafka throws IllegalStateException), not client errors.
 */
export function prepareTransition(m: TxnMetadata, t: Omit<TxnTransit, 'previousProducerId'>): TxnTransit {
  if (m.pendingState !== null) throw new Error(`Preparing transaction state transition to ${t.state} while it already a pending state ${m.pendingState}`);
  if (t.producerId < 0) throw new Error(`Illegal new producer id ${t.producerId}`);
  if (t.state !== 'Dead' && t.producerEpoch < 0) throw new Error(`Illegal new producer epoch ${t.producerEpoch}`);
  if (!isValidTransition(m.state, t.state)) {
    throw new Error(`Preparing transaction state transition to ${t.state} failed since the target state ${t.state} is not a valid previous state of the current state ${m.state}`);
  }
  m.pendingState = t.state;
  return { ...t, previousProducerId: m.producerId };
}

function fail(m: TxnMetadata, t: TxnTransit): never {
  throw new Error(`TransactionalId ${m.transactionalId} failed transition to state ${t.state} due to unexpected metadata`);
}

/** TransactionMetadata.completeTransitionTo for transaction version 0/1 clients (no epoch bump on end). */
export function completeTransition(m: TxnMetadata, t: TxnTransit): void {
  if (m.pendingState !== t.state) fail(m, t);
  const sameProducer = t.producerEpoch === m.producerEpoch && t.producerId === m.producerId;
  switch (t.state) {
    case 'Empty': {
      const bump = t.producerEpoch === m.producerEpoch + 1 || (t.producerEpoch === 0 && t.producerId !== m.producerId);
      if ((m.producerEpoch !== t.producerEpoch && !bump) || t.partitions.length > 0 || t.txnStartTimestamp !== -1) fail(m, t);
      m.txnTimeoutMs = t.txnTimeoutMs;
      m.producerEpoch = t.producerEpoch;
      m.lastProducerEpoch = t.lastProducerEpoch;
      m.producerId = t.producerId;
      m.previousProducerId = t.previousProducerId;
      // Kafka keeps the old start time in memory here but writes -1; mq keeps memory equal to the
      // record, so a restart changes nothing.
      m.txnStartTimestamp = t.txnStartTimestamp;
      break;
    }
    case 'Ongoing':
      if (!sameProducer || !containsAll(t.partitions, m.partitions) || m.txnTimeoutMs !== t.txnTimeoutMs) fail(m, t);
      m.txnStartTimestamp = t.txnStartTimestamp;
      m.partitions = unionPartitions(m.partitions, t.partitions);
      break;
    case 'PrepareCommit':
    case 'PrepareAbort':
      if (!sameProducer || m.partitions.length !== t.partitions.length || !containsAll(m.partitions, t.partitions)) fail(m, t);
      if (m.txnTimeoutMs !== t.txnTimeoutMs || m.txnStartTimestamp !== t.txnStartTimestamp) fail(m, t);
      break;
    case 'CompleteCommit':
    case 'CompleteAbort':
      if (!sameProducer || m.txnTimeoutMs !== t.txnTimeoutMs || t.txnStartTimestamp === -1) fail(m, t);
      m.txnStartTimestamp = t.txnStartTimestamp;
      m.partitions = [];
      break;
    case 'PrepareEpochFence':
    case 'Dead':
      // Never completed: a fence goes on to PrepareAbort, and Dead only removes the entry.
      fail(m, t);
  }
  m.txnLastUpdateTimestamp = t.txnLastUpdateTimestamp;
  m.pendingState = null;
  m.state = t.state;
}

/** The `__transaction_state` record of a transit (TransactionLog.keyToBytes / valueToBytes). */
export function transitRecord(transactionalId: string, t: TxnTransit, version: TransactionLogValueVersion): TxnLogRecord {
  if (t.state === 'Empty' && t.partitions.length > 0) {
    throw new Error(`Transaction is not expected to have any partitions since its state is Empty`);
  }
  const byTopic = new Map<string, number[]>();
  for (const p of t.partitions) {
    const list = byTopic.get(p.topic);
    if (list) list.push(p.partition);
    else byTopic.set(p.topic, [p.partition]);
  }
  const value = encodeTransactionLogValue(
    {
      producerId: t.producerId,
      // The v1 tagged fields, so KIP-360's previous-id check survives a restart. A v0 record has
      // no place for them (Kafka sets none when it writes v0).
      ...(version >= 1 ? { previousProducerId: t.previousProducerId, nextProducerId: t.nextProducerId, clientTransactionVersion: 0 } : {}),
      producerEpoch: t.producerEpoch,
      transactionTimeoutMs: t.txnTimeoutMs,
      transactionStatus: stateId(t.state),
      transactionPartitions: t.state === 'Empty' ? null : [...byTopic].map(([topic, partitionIds]) => ({ topic, partitionIds })),
      transactionLastUpdateTimestampMs: t.txnLastUpdateTimestamp,
      transactionStartTimestampMs: t.txnStartTimestamp,
    },
    version,
  );
  return { key: encodeTransactionLogKey(transactionalId), value };
}

/**
 * TransactionLog.readTxnRecordKey + readTxnRecordValue: the metadata a record describes, null
 * for a tombstone, undefined for a key of an unknown version (skipped, as Kafka does). The last
 * producer epoch is not in the record: it loads as -1, as in Kafka.
 */
export function metadataFromRecord(r: TxnLogRecord): { transactionalId: string; metadata: TxnMetadata | null } | undefined {
  const key = decodeTransactionLogKey(r.key);
  if (key === null) return undefined;
  const v = decodeTransactionLogValue(r.value);
  if (v === null) return { transactionalId: key.transactionalId, metadata: null };
  const state = stateFromId(v.transactionStatus);
  const partitions: TopicPartition[] = [];
  if (state !== 'Empty') for (const t of v.transactionPartitions ?? []) for (const partition of t.partitionIds) partitions.push({ topic: t.topic, partition });
  return {
    transactionalId: key.transactionalId,
    metadata: {
      transactionalId: key.transactionalId,
      producerId: v.producerId,
      previousProducerId: v.previousProducerId,
      nextProducerId: v.nextProducerId,
      producerEpoch: v.producerEpoch,
      lastProducerEpoch: NO_PRODUCER_EPOCH,
      txnTimeoutMs: v.transactionTimeoutMs,
      state,
      partitions: unionPartitions([], partitions),
      txnStartTimestamp: v.transactionStartTimestampMs,
      txnLastUpdateTimestamp: v.transactionLastUpdateTimestampMs,
      pendingState: null,
      hasFailedEpochFence: false,
    },
  };
}
