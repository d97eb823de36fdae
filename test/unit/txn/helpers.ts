import { ManualClock } from '../../../src/engine/clock.js';
import { TransactionCoordinator, type MarkerJob, type TxnCoordinatorConfig, type TxnResult } from '../../../src/engine/txn/coordinator.js';
import type { TxnLogRecord, TxnMetadata } from '../../../src/engine/txn/metadata.js';

export const CONFIG: TxnCoordinatorConfig = {
  transactionMaxTimeoutMs: 900_000,
  coordinatorEpoch: 3,
  logValueVersion: 1,
  offsetsPartitionFor: (group) => group.length % 50,
};

/** A coordinator with a manual clock, producer ids from 1000 up, and a log of what it wrote. */
export function harness(config: Partial<TxnCoordinatorConfig> = {}, loaded: TxnMetadata[] = []) {
  const clock = new ManualClock();
  let nextId = 1000;
  const allocate = () => nextId++;
  const coordinator = new TransactionCoordinator({ ...CONFIG, ...config }, clock, allocate, loaded);
  const log: TxnLogRecord[] = [];
  const markers: MarkerJob[] = [];
  /** The runtime's part: append the records, then complete and answer. */
  function write<T>(r: TxnResult<T>): T {
    log.push(...r.records);
    r.complete();
    if (r.markers) markers.push(r.markers);
    return r.response;
  }
  /** The runtime's part after the markers of a job are written. */
  function finishMarkers(job: MarkerJob): number {
    return write(coordinator.markersWritten(job));
  }
  return { clock, coordinator, log, markers, write, finishMarkers, allocate };
}
