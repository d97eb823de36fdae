/**
 * mq-producer-perf-test: Kafka's ProducerPerformance (tools/src/main/java/org/apache/kafka/tools/ProducerPerformance.java)
 * on mq's own produce path.
 *
 * Sends --num-records records of --record-size random letters (or payloads from --payload-file,
 * or --payload-monotonic numbers) to --topic, throttled to --throughput records/s like Kafka's
 * ThroughputThrottler, and prints Kafka's lines on stdout: a window line every 5 s and the final
 * summary. Latency is per record, from send to acknowledgement.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { Io } from '../../cli/io.js';
import { javaText } from '../../cli/kafka-text.js';
import { CommandError, UsageError } from '../../cli/errors.js';
import { createOutput } from '../../cli/output.js';
import { openSession, type Session } from '../../engine/client/connect.js';
import type { CompressionName } from '../../engine/client/compression.js';
import { checkProducerConfig, numberProperty, ProducerConfigError } from '../shared/producer-config.js';
import { deliveryConfig, type DeliveryConfig } from '../shared/delivery-config.js';
import { readPropertiesFile, PropertiesError } from '../../engine/config/properties.js';
import { Stats, Throttler } from './stats.js';
import { Producer, type ProducerHooks, type ProducerSettings as SenderSettings } from '../../engine/client/producer.js';
import { TransactionalProducer, TransactionStateError } from '../../engine/client/transactions.js';
import { TransactionError } from '../../engine/client/txn-errors.js';
import { NO_HEADERS } from '../../engine/client/record-batch-writer.js';
import { TopicUnavailable, waitForPartitions } from '../shared/topic-wait.js';
import { ErrorCode, errorName } from '../../engine/protocol/error-codes.js';

export interface ProducerPerfOptions {
  topic?: string;
  numRecords?: string;
  recordSize?: string;
  payloadFile?: string;
  payloadMonotonic?: boolean;
  payloadDelimiter?: string;
  throughput?: string;
  producerProps?: string[];
  commandProperty?: string[];
  producerConfig?: string;
  commandConfig?: string;
  printMetrics?: boolean;
  transactionalId?: string;
  transactionDurationMs?: string;
  bootstrapServer?: string;
  dataDir?: string;
  verbose?: boolean;
  /** Aborted on SIGINT/SIGTERM: stop sending, wait for answers, print the summary. */
  signal?: AbortSignal;
}

export interface ProducerPerfPlan {
  topic: string;
  numRecords: number;
  recordSize: number | null;
  payloads: Buffer[];
  monotonic: boolean;
  throughput: number;
  props: Map<string, string>;
  configFile: string | undefined;
  printMetrics: boolean;
  /** Set when transactions are on (ConfigPostProcessor): the id and how long each transaction lasts. */
  transaction?: { transactionalId: string; durationMs: number };
}

/** ProducerPerformance.DEFAULT_TRANSACTION_ID_PREFIX and DEFAULT_TRANSACTION_DURATION_MS. */
const TRANSACTION_ID_PREFIX = 'performance-producer-';
const TRANSACTION_DURATION_MS = 3000;

/** argparse4j's messages (prog `producer-performance`), thrown as usage errors. */
function convert(value: string | undefined, flag: string, type: 'Long' | 'Integer' | 'Double'): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  const ok = type === 'Double' ? /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v) || /^[-+]?(Infinity|NaN)$/.test(v) : /^[-+]?\d+$/.test(v);
  const n = Number(v);
  const range = type === 'Integer' ? Math.abs(n) <= 2147483647 : type === 'Long' ? Number.isSafeInteger(n) : true;
  if (!ok || !range) throw new UsageError(`argument ${flag}: could not convert '${value}' to ${type}`);
  return n;
}

/** Kafka's readProps: each --producer-props entry must split on '=' into exactly two parts. */
export function parseProducerProps(list: readonly string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const p of list) {
    const pieces = p.split('=');
    while (pieces.length > 0 && pieces[pieces.length - 1] === '') pieces.pop(); // Java's split drops trailing empties
    if (pieces.length !== 2) throw new CommandError(`Invalid property: ${p}`);
    m.set(pieces[0]!, pieces[1]!);
  }
  return m;
}

