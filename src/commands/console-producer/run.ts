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
import { javaText } from '../../cli/kafka-text.js';
import { CommandError, ExitCode, UsageError } from '../../cli/errors.js';
import { createOutput } from '../../cli/output.js';
import { openSession, type Session } from '../../engine/client/connect.js';
import { errorName } from '../../engine/protocol/error-codes.js';
import type { CompressionName } from '../../engine/client/compression.js';
import { checkProducerConfig, numberProperty, ProducerConfigError } from '../shared/producer-config.js';
import { deliveryConfig } from '../shared/delivery-config.js';
import { describeSeparator, LineReader, LineReaderError, lineReaderConfig, type LineRecord } from './line-reader.js';
import { parseJsonRecord, JsonRecordError } from '../shared/json-record.js';
import { stdinLines } from './stdin-lines.js';
import { Producer, type PartitionLeader, type ProducerSettings as SenderSettings } from '../../engine/client/producer.js';
import { mergedProperties } from '../shared/properties.js';
import { TopicUnavailable, waitForPartitions } from '../shared/topic-wait.js';

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
const PIPED_BATCH = 512 * 1024;
const NO_HEADERS: LineRecord['headers'] = [];
const MAX_BATCH = 1_000_000;

function intFlag(v: string | undefined, flag: string): string | undefined {
  if (v === undefined) return undefined;
  if (!/^[+-]?\d+$/.test(v.trim())) throw new UsageError(`Invalid value '${v}' for option --${flag}: not an integer`);
  return v.trim();
}

export interface ProducerSettings extends SenderSettings {
  /** max.block.ms: how long to wait for the topic's metadata */
  maxBlockMs: number;
  clientId: string;
}

/**
 * The producer's properties as Kafka's ConsoleProducer builds them: the file, then
 * --producer-property, then each flag given explicitly (CommandLineUtils.maybeMergeOptions).
 * --compression-codec wins over compression.type; without it compression.type is honoured (Kafka
 * overwrites it with `none`).
 */
export function mergeFlags(o: ProducerOptions, props: ReadonlyMap<string, string>): Map<string, string> {
  const merged = new Map(props);
  const flags: Array<[string, string | undefined]> = [
    ['linger.ms', intFlag(o.timeout, 'timeout')],
    ['acks', o.requestRequiredAcks],
    ['request.timeout.ms', intFlag(o.requestTimeoutMs, 'request-timeout-ms')],
    ['retries', intFlag(o.messageSendMaxRetries, 'message-send-max-retries')],
    ['retry.backoff.ms', intFlag(o.retryBackoffMs, 'retry-backoff-ms')],
    ['send.buffer.bytes', intFlag(o.socketBufferSize, 'socket-buffer-size')],
    ['buffer.memory', intFlag(o.maxMemoryBytes, 'max-memory-bytes')],
    ['batch.size', intFlag(o.batchSize, 'batch-size')],
    ['batch.size', intFlag(o.maxPartitionMemoryBytes, 'max-partition-memory-bytes')],
    ['metadata.max.age.ms', intFlag(o.metadataExpiryMs, 'metadata-expiry-ms')],
    ['max.block.ms', intFlag(o.maxBlockMs, 'max-block-ms')],
    ['compression.type', o.compressionCodec === undefined ? undefined : o.compressionCodec === true ? 'gzip' : o.compressionCodec.trim().toLowerCase()],
  ];
  for (const [key, value] of flags) if (value !== undefined) merged.set(key, value);
  return merged;
}

/**
 * Validates the merged properties (Kafka's ConfigDef messages; ProducerConfigError) and reads
 * them with the console producer's defaults. `warnings` gets one line per property mq accepts
 * but does not honour.
 */
