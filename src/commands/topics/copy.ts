/**
 * mq-topics --copy --from SRC --to DST [--bootstrap-server-to ... --command-config-to ...]:
 * copies what SRC holds when the copy starts (earliest to the high watermark of each partition)
 * into DST, record by record: key, value, headers, CreateTime timestamp and partition kept. DST is
 * created with SRC's partition count and topic configs when missing; an existing DST needs at
 * least as many partitions. With --bootstrap-server-to (and --command-config-to) DST is on another cluster.
 *
 * Reading is mq's fetcher (manual assignment, no group, nothing committed); writing is mq's
 * producer with explicit partitions and one request in flight per broker, so a retry never
 * reorders a partition (what MirrorMaker gets from max.in.flight.requests.per.connection=1
 * without idempotence). Records appended to SRC after the start are not copied.
 */
import type { Io } from '../../cli/io.js';
import { CommandError } from '../../cli/errors.js';
import type { Output } from '../../cli/output.js';
import type { Cluster } from '../../engine/client/cluster.js';
import { openSession, type Session } from '../../engine/client/connect.js';
import { createTopic, describeTopics as describeTopicInfos } from '../../engine/client/admin/topics.js';
import { ConfigSource, describeConfigs } from '../../engine/client/admin/configs.js';
import { ResourceType } from '../../engine/protocol/config-resources.js';
import { KafkaResponseError, throwIfError } from '../../engine/client/errors.js';
import { Fetcher } from '../../engine/client/fetcher.js';
import { describeTopics, listOffsets, EARLIEST, LATEST } from '../../engine/client/partitions.js';
import { Producer, type ProducerSettings } from '../../engine/client/producer.js';
import { RecordCursor, readRecords } from '../../engine/client/record-reader.js';
import type { RecordHeader } from '../../engine/client/record-batch-writer.js';
import { ErrorCode, errorName } from '../../engine/protocol/error-codes.js';
import { TopicUnavailable, waitForPartitions } from '../shared/topic-wait.js';
import { sessionOptions, type ConnectionFlags } from '../shared/options.js';

export interface CopyFlags extends ConnectionFlags {
  from?: string;
  to?: string;
  bootstrapServerTo?: string;
  commandConfigTo?: string;
}

/** Large batches, acks=all, one request in flight per broker (ordering without idempotence). */
const SETTINGS: ProducerSettings = {
  acks: -1,
  compression: 'none',
  batchSize: 512 * 1024,
  lingerMs: 5,
  maxInFlight: 1,
  maxRequestSize: 1048576,
  bufferMemory: 32 * 1024 * 1024,
  requestTimeoutMs: 30_000,
  retries: 5,
  retryBackoffMs: 100,
};
const METADATA_WAIT_MS = 60_000;
const PROGRESS_MS = 200;

interface Copied {
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  timestamp: number;
}

/** True when --bootstrap-server-to or --command-config-to names the destination cluster. */
export function copiesToOtherCluster(f: CopyFlags): boolean {
  return f.bootstrapServerTo !== undefined || f.commandConfigTo !== undefined;
}

/** Partition count of a topic on `cluster`, or null when it does not exist. */
async function partitionCount(cluster: Cluster, topic: string): Promise<number | null> {
  try {
    const [t] = await describeTopicInfos(cluster, [topic]);
    return t ? t.partitions.length : null;
  } catch (err) {
    if (err instanceof KafkaResponseError && err.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) return null;
    throw err;
  }
}

/**
 * The source topic's own settings (DYNAMIC_TOPIC_CONFIG: retention.ms, cleanup.policy, ...) for
 * the topic created as the copy, as MirrorMaker 2 carries topic configs over; sensitive values
 * cannot be read back and are left out.
 */
async function topicOverrides(cluster: Cluster, topic: string): Promise<Map<string, string>> {
  const [res] = await describeConfigs(cluster, [{ type: ResourceType.TOPIC, name: topic }]);
  throwIfError(res!.errorCode, res!.errorMessage, `Topic ${topic}`);
  const out = new Map<string, string>();
  for (const e of res!.entries) if (e.source === ConfigSource.DYNAMIC_TOPIC_CONFIG && !e.isSensitive && e.value !== null) out.set(e.name, e.value);
  return out;
}

async function destinationPartitions(cluster: Cluster, topic: string) {
  try {
    return await waitForPartitions(cluster, topic, METADATA_WAIT_MS);
  } catch (err) {
    if (err instanceof TopicUnavailable) throw new CommandError(`Topic ${topic} not ready after ${err.timeoutMs} ms: ${errorName(err.errorCode)}`);
    throw err;
  }
}

/** A progress line on a terminal's stderr, redrawn in place; nothing when stderr is not a terminal. */
function progressLine(io: Io, text: () => string): { stop(): void } {
  if (!io.stderr.isTTY || io.env.CI || io.env.TERM === 'dumb') return { stop() {} };
  const draw = () => io.stderr.write(`\r\u001b[K${text()}`);
  draw();
  const timer = setInterval(draw, PROGRESS_MS);
  return {
    stop() {
      clearInterval(timer);
      io.stderr.write('\r\u001b[K');
    },
  };
}

