/**
 * The TCP side of the broker. Each connection has a frame splitter and a FIFO of requests that
 * are handled one at a time, so responses leave in request order (Java, kafka-python, sarama and
 * franz-go require that) and a parked JoinGroup or long-poll Fetch holds back later requests on
 * the same socket exactly as Kafka's muted channels do. Anything malformed closes that one
 * connection; the server keeps serving everyone else.
 *
 * The bytes of requests in flight (being read, queued, being handled) are charged to one
 * MemoryPool for all connections (queued.max.request.bytes): a connection whose next frame does
 * not fit stops reading until memory is released, a frame larger than the whole pool closes the
 * connection, and a closed connection gives back everything it held. A connection that has sent
 * part of a frame and then nothing for connections.max.idle.ms is closed, so a peer cannot hold
 * memory forever by never finishing a request (Kafka's Selector closes idle connections after
 * connections.max.idle.ms as well).
 */
import net from 'node:net';
import { FrameSizeError, FrameSplitter } from '../protocol/frame.js';
import { CloseConnection, type Dispatcher } from './dispatch.js';
import type { ConnectionInfo } from './handler.js';
import { DecodeError } from '../protocol/reader.js';
import { MemoryPool, type MemoryWaiter } from './memory-pool.js';

import type { Logger } from './log-level.js';

export type { Logger };

export interface ServerOptions {
  maxFrameBytes: number;
  logger: Logger;
  /** queued.max.request.bytes: the bytes held for requests in flight across all connections; <= 0 is unbounded. */
  queuedMaxRequestBytes?: number;
  /** connections.max.idle.ms: close a connection holding part of a frame that sent nothing for this long; <= 0 never. */
  connectionsMaxIdleMs?: number;
}

/** What the pool of request memory holds now (the broker's own accounting, for tests and the soak). */
export interface RequestMemory {
  size: number;
  used: number;
  /** Connections not reading because their next frame does not fit. */
  waiting: number;
  connections: number;
}

/** A frame that could never fit in the pool: waiting for it would never end. */
class FrameTooLargeForPool extends Error {
  constructor(size: number, pool: number) {
    super(`frame of ${size} bytes exceeds the memory for requests in flight of ${pool} bytes (queued.max.request.bytes)`);
  }
}

/** Stop reading from a socket while this many requests wait, so memory stays bounded. */
const MAX_QUEUED = 64;

class Connection implements MemoryWaiter {
  private readonly splitter: FrameSplitter;
  private readonly queue: Buffer[] = [];
  private running = false;
  private closed = false;
  /** Bytes this connection has reserved in the pool: the frame being read, the queue, the frame being handled. */
  private held = 0;
  /** The size of the frame being handled (released when its handler is done, even after a close). */
  private handling = 0;
  private idleTimer: NodeJS.Timeout | null = null;
  idle: Promise<void> = Promise.resolve();
  private resolveIdle: (() => void) | null = null;

  constructor(
    private readonly socket: net.Socket,
    private readonly info: ConnectionInfo,
    private readonly dispatcher: Dispatcher<unknown>,
    private readonly opts: ServerOptions,
    private readonly pool: MemoryPool,
  ) {
    this.splitter = new FrameSplitter(opts.maxFrameBytes, (size) => this.admit(size));
    socket.setNoDelay(true);
    socket.on('data', (d) => this.onData(d));
    // When the peer goes away, requests that already arrived whole are still carried out (an
    // acks=0 producer may send and disconnect at once); only their answers are dropped.
    socket.on('error', () => this.peerGone());
    socket.on('close', () => this.peerGone());
  }

  private admit(size: number): boolean {
    if (!this.pool.canEverHold(size)) throw new FrameTooLargeForPool(size, this.pool.size);
    if (!this.pool.tryReserve(size)) return false;
    this.held += size;
    return true;
  }

  private onData(data: Buffer): void {
    if (this.closed) return;
    this.take(data);
  }

  /** The pool released memory: try the frame this connection waits for again. True when it no longer waits. */
  retry(): boolean {
    if (this.closed) return true;
    this.take(Buffer.alloc(0));
    return this.closed || !this.splitter.waiting;
  }

