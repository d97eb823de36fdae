/**
 * Rebuilding the coordinator from `__transaction_state` after a restart
 * (TransactionStateManager.loadTransactionMetadata): the latest value of each key wins, a
 * tombstone removes the id, keys of unknown versions are skipped. Then, as Kafka does once a
 * partition is loaded, PrepareCommit / PrepareAbort transactions are completed (their markers
 * are written again: a marker written twice is harmless, a missing one would leave the LSO
 * stuck) and Ongoing ones stay Ongoing until the timeout aborts them with an epoch bump.
 */
import type { Clock } from '../clock.js';
import { TransactionCoordinator, type MarkerJob, type TxnCoordinatorConfig } from './coordinator.js';
import { metadataFromRecord, type TxnLogRecord, type TxnMetadata } from './metadata.js';

export function replayTransactionLog(records: Iterable<TxnLogRecord>): Map<string, TxnMetadata> {
  const state = new Map<string, TxnMetadata>();
  for (const r of records) {
    const entry = metadataFromRecord(r);
    if (!entry) continue;
    if (entry.metadata === null) state.delete(entry.transactionalId);
    else state.set(entry.transactionalId, entry.metadata);
  }
  return state;
}

/**
 * A coordinator loaded from the records, and the marker jobs to run before anything else (each
 * followed by `markersWritten`). The config's coordinatorEpoch should be higher than the one the
 * records were written under (Kafka's bumps with every leader election of the partition).
 */
export function loadCoordinator(
  records: Iterable<TxnLogRecord>,
  config: TxnCoordinatorConfig,
  clock: Pick<Clock, 'now'>,
  allocateProducerId: () => number,
): { coordinator: TransactionCoordinator; markers: MarkerJob[] } {
  const coordinator = new TransactionCoordinator(config, clock, allocateProducerId, replayTransactionLog(records).values());
  return { coordinator, markers: coordinator.pendingCompletionsAfterLoad() };
}
