/**
 * The TCP side of the broker. Each connection has a frame splitter and a FIFO of requests that
 * are handled one at a time, so responses leave in request order (Java, kafka-python, sarama and
 * franz-go require that) and a parked JoinGroup or long-poll Fetch holds back later requests on
 * the same socket exactly as Kafka's muted channels do. Anything malformed closes that one
 * connection; the server keeps serving everyone else.
 */
import net from 'node:net';
import { FrameSizeError, FrameSplitter } from '../protocol/frame.js';
import { CloseConnection, type Dispatcher } from './dispatch.js';
import type { ConnectionInfo } from './handler.js';
import { DecodeError } from '../protocol/reader.js';

import type { Logger } from './log-level.js';

export type { Logger };

export interface ServerOptions {
  maxFrameBytes: number;
  logger: Logger;
}

/** Stop reading from a socket while this many requests wait, so memory stays bounded. */
const MAX_QUEUED = 64;

class Connection {
  private readonly splitter: FrameSplitter;
  private readonly queue: Buffer[] = [];
  private running = false;
  private closed = false;
  idle: Promise<void> = Promise.resolve();
  private resolveIdle: (() => void) | null = null;

  constructor(
    private readonly socket: net.Socket,
    private readonly info: ConnectionInfo,
    private readonly dispatcher: Dispatcher<unknown>,
    private readonly opts: ServerOptions,
  ) {
    this.splitter = new FrameSplitter(opts.maxFrameBytes);
    socket.setNoDelay(true);
    socket.on('data', (d) => this.onData(d));
    // When the peer goes away, requests that already arrived whole are still carried out (an
    // acks=0 producer may send and disconnect at once); only their answers are dropped.
    socket.on('error', () => this.peerGone());
    socket.on('close', () => this.peerGone());
  }

  private onData(data: Buffer): void {
    if (this.closed) return;
    let frames: Buffer[];
    try {
      frames = this.splitter.push(data);
    } catch (err) {
      const why = err instanceof FrameSizeError ? `${err.message} (socket.request.max.bytes)` : String(err);
      this.fail(`malformed input: ${why}`);
      return;
    }
    if (frames.length === 0) return;
    this.queue.push(...frames);
    if (this.queue.length >= MAX_QUEUED) this.socket.pause();
    if (!this.running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    this.idle = new Promise((res) => (this.resolveIdle = res));
    try {
      while (this.queue.length > 0) {
        const frame = this.queue.shift()!;
        if (this.queue.length < MAX_QUEUED / 2 && this.socket.isPaused()) this.socket.resume();
        try {
          const { chunks } = await this.dispatcher.dispatch(frame, this.info);
          if (chunks && !this.closed) this.write(chunks);
        } catch (err) {
          this.queue.length = 0;
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
    if (!this.running) this.queue.length = 0;
  }

  /** Malformed or unsupported input: the client sees only the socket close, so the log says why (INFO). */
  private fail(reason: string): void {
    this.opts.logger.info(`Closing connection ${this.info.id} from ${this.info.clientHost}: ${reason}`);
    this.close();
  }

  close(): void {
    this.closed = true;
    this.queue.length = 0;
    this.socket.destroy();
  }
}

export class BrokerServer {
  private readonly server: net.Server;
  private readonly connections = new Set<Connection>();
  private nextId = 1;

  constructor(dispatcher: Dispatcher<unknown>, opts: ServerOptions) {
    this.server = net.createServer((socket) => {
      const host = socket.remoteAddress?.replace(/^::ffff:/, '') ?? 'unknown';
      const conn = new Connection(socket, { clientHost: `/${host}`, id: this.nextId++ }, dispatcher, opts);
      opts.logger.debug(`Accepted connection ${this.nextId - 1} from /${host}`);
      this.connections.add(conn);
      socket.on('close', () => this.connections.delete(conn));
    });
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
