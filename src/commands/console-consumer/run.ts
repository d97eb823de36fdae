/**
 * mq-console-consumer: records -> DefaultMessageFormatter (or JSON Lines) -> stdout.
 *
 * The consuming is the engine's (engine/client/consumer.ts and consumer-poll.ts): records come
 * as one reused cursor (readRecords) and are formatted straight into output.ts's 1 MiB record
 * sink. This file keeps Kafka's options, the formatter and the tool's messages.
 * - --topic/--include without --partition: a group member with the range assignor. Without
 *   --group the group is `console-consumer-<0..99999>` and nothing is committed, as in Kafka.
 *   With a group, offsets are committed for printed records only (every auto.commit.interval.ms,
 *   before a rebalance and on close), so --max-messages never skips records.
 * - --partition: manual assignment (no group, no commits).
 * - --from-time / --to-time / --grep (mq's own): every partition from a start to an end offset
 *   resolved at start (range.ts), printing the records the filter (grep.ts) matches.
 * Ends on --max-messages, --timeout-ms without records (a normal end: Kafka's ERROR line only
 * with --strict-timeout), the end of a range, the abort signal (SIGINT/SIGTERM) or a closed
 * stdout; then prints "Processed a total of N messages" (a search: "Matched N of M messages") on
 * stderr, except in front of an error that came before any record.
 */
import { randomInt } from 'node:crypto';
import type { Io } from '../../cli/io.js';
import { CommandError, UsageError } from '../../cli/errors.js';
import type { OutBuffer } from '../../cli/out-buffer.js';
import { createOutput, type Output, type RecordSink } from '../../cli/output.js';
import { openSession } from '../../engine/client/connect.js';
import { ErrorCode, errorName } from '../../engine/protocol/error-codes.js';
import type { Cluster } from '../../engine/client/cluster.js';
import { AssignedConsumer, GroupConsumer, type Consumer } from '../../engine/client/consumer.js';
import { poll, type Taken } from '../../engine/client/consumer-poll.js';
import { FetchError, NoResetPolicyError, OffsetResetError, type FetchedPartition } from '../../engine/client/fetcher.js';
import { describeTopics } from '../../engine/client/partitions.js';
import { RecordCursor, readRecords } from '../../engine/client/record-reader.js';
import { formatterConfig, FormatterError, writeRecord, type FormatterConfig } from './formatter.js';
import { jsonLine } from '../shared/json-record.js';
import { mergedProperties } from '../shared/properties.js';
import { TopicWait } from '../shared/topic-wait.js';
import { autoOffsetReset, CONSOLE_CONSUMER_PROPERTIES, unhonoured, unhonouredWarning } from '../shared/consumer-properties.js';
import { recordFilter } from './grep.js';
import { rangeRead } from './range.js';
import { parseTimeSpec } from './time-spec.js';

export interface ConsumerOptions {
  topic?: string;
  include?: string;
  whitelist?: string;
  partition?: string;
  offset?: string;
  fromBeginning?: boolean;
  group?: string;
  maxMessages?: string;
  timeoutMs?: string;
  skipMessageOnError?: boolean;
  isolationLevel?: string;
  consumerProperty?: string[];
  commandProperty?: string[];
  consumerConfig?: string;
  commandConfig?: string;
  formatter?: string;
  property?: string[];
  formatterProperty?: string[];
  formatterConfig?: string;
  keyDeserializer?: string;
  valueDeserializer?: string;
  enableSystestEvents?: boolean;
  bootstrapServer?: string;
  dataDir?: string;
  verbose?: boolean;
  output?: string;
  color?: boolean;
  /** mq's own: a time range (time-spec.ts) and a search (grep.ts). */
  fromTime?: string;
  toTime?: string;
  grep?: string;
  grepKey?: string;
  grepHeader?: string[];
  grepIgnoreCase?: boolean;
  /** Kafka's ERROR line when --timeout-ms ends the consumer. */
  strictTimeout?: boolean;
  /** Aborted on SIGINT/SIGTERM (set by main). */
  signal?: AbortSignal;
}

