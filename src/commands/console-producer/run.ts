/**
 * mq-console-producer: lines from stdin -> records -> Produce requests.
 *
 * Records are batched per partition (up to batch.size bytes, or linger.ms = --timeout after the
 * first record), encoded as RecordBatch v2 here and sent with our protocol client, with up to
 * max.in.flight.requests.per.connection (5) requests outstanding; reading stdin pauses while the
 * window is full. Piped input without an explicit batch size uses 512 KiB batches. --sync sends
 * and awaits each record on its own.
 */
import { isUtf8 } from 'node:buffer';
import type { Io } from '../../cli/io.js';
import { CommandError, UsageError } from '../../cli/errors.js';
import { openSession, type Session } from '../../engine/client/connect.js';
import { KafkaResponseError, type ProtocolConnection } from '../../engine/client/protocol-client.js';
import type { Struct } from '../../engine/protocol/codec.js';
import { errorName } from '../../engine/protocol/error-codes.js';
import { partitionForKey } from '../../engine/client/partitioner.js';
import { COMPRESSION_TYPES, type CompressionName } from '../../engine/client/compression.js';
import { LineReader, LineReaderError, lineReaderConfig, type LineRecord } from './line-reader.js';
import { parseJsonRecord, JsonRecordError } from '../console-consumer/json-record.js';
import { encodeBatch, type BatchRecord } from './batch.js';
import { mergedProperties } from './props.js';
import { TopicWait } from '../shared/topic-wait.js';

export interface ProducerOptions {
  topic?: string;
  bootstrapServer?: string;
  brokerList?: string;
  dataDir?: string;
  verbose?: boolean;
  sync?: boolean;
  compressionCodec?: string | true;
  batchSize?: string;
  maxPartitionMemoryBytes?: string;
  messageSendMaxRetries?: string;
  retryBackoffMs?: string;
  timeout?: string;
  requestRequiredAcks?: string;
  requestTimeoutMs?: string;
  metadataExpiryMs?: string;
  maxBlockMs?: string;
  maxMemoryBytes?: string;
  socketBufferSize?: string;
  lineReader?: string;
  property?: string[];
  readerProperty?: string[];
  readerConfig?: string;
  producerProperty?: string[];
  commandProperty?: string[];
  producerConfig?: string;
  commandConfig?: string;
  inputFormat?: string;
  /** Aborted on SIGINT/SIGTERM (set by main): stop reading, send what was read, exit 130. */
  signal?: AbortSignal;
}

const LINE_READERS = ['org.apache.kafka.tools.LineMessageReader', 'kafka.tools.ConsoleProducer$LineMessageReader', 'kafka.tools.LineMessageReader'];
const RETRIABLE = new Set([5, 6, 7, 13, 19, 20, 3, 15]);
const PIPED_BATCH = 512 * 1024;
const NO_HEADERS: LineRecord['headers'] = [];
const MAX_BATCH = 1_000_000;

function intFlag(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v.trim())) throw new UsageError(`Invalid value '${v}' for option --${flag}: not an integer`);
  return Number(v);
}

export interface ProducerSettings {
  acks: number;
  compression: CompressionName;
  batchSize: number;
  lingerMs: number;
  retries: number;
  retryBackoffMs: number;
  requestTimeoutMs: number;
  maxInFlight: number;
  maxRequestSize: number;
  /** max.block.ms: how long to wait for the topic's metadata */
  maxBlockMs: number;
  clientId: string;
}

