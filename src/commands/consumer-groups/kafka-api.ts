/**
 * The requests mq-consumer-groups and mq-console-consumer need, over our protocol client
 * (engine/client/protocol-client.ts): topic partitions, ListOffsets, and the group APIs
 * (ListGroups with filters, DescribeGroups, OffsetFetch, OffsetCommit, DeleteGroups, OffsetDelete).
 * Answers are plain objects; error codes are left to the callers, which have Kafka's texts.
 */
import type { Cluster, ProtocolConnection } from '../../engine/client/protocol-client.js';
import { KafkaResponseError } from '../../engine/client/protocol-client.js';
import type { Struct } from '../../engine/protocol/codec.js';
import { decodeAssignment } from '../../engine/protocol/consumer-protocol.js';

export interface TopicInfo {
  name: string;
  errorCode: number;
  partitions: Array<{ id: number; leader: number }>;
}

/** Metadata for `topics` (null = all) without creating anything. */
export async function describeTopics(cluster: Cluster, topics: string[] | null): Promise<Map<string, TopicInfo>> {
  const md = await cluster.metadata(topics);
  const out = new Map<string, TopicInfo>();
  for (const t of md.topics as Struct[]) {
    out.set(t.name as string, {
      name: t.name as string,
      errorCode: t.errorCode as number,
      partitions: ((t.partitions as Struct[]) ?? []).map((p) => ({ id: p.partitionIndex as number, leader: p.leaderId as number })).sort((a, b) => a.id - b.id),
    });
  }
  return out;
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
    const leader = leaders.get(w.topic)?.partitions.find((p) => p.id === w.partition)?.leader ?? -1;
    byLeader.set(leader, [...(byLeader.get(leader) ?? []), w]);
  }
  const out = new Map<string, OffsetAnswer>();
  await Promise.all(
    [...byLeader].map(async ([leader, list]) => {
      if (leader < 0) {
        for (const w of list) out.set(`${w.topic}:${w.partition}`, { errorCode: 5, offset: -1, timestamp: -1 });
        return;
      }
      const conn = await cluster.forNode(leader);
      const topics = new Map<string, number[]>();
      for (const w of list) topics.set(w.topic, [...(topics.get(w.topic) ?? []), w.partition]);
      const res = await conn.request(2, {
        replicaId: -1,
        isolationLevel,
        topics: [...topics].map(([name, parts]) => ({
          name,
          partitions: parts.map((p) => ({ partitionIndex: p, currentLeaderEpoch: -1, timestamp: typeof timestamp === 'function' ? timestamp(name, p) : timestamp, maxNumOffsets: 1 })),
        })),
      });
      for (const t of res.topics as Struct[]) {
        for (const p of t.partitions as Struct[]) {
          const offset = p.offset !== undefined ? Number(p.offset) : Number((p.oldStyleOffsets as number[] | undefined)?.[0] ?? -1);
          out.set(`${t.name}:${p.partitionIndex}`, { errorCode: p.errorCode as number, offset, timestamp: Number(p.timestamp ?? -1) });
        }
      }
    }),
  );
  return out;
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();

export interface GroupListing {
  groupId: string;
  protocolType: string;
  state: string;
  type: string;
}

export async function listGroups(cluster: Cluster, states: string[] = [], types: string[] = []): Promise<GroupListing[]> {
  const conn = cluster.any();
  const v = conn.versionFor(16);
  const res = await conn.request(16, { statesFilter: states, typesFilter: types.map((t) => t.toLowerCase()) });
  if ((res.errorCode as number) !== 0) throw new KafkaResponseError(res.errorCode as number, null, 'ListGroups');
  return (res.groups as Struct[]).map((g) => ({
    groupId: g.groupId as string,
    protocolType: g.protocolType as string,
    state: v >= 4 ? (g.groupState as string) : '',
    // The wire says 'classic'/'consumer'; Kafka's tools print GroupType.toString(): 'Classic'.
    type: v >= 5 && g.groupType ? capitalize(g.groupType as string) : 'Classic',
  }));
}

export interface MemberDescription {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  assignment: Array<{ topic: string; partitions: number[] }>;
}

export interface GroupDescription {
  groupId: string;
  errorCode: number;
  state: string;
  protocolType: string;
  protocol: string;
  members: MemberDescription[];
  coordinator: { nodeId: number; host: string; port: number };
}

export async function coordinatorFor(cluster: Cluster, group: string): Promise<ProtocolConnection> {
  return cluster.coordinator(group);
}