const FORMATTERS = new Set([
  'org.apache.kafka.tools.consumer.DefaultMessageFormatter',
  'kafka.tools.DefaultMessageFormatter',
  'org.apache.kafka.tools.consumer.NoOpMessageFormatter',
  'kafka.tools.NoOpMessageFormatter',
  'org.apache.kafka.tools.consumer.LoggingMessageFormatter',
  'kafka.tools.LoggingMessageFormatter',
]);

/**
 * max.partition.fetch.bytes unless set: Java's 1 MiB costs a round trip per MiB, and with one
 * request ahead the broker's time per request is what the consumer waits for; 4 MiB answers
 * halve the total time on a local broker. Output and commits are the same.
 */
const PARTITION_FETCH_BYTES = 4 * 1024 * 1024;

/** FetchRequest isolation levels (IsolationLevel.java). */
const READ_UNCOMMITTED = 0;
const READ_COMMITTED = 1;

function nonNegInt(v: string, flag: string): number {
  if (!/^\d+$/.test(v.trim())) throw new UsageError(`Invalid value '${v}' for option --${flag}: not a non-negative integer`);
  return Number(v);
}

interface Plan {
  topics: string[] | null;
  pattern: RegExp | null;
  partition: number | null;
  offset: 'earliest' | 'latest' | number;
  groupId: string;
  userGroup: boolean;
  autoCommit: boolean;
  reset: 'earliest' | 'latest' | 'none';
  /** --from-time / --to-time (epoch ms) or --grep: a range read (range.ts). */
  fromTime: number | null;
  toTime: number | null;
  search: boolean;
  maxMessages: number;
  timeoutMs: number;
  isolationLevel: number;
  /** fetch.max.wait.ms */
  maxWaitMs: number;
  /** max.partition.fetch.bytes */
  partitionMaxBytes: number;
  clientId: string;
  consumerProps: Map<string, string>;
  configFile: string | undefined;
}