/** Producer properties: file < --producer-property < explicitly given flags (Kafka's maybeMergeOptions). */
export function producerSettings(o: ProducerOptions, props: Map<string, string>, piped: boolean): ProducerSettings {
  const pick = (flag: string | undefined, name: string, key: string, dflt: number): number => {
    const f = intFlag(flag, name);
    if (f !== undefined) return f;
    const p = props.get(key);
    if (p !== undefined) {
      if (!/^-?\d+$/.test(p.trim())) throw new UsageError(`Invalid value ${p} for configuration ${key}: Not a number of type INT`);
      return Number(p);
    }
    return dflt;
  };
  let acksText = o.requestRequiredAcks ?? props.get('acks') ?? '-1';
  acksText = acksText.trim();
  if (!['all', '-1', '0', '1'].includes(acksText)) throw new UsageError(`Invalid value ${acksText} for configuration acks: String must be one of: all, -1, 0, 1`);
  const codec = o.compressionCodec === undefined ? 'none' : o.compressionCodec === true ? 'gzip' : o.compressionCodec.trim().toLowerCase();
  if (!(codec in COMPRESSION_TYPES)) {
    throw new UsageError(`Invalid value ${o.compressionCodec} for configuration compression.type: String must be one of: none, gzip, snappy, lz4, zstd`);
  }
  const explicitBatch = o.maxPartitionMemoryBytes ?? o.batchSize;
  const batchSize = pick(explicitBatch, o.maxPartitionMemoryBytes !== undefined ? 'max-partition-memory-bytes' : 'batch-size', 'batch.size', piped ? PIPED_BATCH : 16384);
  const maxRequestSize = Number(props.get('max.request.size') ?? 1048576);
  return {
    acks: acksText === 'all' ? -1 : Number(acksText),
    compression: codec as CompressionName,
    batchSize: Math.max(1, Math.min(batchSize, MAX_BATCH)),
    lingerMs: pick(o.timeout, 'timeout', 'linger.ms', 1000),
    retries: pick(o.messageSendMaxRetries, 'message-send-max-retries', 'retries', 3),
    retryBackoffMs: pick(o.retryBackoffMs, 'retry-backoff-ms', 'retry.backoff.ms', 100),
    // Kafka's console default is 1500 ms with client-side retries; mq waits longer instead.
    requestTimeoutMs: pick(o.requestTimeoutMs, 'request-timeout-ms', 'request.timeout.ms', 30_000),
    maxInFlight: Math.max(1, pick(undefined, '', 'max.in.flight.requests.per.connection', 5)),
    maxRequestSize: Number.isFinite(maxRequestSize) && maxRequestSize > 0 ? maxRequestSize : 1048576,
    maxBlockMs: Math.max(0, pick(o.maxBlockMs, 'max-block-ms', 'max.block.ms', 60_000)),
    clientId: props.get('client.id') ?? 'console-producer',
  };
}

interface Pending extends BatchRecord {
  size: number;
}

function recordSize(r: LineRecord): number {
  let n = 24 + (r.key?.length ?? 0) + (r.value?.length ?? 0);
  for (const h of r.headers) n += 8 + h.key.length + (h.value?.length ?? 0);
  return n;
}

const describeBytes = (b: Buffer | null) => (b === null ? 'null' : `${b.length} bytes`);

class ProducePipeline {
  private partitions: Array<{ id: number; leader: number }> = [];
  private acc = new Map<number, { records: Pending[]; bytes: number }>();
  private inflight = new Set<Promise<void>>();
  private lingerTimer: NodeJS.Timeout | undefined;
  private sticky = -1;
  private stickyNext = Math.floor(Math.random() * 1e9);
  failures = 0;
  private fatal: Error | undefined;

  constructor(
    private readonly session: Session,
    private readonly topic: string,
    private readonly s: ProducerSettings,
    private readonly io: Io,
  ) {}

  async init(): Promise<void> {
    await this.refreshMetadata();
  }

  private async refreshMetadata(): Promise<void> {
    const cluster = await this.session.cluster();
    const wait = new TopicWait(cluster, { timeoutMs: this.s.maxBlockMs });
    for (;;) {
      const md = await cluster.metadata([this.topic], { allowAutoTopicCreation: true });
      const t = (md.topics as Struct[])[0]!;
      const code = t.errorCode as number;
      if (code === 0 && (t.partitions as Struct[]).length > 0 && (t.partitions as Struct[]).every((p) => (p.leaderId as number) >= 0)) {
        this.partitions = (t.partitions as Struct[])
          .map((p) => ({ id: p.partitionIndex as number, leader: p.leaderId as number }))
          .sort((a, b) => a.id - b.id);
        return;
      }
      if (code === 17) throw new CommandError(`Invalid topic name '${this.topic}': ${errorName(code)}`);
      const stop = await wait.next(code);
      if (stop === 'no-auto-create') {
        throw new CommandError(
          `Topic '${this.topic}' does not exist and the broker does not create topics automatically. Create it with: mq-topics --create --topic ${this.topic}`,
        );
      }
      if (stop === 'timeout') throw new CommandError(`Topic ${this.topic} not present in metadata after ${wait.timeoutMs} ms: ${errorName(code)}`);
    }
  }

  private choosePartition(r: LineRecord): number {
    const n = this.partitions.length;
    if (r.partition !== undefined) {
      if (r.partition >= n) throw new CommandError(`Invalid partition given with record: ${r.partition} is not in the range [0...${n}).`);
      return r.partition;
    }
    if (r.key !== null) return partitionForKey(r.key, n);
    if (this.sticky < 0) this.sticky = this.partitions[this.stickyNext++ % n]!.id;
    return this.sticky;
  }

