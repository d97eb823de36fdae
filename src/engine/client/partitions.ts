/**
 * Where a topic's partitions live and what offsets they hold: Metadata without auto-creation,
 * and ListOffsets sent to each partition's leader. Shared by the consumers, the fetcher and
 * mq-consumer-groups; error codes are left to the callers, which have Kafka's texts.
 */
import type { Cluster } from './cluster.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { ListOffsets } from '../protocol/messages/02-list-offsets.js';
import type { RequestInput } from '../protocol/schema.js';

export interface TopicInfo {
  name: string;
  errorCode: number;
  partitions: Array<{ id: number; leader: number }>;
}

/** Metadata for `topics` (null = all) without creating anything. */
export async function describeTopics(cluster: Cluster, topics: string[] | null): Promise<Map<string, TopicInfo>> {
  const md = await cluster.metadata(topics);
  const out = new Map<string, TopicInfo>();
  for (const t of md.topics) {
    // Topics asked for by name are answered by name.
    const name = t.name ?? '';
    out.set(name, {
      name,
      errorCode: t.errorCode,
      partitions: t.partitions.map((p) => ({ id: p.partitionIndex, leader: p.leaderId })).sort((a, b) => a.id - b.id),
    });
  }
  return out;
}

/** The leader of a partition in `topics`, -1 when unknown. */
export function leaderOf(topics: Map<string, TopicInfo>, topic: string, partition: number): number {
  return topics.get(topic)?.partitions.find((p) => p.id === partition)?.leader ?? -1;
}

export const EARLIEST = -2;
export const LATEST = -1;

export interface OffsetAnswer {
  errorCode: number;
  offset: number;
  timestamp: number;
}

/**
 * ListOffsets for some partitions at one timestamp (EARLIEST, LATEST or ms), sent to each
 * partition's leader. Keyed `topic:partition`.
 */
export async function listOffsets(
  cluster: Cluster,
  leaders: Map<string, TopicInfo>,
  wanted: Array<{ topic: string; partition: number }>,
  timestamp: number | ((topic: string, partition: number) => number),
  isolationLevel = 0,
): Promise<Map<string, OffsetAnswer>> {
  const byLeader = new Map<number, Array<{ topic: string; partition: number }>>();
  for (const w of wanted) {
    const leader = leaderOf(leaders, w.topic, w.partition);
    // Appended in place: copying the list per partition made 6,000 partitions cost 18 M copies.
    let list = byLeader.get(leader);
    if (!list) byLeader.set(leader, (list = []));
    list.push(w);
  }
  const out = new Map<string, OffsetAnswer>();
  await Promise.all(
    [...byLeader].map(async ([leader, list]) => {
      if (leader < 0) {
        for (const w of list) out.set(`${w.topic}:${w.partition}`, { errorCode: ErrorCode.LEADER_NOT_AVAILABLE, offset: -1, timestamp: -1 });
        return;
      }
      const conn = await cluster.forNode(leader);
      const topics = new Map<string, number[]>();
      for (const w of list) {
        let parts = topics.get(w.topic);
        if (!parts) topics.set(w.topic, (parts = []));
        parts.push(w.partition);
      }
      const res = await conn.request(ListOffsets, {
        replicaId: -1,
        isolationLevel,
        topics: [...topics].map(([name, parts]) => ({
          name,
          partitions: parts.map((p) => ({ partitionIndex: p, currentLeaderEpoch: -1, timestamp: typeof timestamp === 'function' ? timestamp(name, p) : timestamp, maxNumOffsets: 1 })),
        })),
      });
      // v0 answers a list of offsets (oldStyleOffsets) and no timestamp; v1+ one offset.
      const v0 = conn.versionFor(ListOffsets.apiKey) === 0;
      for (const t of res.topics) {
        for (const p of t.partitions) {
          const offset = v0 ? (p.oldStyleOffsets[0] ?? -1) : p.offset;
          out.set(`${t.name}:${p.partitionIndex}`, { errorCode: p.errorCode, offset, timestamp: p.timestamp });
        }
      }
    }),
  );
  return out;
}

/** The topics of a ListOffsets request, built once by a caller that asks the same partitions again and again. */
export type ListOffsetsTopics = NonNullable<RequestInput<typeof ListOffsets>['topics']>;

/** The request's topics for `partitions` (each topic's partitions of one leader) at one timestamp. */
export function listOffsetsTopics(partitions: ReadonlyArray<{ topic: string; partitions: readonly number[] }>, timestamp: number): ListOffsetsTopics {
  return partitions.map((t) => ({
    name: t.topic,
    partitions: t.partitions.map((p) => ({ partitionIndex: p, currentLeaderEpoch: -1, timestamp, maxNumOffsets: 1 })),
  }));
}

/**
 * One ListOffsets to broker `node` (the leader of every partition in `topics`); `each` receives
 * every answer. For a sampler that asks thousands of partitions every round: the request is
 * built once (listOffsetsTopics) and no key string or map is made per partition here.
 */
export async function listOffsetsAtNode(
  cluster: Cluster,
  node: number,
  topics: ListOffsetsTopics,
  each: (topic: string, partition: number, errorCode: number, offset: number) => void,
  isolationLevel = 0,
): Promise<void> {
  const conn = await cluster.forNode(node);
  const res = await conn.request(ListOffsets, { replicaId: -1, isolationLevel, topics });
  const v0 = conn.versionFor(ListOffsets.apiKey) === 0;
  for (const t of res.topics) {
    for (const p of t.partitions) each(t.name, p.partitionIndex, p.errorCode, v0 ? (p.oldStyleOffsets[0] ?? -1) : p.offset);
  }
}
