/**
 * A byte buffer records are formatted straight into, handed to stdout in large chunks: one write
 * per ~1 MiB instead of a Buffer (or several) per record. `take()` gives the filled part away
 * and starts a fresh buffer, since a stream may still hold what it was given.
 */
const SIZE = 1 << 20;

export class OutBuffer {
  buf: Buffer;
  at = 0;

  constructor(private size = SIZE) {
    this.buf = Buffer.allocUnsafe(size);
  }

  get length(): number {
    return this.at;
  }

  /** Room for `n` more bytes. */
  reserve(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(bigger, 0, 0, this.at);
    this.buf = bigger;
    this.size = bigger.length; // the next buffers start this big: fetches come in a steady size
  }

  /** Appends src[start, start + len). */
  bytes(src: Buffer, start: number, len: number): void {
    this.reserve(len);
    const b = this.buf;
    let at = this.at;
    // Tiny fields: a loop is cheaper than Buffer#copy's native call (~100 ns); from ~32 bytes on it is not.
    if (len < 32) for (let i = 0; i < len; i++) b[at++] = src[start + i]!;
    else {
      src.copy(b, at, start, start + len);
      at += len;
    }
    this.at = at;
  }

  buffer(src: Buffer): void {
    this.bytes(src, 0, src.length);
  }

  /** Appends text as UTF-8. */
  text(s: string): void {
    this.reserve(s.length * 3);
    this.at += this.buf.write(s, this.at, 'utf8');
  }

  /** The bytes so far, for the caller to keep: a copy when small, else the buffer itself (then replaced). */
  take(): Buffer {
    let out: Buffer;
    if (this.at < 65536) out = Buffer.from(this.buf.subarray(0, this.at));
    else {
      out = this.buf.subarray(0, this.at);
      this.buf = Buffer.allocUnsafe(this.size);
    }
    this.at = 0;
    return out;
  }
}
