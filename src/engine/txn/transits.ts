/**
 * Transitions the coordinator prepares (Kafka's TransactionMetadata.prepare*): pure functions of
 * one transactional id's metadata that check the request and set the pending state.
 */
import { ErrorCode } from '../protocol/error-codes.js';
import { prepareTransition, type TxnMetadata, type TxnTransit } from './metadata.js';
import type { ProducerIdAndEpoch } from './results.js';
import { MAX_PRODUCER_EPOCH, NO_PRODUCER_EPOCH, NO_PRODUCER_ID, isEpochExhausted } from './state.js';

/** KIP-360: whether a producer recovering with its last id and epoch may go on. */
export function isValidExpectedProducerId(m: TxnMetadata, e: ProducerIdAndEpoch): boolean {
  return (
    m.producerEpoch === NO_PRODUCER_EPOCH ||
    e.producerId === m.producerId ||
    (e.producerId === m.previousProducerId && isEpochExhausted(e.producerEpoch))
  );
}

/** TransactionMetadata.prepareIncrementProducerEpoch; a number is an error code. */
export function prepareIncrementEpoch(m: TxnMetadata, timeoutMs: number, expectedEpoch: number | null, now: number): TxnTransit | number {
  const bumpedEpoch = m.producerEpoch + 1;
  let next: number;
  let last: number;
  if (expectedEpoch === null) {
    [next, last] = [bumpedEpoch, NO_PRODUCER_EPOCH];
  } else if (m.producerEpoch === NO_PRODUCER_EPOCH || expectedEpoch === m.producerEpoch) {
    // The producer goes on after an error and nobody else initialised since: bump, remember the last.
    [next, last] = [bumpedEpoch, m.producerEpoch];
  } else if (expectedEpoch === m.lastProducerEpoch) {
    // A retry of a successful bump whose answer was lost: the current epoch again.
    [next, last] = [m.producerEpoch, m.lastProducerEpoch];
  } else {
    return ErrorCode.PRODUCER_FENCED;
  }
  return prepareTransition(m, {
    state: 'Empty',
    producerId: m.producerId,
    nextProducerId: NO_PRODUCER_ID,
    producerEpoch: next,
    lastProducerEpoch: last,
    txnTimeoutMs: timeoutMs,
    partitions: [],
    txnStartTimestamp: -1,
    txnLastUpdateTimestamp: now,
  });
}

/**
 * TransactionMetadata.prepareFenceProducerEpoch: the pending state PrepareEpochFence with the
 * epoch bumped (not again if the last fence's write failed).
 */
export function prepareFenceEpoch(m: TxnMetadata): TxnTransit {
  if (m.producerEpoch === MAX_PRODUCER_EPOCH) throw new Error('Cannot fence producer with epoch equal to Short.MaxValue since this would overflow');
  const bumped = m.hasFailedEpochFence ? m.producerEpoch : m.producerEpoch + 1;
  return prepareTransition(m, {
    state: 'PrepareEpochFence',
    producerId: m.producerId,
    nextProducerId: NO_PRODUCER_ID,
    producerEpoch: bumped,
    lastProducerEpoch: NO_PRODUCER_EPOCH,
    txnTimeoutMs: m.txnTimeoutMs,
    partitions: [...m.partitions],
    txnStartTimestamp: m.txnStartTimestamp,
    txnLastUpdateTimestamp: m.txnLastUpdateTimestamp,
  });
}

/** TransactionMetadata.isExpirationAllowed and TransactionStateManager's expiry test. */
export function shouldExpire(m: TxnMetadata, now: number, expirationMs: number): boolean {
  const allowed = m.state === 'Empty' || m.state === 'CompleteCommit' || m.state === 'CompleteAbort';
  return allowed && m.pendingState === null && m.txnLastUpdateTimestamp <= now - expirationMs;
}

/** TransactionMetadata.prepareDead: Dead pending until its tombstone is written. */
export function prepareDead(m: TxnMetadata, now: number): TxnTransit {
  return prepareTransition(m, {
    state: 'Dead',
    producerId: m.producerId,
    nextProducerId: NO_PRODUCER_ID,
    producerEpoch: m.producerEpoch,
    lastProducerEpoch: m.lastProducerEpoch,
    txnTimeoutMs: m.txnTimeoutMs,
    partitions: [],
    txnStartTimestamp: m.txnStartTimestamp,
    txnLastUpdateTimestamp: now,
  });
}
