/**
 * Splits a TCP byte stream into Kafka frames (int32 size + body). The size is checked against
 * socket.request.max.bytes before anything is allocated; chunks are only concatenated once a
 * whole frame is there, so a slow sender never causes quadratic copying.
 */
export class FrameTooLargeError extends Error {
  constructor(readonly size: number, readonly max: number) {
    super(`frame of ${size} bytes exceeds socket.request.max.bytes (${max})`);
  }
}

export class FrameSplitter {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private expected = -1;

  constructor(private readonly maxFrameBytes: number) {}

  /** Feeds socket data; returns the complete frame bodies now available. Throws on a bad size. */
  push(data: Buffer): Buffer[] {
    this.chunks.push(data);
    this.buffered += data.length;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.expected < 0) {
        if (this.buffered < 4) break;
        const head = this.take(4);
        const size = head.readInt32BE(0);
        if (size < 0 || size > this.maxFrameBytes) throw new FrameTooLargeError(size, this.maxFrameBytes);
        this.expected = size;
      }
      if (this.buffered < this.expected) break;
      frames.push(this.take(this.expected));
      this.expected = -1;
    }
    return frames;
  }

  get pendingBytes(): number {
    return this.buffered;
  }

  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.buffered -= n;
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0]!;
      const need = n - filled;
      if (c.length <= need) {
        c.copy(out, filled);
        filled += c.length;
        this.chunks.shift();
      } else {
        c.copy(out, filled, 0, need);
        this.chunks[0] = c.subarray(need);
        filled += need;
      }
    }
    this.buffered -= n;
    return out;
  }
}
