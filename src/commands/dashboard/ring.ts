/**
 * A fixed-size ring of samples: one timestamp column and N value columns in typed arrays, so an
 * hour of history for hundreds of series costs a few megabytes and no object per sample. NaN is
 * "no value" (a sample where the value was unknown).
 *
 *   const r = new Ring(1800, 2);
 *   r.push(Date.now(), [lag, committed]);
 *   r.since(Date.now() - 3_600_000)   // { t: number[], cols: number[][] }, oldest first
 */
export class Ring {
  /**
   * The times and the wide columns in one Float64Array, column after column, and the last
   * `narrow` columns as Float32 in the same buffer: one allocation per ring, where a typed array
   * per column cost 7,200 rings x 6 arrays at 6,000 partitions, each with its own JS object and
   * heap block. Narrow columns suit values that need no more than 7 significant digits (seconds
   * behind); offsets stay Float64 (exact to 2^53).
   */
  private readonly wide: Float64Array;
  private readonly thin: Float32Array;
  /** The first narrow column. */
  private readonly firstNarrow: number;
  /** Where the next sample goes. */
  private head = 0;
  private count = 0;

  constructor(
    readonly capacity: number,
    readonly width: number,
    narrow = 0,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
    if (!Number.isInteger(narrow) || narrow < 0 || narrow > width) throw new RangeError(`narrow columns must be from 0 to ${width}, got ${narrow}`);
    this.firstNarrow = width - narrow;
    const wideBytes = (this.firstNarrow + 1) * capacity * 8;
    const buf = new ArrayBuffer(wideBytes + narrow * capacity * 4);
    this.wide = new Float64Array(buf, 0, (this.firstNarrow + 1) * capacity);
    this.thin = new Float32Array(buf, wideBytes, narrow * capacity);
  }

  get length(): number {
    return this.count;
  }

  /** Bytes of samples this ring holds (its whole capacity). */
  get byteLength(): number {
    return this.wide.byteLength + this.thin.byteLength;
  }

  /** The newest sample's time, -Infinity when empty (no object made, unlike fromEnd). */
  get lastT(): number {
    return this.count === 0 ? -Infinity : this.wide[(this.head - 1 + this.capacity) % this.capacity]!;
  }

  push(t: number, values: ArrayLike<number>): void {
    const cap = this.capacity;
    this.wide[this.head] = t;
    for (let c = 0; c < this.width; c++) {
      const v = values[c] ?? NaN;
      if (c < this.firstNarrow) this.wide[(c + 1) * cap + this.head] = v;
      else this.thin[(c - this.firstNarrow) * cap + this.head] = v;
    }
    this.head = (this.head + 1) % cap;
    if (this.count < cap) this.count++;
  }

  /** Index into a column of the i-th oldest sample. */
  private index(i: number): number {
    return (this.head - this.count + i + this.capacity) % this.capacity;
  }

  /** The value of column `c` (-1: the time) at index `at`. */
  private at(c: number, at: number): number {
    return c < this.firstNarrow ? this.wide[(c + 1) * this.capacity + at]! : this.thin[(c - this.firstNarrow) * this.capacity + at]!;
  }

  /** The i-th sample counted from the newest (0 = newest), or undefined. */
  fromEnd(i: number): { t: number; values: number[] } | undefined {
    if (i < 0 || i >= this.count) return undefined;
    const at = this.index(this.count - 1 - i);
    return { t: this.at(-1, at), values: Array.from({ length: this.width }, (_, c) => this.at(c, at)) };
  }

  /** Samples with t >= `since`, oldest first. */
  since(since = -Infinity): { t: number[]; cols: number[][] } {
    const t: number[] = [];
    const cols: number[][] = Array.from({ length: this.width }, () => []);
    for (let i = 0; i < this.count; i++) {
      const at = this.index(i);
      const time = this.at(-1, at);
      if (time < since) continue;
      t.push(time);
      for (let c = 0; c < this.width; c++) cols[c]!.push(this.at(c, at));
    }
    return { t, cols };
  }

  /** The samples, oldest first, as one buffer: t then each column (Float64, little-endian as the host writes them). */
  toBuffer(): Buffer {
    const n = this.count;
    const out = new Float64Array(n * (this.width + 1));
    for (let i = 0; i < n; i++) {
      const at = this.index(i);
      for (let c = -1; c < this.width; c++) out[(c + 1) * n + i] = this.at(c, at);
    }
    return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  }

  /** A ring of `capacity` holding the newest samples of `buf` (as toBuffer wrote them, `n` samples). */
  static fromBuffer(buf: Buffer, n: number, width: number, capacity: number, narrow = 0): Ring {
    const r = new Ring(capacity, width, narrow);
    if (buf.length !== n * (width + 1) * 8) throw new RangeError(`ring data is ${buf.length} bytes, expected ${n * (width + 1) * 8}`);
    const f = new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
    const values = new Array<number>(width);
    for (let i = Math.max(0, n - capacity); i < n; i++) {
      for (let c = 0; c < width; c++) values[c] = f[(c + 1) * n + i]!;
      r.push(f[i]!, values);
    }
    return r;
  }
}
