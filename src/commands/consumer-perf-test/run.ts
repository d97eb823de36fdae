/**
 * mq-consumer-perf-test: Kafka's ConsumerPerformance (reference §8.2) on our protocol client.
 *
 * Joins --group (default perf-consumer-<0..99999>) with the range assignor, starts from the
 * committed offsets (else earliest, or latest with --from-latest), and fetches with one request
 * per leader always in flight (the next fetch goes out before the current answer is counted).
 * Messages and bytes (key + value lengths) are counted from the batches without building record
 * objects. Prints Kafka's header and result line on stdout; offsets are committed on close unless
 * enable.auto.commit=false, as the Java consumer does.
 */
import { randomInt } from 'node:crypto';
import type { Io } from '../../cli/io.js';
import { CommandError, UsageError } from '../../cli/errors.js';
import { openSession } from '../../engine/client/connect.js';
import type { Cluster } from '../../engine/client/cluster.js';
import { readPropertiesFile, PropertiesError } from '../../engine/config/properties.js';
import { describeTopics } from '../../engine/client/partitions.js';
import { Fetcher, FetchError, OffsetResetError } from '../../engine/client/fetcher.js';
import { GroupMember } from '../../engine/client/group-member.js';
import { countRecords } from '../../engine/client/record-reader.js';
import { javaFixed, simpleDateFormat, DateFormatError } from '../producer-perf-test/format.js';

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
export function progressLine(fmt: (ms: number) => string, bytes: number, lastBytes: number, messages: number, lastMessages: number, startMs: number, endMs: number, joinMs: number): string {
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
  const print = (line: string) => void io.stdout.write(line + '\n');
  if (o.threads !== undefined || o.numFetchThreads !== undefined) {
    io.stderr.write('WARNING: option [threads] and [num-fetch-threads] have been deprecated and will be ignored by the test\n');
  }
  if (!p.hideHeader) print(headerLine(p.showDetailedStats));
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
  let member: GroupMember | undefined;
  try {
    const cluster = await session.cluster().catch((err) => {
      throw session.error(err);
    });
    const startMs = Date.now();
    let joinStartMs = startMs;
    let joinMs = 0;
    let joinMsInRound = 0;
    member = new GroupMember(cluster, p.groupId, [p.topic], {
      sessionTimeoutMs: num('session.timeout.ms', 45000),
      rebalanceTimeoutMs: num('max.poll.interval.ms', 300000),
      heartbeatIntervalMs: num('heartbeat.interval.ms', 3000),
    });
    // Java's consumer asks for metadata with auto-creation allowed; the broker decides.
    await cluster.metadata([p.topic], { allowAutoTopicCreation: true }).catch(() => {});

    const fetcher = new Fetcher(cluster, { maxWaitMs: num('fetch.max.wait.ms', 500), partitionMaxBytes: p.fetchSize, reset: p.reset });
    /** After the last counted record per partition (committed at the end). */
    const consumed = new Map<number, number>();
    const commitConsumed = () => member!.commit([...consumed].map(([partition, offset]) => ({ topic: p.topic, partition, offset })));
    let joined = false;
    const join = async () => {
      if (joined && p.autoCommit) await commitConsumed().catch(() => {});
      const assigned = await member!.join();
      joined = true;
      const elapsed = Date.now() - joinStartMs;
      joinMs += elapsed;
      joinMsInRound += elapsed;
      consumed.clear();
      const info = (await describeTopics(cluster, [p.topic])).get(p.topic);
      if (assigned.length === 0 || !info || info.errorCode !== 0) {
        await fetcher.assign([]);
        return;
      }
      const committed = await member!.committed(assigned);
      await fetcher.assign(assigned.map((tp) => ({ ...tp, offset: committed.get(`${tp.topic}:${tp.partition}`) })));
      for (const tp of assigned) consumed.set(tp.partition, fetcher.position(tp.topic, tp.partition)!);
    };
    await join();

    let messagesRead = 0;
    let bytesRead = 0;
    let lastMessages = 0;
    let lastBytes = 0;
    let now = Date.now();
    let lastReportMs = now;
    let lastConsumedMs = now;
    const waitMs = () => Math.max(0, Math.min(num('fetch.max.wait.ms', 500), p.timeoutMs - (Date.now() - lastConsumedMs)));
    const aborted = new Promise<'stop'>((resolve) => {
      if (o.signal?.aborted) resolve('stop');
      o.signal?.addEventListener('abort', () => resolve('stop'), { once: true });
    });
    let lastMetadataCheck = now;
    while (messagesRead < p.numMessages && now - lastConsumedMs <= p.timeoutMs) {
      if (member.needsRejoin) {
        joinStartMs = Date.now();
        await join();
      }
      if (fetcher.partitions.length === 0) {
        // Nothing assigned (no such topic yet, or more members than partitions): poll like the Java loop.
        const r = await Promise.race([new Promise((res) => setTimeout(res, 100)), aborted]);
        now = Date.now();
        if (r === 'stop') break;
        if (now - lastMetadataCheck >= 1000) {
          lastMetadataCheck = now;
          const t = (await describeTopics(cluster, [p.topic])).get(p.topic);
          if (t && t.errorCode === 0 && t.partitions.length > 0 && consumed.size === 0) {
            joinStartMs = Date.now();
            member.needsRejoin = true;
          }
        }
        continue;
      }
      const answers = await Promise.race([fetcher.fetch(waitMs(), p.numMessages - messagesRead), aborted]);
      now = Date.now();
      if (answers === 'stop') break;
      let got = 0;
      for (const a of answers) {
        const c = await countRecords(a.records, a.position, p.numMessages - messagesRead);
        messagesRead += c.messages;
        bytesRead += c.bytes;
        got += c.messages;
        consumed.set(a.partition, c.nextOffset);
      }
      if (got > 0) {
        lastConsumedMs = now;
        if (now - lastReportMs >= p.reportingIntervalMs) {
          if (p.showDetailedStats) print(progressLine(p.formatDate, bytesRead, lastBytes, messagesRead, lastMessages, lastReportMs, now, joinMsInRound));
          joinMsInRound = 0;
          lastReportMs = now;
          lastMessages = messagesRead;
          lastBytes = bytesRead;
        }
      }
    }
    if (messagesRead < p.numMessages && !o.signal?.aborted) {
      print(`WARNING: Exiting before consuming the expected number of messages: timeout (${p.timeoutMs} ms) exceeded. You can use the --timeout option to increase the timeout.`);
    }
    const endMs = Date.now();
    try {
      if (p.autoCommit) await commitConsumed();
      await member.leave();
    } catch {
      /* closing: Kafka logs and moves on */
    }
    if (!p.showDetailedStats) print(resultLine(p.formatDate, startMs, endMs, bytesRead, messagesRead, joinMs));
    if (o.printMetrics) io.stderr.write('mq-consumer-perf-test: --print-metrics is not supported (mq has no Java client metrics registry); no metrics printed.\n');
  } catch (err) {
    if (err instanceof CommandError || err instanceof UsageError) throw err;
    if (err instanceof FetchError || err instanceof OffsetResetError) throw new CommandError(err.message);
    throw session.error(err);
  } finally {
    member?.stopHeartbeats();
    await session.close();
  }
}

export type { Cluster };
