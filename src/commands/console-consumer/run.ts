/**
 * mq-console-consumer: records -> DefaultMessageFormatter (or JSON Lines) -> stdout.
 *
 * - --topic/--include without --partition: a kafkajs group consumer. Without --group the group
 *   is `console-consumer-<0..99999>` and nothing is committed, as in Kafka. With a group,
 *   offsets are committed for printed records only (auto-commit of resolved offsets, plus one
 *   commit at the end), so --max-messages never skips records.
 * - --partition: manual assignment, our own Fetch loop (no group, no commits).
 * Ends on --max-messages, --timeout-ms without records, the abort signal (SIGINT/SIGTERM) or a
 * closed stdout; always prints "Processed a total of N messages" on stderr.
 */
import { randomInt } from 'node:crypto';
import type { Io } from '../../cli/io.js';
import { CommandError, UsageError } from '../../cli/errors.js';
import { openSession, type Session } from '../../engine/client/connect.js';
import type { Struct } from '../../engine/protocol/codec.js';
import { errorName } from '../../engine/protocol/error-codes.js';
import { formatRecord, formatterConfig, FormatterError, type ConsumedRecord, type FormatterConfig } from './formatter.js';
import { jsonLine } from './json-record.js';
import type { OrderedRecordFields } from './kafkajs-records.js';
import { mergedProperties } from '../console-producer/props.js';
import { decodeBatches } from '../console-producer/batch.js';
import { describeTopics, listOffsets, EARLIEST, LATEST } from '../consumer-groups/kafka-api.js';
import { rangeAssigner } from './range-assigner.js';
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
    clientId: props.get('client.id') ?? 'console-consumer',
    consumerProps: props,
    configFile,
  };
}

/**
 * Renders records and writes them to stdout, one write per fetched batch (records are handed
 * over as they come; Kafka flushes per record, which costs a syscall each). Stops quietly when
 * the reader goes away.
 */