/** ConsoleConsumerOptions' checks, with Kafka's messages (tools/src/main/java/org/apache/kafka/tools/consumer/ConsoleConsumerOptions.java). */
export function plan(o: ConsumerOptions): Plan {
  const include = o.include ?? o.whitelist;
  const sources = [o.topic, include].filter((x) => x !== undefined).length;
  if (sources !== 1) throw new UsageError('Exactly one of --include/--topic is required. ');
  if (o.partition !== undefined && o.topic === undefined) throw new UsageError('The topic is required when partition is specified.');
  if (o.offset !== undefined && o.partition === undefined) throw new UsageError('The partition is required when offset is specified.');
  if (o.group !== undefined && o.partition !== undefined) throw new UsageError('Options group and partition cannot be specified together.');
  if (o.fromBeginning && o.offset !== undefined) throw new UsageError('Options from-beginning and offset cannot be specified together.');
  const configFile = o.consumerConfig ?? o.commandConfig;
  const props = mergedProperties(configFile, [...(o.consumerProperty ?? []), ...(o.commandProperty ?? [])], '--consumer-property');
  const groupIds = new Set<string>();
  const group = o.group ?? props.get('group.id');
  if (o.group !== undefined) groupIds.add(o.group);
  if (props.get('group.id') !== undefined) groupIds.add(props.get('group.id')!);
  if (groupIds.size > 1) {
    throw new UsageError(
      `The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer.config') do not match. Detected group ids: ${[...groupIds].map((g) => `'${g}'`).join(', ')}`,
    );
  }
  const explicitReset = autoOffsetReset(props.get('auto.offset.reset'));
  if (o.fromBeginning && explicitReset !== undefined && explicitReset !== 'earliest') {
    throw new CommandError(`Can't simultaneously specify --from-beginning and 'auto.offset.reset=${explicitReset}', please remove one option`);
  }
  const search = o.grep !== undefined || o.grepKey !== undefined || (o.grepHeader ?? []).length > 0;
  const ranged = search || o.fromTime !== undefined || o.toTime !== undefined;
  if (ranged && group !== undefined) {
    throw new UsageError('Options --from-time, --to-time and --grep read partitions directly (no group, nothing committed): remove --group.');
  }
  if (o.fromTime !== undefined && (o.fromBeginning || o.offset !== undefined)) {
    throw new UsageError(`Option from-time cannot be specified together with ${o.fromBeginning ? 'from-beginning' : 'offset'}.`);
  }
  const now = Date.now();
  const fromTime = o.fromTime !== undefined ? parseTimeSpec(o.fromTime, 'from-time', now) : null;
  const toTime = o.toTime !== undefined ? parseTimeSpec(o.toTime, 'to-time', now) : null;
  if (fromTime !== null && toTime !== null && toTime < fromTime) throw new UsageError(`--to-time (${new Date(toTime).toISOString()}) is before --from-time (${new Date(fromTime).toISOString()}).`);
  // A range or a search without a start reads what exists: from the earliest record.
  let offset: Plan['offset'] = o.fromBeginning || ranged ? 'earliest' : 'latest';
  if (o.offset !== undefined) {
    const v = o.offset.trim().toLowerCase();
    if (v === 'earliest' || v === 'latest') offset = v;
    else if (/^\d+$/.test(v) && Number.isSafeInteger(Number(v))) offset = Number(v);
    else throw new UsageError(`The provided offset value '${o.offset}' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.`);
  }
  const isolation = (o.isolationLevel ?? props.get('isolation.level') ?? 'read_uncommitted').trim();
  if (isolation !== 'read_uncommitted' && isolation !== 'read_committed') {
    throw new UsageError(`Invalid value ${isolation} for configuration isolation.level: String must be one of: read_committed, read_uncommitted`);
  }
  let pattern: RegExp | null = null;
  if (include !== undefined) {
    try {
      pattern = new RegExp(`^(?:${include})$`);
    } catch (err) {
      throw new UsageError(`Invalid --include regular expression '${include}': ${(err as Error).message}`);
    }
  }
  const reset = explicitReset ?? (o.fromBeginning ? 'earliest' : 'latest');
  const autoCommitProp = props.get('enable.auto.commit');
  return {
    topics: o.topic !== undefined ? [o.topic] : null,
    pattern,
    partition: o.partition !== undefined ? nonNegInt(o.partition, 'partition') : null,
    offset,
    groupId: group ?? `console-consumer-${randomInt(100000)}`,
    userGroup: group !== undefined,
    autoCommit: autoCommitProp !== undefined ? autoCommitProp.trim().toLowerCase() === 'true' : group !== undefined,
    reset,
    fromTime,
    toTime,
    search,
    maxMessages: o.maxMessages !== undefined ? nonNegInt(o.maxMessages, 'max-messages') : Infinity,
    timeoutMs: o.timeoutMs !== undefined ? nonNegInt(o.timeoutMs, 'timeout-ms') : Infinity,
    isolationLevel: isolation === 'read_committed' ? READ_COMMITTED : READ_UNCOMMITTED,
    partitionMaxBytes: /^\d+$/.test((props.get('max.partition.fetch.bytes') ?? '').trim()) ? Math.max(1, Number(props.get('max.partition.fetch.bytes'))) : PARTITION_FETCH_BYTES,
    maxWaitMs: /^\d+$/.test((props.get('fetch.max.wait.ms') ?? '').trim()) ? Number(props.get('fetch.max.wait.ms')) : 500,
    clientId: props.get('client.id') ?? 'console-consumer',
    consumerProps: props,
    configFile,
  };
}

/**
 * Renders records into the record sink and takes them for the poll loop: one reused cursor and
 * visitor, nothing allocated per record. A record that fails to render leaves nothing behind; it
 * is skipped (--skip-message-on-error) or ends the consumer.
 */
class Printer {
  /** Records printed. */
  count = 0;
  /** Records read (a search counts the ones it did not print). */
  scanned = 0;
  private readonly cursor = new RecordCursor();
  /** The partition being read: where consumption got to, and how many more records it may take. */
  private at = 0;
  private budget = 0;
  private stopped = false;
  /** The end (exclusive) of the partition being read, and whether it was reached. */
  private end = Infinity;
  private ended = false;
  private readonly visit = (c: RecordCursor): boolean => {
    if (c.offset >= this.end) {
      this.ended = true;
      return false;
    }
    if (this.budget <= 0) {
      this.stopped = true;
      return false;
    }
    if (c.timestamp < this.fromTime || c.timestamp > this.toTime) {
      // Inside the range's offsets but written out of timestamp order: not in the range (range.ts).
      this.at = c.offset + 1;
      return true;
    }
    this.scanned++;
    if (this.filter !== null && !this.filter(c)) {
      this.at = c.offset + 1;
      return true;
    }
    if (!this.add(c)) {
      this.stopped = true;
      return false;
    }
    this.at = c.offset + 1;
    if (this.budget <= 0) {
      this.stopped = true;
      return false;
    }
    return true;
  };

