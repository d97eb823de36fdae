/**
 * The perf producer's send path: records (null key, no headers) are written straight into
 * RecordBatch v2 buffers (no per-record objects), batches close at batch.size or linger.ms, and
 * ready batches go to their leaders with up to max.in.flight.requests.per.connection requests
 * outstanding per broker, one batch per partition per request (as Kafka's Sender drains). A
 * batch remembers each record's send time, so latency is per record, send() to acknowledgement,
 * as Kafka's PerfCallback measures it. Null keys use a sticky partitioner: a new partition per
 * batch, round-robin, like Kafka's built-in partitioner.
 *
 *   const s = new PerfSender(session, topic, settings, onAck, onError);
 *   await s.init();
 *   const blocked = s.append(payload, Date.now());   // a promise when buffer.memory is full
 *   if (blocked) await blocked;
 *   await s.flush();
 */
import type { Session } from '../../engine/client/connect.js';
import { KafkaResponseError, type ProtocolConnection } from '../../engine/client/protocol-client.js';
import type { Struct } from '../../engine/protocol/codec.js';
import { errorName } from '../../engine/protocol/error-codes.js';
import { crc32c } from '../../engine/protocol/crc32c.js';
import { COMPRESSION_TYPES, type CompressionName } from '../../engine/client/compression.js';
import { compress } from '../console-producer/batch.js';
import { CommandError } from '../../cli/errors.js';
import { TopicWait } from '../shared/topic-wait.js';

export interface SenderSettings {
  acks: number;
  compression: CompressionName;
  batchSize: number;
  lingerMs: number;
  maxInFlight: number;
  maxRequestSize: number;
  bufferMemory: number;
  requestTimeoutMs: number;
  retries: number;
  retryBackoffMs: number;
}

const HEADER = 61;
const RETRIABLE = new Set([3, 5, 6, 7, 13, 14, 15, 19, 20]);

function uvarintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

function writeVarint(b: Buffer, at: number, v: number): number {
  let z = v >= 0 ? v * 2 : -v * 2 - 1;
  while (z >= 0x80) {
    b[at++] = (z & 0x7f) | 0x80;
    z = Math.floor(z / 128);
  }
  b[at++] = z;
  return at;
}

/** One open or closed batch for one partition. */
class Batch {
  buf: Buffer;
  at = HEADER;
  count = 0;
  bytes = 0;
  readonly starts: number[] = [];
  readonly sizes: number[] = [];
  baseTimestamp = 0;
  maxTimestamp = 0;
  readonly createdAt: number;

  constructor(
    readonly partition: number,
    capacity: number,
    now: number,
  ) {
    this.buf = Buffer.allocUnsafe(capacity);
    this.createdAt = now;
  }

  /** Room for a record of this size (a record always fits an empty batch). */
  fits(valueLen: number, limit: number): boolean {
    return this.count === 0 || this.at + valueLen + 30 <= limit;
  }

  append(value: Buffer, ts: number): void {
    if (this.count === 0) this.baseTimestamp = ts;
    const tsDelta = ts - this.baseTimestamp;
    const bodyLen = 1 + uvarintSize(tsDelta * 2) + uvarintSize(this.count * 2) + 1 + uvarintSize(value.length * 2) + value.length + 1;
    const need = this.at + bodyLen + 5;
    if (need > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
      this.buf.copy(bigger, 0, 0, this.at);
      this.buf = bigger;
    }
    const b = this.buf;
    let at = writeVarint(b, this.at, bodyLen);
    b[at++] = 0; // attributes
    at = writeVarint(b, at, tsDelta);
    at = writeVarint(b, at, this.count);
    b[at++] = 1; // key: null (zigzag -1)
    at = writeVarint(b, at, value.length);
    value.copy(b, at);
    at += value.length;
    b[at++] = 0; // no headers
    this.at = at;
    this.count++;
    this.bytes += value.length;
    this.starts.push(ts);
    this.sizes.push(value.length);
    if (ts > this.maxTimestamp) this.maxTimestamp = ts;
  }