class Sink {
  count = 0;
  closed = false;
  /** Called once when stdout's reader goes away, so the consumer stops without another record. */
  onClosed: () => void = () => {};
  private pending: Array<Buffer | string> = [];
  constructor(
    private readonly io: Io,
    private readonly render: (r: ConsumedRecord) => Buffer | string,
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

  /** Renders one record; false when the consumer must stop (stdout closed). */
  add(r: ConsumedRecord): boolean {
    if (this.closed || (this.io.stdout as { destroyed?: boolean }).destroyed) {
      this.closed = true;
      return false;
    }
    let out: Buffer | string;
    try {
      out = this.render(r);
    } catch (err) {
      if (this.skipOnError) {
        this.io.stderr.write(`ERROR Error processing message, skipping this message: ${(err as Error).message}\n`);
        return true;
      }
      throw new CommandError(`ERROR Error processing message, terminating consumer process: ${(err as Error).message}`);
    }
    this.count++;
    if (out.length > 0) this.pending.push(out);
    return true;
  }

  /** Writes what was added; waits only when stdout pushes back. */
  async flush(): Promise<void> {
    if (this.pending.length === 0 || this.closed) {
      this.pending = [];
      return;
    }
    const parts = this.pending;
    this.pending = [];
    const data = typeof parts[0] === 'string' && parts.every((x) => typeof x === 'string') ? (parts as string[]).join('') : Buffer.concat(parts.map((x) => (typeof x === 'string' ? Buffer.from(x) : x)));
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
      ? (r: ConsumedRecord) => jsonLine(r)
      : noop
        ? () => ''
        : (r: ConsumedRecord) => formatRecord(r, fc);
  const sink = new Sink(io, render, Boolean(o.skipMessageOnError));

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

/** Resolves when aborted, or after `ms` (Infinity = never). */
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

async function manualAssignment(session: Session, p: Plan, sink: Sink, signal: AbortSignal | undefined, io: Io): Promise<void> {
  const cluster = await session.cluster();
  const topic = p.topics![0]!;
  const partition = p.partition!;
  const topics = await describeTopics(cluster, [topic]);
  const t = topics.get(topic);
  if (!t || t.errorCode === 3) throw new CommandError(`Topic '${topic}' does not exist.`);
  if (t.errorCode !== 0) throw new CommandError(`Could not read topic '${topic}': ${errorName(t.errorCode)}`);
  const info = t.partitions.find((x) => x.id === partition);
  if (!info) throw new CommandError(`Partition ${partition} does not exist in topic '${topic}' (it has ${t.partitions.length}).`);
  const resolve = async (which: 'earliest' | 'latest') => {
    const ans = (await listOffsets(cluster, topics, [{ topic, partition }], which === 'earliest' ? EARLIEST : LATEST, p.isolationLevel)).get(`${topic}:${partition}`)!;
    if (ans.errorCode !== 0) throw new CommandError(`ListOffsets for ${topic}-${partition} failed: ${errorName(ans.errorCode)}`);
    return ans.offset;
  };
  let offset = typeof p.offset === 'number' ? p.offset : await resolve(p.offset);
  const conn = await cluster.forNode(info.leader);
  const stop = stopper(signal);
  let lastRecordAt = Date.now();
  try {
    while (sink.count < p.maxMessages) {
      const waitMs = Math.max(0, Math.min(500, p.timeoutMs - (Date.now() - lastRecordAt)));
      const fetch = conn.request(1, {
        replicaId: -1,
        maxWaitMs: waitMs,
        minBytes: 1,
        maxBytes: 52428800,
        isolationLevel: p.isolationLevel,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1048576 }] }],
        forgottenTopicsData: [],
        rackId: '',
      });
      const res = await Promise.race([fetch, stop.promise]);
      if (res === 'stop') return;
      const pr = ((res.responses as Struct[])[0]!.partitions as Struct[])[0]!;
      const code = pr.errorCode as number;
      if (code === 1) {
        // OFFSET_OUT_OF_RANGE: auto.offset.reset
        offset = await resolve(p.reset);
        continue;
      }
      if (code !== 0) throw new CommandError(`Fetch from ${topic}-${partition} failed: ${errorName(code)}`);
      const records = pr.records ? await decodeBatches(pr.records as Buffer) : [];
      for (const r of records) {
        if (Number(r.offset) < offset) continue;
        if (sink.count >= p.maxMessages) return;
        lastRecordAt = Date.now();
        const ok = sink.add({
          topic,
          partition,
          offset: r.offset.toString(),
          timestamp: r.timestamp.toString(),
          timestampType: r.timestampType,
          key: r.key,
          value: r.value,
          headers: r.headers,
        });
        offset = Number(r.offset) + 1;
        if (!ok) return;
      }
      await sink.flush();
      if (records.length === 0 && Date.now() - lastRecordAt >= p.timeoutMs) {
        timeoutNotice(io);
        return;
      }
      if (signal?.aborted) return;
    }
  } finally {
    stop.dispose();
    await sink.flush();
  }
}

function timeoutNotice(io: Io): void {
  io.stderr.write('ERROR Error processing message, terminating consumer process:  (org.apache.kafka.common.errors.TimeoutException)\n');
}