  constructor(
    private readonly out: Output,
    private readonly sink: RecordSink,
    private readonly render: (out: OutBuffer, r: RecordCursor) => void,
    private readonly skipOnError: boolean,
    private readonly filter: ((c: RecordCursor) => boolean) | null,
    /** A range read: each partition's end, and the consumer to stop fetching a partition that reached it. */
    private readonly range: { ends: Map<string, number>; consumer: AssignedConsumer } | null,
    /** --from-time / --to-time (epoch ms): a record's own timestamp must be inside. */
    private readonly fromTime = -Infinity,
    private readonly toTime = Infinity,
  ) {}

  /** Every partition of a range read reached its end. */
  get done(): boolean {
    return this.range !== null && this.range.ends.size === 0;
  }

  get closed(): boolean {
    return this.sink.closed;
  }

  /** Prints one record; false when the consumer must stop (stdout closed). */
  private add(r: RecordCursor): boolean {
    if (this.sink.closed) return false;
    const buf = this.sink.buffer;
    const mark = buf.at;
    try {
      this.render(buf, r);
    } catch (err) {
      buf.at = mark; // nothing of a record that failed
      if (this.skipOnError) {
        this.out.status(`ERROR Error processing message, skipping this message: ${(err as Error).message}`);
        return true;
      }
      throw new CommandError(`ERROR Error processing message, terminating consumer process: ${(err as Error).message}`);
    }
    this.count++;
    this.budget--;
    return true;
  }

  /** The poll loop's `take`: prints a partition's records from its fetch position on. */
  readonly take = async (part: FetchedPartition, budget: number): Promise<Taken> => {
    this.cursor.topic = part.topic;
    this.cursor.partition = part.partition;
    this.at = part.position;
    this.budget = budget;
    this.stopped = false;
    this.ended = false;
    const k = `${part.topic}:${part.partition}`;
    this.end = this.range?.ends.get(k) ?? Infinity;
    const before = this.count;
    const r = await readRecords(part.records, part.position, this.cursor, this.visit);
    if (!r.stopped && r.next > this.at) this.at = Math.min(r.next, this.end);
    if (this.range && (this.ended || this.at >= this.end)) {
      this.range.ends.delete(k);
      this.range.consumer.fetcher.unassign(part.topic, part.partition);
    }
    return { records: this.count - before, next: this.at, stop: this.stopped || this.done };
  };

  flush(): Promise<void> {
    return this.sink.flush();
  }
}

