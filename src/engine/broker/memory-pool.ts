/**
 * The bytes the broker holds for requests in flight, across all connections, are bounded by
 * queued.max.request.bytes, as Kafka's SocketServer bounds them with a SimpleMemoryPool
 * (clients/src/main/java/org/apache/kafka/common/memory/SimpleMemoryPool.java, created in
 * core/src/main/scala/kafka/network/SocketServer.scala). A connection reserves a frame's whole size
 * as soon as its four size bytes are in (NetworkReceive allocates from the pool at the same point),
 * so a frame that got its memory can always be read to the end and memory is never promised to
 * two frames that can each only finish if the other gives way. A connection whose next frame does
 * not fit stops reading its socket and waits here; each release wakes the waiters that now fit, in
 * the order they began to wait (first fit: a small request is not held back behind a large one).
 *
 * Kafka's pool is non-strict (it hands out a buffer while any memory is left, so usage may reach
 * twice the size); this one is strict, so `used` never exceeds `size`. A size <= 0 means unbounded,
 * as Kafka's MemoryPool.NONE for queued.max.request.bytes=-1.
 */
export interface MemoryWaiter {
  /** Called when memory was released; returns true once this waiter no longer waits. */
  retry(): boolean;
}

export class MemoryPool {
  private usedBytes = 0;
  private readonly waiters = new Set<MemoryWaiter>();
  private waking = false;
  private releasedWhileWaking = false;

  constructor(readonly size: number) {}

  get bounded(): boolean {
    return this.size > 0;
  }

  get used(): number {
    return this.usedBytes;
  }

  get waiting(): number {
    return this.waiters.size;
  }

  /** Whether a frame of `n` bytes could ever be held (false: refuse it, waiting would never end). */
  canEverHold(n: number): boolean {
    return !this.bounded || n <= this.size;
  }

  tryReserve(n: number): boolean {
    if (this.bounded && this.usedBytes + n > this.size) return false;
    this.usedBytes += n;
    return true;
  }

  release(n: number): void {
    if (n <= 0) return;
    this.usedBytes -= n;
    if (this.usedBytes < 0) throw new Error(`memory pool released more than it handed out (${this.usedBytes})`);
    this.wake();
  }

  wait(w: MemoryWaiter): void {
    this.waiters.add(w);
  }

  forget(w: MemoryWaiter): void {
    this.waiters.delete(w);
  }

  private wake(): void {
    // A waiter's retry may release memory again (a connection closing); one pass at a time, and
    // another pass when that happened.
    if (this.waking) {
      this.releasedWhileWaking = true;
      return;
    }
    this.waking = true;
    try {
      do {
        this.releasedWhileWaking = false;
        for (const w of [...this.waiters]) {
          if (this.waiters.has(w) && w.retry()) this.waiters.delete(w);
        }
      } while (this.releasedWhileWaking && this.waiters.size > 0);
    } finally {
      this.waking = false;
    }
  }
}
