/**
 * mq-consumer-perf-test: Kafka's ConsumerPerformance (tools/src/main/java/org/apache/kafka/tools/
 * ConsumerPerformance.java) on the engine's consumer (engine/client/consumer.ts, consumer-poll.ts).
 *
 * Joins --group (default perf-consumer-<0..99999>) with the range assignor, starts from the
 * committed offsets (else earliest, or latest with --from-latest), and fetches with one request
 * per leader always in flight (the next fetch goes out before the current answer is counted).
 * Messages and bytes (key + value lengths) are counted from the batches without building record
 * objects. Prints Kafka's header and result line on stdout; offsets are committed before a
 * rebalance and on close unless enable.auto.commit=false, as the Java consumer does.
 */
import { randomInt } from 'node:crypto';
import type { Io } from '../../cli/io.js';
import { CommandError, UsageError } from '../../cli/errors.js';
import { createOutput } from '../../cli/output.js';
import { PERF_CONSUMER_PROPERTIES, unhonoured, unhonouredWarning } from '../shared/consumer-properties.js';
import { openSession } from '../../engine/client/connect.js';
import { readPropertiesFile, PropertiesError } from '../../engine/config/properties.js';
import { ErrorCode } from '../../engine/protocol/error-codes.js';
import { describeTopics } from '../../engine/client/partitions.js';
import { GroupConsumer } from '../../engine/client/consumer.js';
import { poll } from '../../engine/client/consumer-poll.js';
import { FetchError, OffsetResetError } from '../../engine/client/fetcher.js';
import { countRecords } from '../../engine/client/record-reader.js';
import { javaFixed, simpleDateFormat, DateFormatError } from '../shared/java-format.js';

export interface ConsumerPerfOptions {
  topic?: string;
  messages?: string;
  numRecords?: string;
  bootstrapServer?: string;
  brokerList?: string;
  group?: string;
  fetchSize?: string;
  socketBufferSize?: string;
  fromLatest?: boolean;
  consumerConfig?: string;
  commandConfig?: string;
  printMetrics?: boolean;
  showDetailedStats?: boolean;
  timeout?: string | true;
  reportingInterval?: string;
  dateFormat?: string;
  hideHeader?: boolean;
  threads?: string;
  numFetchThreads?: string;
  dataDir?: string;
  verbose?: boolean;
  signal?: AbortSignal;
}

const MB = 1024 * 1024;

function longValue(v: string, flag: string): number {
  if (!/^[-+]?\d+$/.test(v.trim()) || !Number.isSafeInteger(Number(v))) throw new UsageError(`Cannot parse argument '${v}' of option ${flag}`);
  return Number(v);
}

export interface ConsumerPerfPlan {
  topic: string;
  numMessages: number;
  groupId: string;
  fetchSize: number;
  reset: 'earliest' | 'latest';
  timeoutMs: number;
  reportingIntervalMs: number;
  showDetailedStats: boolean;
  hideHeader: boolean;
  formatDate: (ms: number) => string;
  props: Map<string, string>;
  configFile: string | undefined;
  autoCommit: boolean;
}

