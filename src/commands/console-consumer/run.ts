/**
 * mq-console-consumer: records -> DefaultMessageFormatter (or JSON Lines) -> stdout.
 *
 * Every mode runs on the engine's client: Fetcher (prefetching Fetch loop), readRecords (records
 * as one reused cursor, formatted straight into a 1 MiB output buffer) and GroupMember.
 * - --topic/--include without --partition: a group member with the range assignor. Without
 *   --group the group is `console-consumer-<0..99999>` and nothing is committed, as in Kafka.
 *   With a group, offsets are committed for printed records only (every auto.commit.interval.ms,
 *   before a rebalance and on close), so --max-messages never skips records.
 * - --partition: manual assignment (no group, no commits).
 * Ends on --max-messages, --timeout-ms without records, the abort signal (SIGINT/SIGTERM) or a
 * closed stdout; always prints "Processed a total of N messages" on stderr.
 */
import { randomInt } from 'node:crypto';
import type { Io } from '../../cli/io.js';
import { CommandError, UsageError } from '../../cli/errors.js';
import { openSession, type Session } from '../../engine/client/connect.js';
import type { Struct } from '../../engine/protocol/codec.js';
import { errorName } from '../../engine/protocol/error-codes.js';
import type { Cluster } from '../../engine/client/cluster.js';
import { formatterConfig, FormatterError, writeRecord, type FormatterConfig } from './formatter.js';
import { jsonLine } from './json-record.js';
import { OutBuffer } from './out-buffer.js';
import { mergedProperties } from '../console-producer/props.js';
import { describeTopics } from '../../engine/client/partitions.js';
import { Fetcher, FetchError, OffsetResetError } from '../../engine/client/fetcher.js';
import { GroupMember } from '../../engine/client/group-member.js';
import { RecordCursor, readRecords } from '../../engine/client/record-reader.js';
import { TopicWait } from '../shared/topic-wait.js';

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
  reset: 'earliest' | 'latest';
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

/** ConsoleConsumerOptions' checks, with Kafka's messages (reference §4.1). */
export function plan(o: ConsumerOptions): Plan {
  const include = o.include ?? o.whitelist;
  const sources = [o.topic, include].filter((x) => x !== undefined).length;
  if (sources !== 1) throw new UsageError('Exactly one of --include/--topic is required. ');
  if (o.partition !== undefined && o.topic === undefined) throw new UsageError('The topic is required when partition is specified.');
  if (o.offset !== undefined && o.partition === undefined) throw new UsageError('The partition is required when offset is specified.');
  if (o.group !== undefined && o.partition !== undefined) throw new UsageError('Options group and partition cannot be specified together.');
  if (o.fromBeginning && o.offset !== undefined) throw new UsageError("Options from-beginning and offset cannot be specified together.");
  const configFile = o.consumerConfig ?? o.commandConfig;
  const props = mergedProperties(configFile, [...(o.consumerProperty ?? []), ...(o.commandProperty ?? [])], '--consumer-property');
  const groupIds = new Set<string>();
  if (o.group !== undefined) groupIds.add(o.group);
  if (props.get('group.id') !== undefined) groupIds.add(props.get('group.id')!);
  if (groupIds.size > 1) {
    throw new UsageError(
      `The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer.config') do not match. Detected group ids: ${[...groupIds].map((g) => `'${g}'`).join(', ')}`,
    );
  }
  const explicitReset = props.get('auto.offset.reset');
  if (o.fromBeginning && explicitReset !== undefined && explicitReset !== 'earliest') {
    throw new CommandError(`Can't simultaneously specify --from-beginning and 'auto.offset.reset=${explicitReset}', please remove one option`);
  }
  let offset: Plan['offset'] = o.fromBeginning ? 'earliest' : 'latest';
  if (o.offset !== undefined) {
    const v = o.offset.trim().toLowerCase();
    if (v === 'earliest' || v === 'latest') offset = v;
    else if (/^\d+$/.test(v) && Number.isSafeInteger(Number(v))) offset = Number(v);
    else throw new UsageError(`The provided offset value '${o.offset}' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.`);
  }
  const group = [...groupIds][0];
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
  const reset = explicitReset === 'earliest' || explicitReset === 'latest' ? explicitReset : o.fromBeginning ? 'earliest' : 'latest';
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
    maxMessages: o.maxMessages !== undefined ? nonNegInt(o.maxMessages, 'max-messages') : Infinity,
    timeoutMs: o.timeoutMs !== undefined ? nonNegInt(o.timeoutMs, 'timeout-ms') : Infinity,
    isolationLevel: isolation === 'read_committed' ? 1 : 0,
    partitionMaxBytes: /^\d+$/.test((props.get('max.partition.fetch.bytes') ?? '').trim()) ? Math.max(1, Number(props.get('max.partition.fetch.bytes'))) : PARTITION_FETCH_BYTES,
    maxWaitMs: /^\d+$/.test((props.get('fetch.max.wait.ms') ?? '').trim()) ? Number(props.get('fetch.max.wait.ms')) : 500,
    clientId: props.get('client.id') ?? 'console-consumer',
    consumerProps: props,
    configFile,
  };
}