export async function describeGroup(cluster: Cluster, group: string): Promise<GroupDescription> {
  const conn = await coordinatorFor(cluster, group);
  const res = await conn.request(15, { groups: [group], includeAuthorizedOperations: false });
  const g = (res.groups as Struct[])[0]!;
  const node = cluster.knownNodes().find((n) => n.host === conn.host && n.port === conn.port);
  const consumer = g.protocolType === 'consumer' || g.protocolType === '';
  return {
    groupId: group,
    errorCode: g.errorCode as number,
    state: g.groupState as string,
    protocolType: g.protocolType as string,
    protocol: g.protocolData as string,
    coordinator: { nodeId: node?.nodeId ?? -1, host: conn.host, port: conn.port },
    members: (g.members as Struct[]).map((m) => {
      let assignment: MemberDescription['assignment'] = [];
      const bytes = m.memberAssignment as Buffer | null;
      if (consumer && bytes && bytes.length > 0) {
        try {
          assignment = decodeAssignment(bytes).assignedPartitions.map((tp) => ({ topic: tp.topic, partitions: [...tp.partitions] }));
        } catch {
          assignment = [];
        }
      }
      return {
        memberId: m.memberId as string,
        groupInstanceId: (m.groupInstanceId as string | null) ?? null,
        clientId: m.clientId as string,
        clientHost: m.clientHost as string,
        assignment,
      };
    }),
  };
}

/** Committed offsets of a group (all partitions when `topics` is null). Keyed `topic:partition`. */
export async function fetchCommitted(cluster: Cluster, group: string, topics: Array<{ name: string; partitions: number[] }> | null = null): Promise<Map<string, number>> {
  const conn = await coordinatorFor(cluster, group);
  const v = conn.versionFor(9);
  const res =
    v >= 8
      ? await conn.request(9, { groups: [{ groupId: group, topics: topics?.map((t) => ({ name: t.name, partitionIndexes: t.partitions })) ?? null }], requireStable: false })
      : await conn.request(9, { groupId: group, topics: topics?.map((t) => ({ name: t.name, partitionIndexes: t.partitions })) ?? null, requireStable: false });
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

/** OffsetCommit outside any generation (the group must be Empty or unknown). */
export async function commitOffsets(cluster: Cluster, group: string, offsets: Array<{ topic: string; partition: number; offset: number }>): Promise<Map<string, number>> {
  const conn = await coordinatorFor(cluster, group);
  const topics = new Map<string, Array<{ partitionIndex: number; committedOffset: number; committedLeaderEpoch: number; committedMetadata: string }>>();
  for (const o of offsets) topics.set(o.topic, [...(topics.get(o.topic) ?? []), { partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: -1, committedMetadata: '' }]);
  const res = await conn.request(8, {
    groupId: group,
    generationIdOrMemberEpoch: -1,
    memberId: '',
    groupInstanceId: null,
    retentionTimeMs: -1,
    topics: [...topics].map(([name, partitions]) => ({ name, partitions })),
  });
  const errors = new Map<string, number>();
  for (const t of res.topics as Struct[]) for (const p of t.partitions as Struct[]) errors.set(`${t.name}:${p.partitionIndex}`, p.errorCode as number);
  return errors;
}

export async function deleteGroups(cluster: Cluster, groups: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  // Each group goes to its own coordinator.
  for (const g of groups) {
    const conn = await coordinatorFor(cluster, g);
    const res = await conn.request(42, { groupsNames: [g] });
    for (const r of res.results as Struct[]) out.set(r.groupId as string, r.errorCode as number);
  }
  return out;
}

export async function deleteOffsets(
  cluster: Cluster,
  group: string,
  partitions: Array<{ topic: string; partition: number }>,
): Promise<{ errorCode: number; partitions: Map<string, number> }> {
  const conn = await coordinatorFor(cluster, group);
  const topics = new Map<string, number[]>();
  for (const p of partitions) topics.set(p.topic, [...(topics.get(p.topic) ?? []), p.partition]);
  const res = await conn.request(47, { groupId: group, topics: [...topics].map(([name, ps]) => ({ name, partitions: ps.map((partitionIndex) => ({ partitionIndex })) })) });
  const out = new Map<string, number>();
  for (const t of res.topics as Struct[]) for (const p of t.partitions as Struct[]) out.set(`${t.name}:${p.partitionIndex}`, p.errorCode as number);
  return { errorCode: res.errorCode as number, partitions: out };
}
