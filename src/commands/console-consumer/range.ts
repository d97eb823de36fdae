/**
 * Reads of a range of each partition (--from-time, --to-time, --grep): every partition of the
 * topics (or the one --partition) by manual assignment, no group and no commits, from a start to
 * an end offset resolved once, at start, per partition:
 * - start: ListOffsets(from-time) — the first offset whose timestamp is >= from-time (KIP-79);
 *   the log end when none is; else --offset / earliest.
 * - end (exclusive): ListOffsets(to-time + 1), the first offset whose timestamp is > to-time;
 *   when no record is that late, or without --to-time, the log end offset at start (the last
 *   stable offset with read_committed). A search (--grep) without --to-time so ends at what
 *   exists; a plain --from-time without --to-time follows the log (end = Infinity).
 * Records written out of timestamp order: the window is offsets (as Kafka's offsetsForTimes
 * and seek give it), and inside it a record whose own timestamp is before from-time or after
 * to-time is skipped (run.ts), so every record printed is in the time range. A late record
 * outside the window (after the first record newer than to-time) is not found.
 */
import { CommandError } from '../../cli/errors.js';
import type { Cluster } from '../../engine/client/cluster.js';
import { AssignedConsumer } from '../../engine/client/consumer.js';
import { describeTopics, EARLIEST, LATEST, listOffsets, type OffsetAnswer } from '../../engine/client/partitions.js';
import { ErrorCode, errorName } from '../../engine/protocol/error-codes.js';

export interface RangeRequest {
  topics: string[];
  /** --partition, or null for all partitions. */
  partition: number | null;
  /** Epoch ms, or null. */
  fromTime: number | null;
  toTime: number | null;
  /** --offset n (with --partition), or where to start without --from-time. */
  start: 'earliest' | 'latest' | number;
  /** End at the log end offset at start even without --to-time (a search). */
  endAtLogEnd: boolean;
  isolationLevel: number;
  maxWaitMs: number;
  partitionMaxBytes: number;
}

export interface RangeRead {
  consumer: AssignedConsumer;
  /** `topic:partition` -> end offset (exclusive); partitions not listed are already done. */
  ends: Map<string, number>;
}

const tp = (topic: string, partition: number) => `${topic}:${partition}`;

function answer(ans: Map<string, OffsetAnswer>, topic: string, partition: number): number {
  const a = ans.get(tp(topic, partition));
  if (!a) throw new CommandError(`ListOffsets for ${topic}-${partition} got no answer`);
  if (a.errorCode !== ErrorCode.NONE) throw new CommandError(`ListOffsets for ${topic}-${partition} failed: ${errorName(a.errorCode)}`);
  return a.offset;
}

export async function rangeRead(cluster: Cluster, r: RangeRequest): Promise<RangeRead> {
  const info = await describeTopics(cluster, r.topics);
  const parts: Array<{ topic: string; partition: number }> = [];
  for (const topic of r.topics) {
    const t = info.get(topic);
    if (!t || t.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) throw new CommandError(`Topic '${topic}' does not exist.`);
    if (t.errorCode !== ErrorCode.NONE) throw new CommandError(`Could not read topic '${topic}': ${errorName(t.errorCode)}`);
    if (r.partition !== null && !t.partitions.some((x) => x.id === r.partition)) {
      throw new CommandError(`Partition ${r.partition} does not exist in topic '${topic}' (it has ${t.partitions.length}).`);
    }
    for (const p of t.partitions) if (r.partition === null || p.id === r.partition) parts.push({ topic, partition: p.id });
  }
  const latest = await listOffsets(cluster, info, parts, LATEST, r.isolationLevel);
  const fixedStart = typeof r.start === 'number' ? null : await listOffsets(cluster, info, parts, r.start === 'earliest' ? EARLIEST : LATEST, r.isolationLevel);
  const byFrom = r.fromTime !== null ? await listOffsets(cluster, info, parts, r.fromTime, r.isolationLevel) : null;
  const byTo = r.toTime !== null ? await listOffsets(cluster, info, parts, r.toTime + 1, r.isolationLevel) : null;
  const ends = new Map<string, number>();
  const assigned: Array<{ topic: string; partition: number; offset: number }> = [];
  for (const { topic, partition } of parts) {
    const logEnd = answer(latest, topic, partition);
    let start: number;
    if (byFrom) {
      const at = answer(byFrom, topic, partition);
      start = at < 0 ? logEnd : at;
    } else start = fixedStart ? answer(fixedStart, topic, partition) : (r.start as number);
    let end = r.endAtLogEnd || byTo ? logEnd : Infinity;
    if (byTo) {
      const at = answer(byTo, topic, partition);
      if (at >= 0) end = at;
    }
    if (start >= end) continue;
    ends.set(tp(topic, partition), end);
    assigned.push({ topic, partition, offset: start });
  }
  const consumer = new AssignedConsumer(cluster, { maxWaitMs: r.maxWaitMs, partitionMaxBytes: r.partitionMaxBytes, isolationLevel: r.isolationLevel });
  if (assigned.length > 0) await consumer.assign(assigned, 'earliest', info);
  return { consumer, ends };
}
