/**
 * GetOffsetShell's rules: topic-partition filters, --time, per-partition ListOffsets to each
 * leader, lines sorted by "topic-partition", unknown offsets (-1) left out. Errors read
 * `Error occurred: <message>`.
 */
import type { Io } from '../../cli/io.js';
import { CommandError } from '../../cli/errors.js';
import { createOutput } from '../../cli/output.js';
import { openSession, validateBootstrapServer } from '../../engine/client/connect.js';
import { ReportableError } from '../../engine/errors.js';
import type { Struct } from '../../engine/protocol/codec.js';
import { errorName } from '../../engine/protocol/error-codes.js';
import { sessionOptions, type ConnectionFlags } from '../shared/options.js';
import { isInternalTopic, topicFilter } from '../shared/topic-filter.js';
import { listTopics } from '../shared/admin.js';

export interface GetOffsetsOptions extends ConnectionFlags {
  topicPartitions?: string;
  topic?: string;
  partitions?: string;
  time: string;
  excludeInternalTopics?: boolean;
  output?: string;
  color?: boolean;
}

const fail = (msg: string) => new CommandError(`Error occurred: ${msg}`);

export function parseTime(v: string): number {
  switch (v) {
    case 'latest':
      return -1;
    case 'earliest':
      return -2;
    case 'max-timestamp':
      return -3;
    case 'earliest-local':
      return -4;
    case 'latest-tiered':
      return -5;
  }
  if (/^-?\d+$/.test(v) && Number.isSafeInteger(Number(v))) return Number(v);
  throw fail(
    `Malformed time argument ${v}. Please use -1 or latest / -2 or earliest / -3 or max-timestamp / -4 or earliest-local / -5 or latest-tiered, or a specified long format timestamp`,
  );
}

export interface Rule {
  topic: (t: string) => boolean;
  partition: (p: number) => boolean;
}

const RULE = /^([^:,]*)(?::(?:([0-9]*)|(?:([0-9]*)-([0-9]*))))?$/;

/** --topic-partitions: `topicRegex[:N|:N-M|:N-|:-M]`, comma separated. */
export function parseTopicPartitions(spec: string, excludeInternal: boolean): Rule[] {
  return spec.split(',').map((rule) => {
    const m = RULE.exec(rule);
    if (!m) throw fail(`Invalid rule specification: ${rule}`);
    const [, topicRe, single, lower, upper] = m;
    const tf = topicRe ? topicFilter(topicRe) : null;
    const topic = (t: string) => (tf ? tf.allows(t, { excludeInternal }) : !(excludeInternal && isInternalTopic(t)));
    let partition: (p: number) => boolean = () => true;
    if (single !== undefined && single !== '') {
      const n = Number(single);
      partition = (p) => p === n;
    } else if (lower !== undefined || upper !== undefined) {
      if (!lower && !upper) throw fail(`Invalid range specification: ${rule}`);
      const lo = lower ? Number(lower) : 0;
      const hi = upper ? Number(upper) : Infinity;
      partition = (p) => p >= lo && p < hi;
    }
    return { topic, partition };
  });
}

function buildRules(opts: GetOffsetsOptions): Rule[] {
  const excludeInternal = Boolean(opts.excludeInternalTopics);
  if (opts.topicPartitions !== undefined) {
    if (opts.topic !== undefined || opts.partitions !== undefined) throw fail('--topic-partitions cannot be used with --topic or --partitions');
    return parseTopicPartitions(opts.topicPartitions, excludeInternal);
  }
  let ids: Set<number> | null = null;
  if (opts.partitions !== undefined) {
    const parts = opts.partitions.split(',');
    if (!parts.every((p) => /^\s*\d+\s*$/.test(p))) {
      throw fail(`--partitions expects a comma separated list of numeric partition ids, but received: ${opts.partitions}`);
    }
    ids = new Set(parts.map((p) => Number(p)));
  }
  const tf = topicFilter(opts.topic ?? '.*');
  return [{ topic: (t) => tf.allows(t, { excludeInternal }), partition: (p) => ids === null || ids.has(p) }];
}

