/**
 * A consumer group's committed offsets: OffsetFetch and OffsetCommit at the group's coordinator.
 * A group member commits within its generation; mq-consumer-groups commits outside any
 * (generation -1, no member id), which the coordinator accepts only for an Empty group.
 * Keyed `topic:partition`.
 */
import type { Cluster } from './cluster.js';
import { KafkaResponseError } from './errors.js';
import type { Struct } from '../protocol/codec.js';

export interface TopicPartitions {
  name: string;
  partitions: number[];
}

/** Committed offsets of a group (all partitions when `topics` is null); none committed = absent. */
export async function fetchCommitted(cluster: Cluster, group: string, topics: TopicPartitions[] | null = null): Promise<Map<string, number>> {
  const conn = await cluster.coordinator(group);
  const v = conn.versionFor(9);
  const wanted = topics?.map((t) => ({ name: t.name, partitionIndexes: t.partitions })) ?? null;
  const res = v >= 8 ? await conn.request(9, { groups: [{ groupId: group, topics: wanted }], requireStable: false }) : await conn.request(9, { groupId: group, topics: wanted, requireStable: false });
  const body = v >= 8 ? (res.groups as Struct[])[0]! : res;
  if ((body.errorCode as number) !== 0) throw new KafkaResponseError(body.errorCode as number, null, `OffsetFetch ${group}`);
  const out = new Map<string, number>();
  for (const t of body.topics as Struct[]) {
    for (const p of t.partitions as Struct[]) {
      const off = Number(p.committedOffset);
      if ((p.errorCode as number) === 0 && off >= 0) out.set(`${t.name}:${p.partitionIndex}`, off);
    }
  }
  return out;
}

export interface CommitOptions {
  generationId?: number;
  memberId?: string;
}

/** OffsetCommit; the answer's error code per partition. */
export async function commitOffsets(
  cluster: Cluster,
  group: string,
  offsets: Array<{ topic: string; partition: number; offset: number }>,
  opts: CommitOptions = {},
): Promise<Map<string, number>> {
  const conn = await cluster.coordinator(group);
  const topics = new Map<string, Array<{ partitionIndex: number; committedOffset: number; committedLeaderEpoch: number; committedMetadata: string }>>();
  for (const o of offsets) topics.set(o.topic, [...(topics.get(o.topic) ?? []), { partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: -1, committedMetadata: '' }]);
  const res = await conn.request(8, {
    groupId: group,
    generationIdOrMemberEpoch: opts.generationId ?? -1,
    memberId: opts.memberId ?? '',
    groupInstanceId: null,
    retentionTimeMs: -1,
    topics: [...topics].map(([name, partitions]) => ({ name, partitions })),
  });
  const errors = new Map<string, number>();
  for (const t of res.topics as Struct[]) for (const p of t.partitions as Struct[]) errors.set(`${t.name}:${p.partitionIndex}`, p.errorCode as number);
  return errors;
}