  private take(data: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.splitter.push(data);
    } catch (err) {
      if (err instanceof FrameTooLargeForPool) this.fail(err.message);
      else this.fail(`malformed input: ${err instanceof FrameSizeError ? `${err.message} (socket.request.max.bytes)` : String(err)}`);
      return;
    }
    if (this.splitter.waiting) this.pool.wait(this);
    this.queue.push(...frames);
    this.updateFlow();
    if (frames.length > 0 && !this.running) void this.drain();
  }

  /**
   * Reads the socket only while the queue has room and the next frame's memory is not awaited;
   * the idle clock runs only while the peer owes us the rest of a frame we are willing to read.
   */
  private updateFlow(): void {
    if (this.closed) return;
    const stop = this.splitter.waiting || this.queue.length >= MAX_QUEUED;
    const go = !this.splitter.waiting && this.queue.length < MAX_QUEUED / 2;
    if (stop && !this.socket.isPaused()) this.socket.pause();
    else if (go && this.socket.isPaused()) this.socket.resume();
    const idleMs = this.opts.connectionsMaxIdleMs ?? 0;
    if (idleMs > 0 && this.splitter.midFrame && !this.socket.isPaused()) {
      if (this.idleTimer) this.idleTimer.refresh();
      else {
        this.idleTimer = setTimeout(() => this.fail(`idle for ${idleMs} ms in the middle of a request (connections.max.idle.ms)`), idleMs);
        this.idleTimer.unref();
      }
    } else this.stopIdleTimer();
  }

  private stopIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  private async drain(): Promise<void> {
    this.running = true;
    this.idle = new Promise((res) => (this.resolveIdle = res));
    try {
      while (this.queue.length > 0) {
        const frame = this.queue.shift()!;
        this.handling = frame.length;
        this.updateFlow();
        try {
          const { chunks } = await this.dispatcher.dispatch(frame, this.info);
          this.handled();
          if (chunks && !this.closed) this.write(chunks);
        } catch (err) {
          this.handled();
          this.dropQueue();
          if (err instanceof CloseConnection) {
            this.fail(err.message);
          } else if (err instanceof DecodeError) {
            this.fail(`malformed request: ${err.message}`);
          } else {
            // A handler exception is a bug: say so loudly, but only this connection pays.
            this.opts.logger.warn(`internal error on connection ${this.info.id}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
            this.close();
          }
          return;
        }
      }
    } finally {
      this.running = false;
      this.resolveIdle?.();
      this.resolveIdle = null;
    }
  }

  /** The handler is done with its frame: its memory goes back to the pool. */
  private handled(): void {
    const n = this.handling;
    this.handling = 0;
    this.held -= n;
    this.pool.release(n);
  }

  /** Gives back the memory of every frame not being handled (queued, or being read). */
  private dropQueue(): void {
    this.queue.length = 0;
    const n = this.held - this.handling;
    this.held -= n;
    this.pool.release(n);
  }

  private write(chunks: Buffer[]): void {
    if (chunks.length === 1) {
      this.socket.write(chunks[0]!);
      return;
    }
    this.socket.cork();
    for (const c of chunks) this.socket.write(c);
    this.socket.uncork();
  }

  private peerGone(): void {
    this.dispatcher.connectionClosed(this.info);
    if (this.closed) return;
    this.opts.logger.debug(`Connection ${this.info.id} from ${this.info.clientHost} closed by the client`);
    this.closed = true;
    this.stopIdleTimer();
    this.pool.forget(this);
    // A frame read only in part will never be finished: its memory goes back now. Whole frames
    // already queued are still carried out (see above) and give theirs back as they are handled.
    if (!this.running) this.dropQueue();
    else if (this.splitter.midFrame) this.releasePartial();
  }

  private releasePartial(): void {
    const queued = this.queue.reduce((n, f) => n + f.length, 0);
    const n = this.held - this.handling - queued;
    this.held -= n;
    this.pool.release(n);
  }

  /** Malformed or unsupported input: the client sees only the socket close, so the log says why (INFO). */
  private fail(reason: string): void {
    this.opts.logger.info(`Closing connection ${this.info.id} from ${this.info.clientHost}: ${reason}`);
    this.close();
  }

  close(): void {
    this.closed = true;
    this.stopIdleTimer();
    this.pool.forget(this);
    this.dropQueue();
    this.socket.destroy();
  }
}

export class BrokerServer {
  private readonly server: net.Server;
  private readonly connections = new Set<Connection>();
  private nextId = 1;
  private readonly pool: MemoryPool;

  constructor(dispatcher: Dispatcher<unknown>, opts: ServerOptions) {
    this.pool = new MemoryPool(opts.queuedMaxRequestBytes ?? -1);
    this.server = net.createServer((socket) => {
      const host = socket.remoteAddress?.replace(/^::ffff:/, '') ?? 'unknown';
      const conn = new Connection(socket, { clientHost: `/${host}`, id: this.nextId++ }, dispatcher, opts, this.pool);
      opts.logger.debug(`Accepted connection ${this.nextId - 1} from /${host}`);
      this.connections.add(conn);
      socket.on('close', () => this.connections.delete(conn));
    });
  }

  requestMemory(): RequestMemory {
    return { size: this.pool.size, used: this.pool.used, waiting: this.pool.waiting, connections: this.connections.size };
  }

  listen(host: string, port: number): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen({ host, port, exclusive: true }, () => {
        this.server.off('error', onError);
        const a = this.server.address() as net.AddressInfo;
        resolve({ host: a.address, port: a.port });
      });
    });
  }

  /** Stops accepting, lets each connection finish the request it is handling, then closes. */
  async close(graceMs = 2000): Promise<void> {
    const closed = new Promise<void>((res) => this.server.close(() => res()));
    const idle = Promise.all([...this.connections].map((c) => c.idle));
    await Promise.race([idle, new Promise((r) => setTimeout(r, graceMs).unref())]);
    for (const c of this.connections) c.close();
    await closed;
  }
}