/** Kafka's readPayloadFile: split on the delimiter (a Java regex), trailing empty payloads dropped. */
export function readPayloads(file: string, delimiter: string, print: (line: string) => void): Buffer[] {
  const abs = resolvePath(file);
  print(`Reading payloads from: ${abs}`);
  let size: number;
  try {
    size = statSync(abs).size;
  } catch {
    size = 0;
  }
  if (size === 0) throw new CommandError('File does not exist or empty file provided.');
  let re: RegExp;
  try {
    re = new RegExp(delimiter, 'u');
  } catch {
    re = new RegExp(delimiter.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'u');
  }
  const list = readFileSync(abs, 'utf8').split(re);
  while (list.length > 1 && list[list.length - 1] === '') list.pop();
  print(`Number of messages read: ${list.length}`);
  return list.map((s) => Buffer.from(s, 'utf8'));
}

export function plan(o: ProducerPerfOptions, print: (line: string) => void): ProducerPerfPlan {
  if (o.topic === undefined) throw new UsageError('argument --topic is required');
  if (o.numRecords === undefined) throw new UsageError('argument --num-records is required');
  if (o.throughput === undefined) throw new UsageError('argument --throughput is required');
  const given = (['recordSize', 'payloadFile', 'payloadMonotonic'] as const).filter((k) => o[k] !== undefined && o[k] !== false);
  if (given.length === 0) throw new UsageError('one of the arguments --record-size --payload-file --payload-monotonic is required');
  if (given.length > 1) {
    const flag = (k: string) => `--${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`;
    throw new UsageError(`argument ${flag(given[1]!)}: not allowed with argument ${flag(given[0]!)}`);
  }
  const numRecords = convert(o.numRecords, '--num-records', 'Long')!;
  const recordSize = convert(o.recordSize, '--record-size', 'Integer') ?? null;
  const throughput = convert(o.throughput, '--throughput', 'Double')!;
  const durationMs = convert(o.transactionDurationMs, '--transaction-duration-ms', 'Long');
  if (numRecords <= 0) throw new UsageError('--num-records should be greater than zero');
  if (recordSize !== null && recordSize <= 0) throw new UsageError('--record-size should be greater than zero');
  if (durationMs !== undefined && durationMs <= 0) throw new UsageError('--transaction-duration-ms should be greater than zero');
  // Kafka requires --producer-props or --producer.config; mq has a default target (the local broker).
  const delimiter = o.payloadDelimiter === undefined || o.payloadDelimiter === '\\n' ? '\n' : o.payloadDelimiter;
  const payloads = o.payloadFile !== undefined ? readPayloads(o.payloadFile, delimiter, print) : [];
  const configFile = o.producerConfig ?? o.commandConfig;
  const props = new Map<string, string>();
  if (configFile !== undefined) {
    try {
      for (const [k, v] of readPropertiesFile(configFile)) props.set(k, v);
    } catch (err) {
      if (err instanceof PropertiesError) throw new CommandError(`Could not read properties file: ${err.message}`);
      throw err;
    }
  }
  for (const [k, v] of parseProducerProps([...(o.producerProps ?? []), ...(o.commandProperty ?? [])])) props.set(k, v);
  // ConfigPostProcessor: any of the three turns transactions on; --transactional-id wins over the
  // property, else a random id (Kafka's Uuid.toString() is 16 random bytes in base64url).
  let transaction: ProducerPerfPlan['transaction'];
  if (o.transactionalId !== undefined || durationMs !== undefined || props.has('transactional.id')) {
    const transactionalId = o.transactionalId ?? props.get('transactional.id') ?? TRANSACTION_ID_PREFIX + randomBytes(16).toString('base64url');
    props.set('transactional.id', transactionalId);
    transaction = { transactionalId, durationMs: durationMs ?? TRANSACTION_DURATION_MS };
  }
  if (!props.has('client.id')) props.set('client.id', 'perf-producer-client');
  return {
    topic: o.topic,
    numRecords,
    recordSize,
    payloads,
    monotonic: Boolean(o.payloadMonotonic),
    throughput,
    props,
    configFile,
    printMetrics: Boolean(o.printMetrics),
    transaction,
  };
}

