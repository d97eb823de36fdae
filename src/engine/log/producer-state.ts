/**
 * Producer bookkeeping for one partition, as pure data (Kafka's ProducerStateManager and
 * ProducerAppendInfo, storage/.../internals/log/): per producer id the epoch, the last five
 * batches (a client has at most five requests in flight), the coordinator epoch of the last
 * transaction marker, the last timestamp, and the first offset of its ongoing transaction. The
 * partition log asks `check` / `checkMarker` before appending and calls `record` /
 * `recordMarker` after assigning offsets; after a restart the same calls are replayed from the
 * log, so a retry after a crash is still recognised and a half-written transaction still holds
 * the last stable offset.
 */
import type { MarkerType } from '../protocol/control-batch.js';
export const MAX_REMEMBERED_BATCHES = 5;
const SEQ_MODULUS = 2 ** 31;

export interface RememberedBatch {
  firstSeq: number;
  lastSeq: number;
  baseOffset: number;
  lastOffset: number;
}

export interface ProducerEntry {
  producerId: number;
  epoch: number;
  /** Oldest first. */
  batches: RememberedBatch[];
  /** Coordinator epoch of the last marker for this producer; -1 before any. */
  coordinatorEpoch: number;
  /** Max timestamp of the last batch or marker; -1 unknown. */
  lastTimestamp: number;
  /** First offset of the ongoing transaction; -1 when none. */
  currentTxnFirstOffset: number;
}

type ProducerError = 'INVALID_PRODUCER_EPOCH' | 'OUT_OF_ORDER_SEQUENCE_NUMBER' | 'INVALID_TXN_STATE' | 'TRANSACTION_COORDINATOR_FENCED';

export type SequenceCheck =
  | { kind: 'append' }
  | { kind: 'duplicate'; baseOffset: number; lastOffset: number }
  | { kind: 'error'; error: ProducerError; message: string };

export type MarkerCheck = { kind: 'append' } | { kind: 'error'; error: ProducerError; message: string };

/** A transaction a marker ended (Kafka's CompletedTxn): its data lies in [firstOffset, lastOffset). */
export interface CompletedTxn {
  producerId: number;
  firstOffset: number;
  /** The marker's offset. */
  lastOffset: number;
  aborted: boolean;
}

/** Sequence numbers wrap from 2^31-1 back to 0. */
export function addSequence(seq: number, delta: number): number {
  return (seq + delta) % SEQ_MODULUS;
}

export class ProducerStateTable {
  private readonly entries = new Map<number, ProducerEntry>();
  /** The ongoing transactions: producer id -> first offset. */
  private readonly ongoing = new Map<number, number>();

  get size(): number {
    return this.entries.size;
  }

  get(producerId: number): ProducerEntry | undefined {
    return this.entries.get(producerId);
  }

  /** Decides what to do with a data batch; does not change state. */
  check(producerId: number, epoch: number, baseSequence: number, lastOffsetDelta: number, transactional = false): SequenceCheck {
    const entry = this.entries.get(producerId);
    // Kafka accepts the first batch of a producer it does not know with any sequence: after
    // retention removed its history, or on a fresh broker, the producer must not be stuck.
    if (!entry) return { kind: 'append' };
    if (epoch < entry.epoch) return { kind: 'error', error: 'INVALID_PRODUCER_EPOCH', message: staleEpoch(producerId, epoch, entry.epoch) };
    const c = this.checkSequence(entry, epoch, baseSequence, lastOffsetDelta);
    if (c.kind !== 'append') return c;
    // ProducerAppendInfo.appendDataBatch: a plain write in the middle of its own transaction.
    if (!transactional && entry.currentTxnFirstOffset >= 0) {
      return { kind: 'error', error: 'INVALID_TXN_STATE', message: `Expected transactional write from producer ${producerId} in a transaction that started at offset ${entry.currentTxnFirstOffset}` };
    }
    return c;
  }

  private checkSequence(entry: ProducerEntry, epoch: number, baseSequence: number, lastOffsetDelta: number): SequenceCheck {
    const producerId = entry.producerId;
    if (epoch > entry.epoch) {
      if (baseSequence !== 0) {
        return {
          kind: 'error',
          error: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
          message: `Invalid sequence number for new epoch of producer ${producerId} at epoch ${epoch} (request epoch), ${baseSequence} (seq. number), ${entry.epoch} (current producer epoch)`,
        };
      }
      return { kind: 'append' };
    }
    const incomingLast = addSequence(baseSequence, lastOffsetDelta);
    for (const b of entry.batches) {
      if (b.firstSeq === baseSequence && b.lastSeq === incomingLast) {
        return { kind: 'duplicate', baseOffset: b.baseOffset, lastOffset: b.lastOffset };
      }
    }
    const latest = entry.batches[entry.batches.length - 1];
    // An entry a marker made (or whose epoch a marker bumped) has no sequence yet: the next
    // batch of that epoch starts at 0, as Kafka's inSequence(NO_SEQUENCE, 0).
    const lastSeq = latest ? latest.lastSeq : -1;
    if ((latest || entry.coordinatorEpoch >= 0) && baseSequence !== addSequence(lastSeq + SEQ_MODULUS, 1)) {
      return {
        kind: 'error',
        error: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
        message: `Out of order sequence number for producer ${producerId} at offset in partition: ${baseSequence} (incoming seq. number), ${lastSeq} (current end sequence number)`,
      };
    }
    return { kind: 'append' };
  }