/**
 * Formats records straight into one output buffer and writes it to stdout in large chunks (once
 * per fetched partition's data; Kafka flushes per record, which costs a syscall each). Stops
 * quietly when the reader goes away.
 */
class Printer {
  count = 0;
  closed = false;
  /** Called once when stdout's reader goes away, so the consumer stops without another record. */
  onClosed: () => void = () => {};
  private readonly out = new OutBuffer();
  constructor(
    private readonly io: Io,
    private readonly render: (out: OutBuffer, r: RecordCursor) => void,
    private readonly skipOnError: boolean,
  ) {
    io.stdout.on?.('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') {
        if (!this.closed) {
          this.closed = true;
          this.onClosed();
        }
      }
    });
  }

  /** Prints one record; false when the consumer must stop (stdout closed). */
  add(r: RecordCursor): boolean {
    if (this.closed || (this.io.stdout as { destroyed?: boolean }).destroyed) {
      this.closed = true;
      return false;
    }
    const mark = this.out.at;
    try {
      this.render(this.out, r);
    } catch (err) {
      this.out.at = mark; // nothing of a record that failed
      if (this.skipOnError) {
        this.io.stderr.write(`ERROR Error processing message, skipping this message: ${(err as Error).message}\n`);
        return true;
      }
      throw new CommandError(`ERROR Error processing message, terminating consumer process: ${(err as Error).message}`);
    }
    this.count++;
    return true;
  }

  /** Writes what was added; waits only when stdout pushes back. */
  async flush(): Promise<void> {
    if (this.out.length === 0) return;
    const data = this.out.take();
    if (this.closed) return;
    if (!this.io.stdout.write(data)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.io.stdout.off('drain', done);
          this.io.stdout.off('close', done);
          this.io.stdout.off('error', done);
          resolve();
        };
        this.io.stdout.once('drain', done);
        this.io.stdout.once('close', done);
        this.io.stdout.once('error', done);
      });
    }
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
          out.text(jsonLine({ topic: r.topic, partition: r.partition, offset: r.offset, timestamp: r.timestamp, key: r.key(), value: r.value(), headers: r.headers() }))
      : noop
        ? () => {}
        : (out: OutBuffer, r: RecordCursor) => writeRecord(out, r, fc);
  const sink = new Printer(io, render, Boolean(o.skipMessageOnError));

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
  try {
    const stop = new AbortController();
    if (o.signal?.aborted) stop.abort();
    o.signal?.addEventListener('abort', () => stop.abort(), { once: true });
    sink.onClosed = () => stop.abort();
    if (p.partition !== null) await manualAssignment(session, p, sink, stop.signal, io);
    else await groupConsumer(session, p, sink, stop.signal, io);
  } catch (err) {
    failure = err;
  } finally {
    await session.close();
  }
  if (sink.closed && !failure) io.stderr.write('Unable to write to standard out, closing consumer.\n');
  io.stderr.write(`Processed a total of ${sink.count} messages\n`);
  if (o.enableSystestEvents) io.stdout.write('shutdown_complete\n');
  if (failure) throw session.error(failure);
}

/** Resolves with 'stop' when aborted; dispose() removes the listener. */
function stopper(signal: AbortSignal | undefined): { promise: Promise<'stop'>; dispose(): void } {
  let dispose = () => {};
  const promise = new Promise<'stop'>((resolve) => {
    if (signal?.aborted) return resolve('stop');
    const on = () => resolve('stop');
    signal?.addEventListener('abort', on, { once: true });
    dispose = () => signal?.removeEventListener('abort', on);
  });
  return { promise, dispose };
}

function timeoutNotice(io: Io): void {
  io.stderr.write('ERROR Error processing message, terminating consumer process:  (org.apache.kafka.common.errors.TimeoutException)\n');
}

const tpKey = (topic: string, partition: number) => `${topic}:${partition}`;

/** The engine's fetch/offset failures as one line. */
function commandError(err: unknown): unknown {
  return err instanceof FetchError || err instanceof OffsetResetError ? new CommandError(err.message) : err;
}

/** What the poll loop needs from the way partitions are assigned (manual, or a group). */
interface Assignment {
  /** Before each fetch: rejoin or pick up new topics; false = nothing assigned yet, poll again later. */
  refresh(): Promise<boolean>;
  /** Called between fetches (periodic commits). */
  tick(now: number): Promise<void>;
  close(): Promise<void>;
}