async function groupConsumer(session: Session, p: Plan, sink: Sink, signal: AbortSignal | undefined, io: Io): Promise<void> {
  const { installOrderedHeaders } = await import('./kafkajs-records.js');
  installOrderedHeaders();
  const kafkajs = (await import('kafkajs')).default;
  const { registerCodecs } = await import('../../engine/client/compression.js');
  registerCodecs(kafkajs as never);
  const kafka = await session.kafka();
  const props = p.consumerProps;
  const num = (k: string, d: number) => (props.get(k) !== undefined && /^\d+$/.test(props.get(k)!.trim()) ? Number(props.get(k)) : d);
  const consumer = kafka.consumer({
    groupId: p.groupId,
    sessionTimeout: num('session.timeout.ms', 45000),
    rebalanceTimeout: num('max.poll.interval.ms', 60000),
    heartbeatInterval: num('heartbeat.interval.ms', 3000),
    maxWaitTimeInMs: num('fetch.max.wait.ms', 500),
    readUncommitted: p.isolationLevel === 0,
    allowAutoTopicCreation: false,
    partitionAssigners: [rangeAssigner],
    retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2000 },
    ...(props.get('group.instance.id') ? {} : {}),
  });
  let topics: Array<string | RegExp>;
  if (p.topics) {
    topics = p.topics;
    // Like the Java consumer (allow.auto.create.topics=true), ask the broker to create a missing
    // topic when it allows that; otherwise fail with one clear line instead of waiting forever.
    const cluster = await session.cluster();
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
  } else {
    const cluster = await session.cluster();
    const all = await describeTopics(cluster, null);
    topics = [...all.keys()].filter((t) => p.pattern!.test(t));
    if (topics.length === 0) topics = [p.pattern!];
  }
  // A fresh Kafka cluster has no __consumer_offsets yet: FindCoordinator answers
  // COORDINATOR_NOT_AVAILABLE until it is created, which can outlast kafkajs' few retries
  // ("Failed to find group coordinator"). Wait for the coordinator here, as the Java consumer does.
  try {
    await (await session.cluster()).coordinator(p.groupId, 0, 60_000);
  } catch {
    /* kafkajs reports it */
  }
  const printed = new Map<string, { topic: string; partition: number; offset: string }>();
  const stop = stopper(signal);
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  let lastRecordAt = Date.now();
  let done = false;
  let failure: unknown;
  const end = () => {
    done = true;
    finish();
  };
  const timer =
    p.timeoutMs !== Infinity
      ? setInterval(() => {
          if (!done && Date.now() - lastRecordAt >= p.timeoutMs) {
            timeoutNotice(io);
            end();
          }
        }, Math.min(100, Math.max(10, p.timeoutMs / 4)))
      : undefined;
  void stop.promise.then(end);
  consumer.on(consumer.events.CRASH, (e: { payload: { error: Error; restart: boolean } }) => {
    if (!e.payload.restart) {
      failure = e.payload.error;
      end();
    }
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: p.reset === 'earliest' });
    await consumer.run({
      autoCommit: p.autoCommit,
      autoCommitInterval: num('auto.commit.interval.ms', 5000),
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        let last: string | undefined;
        if (!isRunning() || isStale()) return;
        if (batch.messages.length > 0) lastRecordAt = Date.now();
        let seen = 0;
        for (const m of batch.messages) {
          if (done || sink.count >= p.maxMessages) break;
          // kafkajs's isStale() and resolveOffset() cost more than printing a record: check the
          // group state every 1024 records and resolve the batch once, after the loop.
          if ((++seen & 1023) === 0 && (!isRunning() || isStale())) break;
          const ordered = m as OrderedRecordFields;
          let headers: ConsumedRecord['headers'];
          if (ordered.headerList) headers = ordered.headerList;
          else {
            headers = [];
            for (const [k, v] of Object.entries(m.headers ?? {})) {
              for (const x of Array.isArray(v) ? v : [v]) headers.push({ key: k, value: x === undefined || x === null ? null : Buffer.isBuffer(x) ? x : Buffer.from(String(x)) });
            }
          }
          let ok: boolean;
          try {
            ok = sink.add({
              topic: batch.topic,
              partition: batch.partition,
              offset: m.offset,
              timestamp: m.timestamp,
              timestampType: ordered.timestampType === 1 ? 'LogAppendTime' : 'CreateTime',
              key: m.key ?? null,
              value: m.value ?? null,
              headers,
            });
          } catch (err) {
            failure = err;
            if (last !== undefined) resolveOffset(last);
            end();
            await sink.flush();
            return;
          }
          if (!ok) {
            if (last !== undefined) resolveOffset(last);
            await sink.flush();
            end();
            return;
          }
          last = m.offset;
          if (sink.count >= p.maxMessages) break;
        }
        if (last !== undefined) resolveOffset(last);
        if (last !== undefined) printed.set(`${batch.topic}:${batch.partition}`, { topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() });
        await sink.flush();
        if (sink.count >= p.maxMessages) {
          end();
          return;
        }
        await heartbeat();
      },
    });
    if (p.maxMessages === 0) end();
    await Promise.race([finished]);
  } finally {
    if (timer) clearInterval(timer);
    stop.dispose();
    try {
      await consumer.stop();
      if (p.autoCommit && printed.size > 0) await consumer.commitOffsets([...printed.values()]).catch(() => {});
    } finally {
      await consumer.disconnect().catch(() => {});
    }
  }
  if (failure) throw failure;
}
