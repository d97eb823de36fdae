/**
 * Time index in Kafka's layout: 12-byte entries of (timestamp int64, relative offset int32),
 * big-endian. An entry (T, o) says: the largest timestamp among batches up to the one at offset o
 * is T, so a search for timestamp t may start at the last entry with T < t. Entries are only added
 * when the running maximum grows, so timestamps and offsets both increase.
 */
export const TIME_INDEX_ENTRY_SIZE = 12;

export class TimeIndex {
  private ts: Float64Array;
  private rel: Int32Array;
  private n = 0;

  constructor(capacity = 64) {
    this.ts = new Float64Array(capacity);
    this.rel = new Int32Array(capacity);
  }

  get length(): number {
    return this.n;
  }

  lastEntry(): { timestamp: number; relOffset: number } | undefined {
    return this.n ? { timestamp: this.ts[this.n - 1]!, relOffset: this.rel[this.n - 1]! } : undefined;
  }

  /** Appends when `timestamp` is larger than the last entry's (Kafka's maybeAppend). */
  maybeAppend(timestamp: number, relOffset: number): void {
    if (this.n && (timestamp <= this.ts[this.n - 1]! || relOffset < this.rel[this.n - 1]!)) return;
    if (this.n === this.ts.length) {
      const t = new Float64Array(this.n * 2);
      t.set(this.ts);
      this.ts = t;
      const r = new Int32Array(this.n * 2);
      r.set(this.rel);
      this.rel = r;
    }
    this.ts[this.n] = timestamp;
    this.rel[this.n] = relOffset;
    this.n++;
  }

  /** The relative offset of the last entry whose timestamp is < `timestamp`, or 0 if none. */
  startFor(timestamp: number): number {
    let lo = 0;
    let hi = this.n - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ts[mid]! < timestamp) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? 0 : this.rel[found]!;
  }

  /** Calls fn for each entry whose relative offset is >= relOffset, in order. */
  forEachFrom(relOffset: number, fn: (timestamp: number, relOffset: number) => void): void {
    for (let i = 0; i < this.n; i++) if (this.rel[i]! >= relOffset) fn(this.ts[i]!, this.rel[i]!);
  }

  /** The entry a search for `timestamp` starts from (see startFor), with its timestamp; undefined if none. */
  entryFor(timestamp: number): { timestamp: number; relOffset: number } | undefined {
    let lo = 0;
    let hi = this.n - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ts[mid]! < timestamp) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? undefined : { timestamp: this.ts[found]!, relOffset: this.rel[found]! };
  }

  toBuffer(): Buffer {
    const b = Buffer.allocUnsafe(this.n * TIME_INDEX_ENTRY_SIZE);
    for (let i = 0; i < this.n; i++) {
      b.writeBigInt64BE(BigInt(this.ts[i]!), i * 12);
      b.writeInt32BE(this.rel[i]!, i * 12 + 8);
    }
    return b;
  }

  static fromBuffer(b: Buffer): TimeIndex | undefined {
    if (b.length % TIME_INDEX_ENTRY_SIZE !== 0) return undefined;
    const n = b.length / TIME_INDEX_ENTRY_SIZE;
    const idx = new TimeIndex(Math.max(64, n));
    for (let i = 0; i < n; i++) {
      const t = Number(b.readBigInt64BE(i * 12));
      const r = b.readInt32BE(i * 12 + 8);
      if (r < 0) return undefined;
      if (i > 0 && (t <= idx.ts[i - 1]! || r < idx.rel[i - 1]!)) return undefined;
      idx.ts[i] = t;
      idx.rel[i] = r;
    }
    idx.n = n;
    return idx;
  }
}