export async function run(o: ConsumerOptions, io: Io): Promise<void> {
  const p = plan(o);
  const formatterName = o.formatter ?? 'org.apache.kafka.tools.consumer.DefaultMessageFormatter';
  if (!FORMATTERS.has(formatterName)) {
    throw new UsageError(`Unsupported --formatter '${formatterName}': mq has DefaultMessageFormatter, LoggingMessageFormatter and NoOpMessageFormatter`);
  }
  const fprops = mergedProperties(o.formatterConfig, [...(o.property ?? []), ...(o.formatterProperty ?? [])], '--property');
  if (o.keyDeserializer) fprops.set('key.deserializer', o.keyDeserializer);
  if (o.valueDeserializer) fprops.set('value.deserializer', o.valueDeserializer);
  let fc: FormatterConfig;
  try {
    fc = formatterConfig(fprops);
  } catch (err) {
    if (err instanceof FormatterError) throw new UsageError(err.message);
    throw err;
  }
  const noop = formatterName.endsWith('NoOpMessageFormatter');
  const render =
    o.output === 'json'
      ? (out: OutBuffer, r: RecordCursor) =>
          out.text(
            jsonLine({
              topic: r.topic,
              partition: r.partition,
              offset: r.offset,
              timestamp: r.timestamp,
              key: r.key(),
              value: r.value(),
              headers: r.headers(),
            }),
          )
      : noop
        ? () => {}
        : (out: OutBuffer, r: RecordCursor) => writeRecord(out, r, fc);
  const filter = recordFilter(o);
  const out = createOutput(io, { format: o.output, color: o.color });
  for (const name of unhonoured(p.consumerProps, CONSOLE_CONSUMER_PROPERTIES)) out.status(unhonouredWarning(name, 'mq-console-consumer'));

  const session = await openSession(
    {
      bootstrapServer: o.bootstrapServer,
      dataDir: o.dataDir,
      configFiles: p.configFile ? [p.configFile] : [],
      properties: p.consumerProps,
      clientId: p.clientId,
      verbose: o.verbose,
    },
    io,
  );
  let failure: unknown;
  let printer: Printer | undefined;
  try {
    const stop = new AbortController();
    if (o.signal?.aborted) stop.abort();
    o.signal?.addEventListener('abort', () => stop.abort(), { once: true });
    out.onClosed(() => stop.abort());
    const cluster = await session.cluster();
    const range = p.fromTime !== null || p.toTime !== null || p.search ? await rangeAssignment(cluster, p) : null;
    const consumer = range ? range.consumer : p.partition !== null ? await manualAssignment(cluster, p) : await groupConsumer(cluster, p);
    printer = new Printer(out, out.recordSink(), render, Boolean(o.skipMessageOnError), filter, range, p.fromTime ?? -Infinity, p.toTime ?? Infinity);
    const pr = printer;
    try {
      // A range read whose partitions are all empty is done before it fetches anything.
      const { end } = pr.done ? { end: 'stopped' } : await poll(consumer, {
        maxRecords: p.maxMessages,
        idleTimeoutMs: p.timeoutMs,
        maxWaitMs: p.maxWaitMs,
        signal: stop.signal,
        take: pr.take,
        afterFetch: () => pr.flush(),
      });
      // Kafka's ConsoleConsumer logs the TimeoutException that ends --timeout-ms as an ERROR; an
      // asked-for end is no error here unless --strict-timeout wants Kafka's text.
      if (end === 'idle-timeout' && o.strictTimeout) out.status('ERROR Error processing message, terminating consumer process:  (org.apache.kafka.common.errors.TimeoutException)');
    } catch (err) {
      throw commandError(err);
    } finally {
      await pr.flush();
      await consumer.close();
    }
  } catch (err) {
    failure = err;
  } finally {
    await session.close();
  }
  const count = printer?.count ?? 0;
  if (printer?.closed && !failure) out.status('Unable to write to standard out, closing consumer.');
  // The summary is noise in front of an error that came before any record.
  if (!failure || count > 0) {
    if (filter) out.status(`Matched ${count} of ${printer?.scanned ?? 0} messages`);
    else out.status(`Processed a total of ${count} messages`);
  }
  if (o.enableSystestEvents && !out.closed) out.line('shutdown_complete');
  if (failure) throw session.error(failure);
}

/** The engine's fetch/offset failures as one line. */
function commandError(err: unknown): unknown {
  return err instanceof FetchError || err instanceof OffsetResetError || err instanceof NoResetPolicyError ? new CommandError(err.message) : err;
}

/** --from-time / --to-time / --grep: every partition (or --partition) from its start to its end (range.ts). */
async function rangeAssignment(cluster: Cluster, p: Plan): Promise<{ ends: Map<string, number>; consumer: AssignedConsumer }> {
  const topics = p.topics ?? (await matching(cluster, p.pattern!));
  try {
    return await rangeRead(cluster, {
      topics,
      partition: p.partition,
      fromTime: p.fromTime,
      toTime: p.toTime,
      start: p.offset,
      endAtLogEnd: p.search,
      isolationLevel: p.isolationLevel,
      maxWaitMs: p.maxWaitMs,
      partitionMaxBytes: p.partitionMaxBytes,
    });
  } catch (err) {
    throw commandError(err);
  }
}