export async function copyTopic(source: Session, flags: CopyFlags, out: Output, io: Io): Promise<void> {
  const from = flags.from!;
  const to = flags.to!;
  const src = await source.cluster();
  const other = copiesToOtherCluster(flags);
  const target = other
    ? await openSession(sessionOptions({ ...flags, bootstrapServer: flags.bootstrapServerTo, brokerList: undefined }, 'mq-topics', [flags.commandConfigTo]), io)
    : source;
  try {
    await copyBetween(src, target, from, to, other, out, io);
  } catch (err) {
    throw err instanceof CommandError || !other ? err : target.error(err);
  } finally {
    if (other) await target.close();
  }
}

async function copyBetween(src: Cluster, target: Session, from: string, to: string, other: boolean, out: Output, io: Io): Promise<void> {
  const dst = await target.cluster();
  const meta = await describeTopics(src, [from]);
  const info = meta.get(from);
  if (!info || info.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) throw new CommandError(`Topic '${from}' does not exist`);
  throwIfError(info.errorCode, null, `Topic ${from}`);
  const count = info.partitions.length;

  let created = false;
  const have = await partitionCount(dst, to);
  if (have === null) {
    const configs = await topicOverrides(src, from);
    const r = await createTopic(await dst.controller(), { name: to, partitions: count, configs });
    if (r.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS) {
      throwIfError(r.errorCode, r.errorMessage, `Topic ${to}`);
      created = true;
      const listed = [...configs].map(([k, v]) => `${k}=${v}`).join(',');
      out.status(`Created topic ${to} with ${count} partition${count === 1 ? '' : 's'}${listed ? ` and configs ${listed}` : ''}.`);
    }
  } else if (have < count) {
    throw new CommandError(
      `Topic '${to}' has ${have} partition${have === 1 ? '' : 's'} and '${from}' has ${count}: records keep their partitions, so '${to}' needs at least ${count}. ` +
        `Add partitions with: mq-topics --alter --topic ${to} --partitions ${count}`,
    );
  }

  // What SRC holds now: [earliest, high watermark) of each partition.
  const parts = info.partitions.map((p) => ({ topic: from, partition: p.id }));
  const [starts, ends] = await Promise.all([listOffsets(src, meta, parts, EARLIEST), listOffsets(src, meta, parts, LATEST)]);
  const range = new Map<number, { start: number; end: number }>();
  for (const { partition } of parts) {
    const s = starts.get(`${from}:${partition}`)!;
    const e = ends.get(`${from}:${partition}`)!;
    throwIfError(s.errorCode, null, `Topic ${from} partition ${partition}`);
    throwIfError(e.errorCode, null, `Topic ${from} partition ${partition}`);
    range.set(partition, { start: s.offset, end: e.offset });
  }
  const total = [...range.values()].reduce((n, r) => n + Math.max(0, r.end - r.start), 0);

  const failures: string[] = [];
  let failed = 0;
  const producer = new Producer(target, to, SETTINGS, {
    loadPartitions: () => destinationPartitions(dst, to),
    onError: (batch, error) => {
      failed += batch.count;
      if (failures.length === 0) failures.push(`partition ${batch.partition}: ${error}`);
    },
  });
  await producer.init();

  const perPartition = new Map<number, number>();
  let copied = 0;
  let offsetsDone = 0;
  const progress = progressLine(io, () => {
    const pct = total === 0 ? 100 : Math.floor((offsetsDone / total) * 100);
    return `Copying ${from} to ${to}: ${copied} messages (${pct}%)`;
  });
  try {
    const remaining = new Map([...range].filter(([, r]) => r.end > r.start).map(([p, r]) => [p, r.start]));
    const fetcher = new Fetcher(src, { maxWaitMs: 500, reset: 'earliest', partitionMaxBytes: 4 * 1024 * 1024 });
    const assign = () => fetcher.assign([...remaining].map(([partition, offset]) => ({ topic: from, partition, offset })), meta);
    if (remaining.size > 0) await assign();
    const cursor = new RecordCursor();
    while (remaining.size > 0) {
      let finished = false;
      for (const part of await fetcher.fetch()) {
        const at = remaining.get(part.partition);
        if (at === undefined) continue;
        const end = range.get(part.partition)!.end;
        const batch: Copied[] = [];
        const r = await readRecords(part.records, Math.max(part.position, at), cursor, (c) => {
          if (c.offset >= end) return false;
          batch.push({ key: c.key(), value: c.value(), headers: c.headers(), timestamp: c.timestamp });
          return true;
        });
        for (const rec of batch) {
          const blocked = producer.send(part.partition, rec.key, rec.value, rec.headers, rec.timestamp);
          if (blocked) await blocked;
        }
        copied += batch.length;
        perPartition.set(part.partition, (perPartition.get(part.partition) ?? 0) + batch.length);
        const next = Math.min(r.next, end);
        offsetsDone += next - at;
        if (next >= end) {
          remaining.delete(part.partition);
          finished = true;
        } else remaining.set(part.partition, next);
      }
      // Stop fetching partitions that are done (their positions move on past the copy's end).
      if (finished && remaining.size > 0) await assign();
    }
    await producer.flush();
  } finally {
    producer.close();
    progress.stop();
  }
  if (failed > 0) throw new CommandError(`Failed to copy ${failed} of ${copied} messages to ${to} (${failures[0]})`);
  if (out.json) {
    out.document({
      from,
      to,
      otherCluster: other,
      created,
      messages: copied,
      partitions: [...range.keys()].map((p) => ({ partition: p, messages: perPartition.get(p) ?? 0 })),
    });
  } else out.line(`Copied ${copied} message${copied === 1 ? '' : 's'} from ${from} to ${to}`);
}