  /** The finished RecordBatch bytes (compressed when asked). */
  async seal(codec: CompressionName): Promise<Buffer> {
    let b = this.buf;
    let end = this.at;
    if (codec !== 'none') {
      const payload = await compress(codec, b.subarray(HEADER, this.at));
      b = Buffer.allocUnsafe(HEADER + payload.length);
      payload.copy(b, HEADER);
      end = HEADER + payload.length;
    }
    b.writeBigInt64BE(0n, 0);
    b.writeInt32BE(end - 12, 8);
    b.writeInt32BE(-1, 12);
    b[16] = 2;
    b.writeInt16BE(COMPRESSION_TYPES[codec], 21);
    b.writeInt32BE(this.count - 1, 23);
    b.writeBigInt64BE(BigInt(this.baseTimestamp), 27);
    b.writeBigInt64BE(BigInt(this.maxTimestamp), 35);
    b.writeBigInt64BE(-1n, 43);
    b.writeInt16BE(-1, 51);
    b.writeInt32BE(-1, 53);
    b.writeInt32BE(this.count, 57);
    b.writeUInt32BE(crc32c(b.subarray(21, end)), 17);
    return b.subarray(0, end);
  }
}

export type AckHandler = (batch: { starts: readonly number[]; sizes: readonly number[]; count: number }, now: number) => void;
export type ErrorHandler = (count: number, error: string) => void;

interface NodeQueue {
  ready: Batch[];
  inflight: number;
}

export class PerfSender {
  private partitions: Array<{ id: number; leader: number }> = [];
  private open: Batch | null = null;
  private nextPartition = Math.floor(Math.random() * 1e6);
  private nodes = new Map<number, NodeQueue>();
  private buffered = 0;
  private outstanding = 0;
  private waiters: Array<() => void> = [];
  private idleWaiters: Array<() => void> = [];
  private lingerTimer: NodeJS.Timeout | undefined;
  private fatal: Error | undefined;

  constructor(
    private readonly session: Session,
    private readonly topic: string,
    private readonly s: SenderSettings,
    private readonly onAck: AckHandler,
    private readonly onError: ErrorHandler,
  ) {}

  async init(): Promise<void> {
    await this.refreshMetadata(true);
  }

  private async refreshMetadata(first = false): Promise<void> {
    const cluster = await this.session.cluster();
    const wait = new TopicWait(cluster, { timeoutMs: first ? 60_000 : 2_000 });
    for (;;) {
      const md = await cluster.metadata([this.topic], { allowAutoTopicCreation: true });
      const t = (md.topics as Struct[])[0]!;
      const code = t.errorCode as number;
      const parts = (t.partitions as Struct[]) ?? [];
      if (code === 0 && parts.length > 0 && parts.every((p) => (p.leaderId as number) >= 0)) {
        this.partitions = parts.map((p) => ({ id: p.partitionIndex as number, leader: p.leaderId as number })).sort((a, b) => a.id - b.id);
        return;
      }
      if (code === 17) throw new CommandError(`org.apache.kafka.common.errors.InvalidTopicException: Invalid topic name '${this.topic}'`);
      const stop = await wait.next(code);
      if (stop === 'no-auto-create' || (stop === 'timeout' && code === 3)) {
        throw new CommandError(
          `Topic '${this.topic}' does not exist and the broker does not create topics automatically. Create it with: mq-topics --create --topic ${this.topic}`,
        );
      }
      if (stop === 'timeout') throw new CommandError(`Could not get metadata for topic '${this.topic}': ${errorName(code)}`);
    }
  }

  private leaderOf(partition: number): number {
    return this.partitions.find((p) => p.id === partition)?.leader ?? -1;
  }

  /**
   * Adds one record (null key) sent at `ts`. Returns a promise only when the caller must wait
   * (buffer.memory full, like KafkaProducer.send blocking), else undefined.
   */
  append(value: Buffer, ts: number): Promise<void> | undefined {
    if (this.fatal) throw this.fatal;
    let b = this.open;
    if (b && !b.fits(value.length, this.s.batchSize)) {
      this.close();
      b = null;
    }
    if (!b) {
      const n = this.partitions.length;
      const partition = this.partitions[this.nextPartition++ % n]!.id;
      b = this.open = new Batch(partition, Math.max(this.s.batchSize, HEADER + value.length + 32), ts);
      if (this.s.lingerMs > 0) this.armLinger();
    }
    b.append(value, ts);
    this.buffered += value.length + 8;
    if (b.at + 30 >= this.s.batchSize) this.close();
    else if (this.s.lingerMs === 0) this.kickLinger();
    if (this.buffered >= this.s.bufferMemory) return new Promise<void>((r) => this.waiters.push(r));
    return undefined;
  }

  private armLinger(): void {
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = setTimeout(() => {
      this.lingerTimer = undefined;
      if (this.open) this.close();
    }, this.s.lingerMs);
  }

