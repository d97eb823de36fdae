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
import type { Io } from '../../cli/io.js';
import { CommandError, UsageError } from '../../cli/errors.js';
import type { OutBuffer } from '../../cli/out-buffer.js';
import { createOutput } from '../../cli/output.js';
import { openSession } from '../../engine/client/connect.js';
import { ErrorCode, errorName } from '../../engine/protocol/error-codes.js';
import type { Cluster } from '../../engine/client/cluster.js';
import { AssignedConsumer, GroupConsumer, type Consumer } from '../../engine/client/consumer.js';
import { poll } from '../../engine/client/consumer-poll.js';
import { FetchError, NoResetPolicyError, OffsetResetError } from '../../engine/client/fetcher.js';
import { describeTopics } from '../../engine/client/partitions.js';
import { type RecordCursor } from '../../engine/client/record-reader.js';
import { formatterConfig, FormatterError, writeRecord, type FormatterConfig } from './formatter.js';
import { jsonLine } from '../shared/json-record.js';
import { mergedProperties } from '../shared/properties.js';
import { TopicWait } from '../shared/topic-wait.js';
import { CONSOLE_CONSUMER_PROPERTIES, unhonoured, unhonouredWarning } from '../shared/consumer-properties.js';
import { recordFilter } from './grep.js';
import { rangeRead } from './range.js';

import { type ConsumerOptions, FORMATTERS, type Plan, plan } from './plan.js';
import { Printer } from './printer.js';

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