  /**
   * Adds a record. Returns a promise only when the caller must wait (a full batch while the
   * in-flight window is full), so the common path allocates no promise.
   */
  add(r: LineRecord): Promise<void> | undefined {
    if (this.fatal) throw this.fatal;
    const size = recordSize(r);
    if (size > this.s.maxRequestSize) {
      this.reportFailure([r], `RecordTooLargeException: The message is ${size} bytes when serialized which is larger than ${this.s.maxRequestSize}, which is the value of the max.request.size configuration.`);
      return undefined;
    }
    const partition = this.choosePartition(r);
    let a = this.acc.get(partition);
    if (a && a.bytes + size > this.s.batchSize && a.records.length > 0) {
      const wait = this.flushPartition(partition);
      if (wait) return wait.then(() => this.add(r));
      a = undefined;
    }
    if (!a) this.acc.set(partition, (a = { records: [], bytes: 0 }));
    a.records.push({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp !== undefined ? Number(r.timestamp) : Date.now(), size });
    a.bytes += size;
    if (a.bytes >= this.s.batchSize) return this.flushPartition(partition);
    if (!this.lingerTimer) this.lingerTimer = setTimeout(() => void this.flushAll().catch((e: Error) => (this.fatal ??= e)), this.s.lingerMs);
    return undefined;
  }

  /** Sends one record and waits for its acknowledgement (--sync). */
  async sendSync(r: LineRecord): Promise<void> {
    const wait = this.add(r);
    if (wait) await wait;
    await this.flush();
    if (this.failures > 0) throw new CommandError('', 1);
  }

  /** Starts sending a partition's batch; returns a promise only when the window is full. */
  private flushPartition(partition: number): Promise<void> | undefined {
    if (this.inflight.size >= this.s.maxInFlight) {
      return Promise.race(this.inflight).then(() => this.flushPartition(partition));
    }
    const a = this.acc.get(partition);
    if (!a || a.records.length === 0) return undefined;
    this.acc.delete(partition);
    if (partition === this.sticky) this.sticky = -1;
    if (this.fatal) throw this.fatal;
    const p: Promise<void> = this.send(partition, a.records)
      .catch((e: Error) => {
        this.fatal ??= e;
      })
      .finally(() => this.inflight.delete(p));
    this.inflight.add(p);
    return undefined;
  }

  private async flushAll(): Promise<void> {
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    for (const partition of [...this.acc.keys()]) await this.flushPartition(partition);
  }

  /** Sends everything buffered and waits for every answer. */
  async flush(): Promise<void> {
    await this.flushAll();
    while (this.inflight.size > 0) await Promise.all([...this.inflight]);
    if (this.fatal) throw this.fatal;
  }

  close(): void {
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
  }

  private async send(partition: number, records: Pending[]): Promise<void> {
    const batch = await encodeBatch(records, this.s.compression);
    // acks=0 is sent as acks=1: our client matches answers to requests in order, so it always wants one.
    const acks = this.s.acks === 0 ? 1 : this.s.acks;
    for (let attempt = 0; ; attempt++) {
      const leader = this.partitions.find((p) => p.id === partition)?.leader ?? -1;
      let code = 0;
      let message: string | null = null;
      try {
        const cluster = await this.session.cluster();
        const conn: ProtocolConnection = await cluster.forNode(leader);
        const res = await conn.request(0, {
          transactionalId: null,
          acks,
          timeoutMs: this.s.requestTimeoutMs,
          topicData: [{ name: this.topic, partitionData: [{ index: partition, records: batch }] }],
        });
        const pr = ((res.responses as Struct[])[0]!.partitionResponses as Struct[])[0]!;
        code = pr.errorCode as number;
        message = (pr.errorMessage as string | null) ?? null;
      } catch (err) {
        if (err instanceof KafkaResponseError) code = err.errorCode;
        else throw this.session.error(err);
      }
      if (code === 0) return;
      if (RETRIABLE.has(code) && attempt < this.s.retries) {
        await new Promise((r) => setTimeout(r, this.s.retryBackoffMs));
        await this.refreshMetadata().catch(() => {});
        continue;
      }
      this.reportFailure(records, `${errorName(code)}${message ? `: ${message}` : ''}`);
      return;
    }
  }

  private reportFailure(records: Array<{ key: Buffer | null; value: Buffer | null }>, error: string): void {
    this.failures += records.length;
    const lines = records.map(
      (r) => `ERROR Error when sending message to topic ${this.topic} with key: ${describeBytes(r.key)}, value: ${describeBytes(r.value)} with error: ${error}\n`,
    );
    this.io.stderr.write(lines.join(''));
  }
}

/**
 * Splits stdin into lines (\n or \r\n), a chunk's worth at a time, printing Kafka's ">" prompt
 * before every line read when interactive. Lines are views into the chunk (no copy).
 */