/** --partition: that partition alone, from --offset (or earliest/latest). */
async function manualAssignment(cluster: Cluster, p: Plan): Promise<Consumer> {
  const topic = p.topics![0]!;
  const partition = p.partition!;
  const topics = await describeTopics(cluster, [topic]);
  const t = topics.get(topic);
  if (!t || t.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) throw new CommandError(`Topic '${topic}' does not exist.`);
  if (t.errorCode !== ErrorCode.NONE) throw new CommandError(`Could not read topic '${topic}': ${errorName(t.errorCode)}`);
  if (!t.partitions.some((x) => x.id === partition)) throw new CommandError(`Partition ${partition} does not exist in topic '${topic}' (it has ${t.partitions.length}).`);
  const consumer = new AssignedConsumer(cluster, {
    maxWaitMs: p.maxWaitMs,
    partitionMaxBytes: p.partitionMaxBytes,
    isolationLevel: p.isolationLevel,
    reset: p.reset,
  });
  try {
    await consumer.assign([{ topic, partition, offset: typeof p.offset === 'number' ? p.offset : undefined }], typeof p.offset === 'number' ? 'latest' : p.offset, topics);
  } catch (err) {
    throw commandError(err);
  }
  return consumer;
}

/** The topics a --include pattern matches now. */
async function matching(cluster: Cluster, pattern: RegExp): Promise<string[]> {
  return [...(await describeTopics(cluster, null)).keys()].filter((t) => pattern.test(t)).sort();
}

/**
 * Like the Java consumer (allow.auto.create.topics=true), asks the broker to create a missing
 * topic when it allows that; otherwise fails with one clear line instead of waiting forever.
 */
async function awaitTopics(cluster: Cluster, topics: string[]): Promise<void> {
  const wait = new TopicWait(cluster);
  for (;;) {
    const md = await cluster.metadata(topics, { allowAutoTopicCreation: true });
    const missing = md.topics.find((t) => t.errorCode !== ErrorCode.NONE);
    if (!missing) return;
    const code = missing.errorCode;
    if (code !== ErrorCode.LEADER_NOT_AVAILABLE && code !== ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
      throw new CommandError(`Could not subscribe to topic '${missing.name}': ${errorName(code)}`);
    }
    const stop = await wait.next(code);
    if (stop !== null) {
      throw new CommandError(
        code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
          ? `Topic '${missing.name}' does not exist and the broker does not create topics automatically.`
          : `Topic '${missing.name}' has no leader yet: ${errorName(code)}`,
      );
    }
  }
}

/**
 * A group member (the random console-consumer-NNNNN group without --group): range assignment,
 * committed offsets or auto.offset.reset, auto-commit of printed offsets every
 * auto.commit.interval.ms, on a rebalance and on close; LeaveGroup on close.
 */
async function groupConsumer(cluster: Cluster, p: Plan): Promise<Consumer> {
  const props = p.consumerProps;
  const num = (k: string, d: number) => (props.get(k) !== undefined && /^\d+$/.test(props.get(k)!.trim()) ? Number(props.get(k)) : d);
  let topics: string[];
  if (p.topics) {
    topics = p.topics;
    await awaitTopics(cluster, topics);
  } else topics = await matching(cluster, p.pattern!);
  const pattern = p.pattern;
  const consumer = new GroupConsumer(cluster, {
    groupId: p.groupId,
    topics,
    sessionTimeoutMs: num('session.timeout.ms', 45000),
    rebalanceTimeoutMs: num('max.poll.interval.ms', 60000),
    heartbeatIntervalMs: num('heartbeat.interval.ms', 3000),
    maxWaitMs: p.maxWaitMs,
    partitionMaxBytes: p.partitionMaxBytes,
    isolationLevel: p.isolationLevel,
    reset: p.reset,
    autoCommit: p.autoCommit,
    commitIntervalMs: num('auto.commit.interval.ms', 5000),
    // A pattern subscription picks up matching topics while it has none.
    refresh: pattern ? async (s) => (s.topics.length === 0 || !s.joined ? matching(cluster, pattern) : null) : undefined,
  });
  await consumer.awaitCoordinator(60_000);
  return consumer;
}