export function producerSettings(props: ReadonlyMap<string, string>, piped: boolean, warnings: string[] = []): ProducerSettings {
  warnings.push(...checkProducerConfig(props));
  const num = (key: string, dflt: number) => numberProperty(props, key, dflt);
  // Kafka's console producer: --message-send-max-retries 3, --timeout (linger.ms) 1000 by default.
  const delivery = deliveryConfig(props, { retries: 3, lingerMs: 1000, requestTimeoutMs: 30_000 }, warnings);
  return {
    ...delivery,
    compression: (props.get('compression.type')?.trim() ?? 'none') as CompressionName,
    batchSize: Math.max(1, Math.min(num('batch.size', piped ? PIPED_BATCH : 16384), MAX_BATCH)),
    lingerMs: num('linger.ms', 1000),
    // Kafka's console default is 1500 ms with client-side retries; mq waits longer instead.
    requestTimeoutMs: num('request.timeout.ms', 30_000),
    maxRequestSize: Math.max(1, num('max.request.size', 1048576)),
    bufferMemory: Math.max(1, num('buffer.memory', 33554432)),
    maxBlockMs: num('max.block.ms', 60_000),
    clientId: props.get('client.id') ?? 'console-producer',
  };
}

function recordSize(r: LineRecord): number {
  let n = 24 + (r.key?.length ?? 0) + (r.value?.length ?? 0);
  for (const h of r.headers) n += 8 + h.key.length + (h.value?.length ?? 0);
  return n;
}

const describeSize = (n: number) => (n < 0 ? 'null' : `${n} bytes`);

/** The topic's partitions and leaders, with Kafka's console-producer texts when it is not there. */
async function loadPartitions(session: Session, topic: string, maxBlockMs: number): Promise<PartitionLeader[]> {
  try {
    return await waitForPartitions(await session.cluster(), topic, maxBlockMs);
  } catch (err) {
    if (!(err instanceof TopicUnavailable)) throw err;
    if (err.reason === 'invalid') throw new CommandError(`Invalid topic name '${topic}': ${errorName(err.errorCode)}`);
    if (err.reason === 'no-auto-create') {
      throw new CommandError(`Topic '${topic}' does not exist and the broker does not create topics automatically. Create it with: mq-topics --create --topic ${topic}`);
    }
    throw new CommandError(`Topic ${topic} not present in metadata after ${err.timeoutMs} ms: ${errorName(err.errorCode)}`);
  }
}

/**
 * A bad line typed at a terminal: Kafka stops the producer on it (the right thing for a pipe); a
 * person gets told what the line lacks, naming the separator in use, and types on.
 */