async function* lines(io: Io, prompt: boolean): AsyncGenerator<Buffer[]> {
  let rest: Buffer = Buffer.alloc(0);
  if (prompt) io.stdout.write('>');
  for await (const chunk of io.stdin as AsyncIterable<Buffer | string>) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    const data = rest.length ? Buffer.concat([rest, b]) : b;
    const out: Buffer[] = [];
    let start = 0;
    for (;;) {
      const nl = data.indexOf(10, start);
      if (nl < 0) break;
      const end = nl > start && data[nl - 1] === 13 ? nl - 1 : nl;
      out.push(data.subarray(start, end));
      start = nl + 1;
    }
    rest = start < data.length ? data.subarray(start) : Buffer.alloc(0);
    if (out.length) {
      if (prompt) {
        for (const line of out) {
          yield [line];
          io.stdout.write('>');
        }
      } else yield out;
    }
  }
  if (rest.length) {
    yield [rest];
    if (prompt) io.stdout.write('>');
  }
}

export async function run(o: ProducerOptions, io: Io): Promise<void> {
  if (!o.topic) throw new UsageError('Missing required argument "[topic]"');
  if (o.lineReader !== undefined && !LINE_READERS.includes(o.lineReader)) {
    throw new UsageError(`Unsupported --line-reader '${o.lineReader}': mq has only org.apache.kafka.tools.LineMessageReader (use --input-format json for JSON Lines)`);
  }
  const format = o.inputFormat ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`Invalid --input-format '${format}': expected text or json`);

  // Everything that can be wrong with the invocation is checked before connecting.
  const readerProps = mergedProperties(o.readerConfig, [...(o.property ?? []), ...(o.readerProperty ?? [])], '--property');
  let reader: LineReader;
  try {
    reader = new LineReader(lineReaderConfig(readerProps));
  } catch (err) {
    if (err instanceof LineReaderError) throw new CommandError(`org.apache.kafka.common.KafkaException: ${err.message}`);
    throw err;
  }
  const configFile = o.producerConfig ?? o.commandConfig;
  const producerProps = mergedProperties(configFile, [...(o.producerProperty ?? []), ...(o.commandProperty ?? [])], '--producer-property');
  const interactive = Boolean(io.stdin.isTTY);
  const settings = producerSettings(o, producerProps, !interactive);

  const session = await openSession(
    {
      bootstrapServer: o.bootstrapServer ?? o.brokerList,
      dataDir: o.dataDir,
      configFiles: configFile ? [configFile] : [],
      properties: producerProps,
      clientId: settings.clientId,
      verbose: o.verbose,
      requestTimeoutMs: settings.requestTimeoutMs + 5000,
    },
    io,
  );
  const pipeline = new ProducePipeline(session, o.topic, settings, io);
  try {
    await pipeline.init();
    const prompt = Boolean(io.stdin.isTTY && io.stdout.isTTY);
    let lineNumber = 0;
    const fast = format === 'text' && !reader.config.parseKey && !reader.config.parseHeaders && reader.config.nullMarker === undefined;
    // Ctrl-C: stop reading and send what was read (Kafka's shutdown hook closes, and so flushes,
    // the producer). Destroying stdin ends the loop below.
    const onAbort = () => (io.stdin as { destroy?: () => void }).destroy?.();
    if (o.signal?.aborted) onAbort();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const input = (async function* () {
      try {
        yield* lines(io, prompt);
      } catch (err) {
        if (!o.signal?.aborted) throw err; // premature close after our destroy() is the end of input
      } finally {
        o.signal?.removeEventListener('abort', onAbort);
      }
    })();
    for await (const chunk of input) {
      if (o.signal?.aborted) break;
      for (const raw of chunk) {
        lineNumber++;
        let record: LineRecord;
        try {
          if (fast && isUtf8(raw)) {
            record = { key: null, value: raw, headers: NO_HEADERS };
          } else if (format === 'json') {
            if (raw.length === 0 || /^\s*$/.test(raw.toString('latin1'))) continue;
            record = parseJsonRecord(raw.toString('utf8'), lineNumber);
          } else {
            record = reader.parse(raw.toString('utf8'), lineNumber);
          }
        } catch (err) {
          if (err instanceof LineReaderError || err instanceof JsonRecordError) {
            // Like Kafka, what was read before the bad line is still sent.
            await pipeline.flush();
            throw new CommandError(`org.apache.kafka.common.KafkaException: ${err.message}`);
          }
          throw err;
        }
        if (o.sync) await pipeline.sendSync(record);
        else {
          const wait = pipeline.add(record);
          if (wait) await wait;
        }
      }
    }
    await pipeline.flush();
    if (pipeline.failures > 0) throw new CommandError(`${pipeline.failures} record(s) could not be sent to topic ${o.topic}`);
    if (o.signal?.aborted) {
      if (prompt) io.stdout.write('\n');
      throw new CommandError('', 130);
    }
  } finally {
    pipeline.close();
    await session.close();
  }
}
