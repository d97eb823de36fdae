/**
 * Growable big-endian writer that produces a list of chunks.
 *
 * Small fields are written into a scratch buffer; large byte blobs (record batches in Fetch
 * responses) are appended by reference, so serving a fetch never copies the batch bytes again
 * before they reach the socket.
 */
const ZERO_COPY_THRESHOLD = 4096;
const TWO_32 = 2 ** 32;

export class Writer {
  private chunks: Buffer[] = [];
  private buf: Buffer;
  private pos = 0;
  private flushedLength = 0;

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  get length(): number {
    return this.flushedLength + this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const size = Math.max(this.buf.length * 2, this.pos + n, 256);
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }

  int8(v: number): this {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos);
    this.pos += 1;
    return this;
  }

  int16(v: number): this {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  uint16(v: number): this {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  int32(v: number): this {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  uint32(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
    return this;
  }

  /** int64 from an exact integer; callers with untrusted numbers check Number.isSafeInteger first (codec.ts does). */
  int64(v: number): this {
    if (!Number.isSafeInteger(v)) throw new RangeError(`int64 value ${v} is beyond ±(2^53-1)`);
    this.ensure(8);
    const hi = Math.floor(v / TWO_32);
    const lo = v - hi * TWO_32;
    this.buf.writeInt32BE(hi | 0, this.pos);
    this.buf.writeUInt32BE(lo >>> 0, this.pos + 4);
    this.pos += 8;
    return this;
  }

  float64(v: number): this {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
    return this;
  }

  uuid(hex: string): this {
    this.ensure(16);
    const b = Buffer.from(hex.replace(/-/g, '').padStart(32, '0'), 'hex');
    b.copy(this.buf, this.pos);
    this.pos += 16;
    return this;
  }

  uvarint(v: number): this {
    this.ensure(5);
    let x = v >>> 0;
    while (x >= 0x80) {
      this.buf[this.pos++] = (x & 0x7f) | 0x80;
      x >>>= 7;
    }
    this.buf[this.pos++] = x;
    return this;
  }

  varint(v: number): this {
    return this.uvarint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  varlong(v: number): this {
    this.ensure(10);
    if (v < -(2 ** 52)) {
      // -2v-1 is not exact in a double beyond 2^53: take the zigzag form with bigint arithmetic.
      let zb = (BigInt(-v) << 1n) - 1n;
      while (zb >= 0x80n) {
        this.buf[this.pos++] = Number(zb & 0x7fn) | 0x80;
        zb >>= 7n;
      }
      this.buf[this.pos++] = Number(zb);
      return this;
    }
    let z = v >= 0 ? v * 2 : -v * 2 - 1;
    while (z >= 0x80) {
      this.buf[this.pos++] = (z % 128) | 0x80;
      z = Math.floor(z / 128);
    }
    this.buf[this.pos++] = z;
    return this;
  }

  raw(b: Uint8Array): this {
    if (b.length >= ZERO_COPY_THRESHOLD) {
      this.flushScratch();
      this.chunks.push(Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.length));
      this.flushedLength += b.length;
      return this;
    }
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  private utf8(s: string): Buffer {
    return Buffer.from(s, 'utf8');
  }

  nullableString(s: string | null | undefined): this {
    if (s == null) return this.int16(-1);
    const b = this.utf8(s);
    return this.int16(b.length).raw(b);
  }

  compactNullableString(s: string | null | undefined): this {
    if (s == null) return this.uvarint(0);
    const b = this.utf8(s);
    return this.uvarint(b.length + 1).raw(b);
  }

  nullableBytes(b: Uint8Array | null | undefined): this {
    if (b == null) return this.int32(-1);
    return this.int32(b.length).raw(b);
  }

  compactNullableBytes(b: Uint8Array | null | undefined): this {
    if (b == null) return this.uvarint(0);
    return this.uvarint(b.length + 1).raw(b);
  }

  arrayLength(n: number | null, compact: boolean): this {
    if (n == null) return compact ? this.uvarint(0) : this.int32(-1);
    return compact ? this.uvarint(n + 1) : this.int32(n);
  }

  private flushScratch(): void {
    if (this.pos === 0) return;
    this.chunks.push(this.buf.subarray(0, this.pos));
    this.flushedLength += this.pos;
    this.buf = this.buf.subarray(this.pos);
    this.pos = 0;
    if (this.buf.length < 64) this.buf = Buffer.allocUnsafe(256);
  }

  /** The written bytes as chunks (for socket writev); large blobs are not copied. */
  toChunks(): Buffer[] {
    this.flushScratch();
    return this.chunks;
  }

  /** The written bytes as one buffer (copies when there is more than one chunk). */
  toBuffer(): Buffer {
    const chunks = this.toChunks();
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.flushedLength);
  }
}
