/**
 * Sparse offset index in Kafka's on-disk layout: 8-byte entries of (offset relative to the segment
 * base: int32, byte position of the batch in the .log: int32), big-endian, no header, no checksum.
 * Held in memory while the segment is open and written out when the segment is rolled or closed;
 * after an unclean stop it is rebuilt from the log, never trusted.
 */
export const OFFSET_INDEX_ENTRY_SIZE = 8;

export class OffsetIndex {
  private rel: Int32Array;
  private pos: Int32Array;
  private n = 0;

  constructor(capacity = 64) {
    this.rel = new Int32Array(capacity);
    this.pos = new Int32Array(capacity);
  }

  get length(): number {
    return this.n;
  }

  lastEntry(): { relOffset: number; position: number } | undefined {
    return this.n ? { relOffset: this.rel[this.n - 1]!, position: this.pos[this.n - 1]! } : undefined;
  }

  append(relOffset: number, position: number): void {
    if (this.n && (relOffset <= this.rel[this.n - 1]! || position <= this.pos[this.n - 1]!)) return;
    if (this.n === this.rel.length) {
      const r = new Int32Array(this.n * 2);
      r.set(this.rel);
      this.rel = r;
      const p = new Int32Array(this.n * 2);
      p.set(this.pos);
      this.pos = p;
    }
    this.rel[this.n] = relOffset;
    this.pos[this.n] = position;
    this.n++;
  }

  /** The entry with the largest relative offset <= relOffset, or (0, 0) when there is none. */
  lookup(relOffset: number): { relOffset: number; position: number } {
    let lo = 0;
    let hi = this.n - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.rel[mid]! <= relOffset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? { relOffset: 0, position: 0 } : { relOffset: this.rel[found]!, position: this.pos[found]! };
  }

  /** Calls fn for each entry whose position is >= position, in order. */
  forEachFrom(position: number, fn: (relOffset: number, position: number) => void): void {
    for (let i = 0; i < this.n; i++) if (this.pos[i]! >= position) fn(this.rel[i]!, this.pos[i]!);
  }

  toBuffer(): Buffer {
    const b = Buffer.allocUnsafe(this.n * OFFSET_INDEX_ENTRY_SIZE);
    for (let i = 0; i < this.n; i++) {
      b.writeInt32BE(this.rel[i]!, i * 8);
      b.writeInt32BE(this.pos[i]!, i * 8 + 4);
    }
    return b;
  }

  /**
   * Parses an index file; returns undefined if it cannot be right for a log of `logSize` bytes
   * (odd length, entries not increasing, positions past the end), so the caller rebuilds it.
   */
  static fromBuffer(b: Buffer, logSize: number): OffsetIndex | undefined {
    if (b.length % OFFSET_INDEX_ENTRY_SIZE !== 0) return undefined;
    const n = b.length / OFFSET_INDEX_ENTRY_SIZE;
    const idx = new OffsetIndex(Math.max(64, n));
    for (let i = 0; i < n; i++) {
      const r = b.readInt32BE(i * 8);
      const p = b.readInt32BE(i * 8 + 4);
      if (r < 0 || p < 0 || p >= logSize) return undefined;
      if (i > 0 && (r <= idx.rel[i - 1]! || p <= idx.pos[i - 1]!)) return undefined;
      idx.rel[i] = r;
      idx.pos[i] = p;
    }
    idx.n = n;
    return idx;
  }
}