/** Where printing got to, per partition: the offset after the last printed record (what a commit says). */
type Printed = Map<string, { topic: string; partition: number; offset: number; committed: number }>;

/**
 * The poll loop of every mode: fetch (prefetching), print records at or after the position
 * until --max-messages, --timeout-ms without records, the abort signal or a closed stdout.
 */
async function pollLoop(fetcher: Fetcher, a: Assignment, p: Plan, sink: Printer, printed: Printed, signal: AbortSignal | undefined, io: Io): Promise<void> {
  const stop = stopper(signal);
  let lastRecordAt = Date.now();
  const remaining = () => p.timeoutMs - (Date.now() - lastRecordAt);
  /** Races `x` against the abort signal and --timeout-ms. */
  const until = async <T>(x: Promise<T>): Promise<T | 'stop' | 'timeout'> => {
    if (p.timeoutMs === Infinity) return Promise.race([x, stop.promise]);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), Math.max(0, remaining()))));
    x.catch(() => {});
    try {
      return await Promise.race([x, stop.promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
  const cursor = new RecordCursor();
  let entry: { offset: number } = { offset: 0 };
  let stopped = false;
  const visit = (c: RecordCursor): boolean => {
    if (sink.count >= p.maxMessages || !sink.add(c)) {
      stopped = true;
      return false;
    }
    entry.offset = c.offset + 1;
    if (sink.count >= p.maxMessages) {
      stopped = true;
      return false;
    }
    return true;
  };
  try {
    while (sink.count < p.maxMessages && !signal?.aborted) {
      const ready = await until(a.refresh());
      if (ready === 'stop') return;
      if (ready === 'timeout') {
        timeoutNotice(io);
        return;
      }
      if (!ready) {
        const r = await until(new Promise((res) => setTimeout(res, 100)));
        if (r === 'stop') return;
        if (r === 'timeout' || remaining() <= 0) {
          timeoutNotice(io);
          return;
        }
        continue;
      }
      const wait = Math.max(0, Math.min(p.maxWaitMs, remaining()));
      const parts = await until(fetcher.fetch(wait, p.maxMessages - sink.count));
      if (parts === 'stop') return;
      if (parts === 'timeout') {
        timeoutNotice(io);
        return;
      }
      let got = false;
      for (const part of parts) {
        const k = tpKey(part.topic, part.partition);
        let e = printed.get(k);
        if (!e) printed.set(k, (e = { topic: part.topic, partition: part.partition, offset: part.position, committed: -1 }));
        entry = e;
        cursor.topic = part.topic;
        cursor.partition = part.partition;
        const before = sink.count;
        const r = await readRecords(part.records, part.position, cursor, visit);
        if (sink.count > before) got = true;
        if (!r.stopped && r.next > e.offset) e.offset = r.next;
        if (stopped) break;
      }
      if (got) lastRecordAt = Date.now();
      await sink.flush();
      if (stopped) return;
      if (!got && remaining() <= 0) {
        timeoutNotice(io);
        return;
      }
      await a.tick(Date.now());
    }
  } finally {
    stop.dispose();
    await sink.flush();
  }
}

async function manualAssignment(session: Session, p: Plan, sink: Printer, signal: AbortSignal | undefined, io: Io): Promise<void> {
  const cluster = await session.cluster();
  const topic = p.topics![0]!;
  const partition = p.partition!;
  const topics = await describeTopics(cluster, [topic]);
  const t = topics.get(topic);
  if (!t || t.errorCode === 3) throw new CommandError(`Topic '${topic}' does not exist.`);
  if (t.errorCode !== 0) throw new CommandError(`Could not read topic '${topic}': ${errorName(t.errorCode)}`);
  if (!t.partitions.some((x) => x.id === partition)) throw new CommandError(`Partition ${partition} does not exist in topic '${topic}' (it has ${t.partitions.length}).`);
  const fetcher = new Fetcher(cluster, { maxWaitMs: p.maxWaitMs, partitionMaxBytes: p.partitionMaxBytes, isolationLevel: p.isolationLevel, reset: p.reset });
  try {
    await fetcher.assign([{ topic, partition, offset: typeof p.offset === 'number' ? p.offset : undefined }], topics);
    if (typeof p.offset !== 'number') await fetcher.resetPositions([{ topic, partition }], p.offset);
    const none = async () => {};
    await pollLoop(fetcher, { refresh: async () => true, tick: none, close: none }, p, sink, new Map(), signal, io);
  } catch (err) {
    throw commandError(err);
  }
}

/** The topics a --include pattern matches now. */
async function matching(cluster: Cluster, pattern: RegExp): Promise<string[]> {
  return [...(await describeTopics(cluster, null)).keys()].filter((t) => pattern.test(t)).sort();
}

/**
 * A group member (the random console-consumer-NNNNN group without --group): range assignment,
 * committed offsets or auto.offset.reset, auto-commit of printed offsets every
 * auto.commit.interval.ms, on a rebalance and on close; LeaveGroup on close.
 */
async function groupConsumer(session: Session, p: Plan, sink: Printer, signal: AbortSignal | undefined, io: Io): Promise<void> {
  const props = p.consumerProps;
  const num = (k: string, d: number) => (props.get(k) !== undefined && /^\d+$/.test(props.get(k)!.trim()) ? Number(props.get(k)) : d);
  const cluster = await session.cluster();
  let topics: string[];
  if (p.topics) {
    topics = p.topics;
    // Like the Java consumer (allow.auto.create.topics=true), ask the broker to create a missing
    // topic when it allows that; otherwise fail with one clear line instead of waiting forever.
    const wait = new TopicWait(cluster);
    for (;;) {
      const md = await cluster.metadata(p.topics, { allowAutoTopicCreation: true });
      const missing = (md.topics as Struct[]).find((t) => (t.errorCode as number) !== 0);
      if (!missing) break;
      const code = missing.errorCode as number;
      if (code !== 5 && code !== 3) throw new CommandError(`Could not subscribe to topic '${missing.name}': ${errorName(code)}`);
      const stop = await wait.next(code);
      if (stop !== null) {
        throw new CommandError(
          code === 3 ? `Topic '${missing.name}' does not exist and the broker does not create topics automatically.` : `Topic '${missing.name}' has no leader yet: ${errorName(code)}`,
        );
      }
    }
  } else topics = await matching(cluster, p.pattern!);
  // A fresh Kafka cluster has no __consumer_offsets yet: FindCoordinator answers
  // COORDINATOR_NOT_AVAILABLE until it is created. Wait for the coordinator here, as the Java consumer does.
  try {
    await cluster.coordinator(p.groupId, 0, 60_000);
  } catch {
    /* the JoinGroup reports it */
  }
  const member = new GroupMember(cluster, p.groupId, topics, {
    sessionTimeoutMs: num('session.timeout.ms', 45000),
    rebalanceTimeoutMs: num('max.poll.interval.ms', 60000),
    heartbeatIntervalMs: num('heartbeat.interval.ms', 3000),
  });
  const fetcher = new Fetcher(cluster, { maxWaitMs: p.maxWaitMs, partitionMaxBytes: p.partitionMaxBytes, isolationLevel: p.isolationLevel, reset: p.reset });
  const printed: Printed = new Map();
  const commitInterval = num('auto.commit.interval.ms', 5000);
  let lastCommit = Date.now();
  let joined = false;
  let lastPatternCheck = Date.now();
  /** Commits what was printed since the last commit (enable.auto.commit). */
  const commit = async () => {
    if (!p.autoCommit) return;
    const due = [...printed.values()].filter((e) => e.offset !== e.committed && fetcher.position(e.topic, e.partition) !== undefined);
    if (due.length === 0) return;
    await member.commit(due.map((e) => ({ topic: e.topic, partition: e.partition, offset: e.offset })));
    for (const e of due) e.committed = e.offset;
  };
  const join = async () => {
    if (joined) await commit().catch(() => {});
    printed.clear();
    const assigned = await member.join();
    joined = true;
    const committed = assigned.length > 0 ? await member.committed(assigned) : new Map<string, number>();
    await fetcher.assign(assigned.map((tp) => ({ ...tp, offset: committed.get(tpKey(tp.topic, tp.partition)) })));
    // Printing starts at the assigned position: that is what a commit says until a record is printed.
    for (const tp of assigned) {
      const at = committed.get(tpKey(tp.topic, tp.partition));
      if (at !== undefined) printed.set(tpKey(tp.topic, tp.partition), { ...tp, offset: at, committed: at });
    }
  };
  const assignment: Assignment = {
    refresh: async () => {
      if (p.pattern && Date.now() - lastPatternCheck >= 1000 && (topics.length === 0 || !joined)) {
        lastPatternCheck = Date.now();
        const now = await matching(cluster, p.pattern);
        if (now.join('\0') !== topics.join('\0')) {
          topics = member.topics = now;
          member.needsRejoin = true;
        }
      }
      if (!joined || member.needsRejoin) await join();
      return fetcher.partitions.length > 0;
    },
    tick: async (now) => {
      if (now - lastCommit < commitInterval) return;
      lastCommit = now;
      await commit().catch(() => {});
    },
    close: async () => {
      try {
        await commit();
      } catch {
        /* closing: Kafka logs and moves on */
      }
      await member.leave().catch(() => {});
    },
  };
  try {
    await pollLoop(fetcher, assignment, p, sink, printed, signal, io);
  } catch (err) {
    throw commandError(err);
  } finally {
    member.stopHeartbeats();
    await assignment.close();
  }
}
