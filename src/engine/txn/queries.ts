/**
 * DescribeTransactions and ListTransactions over the coordinator's metadata (Kafka's
 * TransactionCoordinator.handleDescribeTransactions and TransactionStateManager.listTransactionStates).
 */
import { ErrorCode } from '../protocol/error-codes.js';
import type { TxnMetadata } from './metadata.js';
import { stateFromName, type TxnState } from './state.js';
import type { DescribedTransaction, ListedTransactions } from './results.js';

export interface ListFilter {
  producerIds?: readonly number[];
  states?: readonly string[];
  durationMs?: number;
}

export function describeTransaction(transactionalId: string, m: TxnMetadata | undefined): DescribedTransaction {
  const base: DescribedTransaction = {
    errorCode: ErrorCode.NONE,
    transactionalId,
    transactionState: '',
    transactionTimeoutMs: 0,
    transactionStartTimeMs: -1,
    producerId: -1,
    producerEpoch: -1,
    topics: [],
  };
  if (transactionalId === '') return { ...base, errorCode: ErrorCode.INVALID_REQUEST };
  if (!m || m.state === 'Dead') return { ...base, errorCode: ErrorCode.TRANSACTIONAL_ID_NOT_FOUND };
  const topics: { topic: string; partitions: number[] }[] = [];
  for (const p of m.partitions) {
    const t = topics.find((x) => x.topic === p.topic);
    if (t) t.partitions.push(p.partition);
    else topics.push({ topic: p.topic, partitions: [p.partition] });
  }
  return {
    ...base,
    transactionState: m.state,
    transactionTimeoutMs: m.txnTimeoutMs,
    transactionStartTimeMs: m.txnStartTimestamp,
    producerId: m.producerId,
    producerEpoch: m.producerEpoch,
    topics,
  };
}

/**
 * TransactionStateManager.listTransactionStates: Dead never listed; an empty filter matches
 * everything; unknown state names are reported back; durationMs >= 0 keeps transactions that
 * started more than durationMs ago.
 */
export function listTransactions(txns: Iterable<TxnMetadata>, filter: ListFilter, now: number): ListedTransactions {
  const producerIds = filter.producerIds ?? [];
  const stateNames = filter.states ?? [];
  const durationMs = filter.durationMs ?? -1;
  const unknownStateFilters = stateNames.filter((s) => stateFromName(s) === undefined);
  const states = new Set(stateNames.map(stateFromName).filter((s): s is TxnState => s !== undefined));
  const transactionStates: ListedTransactions['transactionStates'] = [];
  for (const m of txns) {
    if (m.state === 'Dead') continue;
    if (producerIds.length > 0 && !producerIds.includes(m.producerId)) continue;
    if (stateNames.length > 0 && !states.has(m.state)) continue;
    if (durationMs >= 0 && now - m.txnStartTimestamp <= durationMs) continue;
    transactionStates.push({ transactionalId: m.transactionalId, producerId: m.producerId, transactionState: m.state });
  }
  return { errorCode: ErrorCode.NONE, unknownStateFilters, transactionStates };
}