/** ConsumerPerfOptions' checks with Kafka's messages (jopt-simple). */
export function plan(o: ConsumerPerfOptions): ConsumerPerfPlan {
  if (o.topic === undefined) throw new UsageError('Missing required argument "[topic]"');
  const messages = o.messages ?? o.numRecords;
  if (messages === undefined) throw new UsageError('Missing required argument "[messages]"');
  const numMessages = longValue(messages, o.messages !== undefined ? 'messages' : 'num-records');
  const fetchSize = o.fetchSize !== undefined ? longValue(o.fetchSize, 'fetch-size') : 1048576;
  if (o.socketBufferSize !== undefined) longValue(o.socketBufferSize, 'socket-buffer-size');
  const timeoutMs = o.timeout === undefined || o.timeout === true ? 10000 : longValue(o.timeout, 'timeout');
  let reportingIntervalMs = 5000;
  if (o.reportingInterval !== undefined) {
    if (!/^\d+$/.test(o.reportingInterval)) throw new UsageError(`Value [${o.reportingInterval}] did not match regex [^\\d+$]`);
    reportingIntervalMs = Number(o.reportingInterval);
  }
  let formatDate: (ms: number) => string;
  try {
    formatDate = simpleDateFormat(o.dateFormat ?? 'yyyy-MM-dd HH:mm:ss:SSS');
  } catch (err) {
    if (err instanceof DateFormatError) throw new CommandError(err.message);
    throw err;
  }
  if (reportingIntervalMs <= 0) throw new CommandError('Reporting interval must be greater than 0.');
  const configFile = o.consumerConfig ?? o.commandConfig;
  const props = new Map<string, string>();
  if (configFile !== undefined) {
    try {
      for (const [k, v] of readPropertiesFile(configFile)) props.set(k, v);
    } catch (err) {
      if (err instanceof PropertiesError) throw new CommandError(err.message);
      throw err;
    }
  }
  const groupId = o.group ?? `perf-consumer-${randomInt(100000)}`;
  if (!props.has('client.id')) props.set('client.id', 'perf-consumer-client');
  return {
    topic: o.topic,
    numMessages,
    groupId,
    fetchSize,
    reset: o.fromLatest ? 'latest' : 'earliest',
    timeoutMs,
    reportingIntervalMs,
    showDetailedStats: Boolean(o.showDetailedStats),
    hideHeader: Boolean(o.hideHeader),
    formatDate,
    props,
    configFile,
    autoCommit: (props.get('enable.auto.commit') ?? 'true').trim().toLowerCase() !== 'false',
  };
}

const HEADER_TAIL = ', rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec';

export function headerLine(detailed: boolean): string {
  return detailed
    ? `time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec${HEADER_TAIL}`
    : `start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec${HEADER_TAIL}`;
}

/** The final row (`%s, %s, %.4f, %.4f, %d, %.4f, %d, %d, %.4f, %.4f`). */
export function resultLine(fmt: (ms: number) => string, startMs: number, endMs: number, bytes: number, messages: number, joinMs: number): string {
  const elapsedSec = (endMs - startMs) / 1000;
  const fetchMs = endMs - startMs - joinMs;
  const mb = bytes / MB;
  return [
    fmt(startMs),
    fmt(endMs),
    javaFixed(mb, 4),
    javaFixed(mb / elapsedSec, 4),
    String(messages),
    javaFixed(messages / elapsedSec, 4),
    String(joinMs),
    String(fetchMs),
    javaFixed(mb / (fetchMs / 1000), 4),
    javaFixed(messages / (fetchMs / 1000), 4),
  ].join(', ');
}

/** An interval row of --show-detailed-stats. */
export function progressLine(
  fmt: (ms: number) => string,
  bytes: number,
  lastBytes: number,
  messages: number,
  lastMessages: number,
  startMs: number,
  endMs: number,
  joinMs: number,
): string {
  const elapsedMs = endMs - startMs;
  const intervalMb = (bytes - lastBytes) / MB;
  const fetchMs = endMs - startMs - joinMs;
  return [
    fmt(endMs),
    '0',
    javaFixed(bytes / MB, 4),
    javaFixed((1000 * intervalMb) / elapsedMs, 4),
    String(messages),
    javaFixed(((messages - lastMessages) / elapsedMs) * 1000, 4),
    String(joinMs),
    String(fetchMs),
    javaFixed(fetchMs <= 0 ? 0 : (1000 * intervalMb) / fetchMs, 4),
    javaFixed(fetchMs <= 0 ? 0 : (1000 * (messages - lastMessages)) / fetchMs, 4),
  ].join(', ');
}