export interface PerfSenderSettings extends SenderSettings {
  /** max.block.ms: how long the first wait for the topic's metadata may take. */
  maxBlockMs: number;
}

/**
 * Producer properties Kafka's client would apply (Kafka 4.0 defaults: acks=all, linger.ms=5),
 * validated as its ConfigDef does (Kafka's ConfigException text). `warnings` gets one line per
 * property mq accepts but does not honour.
 */
export function senderSettings(props: Map<string, string>, warnings: string[] = []): PerfSenderSettings {
  let delivery: DeliveryConfig;
  try {
    warnings.push(...checkProducerConfig(props));
    // Kafka's client defaults: retries Integer.MAX_VALUE, bounded by delivery.timeout.ms.
    delivery = deliveryConfig(props, { retries: 2 ** 31 - 1, lingerMs: 5, requestTimeoutMs: 30000 }, warnings);
  } catch (err) {
    if (err instanceof ProducerConfigError) throw new CommandError(err.message);
    throw err;
  }
  const num = (key: string, dflt: number) => numberProperty(props, key, dflt);
  return {
    ...delivery,
    compression: (props.get('compression.type')?.trim() ?? 'none') as CompressionName,
    batchSize: Math.max(1, num('batch.size', 16384)),
    lingerMs: num('linger.ms', 5),
    maxRequestSize: Math.max(1, num('max.request.size', 1048576)),
    bufferMemory: Math.max(1, num('buffer.memory', 33554432)),
    requestTimeoutMs: num('request.timeout.ms', 30000),
    maxBlockMs: num('max.block.ms', 60_000),
  };
}

/** The topic's partitions and leaders, with Kafka's ProducerPerformance texts when it is not there. */
async function loadPartitions(session: Session, topic: string, timeoutMs: number, env: NodeJS.ProcessEnv): Promise<Array<{ id: number; leader: number }>> {
  try {
    return await waitForPartitions(await session.cluster(), topic, timeoutMs);
  } catch (err) {
    if (!(err instanceof TopicUnavailable)) throw err;
    if (err.reason === 'invalid') throw new CommandError(javaText(env, 'org.apache.kafka.common.errors.InvalidTopicException', `Invalid topic name '${topic}'`));
    if (err.reason === 'no-auto-create' || err.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
      throw new CommandError(`Topic '${topic}' does not exist and the broker does not create topics automatically. Create it with: mq-topics --create --topic ${topic}`);
    }
    throw new CommandError(`Could not get metadata for topic '${topic}': ${errorName(err.errorCode)}`);
  }
}

/** A transactional call's failure in Kafka's words (the exception class with MQ_KAFKA_ERRORS), a client failure as mq reports it. */
function failure(err: unknown, session: Session): Error {
  if (err instanceof CommandError) return err;
  if (err instanceof TransactionError || err instanceof TransactionStateError) return new CommandError(err.message);
  return session.error(err);
}

/** A pool of random upper-case letters; record i takes a window at a pseudo-random offset. */
function letterPool(size: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  let x = 0x9e3779b9;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = 65 + ((x >>> 0) % 26);
  }
  return b;
}