export function interactiveLineError(err: LineReaderError | JsonRecordError): string {
  const m = err instanceof LineReaderError ? err.missing : undefined;
  if (m === undefined) return `ERROR ${err.message}. The line was not sent.`;
  const sep = describeSeparator(m.demarcation);
  const glue = sep.startsWith("'") ? m.demarcation : `<${sep}>`;
  const shape = m.what === 'key separator' ? `key${glue}value` : `headers${glue}value`;
  return `ERROR No ${m.what} (${sep}) found on line number ${m.lineNumber}: '${m.line}'. The line was not sent; type ${shape}.`;
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
    if (err instanceof LineReaderError) throw new CommandError(javaText(io.env, 'org.apache.kafka.common.KafkaException', err.message));
    throw err;
  }
  const configFile = o.producerConfig ?? o.commandConfig;
  const producerProps = mergedProperties(configFile, [...(o.producerProperty ?? []), ...(o.commandProperty ?? [])], '--producer-property');
  const interactive = Boolean(io.stdin.isTTY);
  const merged = mergeFlags(o, producerProps);
  if (merged.has('transactional.id')) {
    throw new CommandError('mq-console-producer: transactions are not supported (mq has no transaction coordinator). Leave out transactional.id.');
  }
  const warnings: string[] = [];
  let settings: ProducerSettings;
  try {
    settings = producerSettings(merged, !interactive, warnings);
  } catch (err) {
    if (err instanceof ProducerConfigError) throw new CommandError(err.message);
    throw err;
  }
  const out = createOutput(io);
  for (const w of warnings) out.warn(w);

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
  let failures = 0;
  const reportFailure = (keySizes: readonly number[], valueSizes: readonly number[], error: string) => {
    failures += keySizes.length;
    const lines = keySizes.map(
      (k, i) => `ERROR Error when sending message to topic ${topic} with key: ${describeSize(k)}, value: ${describeSize(valueSizes[i]!)} with error: ${error}`,
    );
    out.status(lines.join('\n'));
  };
  const topic = o.topic;
  const producer = new Producer(session, topic, settings, {
    loadPartitions: () => loadPartitions(session, topic, settings.maxBlockMs),
    onError: (batch, error, javaClass) => reportFailure(batch.keySizes, batch.valueSizes, javaClass ? javaText(io.env, javaClass, error) : error),
  });
  /** Adds one record; a promise only when the producer's buffer is full. */
  const send = (r: LineRecord, now: number): Promise<void> | undefined => {
    const size = recordSize(r);
    if (size > settings.maxRequestSize) {
      reportFailure([r.key?.length ?? -1], [r.value?.length ?? -1], javaText(io.env, 'RecordTooLargeException', `The message is ${size} bytes when serialized which is larger than ${settings.maxRequestSize}, which is the value of the max.request.size configuration.`));
      return undefined;
    }
    if (r.partition !== undefined && r.partition >= producer.partitionCount) {
      throw new CommandError(`Invalid partition given with record: ${r.partition} is not in the range [0...${producer.partitionCount}).`);
    }
    return producer.send(r.partition ?? -1, r.key, r.value, r.headers, r.timestamp !== undefined ? Number(r.timestamp) : now);
  };
  try {
    try {
      await producer.init();
    } catch (err) {
      throw err instanceof CommandError ? err : session.error(err);
    }
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
        yield* stdinLines(io, prompt ? () => void out.write('>') : null, () => Boolean(o.signal?.aborted));
      } catch (err) {
        if (!o.signal?.aborted) throw err; // premature close after our destroy() is the end of input
      } finally {
        o.signal?.removeEventListener('abort', onAbort);
      }
    })();
    for await (const chunk of input) {
      if (o.signal?.aborted) break;
      const now = Date.now();
      if (fast && chunk.utf8 && !o.sync) {
        // Plain lines: straight into the batches, no record objects.
        const maxValue = settings.maxRequestSize - 24;
        for (const raw of chunk.lines) {
          lineNumber++;
          if (raw.length > maxValue) {
            const oversized = send({ key: null, value: raw, headers: NO_HEADERS }, now);
            if (oversized) await oversized;
            continue;
          }
          const wait = producer.send(-1, null, raw, NO_HEADERS, now);
          if (wait) await wait;
        }
        continue;
      }
      for (const raw of chunk.lines) {
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
          if (interactive && (err instanceof LineReaderError || err instanceof JsonRecordError)) {
            // Someone typing: say what is wrong with the line and read the next one.
            out.warn(interactiveLineError(err));
            continue;
          }
          if (err instanceof LineReaderError || err instanceof JsonRecordError) {
            // Like Kafka, what was read before the bad line is still sent.
            await producer.flush();
            throw new CommandError(javaText(io.env, 'org.apache.kafka.common.KafkaException', err.message));
          }
          throw err;
        }
        const wait = send(record, o.sync ? Date.now() : now);
        if (wait) await wait;
        if (o.sync) {
          // --sync: each record is sent on its own and acknowledged before the next is read.
          await producer.flush();
          if (failures > 0) throw new CommandError('', ExitCode.FAILURE);
        }
      }
    }
    await producer.flush();
    if (failures > 0) throw new CommandError(`${failures} record(s) could not be sent to topic ${topic}`);
    if (o.signal?.aborted) {
      if (prompt) out.line();
      throw new CommandError('', ExitCode.INTERRUPTED);
    }
  } finally {
    producer.close();
    await session.close();
  }
}
