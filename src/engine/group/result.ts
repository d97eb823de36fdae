/**
 * What a coordinator operation hands back: its answer and the records that make its change
 * durable (Kafka's coordinator-common CoordinatorResult). The coordinator applies the change to
 * its in-memory state at once, so the next operation sees it; the runtime (coordinator.ts)
 * appends the records and releases the answer only when they are durable, and if the write
 * fails it calls `revert` and answers `onWriteFailure` instead (Kafka's CoordinatorRuntime
 * reverts the state machine to the last committed snapshot on a failed append).
 */
import type { StoreEntry } from './records.js';

export interface CoordinatorResult<T> {
  response: T;
  records: StoreEntry[];
  /** Undoes the in-memory effects the records describe; only called when their write failed. */
  revert(): void;
  /**
   * The answer when the write fails, given the error code. Present: the answer waits for the
   * write (offset commits and deletions). Absent: the records are group bookkeeping written on a
   * best-effort basis (losing one only makes offset expiry start later after a restart), so the
   * answer goes out at once and a failed write is only logged.
   */
  onWriteFailure?: (errorCode: number) => T;
}

/** Records and undo steps of the operation being run, drained into its result. */
export class Journal {
  private records: StoreEntry[] = [];
  private reverts: (() => void)[] = [];

  add(records: readonly StoreEntry[], revert?: () => void): void {
    this.records.push(...records);
    if (revert) this.reverts.push(revert);
  }

  drain<T>(response: T, onWriteFailure?: (errorCode: number) => T): CoordinatorResult<T> {
    const records = this.records;
    const reverts = this.reverts;
    this.records = [];
    this.reverts = [];
    // Undo in reverse order, so each step finds the state it left behind.
    const revert = () => {
      for (let i = reverts.length - 1; i >= 0; i--) reverts[i]!();
    };
    return onWriteFailure ? { response, records, revert, onWriteFailure } : { response, records, revert };
  }
}