export async function run(o: ConsumerPerfOptions, io: Io): Promise<void> {
  const p = plan(o);
  const out = createOutput(io);
  if (o.threads !== undefined || o.numFetchThreads !== undefined) {
    out.status('WARNING: option [threads] and [num-fetch-threads] have been deprecated and will be ignored by the test');
  }
  for (const name of unhonoured(p.props, PERF_CONSUMER_PROPERTIES)) out.status(unhonouredWarning(name, 'mq-consumer-perf-test'));
  if (!p.hideHeader) out.line(headerLine(p.showDetailedStats));
  const session = await openSession(
    {
      bootstrapServer: o.bootstrapServer ?? o.brokerList,
      dataDir: o.dataDir,
      configFiles: p.configFile ? [p.configFile] : [],
      properties: p.props,
      clientId: p.props.get('client.id'),
      verbose: o.verbose,
    },
    io,
  );
  const num = (k: string, d: number) => (p.props.get(k) !== undefined && /^\d+$/.test(p.props.get(k)!.trim()) ? Number(p.props.get(k)) : d);
  let consumer: GroupConsumer | undefined;
  try {
    const cluster = await session.cluster().catch((err) => {
      throw session.error(err);
    });
    const startMs = Date.now();
    // ConsumerPerformance's rebalance listener: join time runs from the start (then from each
    // revocation) to the assignment.
    let joinStartMs = startMs;
    let joinMs = 0;
    let joinMsInRound = 0;
    /** The last join assigned nothing (the topic did not exist yet, or more members than partitions). */
    let nothingYet = true;
    const maxWaitMs = num('fetch.max.wait.ms', 500);
    const c = (consumer = new GroupConsumer(cluster, {
      groupId: p.groupId,
      topics: [p.topic],
      sessionTimeoutMs: num('session.timeout.ms', 45000),
      rebalanceTimeoutMs: num('max.poll.interval.ms', 300000),
      heartbeatIntervalMs: num('heartbeat.interval.ms', 3000),
      maxWaitMs,
      partitionMaxBytes: p.fetchSize,
      reset: p.reset,
      autoCommit: p.autoCommit,
      // ConsumerPerformance polls without committing in between; the consumer commits on a rebalance and on close.
      commitIntervalMs: Infinity,
      // Nothing assigned (no such topic yet): join again once the topic has partitions.
      refresh: async (s) => {
        if (s.assigned > 0 || !nothingYet) return null;
        const t = (await describeTopics(cluster, [p.topic])).get(p.topic);
        if (t && t.errorCode === ErrorCode.NONE && t.partitions.length > 0) {
          joinStartMs = Date.now();
          return 'rejoin';
        }
        return null;
      },
      listener: {
        onRevoked: () => {
          joinStartMs = Date.now();
        },
        onAssigned: (assigned) => {
          const elapsed = Date.now() - joinStartMs;
          joinMs += elapsed;
          joinMsInRound += elapsed;
          nothingYet = assigned.length === 0;
          // Commit what the consumer holds, consumed or not, as the Java consumer's close does.
          for (const tp of assigned) c.consumed(tp.topic, tp.partition, c.fetcher.position(tp.topic, tp.partition)!);
        },
      },
    }));
    // Java's consumer asks for metadata with auto-creation allowed; the broker decides.
    await cluster.metadata([p.topic], { allowAutoTopicCreation: true }).catch(() => {});

    let bytesRead = 0;
    let lastMessages = 0;
    let lastBytes = 0;
    let lastReportMs = Date.now();
    let messagesRead = 0;
    const { end } = await poll(c, {
      maxRecords: p.numMessages,
      idleTimeoutMs: p.timeoutMs,
      maxWaitMs,
      signal: o.signal,
      take: async (part, budget) => {
        const counted = await countRecords(part.records, part.position, budget, part.abortedTransactions);
        bytesRead += counted.bytes;
        messagesRead += counted.messages;
        return { records: counted.messages, next: counted.nextOffset, stop: false };
      },
      afterFetch: (now, got) => {
        if (got === 0 || now - lastReportMs < p.reportingIntervalMs) return;
        if (p.showDetailedStats) out.line(progressLine(p.formatDate, bytesRead, lastBytes, messagesRead, lastMessages, lastReportMs, now, joinMsInRound));
        joinMsInRound = 0;
        lastReportMs = now;
        lastMessages = messagesRead;
        lastBytes = bytesRead;
      },
    });
    if (end === 'idle-timeout') {
      out.line(`WARNING: Exiting before consuming the expected number of messages: timeout (${p.timeoutMs} ms) exceeded. You can use the --timeout option to increase the timeout.`);
    }
    const endMs = Date.now();
    await c.close();
    consumer = undefined;
    if (!p.showDetailedStats) out.line(resultLine(p.formatDate, startMs, endMs, bytesRead, messagesRead, joinMs));
    if (o.printMetrics) out.status('mq-consumer-perf-test: --print-metrics is not supported (mq has no Java client metrics registry); no metrics printed.');
  } catch (err) {
    if (err instanceof CommandError || err instanceof UsageError) throw err;
    if (err instanceof FetchError || err instanceof OffsetResetError) throw new CommandError(err.message);
    throw session.error(err);
  } finally {
    consumer?.member.stopHeartbeats();
    await session.close();
  }
}