  /** linger.ms=0: the open batch goes out as soon as the loop yields and a request slot is free. */
  private kickLinger(): void {
    if (this.lingerTimer) return;
    this.lingerTimer = setTimeout(() => {
      this.lingerTimer = undefined;
      if (!this.open) return;
      const q = this.nodes.get(this.leaderOf(this.open.partition));
      if (!q || (q.inflight < this.s.maxInFlight && q.ready.length === 0)) this.close();
      else this.kickLinger();
    }, 0);
  }

  /** Closes the open batch and queues it for its leader. */
  private close(): void {
    const b = this.open;
    if (!b) return;
    this.open = null;
    const leader = this.leaderOf(b.partition);
    let q = this.nodes.get(leader);
    if (!q) this.nodes.set(leader, (q = { ready: [], inflight: 0 }));
    q.ready.push(b);
    this.outstanding++;
    this.pump(leader);
  }

  private pump(leader: number): void {
    const q = this.nodes.get(leader);
    if (!q) return;
    while (q.inflight < this.s.maxInFlight && q.ready.length > 0) {
      const taken: Batch[] = [];
      const rest: Batch[] = [];
      const seen = new Set<number>();
      let size = 0;
      for (const b of q.ready) {
        if (!seen.has(b.partition) && (taken.length === 0 || size + b.at <= this.s.maxRequestSize)) {
          seen.add(b.partition);
          taken.push(b);
          size += b.at;
        } else rest.push(b);
      }
      q.ready = rest;
      q.inflight++;
      void this.send(leader, taken)
        .catch((e: Error) => {
          this.fatal ??= e;
        })
        .finally(() => {
          q.inflight--;
          this.outstanding -= taken.length;
          for (const b of taken) this.buffered -= b.bytes + 8 * b.count;
          this.release();
          this.pump(leader);
        });
    }
  }

  private release(): void {
    if (this.buffered < this.s.bufferMemory || this.fatal) {
      const w = this.waiters;
      this.waiters = [];
      for (const r of w) r();
    }
    if (this.outstanding === 0) {
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const r of w) r();
    }
  }

  private async send(leader: number, batches: Batch[]): Promise<void> {
    const sealed = await Promise.all(batches.map((b) => b.seal(this.s.compression)));
    // acks=0 is sent as acks=1: our client pairs every request with an answer.
    const acks = this.s.acks === 0 ? 1 : this.s.acks;
    let todo = batches.map((b, i) => ({ b, bytes: sealed[i]! }));
    for (let attempt = 0; todo.length > 0; attempt++) {
      let answers: Map<number, { code: number; message: string | null }>;
      try {
        const cluster = await this.session.cluster();
        const conn: ProtocolConnection = await cluster.forNode(leader);
        const res = await conn.request(0, {
          transactionalId: null,
          acks,
          timeoutMs: this.s.requestTimeoutMs,
          topicData: [{ name: this.topic, partitionData: todo.map((t) => ({ index: t.b.partition, records: t.bytes })) }],
        });
        answers = new Map();
        for (const r of res.responses as Struct[]) {
          for (const pr of r.partitionResponses as Struct[]) answers.set(pr.index as number, { code: pr.errorCode as number, message: (pr.errorMessage as string | null) ?? null });
        }
      } catch (err) {
        if (!(err instanceof KafkaResponseError)) throw this.session.error(err);
        answers = new Map(todo.map((t) => [t.b.partition, { code: err.errorCode, message: null }]));
      }
      const now = Date.now();
      const retry: typeof todo = [];
      for (const t of todo) {
        const a = answers.get(t.b.partition) ?? { code: 2, message: 'no answer for the partition' };
        if (a.code === 0) this.onAck(t.b, now);
        else if (RETRIABLE.has(a.code) && attempt < this.s.retries) retry.push(t);
        else this.onError(t.b.count, `${errorName(a.code)}${a.message ? `: ${a.message}` : ''}`);
      }
      todo = retry;
      if (todo.length > 0) {
        await new Promise((r) => setTimeout(r, this.s.retryBackoffMs));
        await this.refreshMetadata().catch(() => {});
        const moved = todo.some((t) => this.leaderOf(t.b.partition) !== leader);
        if (moved) leader = this.leaderOf(todo[0]!.b.partition);
      }
    }
  }

  /** Sends what is buffered and waits for every answer. */
  async flush(): Promise<void> {
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    this.close();
    if (this.outstanding > 0) await new Promise<void>((r) => this.idleWaiters.push(r));
    if (this.fatal) throw this.fatal;
  }

  close_(): void {
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
  }
}
