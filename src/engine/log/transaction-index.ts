/**
 * The aborted-transaction index of one segment, in Kafka's `.txnindex` format
 * (storage/src/main/java/org/apache/kafka/storage/internals/log/TransactionIndex.java and
 * AbortedTxn.java): one fixed-size entry per transaction aborted by a marker in the segment,
 * in marker order. An entry is (version int16 = 0, producerId int64, firstOffset int64,
 * lastOffset int64 = the marker's offset, lastStableOffset int64 = the LSO once it was written).
 * A read_committed fetch collects the entries that overlap what it returns, so the consumer can
 * drop those records (Kafka's collectAbortedTxns). Pure data: the segment writes the bytes.
 */
export const ABORTED_TXN_ENTRY_SIZE = 2 + 8 + 8 + 8 + 8;
const ENTRY_VERSION = 0;

export interface AbortedTxn {
  producerId: number;
  firstOffset: number;
  lastOffset: number;
  lastStableOffset: number;
}

export interface AbortedTxnSearch {
  aborted: AbortedTxn[];
  /**
   * No later segment can hold an entry that overlaps the range: an entry whose lastStableOffset
   * reaches the upper bound was written after every transaction that started below it ended.
   */
  complete: boolean;
}

const TWO_32 = 2 ** 32;

function writeInt64(b: Buffer, at: number, v: number): void {
  const hi = Math.floor(v / TWO_32);
  b.writeInt32BE(hi | 0, at);
  b.writeUInt32BE((v - hi * TWO_32) >>> 0, at + 4);
}

function readInt64(b: Buffer, at: number): number {
  return b.readInt32BE(at) * TWO_32 + b.readUInt32BE(at + 4);
}

export class TransactionIndex {
  private entries: AbortedTxn[] = [];

  get length(): number {
    return this.entries.length;
  }

  all(): readonly AbortedTxn[] {
    return this.entries;
  }

  append(t: AbortedTxn): void {
    // Kafka refuses an entry whose lastOffset is not after the previous one: markers are appended in order.
    const last = this.entries[this.entries.length - 1];
    if (last && t.lastOffset <= last.lastOffset) {
      throw new Error(`aborted transaction at ${t.lastOffset} is not after the last one at ${last.lastOffset}`);
    }
    this.entries.push({ producerId: t.producerId, firstOffset: t.firstOffset, lastOffset: t.lastOffset, lastStableOffset: t.lastStableOffset });
  }

  clear(): void {
    this.entries = [];
  }

  /** Entries overlapping [fetchOffset, upperBoundOffset) (Kafka's TransactionIndex.collectAbortedTxns). */
  collect(fetchOffset: number, upperBoundOffset: number): AbortedTxnSearch {
    const aborted: AbortedTxn[] = [];
    for (const t of this.entries) {
      if (t.lastOffset >= fetchOffset && t.firstOffset < upperBoundOffset) aborted.push(t);
      if (t.lastStableOffset >= upperBoundOffset) return { aborted, complete: true };
    }
    return { aborted, complete: false };
  }

  toBuffer(): Buffer {
    const b = Buffer.alloc(this.entries.length * ABORTED_TXN_ENTRY_SIZE);
    this.entries.forEach((t, i) => {
      const at = i * ABORTED_TXN_ENTRY_SIZE;
      b.writeInt16BE(ENTRY_VERSION, at);
      writeInt64(b, at + 2, t.producerId);
      writeInt64(b, at + 10, t.firstOffset);
      writeInt64(b, at + 18, t.lastOffset);
      writeInt64(b, at + 26, t.lastStableOffset);
    });
    return b;
  }

  equals(other: TransactionIndex): boolean {
    return this.toBuffer().equals(other.toBuffer());
  }

  /**
   * Parses a `.txnindex` file; a reason string when the bytes cannot be one (a partial entry, an
   * unknown entry version, offsets that do not make sense), so the caller rebuilds it from the log.
   */
  static fromBuffer(b: Buffer): TransactionIndex | string {
    if (b.length % ABORTED_TXN_ENTRY_SIZE !== 0) return `its size ${b.length} is not a multiple of ${ABORTED_TXN_ENTRY_SIZE}`;
    const idx = new TransactionIndex();
    for (let at = 0; at < b.length; at += ABORTED_TXN_ENTRY_SIZE) {
      const version = b.readInt16BE(at);
      if (version !== ENTRY_VERSION) return `entry ${at / ABORTED_TXN_ENTRY_SIZE} has version ${version}`;
      const t: AbortedTxn = {
        producerId: readInt64(b, at + 2),
        firstOffset: readInt64(b, at + 10),
        lastOffset: readInt64(b, at + 18),
        lastStableOffset: readInt64(b, at + 26),
      };
      const last = idx.entries[idx.entries.length - 1];
      const ordered = !last || t.lastOffset > last.lastOffset;
      const sane = t.producerId >= 0 && t.firstOffset >= 0 && t.lastOffset >= t.firstOffset && t.lastStableOffset > t.firstOffset && ordered;
      if (!sane || !Number.isSafeInteger(t.lastStableOffset)) return `entry ${at / ABORTED_TXN_ENTRY_SIZE} is implausible`;
      idx.entries.push(t);
    }
    return idx;
  }
}
