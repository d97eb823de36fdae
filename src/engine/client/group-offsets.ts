/**
 * A consumer group's committed offsets: OffsetFetch and OffsetCommit at the group's coordinator.
 * A group member commits within its generation; mq-consumer-groups commits outside any
 * (generation -1, no member id), which the coordinator accepts only for an Empty group.
 * Keyed `topic:partition`.
 */
import type { Cluster } from './cluster.js';
import { KafkaResponseError } from './errors.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { OffsetCommit } from '../protocol/messages/08-offset-commit.js';
import { OffsetFetch } from '../protocol/messages/09-offset-fetch.js';

export interface TopicPartitions {
  name: string;
  partitions: number[];
}

/** Committed offsets of a group (all partitions when `topics` is null); none committed = absent. */
export async function fetchCommitted(cluster: Cluster, group: string, topics: TopicPartitions[] | null = null): Promise<Map<string, number>> {
  const conn = await cluster.coordinator(group);
  const v = conn.versionFor(OffsetFetch.apiKey);
  const wanted = topics?.map((t) => ({ name: t.name, partitionIndexes: t.partitions })) ?? null;
  // v8 batches groups in `groups`; older versions carry one group's fields at the top.
  const res =
    v >= 8
      ? await conn.request(OffsetFetch, { groups: [{ groupId: group, topics: wanted }], requireStable: false })
      : await conn.request(OffsetFetch, { groupId: group, topics: wanted, requireStable: false });
  const body = v >= 8 ? res.groups[0]! : res;
  if (body.errorCode !== ErrorCode.NONE) throw new KafkaResponseError(body.errorCode, null, `OffsetFetch ${group}`);
  const out = new Map<string, number>();
  for (const t of body.topics) {
    for (const p of t.partitions) {
      const off = p.committedOffset;
      if (p.errorCode === ErrorCode.NONE && off >= 0) out.set(`${t.name}:${p.partitionIndex}`, off);
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
  const res = await conn.request(OffsetCommit, {
    groupId: group,
    generationIdOrMemberEpoch: opts.generationId ?? -1,
    memberId: opts.memberId ?? '',
    groupInstanceId: null,
    retentionTimeMs: -1,
    topics: [...topics].map(([name, partitions]) => ({ name, partitions })),
  });
  const errors = new Map<string, number>();
  for (const t of res.topics) for (const p of t.partitions) errors.set(`${t.name}:${p.partitionIndex}`, p.errorCode);
  return errors;
}
