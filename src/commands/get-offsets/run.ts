/**
 * GetOffsetShell's rules: topic-partition filters, --time, per-partition ListOffsets to each
 * leader, lines sorted by "topic-partition", unknown offsets (-1) left out. Errors read
 * `Error occurred: <message>`.
 */
import type { Io } from '../../cli/io.js';
import { CommandError } from '../../cli/errors.js';
import { ReportableError } from '../../engine/errors.js';
import { createOutput } from '../../cli/output.js';
import { openSession, validateBootstrapServer } from '../../engine/client/connect.js';
import { ErrorCode, errorName } from '../../engine/protocol/error-codes.js';
import { isInternalTopic, listTopics } from '../../engine/client/admin/topics.js';
import { offsetsAt, OffsetSpec } from '../../engine/client/admin/offsets.js';
import { sessionOptions, type ConnectionFlags } from '../shared/options.js';
import { topicFilter } from '../shared/topic-filter.js';

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
      return OffsetSpec.LATEST;
    case 'earliest':
      return OffsetSpec.EARLIEST;
    case 'max-timestamp':
      return OffsetSpec.MAX_TIMESTAMP;
    case 'earliest-local':
      return OffsetSpec.EARLIEST_LOCAL;
    case 'latest-tiered':
      return OffsetSpec.LATEST_TIERED;
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
        for (const w of list) out.status(`Skip getting offsets for topic-partition ${w.topic}-${w.partition} due to error: LEADER_NOT_AVAILABLE`);
        continue;
      }
      const conn = await cluster.forNode(leader);
      const answer = await out.spin('Listing offsets', offsetsAt(conn, list, time));
      if ('unsupported' in answer) {
        const { minVersion, maxVersion } = answer.unsupported;
        for (const w of list) out.status(`Skip getting offsets for topic-partition ${w.topic}-${w.partition} due to error: The broker does not support LIST_OFFSETS with version in range [${minVersion},${minVersion}]. The supported range is [0,${maxVersion}].`);
        continue;
      }
      for (const p of answer.partitions) {
        if (p.errorCode !== ErrorCode.NONE) {
          out.status(`Skip getting offsets for topic-partition ${p.topic}-${p.partition} due to error: ${errorName(p.errorCode)}`);
          continue;
        }
        if (p.offset === -1) continue;
        results.push({ topic: p.topic, partition: p.partition, offset: p.offset });
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
