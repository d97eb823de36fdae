/**
 * Kafka's framing: every request and response on the wire is an int32 size N followed by N bytes
 * (clients/src/main/java/org/apache/kafka/common/network/NetworkReceive.java). One splitter for
 * both directions — the broker reading requests, our client reading responses, the test and bench
 * helpers.
 *
 *   const splitter = new FrameSplitter(maxBytes);
 *   socket.on('data', (d) => { for (const body of splitter.push(d)) handle(body); });   // throws FrameSizeError
 *   socket.write(frame(body));
 *
 * As in NetworkReceive, a negative size or one over the limit is refused as soon as the four size
 * bytes are in, before anything is allocated for the body (the broker's limit is
 * socket.request.max.bytes). Chunks are only joined once a whole frame is there, and a frame that
 * lies inside one chunk is a view of it, so a large answer arriving in many chunks is copied once.
 *
 * The broker passes `admit`, asked once per frame as soon as its size is known (Kafka's
 * NetworkReceive asks its MemoryPool at the same point): while it answers false the splitter
 * returns no further frame and keeps what it has; the next `push` (an empty one will do) asks
 * again. The caller stops reading the socket meanwhile, so the bytes of a frame are not buffered
 * before its size is known to fit.
 */

/** A frame's size prefix is negative or over the limit: the stream cannot be trusted any more. */
export class FrameSizeError extends Error {
  constructor(
    readonly size: number,
    readonly max: number,
  ) {
    super(size < 0 ? `invalid frame size ${size}` : `frame of ${size} bytes exceeds the limit of ${max} bytes`);
    this.name = 'FrameSizeError';
  }
}

export class FrameSplitter {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** The size of the frame being read, -1 while its size prefix is not complete. */
  private expected = -1;

  /** The frame whose size is known has not been admitted yet. */
  private blocked = false;

  constructor(
    private readonly maxFrameBytes: number,
    private readonly admit?: (size: number) => boolean,
  ) {}

  /** True while the next frame's size is known but `admit` has not accepted it yet. */
  get waiting(): boolean {
    return this.blocked;
  }

  /** True while part of a frame (its size prefix or body) has arrived but not all of it. */
  get midFrame(): boolean {
    return this.expected >= 0 || this.buffered > 0;
  }

  /** Feeds stream data; returns the frame bodies (without their size) now complete. Throws FrameSizeError. */
  push(data: Buffer): Buffer[] {
    if (data.length > 0) {
      this.chunks.push(data);
      this.buffered += data.length;
    }
    const frames: Buffer[] = [];
    for (;;) {
      if (this.expected < 0) {
        if (this.buffered < 4) break;
        const size = this.take(4).readInt32BE(0);
        if (size < 0 || size > this.maxFrameBytes) throw new FrameSizeError(size, this.maxFrameBytes);
        this.expected = size;
        this.blocked = this.admit !== undefined;
      }
      if (this.blocked) {
        if (!this.admit!(this.expected)) break;
        this.blocked = false;
      }
      if (this.buffered < this.expected) break;
      frames.push(this.take(this.expected));
      this.expected = -1;
    }
    return frames;
  }

  private take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
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

/**
 * Fills in the size prefix of a frame written with four placeholder bytes first
 * (`w.int32(0); ...; sizeFrame(w.toBuffer())`), and returns it.
 */
export function sizeFrame(buf: Buffer): Buffer {
  buf.writeInt32BE(buf.length - 4, 0);
  return buf;
}