  /**
   * Whether a COMMIT/ABORT marker may be written (ProducerAppendInfo.appendEndTxnMarker): not for
   * an epoch older than the last one seen, nor from a coordinator epoch older than the last
   * marker's. Does not change state.
   */
  checkMarker(producerId: number, epoch: number, coordinatorEpoch: number): MarkerCheck {
    const entry = this.entries.get(producerId);
    if (!entry) return { kind: 'append' };
    if (epoch < entry.epoch) return { kind: 'error', error: 'INVALID_PRODUCER_EPOCH', message: staleEpoch(producerId, epoch, entry.epoch) };
    if (coordinatorEpoch < entry.coordinatorEpoch) {
      return {
        kind: 'error',
        error: 'TRANSACTION_COORDINATOR_FENCED',
        message: `Invalid coordinator epoch for producerId ${producerId}: ${coordinatorEpoch} (zombie), ${entry.coordinatorEpoch} (current)`,
      };
    }
    return { kind: 'append' };
  }

  /**
   * Applies a marker at `offset`: ends the producer's ongoing transaction (returned, if there was
   * one), takes the marker's epoch (a bump forgets the sequences) and coordinator epoch.
   */
  recordMarker(producerId: number, epoch: number, type: MarkerType, coordinatorEpoch: number, offset: number, timestamp: number): CompletedTxn | undefined {
    const entry = this.entryFor(producerId, epoch);
    if (epoch > entry.epoch) {
      entry.epoch = epoch;
      entry.batches = [];
    }
    const first = entry.currentTxnFirstOffset;
    entry.currentTxnFirstOffset = -1;
    entry.coordinatorEpoch = coordinatorEpoch;
    entry.lastTimestamp = timestamp;
    this.ongoing.delete(producerId);
    return first >= 0 ? { producerId, firstOffset: first, lastOffset: offset, aborted: type === 'ABORT' } : undefined;
  }

  /** The smallest first offset of the ongoing transactions (Kafka's firstUnstableOffset), or undefined. */
  firstUnstableOffset(): number | undefined {
    let min: number | undefined;
    for (const first of this.ongoing.values()) if (min === undefined || first < min) min = first;
    return min;
  }

  /**
   * The LSO to store with an aborted transaction of `producerId` (ProducerStateManager
   * .lastStableOffset): the first offset of the earliest other ongoing transaction, else the
   * offset after the marker.
   */
  lastStableOffsetAfter(t: CompletedTxn): number {
    let min: number | undefined;
    for (const [pid, first] of this.ongoing) if (pid !== t.producerId && (min === undefined || first < min)) min = first;
    return min ?? t.lastOffset + 1;
  }

  /** The ongoing transactions, oldest first (for DescribeProducers and tests). */
  ongoingTransactions(): { producerId: number; firstOffset: number }[] {
    return [...this.ongoing].map(([producerId, firstOffset]) => ({ producerId, firstOffset })).sort((a, b) => a.firstOffset - b.firstOffset);
  }

  private entryFor(producerId: number, epoch: number): ProducerEntry {
    let entry = this.entries.get(producerId);
    if (!entry) {
      entry = { producerId, epoch, batches: [], coordinatorEpoch: -1, lastTimestamp: -1, currentTxnFirstOffset: -1 };
      this.entries.set(producerId, entry);
    }
    return entry;
  }

  /**
   * Remembers an appended data batch (also used to replay the log after a restart); a
   * transactional batch starts the producer's transaction if none is ongoing.
   */
  record(producerId: number, epoch: number, baseSequence: number, lastOffsetDelta: number, baseOffset: number, transactional = false, maxTimestamp = -1): void {
    const entry = this.entryFor(producerId, epoch);
    if (epoch > entry.epoch) {
      entry.epoch = epoch;
      entry.batches = [];
    }
    entry.lastTimestamp = maxTimestamp;
    if (transactional && entry.currentTxnFirstOffset < 0) {
      entry.currentTxnFirstOffset = baseOffset;
      this.ongoing.set(producerId, baseOffset);
    }
    if (baseSequence < 0) return;
    entry.batches.push({
      firstSeq: baseSequence,
      lastSeq: addSequence(baseSequence, lastOffsetDelta),
      baseOffset,
      lastOffset: baseOffset + lastOffsetDelta,
    });
    if (entry.batches.length > MAX_REMEMBERED_BATCHES) entry.batches.shift();
  }

  toJSON(): ProducerEntry[] {
    return [...this.entries.values()].map((e) => ({ ...e, batches: e.batches.map((b) => ({ ...b })) }));
  }

  /** Entries from a snapshot; fields a version-1 snapshot of an older mq lacks take their "none" value. */
  static fromJSON(list: readonly SnapshotEntry[]): ProducerStateTable {
    const t = new ProducerStateTable();
    for (const e of list) {
      const entry: ProducerEntry = {
        producerId: e.producerId,
        epoch: e.epoch,
        batches: e.batches.map((b) => ({ ...b })),
        coordinatorEpoch: e.coordinatorEpoch ?? -1,
        lastTimestamp: e.lastTimestamp ?? -1,
        currentTxnFirstOffset: e.currentTxnFirstOffset ?? -1,
      };
      t.entries.set(e.producerId, entry);
      if (entry.currentTxnFirstOffset >= 0) t.ongoing.set(e.producerId, entry.currentTxnFirstOffset);
    }
    return t;
  }
}

export type SnapshotEntry = Omit<ProducerEntry, 'coordinatorEpoch' | 'lastTimestamp' | 'currentTxnFirstOffset'> & Partial<ProducerEntry>;

function staleEpoch(producerId: number, epoch: number, current: number): string {
  return `Epoch of producer ${producerId} is ${epoch}, which is smaller than the last seen epoch ${current}`;
}