export async function run(o: ProducerPerfOptions, io: Io): Promise<void> {
  const out = createOutput(io);
  // Stats print from the producer's callbacks: after stdout went away, lines are dropped there.
  const print = (line: string) => {
    if (!out.closed) out.line(line);
  };
  const p = plan(o, print);
  const warnings: string[] = [];
  const settings = senderSettings(p.props, warnings);
  for (const w of warnings) out.warn(w);
  const session = await openSession(
    {
      bootstrapServer: o.bootstrapServer,
      dataDir: o.dataDir,
      configFiles: p.configFile ? [p.configFile] : [],
      properties: p.props,
      clientId: p.props.get('client.id'),
      verbose: o.verbose,
      requestTimeoutMs: settings.requestTimeoutMs + 5000,
    },
    io,
  );
  let failed = 0;
  const errorsSeen = new Map<string, number>();
  try {
    const stats = new Stats(p.numRecords, 5000, print);
    let metadataCalls = 0;
    const hooks: ProducerHooks = {
      // The first wait is max.block.ms-like; a refresh during retries gives up sooner.
      loadPartitions: () => loadPartitions(session, p.topic, metadataCalls++ === 0 ? settings.maxBlockMs : 2_000, io.env),
      onAck: (batch, now) => {
        const { timestamps, valueSizes, count } = batch;
        for (let i = 0; i < count; i++) stats.record(now - timestamps[i]!, valueSizes[i]!, now);
      },
      onError: ({ count }, error) => {
        failed += count;
        const seen = errorsSeen.get(error) ?? 0;
        errorsSeen.set(error, seen + count);
        if (seen === 0) out.status(javaText(io.env, 'org.apache.kafka.common.KafkaException', `${count} record(s) to ${p.topic} failed: ${error}`));
      },
    };
    const txn = p.transaction;
    const transactional = txn
      ? new TransactionalProducer(
          session,
          p.topic,
          settings,
          { transactionalId: txn.transactionalId, transactionTimeoutMs: numberProperty(p.props, 'transaction.timeout.ms', 60_000), maxBlockMs: settings.maxBlockMs },
          hooks,
        )
      : undefined;
    const sender = transactional ?? new Producer(session, p.topic, settings, hooks);
    try {
      if (transactional) await transactional.initTransactions();
      else await (sender as Producer).init();
    } catch (err) {
      throw failure(err, session);
    }
    // ProducerPerformance's loop: a transaction begins with the first record after a commit, and
    // commits once transactionDurationMs has passed since it began (checked after each send).
    let inTransaction = 0;
    let transactionStart = 0;
    const startMs = Date.now();
    const throttler = new Throttler(p.throughput, startMs, o.signal);
    const size = p.recordSize ?? 0;
    const POOL = 1 << 20;
    const pool = size > 0 ? letterPool(POOL + size) : Buffer.alloc(0);
    let seed = 0x2545f491;
    let sinceYield = 0;
    for (let i = 0; i < p.numRecords; i++) {
      if (o.signal?.aborted) break;
      let payload: Buffer;
      if (p.payloads.length > 0) payload = p.payloads[Math.floor(Math.random() * p.payloads.length)]!;
      else if (size > 0) {
        seed ^= seed << 13;
        seed ^= seed >>> 17;
        seed ^= seed << 5;
        const off = (seed >>> 0) % POOL;
        payload = pool.subarray(off, off + size);
      } else payload = Buffer.from(String(i), 'utf8');
      if (transactional && inTransaction === 0) {
        transactional.beginTransaction();
        transactionStart = Date.now();
      }
      const sendStartMs = Date.now();
      const blocked = sender.send(-1, null, payload, NO_HEADERS, sendStartMs);
      if (blocked) {
        await blocked;
        sinceYield = 0;
      }
      inTransaction++;
      if (transactional && txn!.durationMs <= sendStartMs - transactionStart) {
        await transactional.commitTransaction().catch((err: unknown) => {
          throw failure(err, session);
        });
        inTransaction = 0;
        sinceYield = 0;
      }
      if (throttler.shouldThrottle(i, sendStartMs)) {
        await throttler.throttle();
        sinceYield = 0;
      } else if ((sinceYield += payload.length + 16) >= 65536) {
        // Let answers in (Kafka's sender is a thread of its own).
        await new Promise((r) => setImmediate(r));
        sinceYield = 0;
      }
    }
    if (transactional && inTransaction > 0) {
      await transactional.commitTransaction().catch((err: unknown) => {
        throw failure(err, session);
      });
    }
    await sender.flush();
    print(stats.totalLine());
    if (p.printMetrics) out.status('mq-producer-perf-test: --print-metrics is not supported (mq has no Java client metrics registry); no metrics printed.');
  } finally {
    await session.close();
  }
  if (failed > 0) throw new CommandError(`${failed} record(s) could not be sent to topic ${p.topic}`);
}