export async function runGetOffsets(opts: GetOffsetsOptions, io: Io): Promise<void> {
  const bootstrap = opts.bootstrapServer ?? opts.brokerList;
  if (bootstrap !== undefined) validateBootstrapServer(bootstrap);
  const time = parseTime(opts.time);
  let rules: Rule[];
  try {
    rules = buildRules(opts);
  } catch (err) {
    // An invalid regex from the topic filter gets this tool's prefix too.
    if (err instanceof CommandError && !err.message.startsWith('Error occurred: ')) throw fail(err.message);
    throw err;
  }
  const out = createOutput(io, { format: opts.output, color: opts.color });
  const session = await openSession(sessionOptions(opts, 'GetOffsetShell'), io);
  try {
    const cluster = await session.cluster();
    const topics = await out.spin('Fetching metadata', listTopics(cluster));
    // topic-partition -> leader
    const wanted: { topic: string; partition: number; leader: number }[] = [];
    for (const t of topics) {
      for (const p of t.partitions) {
        if (rules.some((r) => r.topic(t.name) && r.partition(p.partition))) wanted.push({ topic: t.name, partition: p.partition, leader: p.leader });
      }
    }
    if (wanted.length === 0) throw fail('Could not match any topic-partitions with the specified filters');
    const results: { topic: string; partition: number; offset: number }[] = [];
    const byLeader = new Map<number, typeof wanted>();
    for (const w of wanted) byLeader.set(w.leader, [...(byLeader.get(w.leader) ?? []), w]);
    for (const [leader, list] of byLeader) {
      if (leader < 0) {
        for (const w of list) io.stderr.write(`Skip getting offsets for topic-partition ${w.topic}-${w.partition} due to error: LEADER_NOT_AVAILABLE\n`);
        continue;
      }
      const conn = await cluster.forNode(leader);
      const minVersion = time === -3 ? 7 : time === -4 ? 8 : time === -5 ? 9 : 0;
      if (!conn.supports(2, minVersion)) {
        for (const w of list) io.stderr.write(`Skip getting offsets for topic-partition ${w.topic}-${w.partition} due to error: The broker does not support LIST_OFFSETS with version in range [${minVersion},${minVersion}]. The supported range is [0,${conn.versionFor(2)}].\n`);
        continue;
      }
      const topicsBody = new Map<string, Struct[]>();
      for (const w of list) topicsBody.set(w.topic, [...(topicsBody.get(w.topic) ?? []), { partitionIndex: w.partition, currentLeaderEpoch: -1, timestamp: time, maxNumOffsets: 1 }]);
      const res = await out.spin('Listing offsets', conn.request(2, {
        replicaId: -1,
        isolationLevel: 0,
        topics: [...topicsBody].map(([name, partitions]) => ({ name, partitions })),
      }));
      for (const t of res.topics as Struct[]) {
        for (const p of t.partitions as Struct[]) {
          if (p.errorCode !== 0) {
            io.stderr.write(`Skip getting offsets for topic-partition ${t.name}-${p.partitionIndex} due to error: ${errorName(p.errorCode as number)}\n`);
            continue;
          }
          const offset = conn.versionFor(2) === 0 ? ((p.oldStyleOffsets as number[])[0] ?? -1) : (p.offset as number);
          if (offset === -1) continue;
          results.push({ topic: t.name as string, partition: p.partitionIndex as number, offset });
        }
      }
    }
    const key = (r: { topic: string; partition: number }) => `${r.topic}-${r.partition}`;
    results.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    if (out.json) out.document({ offsets: results });
    else out.lines(results.map((r) => `${r.topic}:${r.partition}:${r.offset}`));
  } catch (err) {
    if (err instanceof CommandError || err instanceof ReportableError) throw err;
    const mapped = session.error(err);
    throw mapped instanceof ReportableError && !/^Could not connect/.test(mapped.message) ? fail(mapped.message) : mapped;
  } finally {
    await session.close();
  }
}
