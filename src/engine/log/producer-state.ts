/**
 * Idempotent-producer bookkeeping for one partition, as pure data: per producer id the epoch and
 * the last five batches (Kafka's ProducerStateManager keeps five because a client has at most
 * five requests in flight). The partition log asks `check` before appending and calls `record`
 * after assigning offsets; after a restart the same `record` calls are replayed from the batch
 * headers in the log, so a retry that arrives after a crash is still recognised.
 */
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
}

export type SequenceCheck =
  | { kind: 'append' }
  | { kind: 'duplicate'; baseOffset: number; lastOffset: number }
  | { kind: 'error'; error: 'INVALID_PRODUCER_EPOCH' | 'OUT_OF_ORDER_SEQUENCE_NUMBER'; message: string };

/** Sequence numbers wrap from 2^31-1 back to 0. */
export function addSequence(seq: number, delta: number): number {
  return (seq + delta) % SEQ_MODULUS;
}

export class ProducerStateTable {
  private readonly entries = new Map<number, ProducerEntry>();

  get size(): number {
    return this.entries.size;
  }

  get(producerId: number): ProducerEntry | undefined {
    return this.entries.get(producerId);
  }

  /** Decides what to do with a batch; does not change state. */
  check(producerId: number, epoch: number, baseSequence: number, lastOffsetDelta: number): SequenceCheck {
    const entry = this.entries.get(producerId);
    // Kafka accepts the first batch of a producer it does not know with any sequence: after
    // retention removed its history, or on a fresh broker, the producer must not be stuck.
    if (!entry) return { kind: 'append' };
    if (epoch < entry.epoch) {
      return {
        kind: 'error',
        error: 'INVALID_PRODUCER_EPOCH',
        message: `Epoch of producer ${producerId} at offset is ${epoch}, which is smaller than the last seen epoch ${entry.epoch}`,
      };
    }
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
    const lastSeq = addSequence(baseSequence, lastOffsetDelta);
    for (const b of entry.batches) {
      if (b.firstSeq === baseSequence && b.lastSeq === lastSeq) {
        return { kind: 'duplicate', baseOffset: b.baseOffset, lastOffset: b.lastOffset };
      }
    }
    const latest = entry.batches[entry.batches.length - 1];
    if (latest && baseSequence !== addSequence(latest.lastSeq, 1)) {
      return {
        kind: 'error',
        error: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
        message: `Out of order sequence number for producer ${producerId} at offset in partition: ${baseSequence} (incoming seq. number), ${latest.lastSeq} (current end sequence number)`,
      };
    }
    return { kind: 'append' };
  }

  /** Remembers an appended batch (also used to replay the log after a restart). */
  record(producerId: number, epoch: number, baseSequence: number, lastOffsetDelta: number, baseOffset: number): void {
    let entry = this.entries.get(producerId);
    if (!entry) {
      entry = { producerId, epoch, batches: [] };
      this.entries.set(producerId, entry);
    } else if (epoch > entry.epoch) {
      entry.epoch = epoch;
      entry.batches = [];
    }
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

  static fromJSON(list: ProducerEntry[]): ProducerStateTable {
    const t = new ProducerStateTable();
    for (const e of list) t.entries.set(e.producerId, { producerId: e.producerId, epoch: e.epoch, batches: e.batches.map((b) => ({ ...b })) });
    return t;
  }
}
