/**
 * Writes the coordinator's records through the OffsetStore port with group commit: one append
 * at a time, and everything that arrives while one is under way goes out together in the next
 * (Kafka's CoordinatorRuntime batches the records of consecutive write operations into one
 * append the same way). No request waits for a synchronous write, so a commit in fsync mode
 * no longer stalls every other connection of the broker.
 *
 * On a failed append, that batch and every batch queued behind it fail: the queued ones were
 * applied to memory on top of the failed one, so they are reverted too, newest first, which
 * puts the state back to what the store holds (Kafka's CoordinatorRuntime reverts to the last
 * committed snapshot the same way).
 */
import type { OffsetStore, StoreEntry } from './records.js';

interface PendingWrite {
  records: readonly StoreEntry[];
  revert: () => void;
  resolve: () => void;
  reject: (err: Error) => void;
}

export class RecordWriter {
  private queued: PendingWrite[] = [];
  private writing: Promise<void> | null = null;
  private scheduled = false;

  constructor(
    private readonly store: OffsetStore,
    /** Told once per failed append (the broker logs it). */
    private readonly onFailure: (err: Error) => void,
  ) {}

  /** Resolves once the records are durable; rejects, after `revert` ran, when they could not be written. */
  write(records: readonly StoreEntry[], revert: () => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queued.push({ records, revert, resolve, reject });
      if (this.writing === null && !this.scheduled) {
        // Let the rest of this tick's operations join the batch before starting the append.
        this.scheduled = true;
        queueMicrotask(() => {
          this.scheduled = false;
          this.startNext();
        });
      }
    });
  }

  /** Resolves when nothing is queued or being written. */
  async idle(): Promise<void> {
    while (this.writing !== null || this.scheduled || this.queued.length > 0) {
      if (this.writing !== null) await this.writing;
      else await Promise.resolve();
    }
  }

  private startNext(): void {
    if (this.writing !== null || this.queued.length === 0) return;
    const batch = this.queued;
    this.queued = [];
    this.writing = this.append(batch).finally(() => {
      this.writing = null;
      this.startNext();
    });
  }

  private async append(batch: PendingWrite[]): Promise<void> {
    try {
      await this.store.append(batch.flatMap((w) => w.records));
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      const failed = [...batch, ...this.queued];
      this.queued = [];
      for (let i = failed.length - 1; i >= 0; i--) failed[i]!.revert();
      this.onFailure(error);
      for (const w of failed) w.reject(error);
      return;
    }
    for (const w of batch) w.resolve();
  }
}
