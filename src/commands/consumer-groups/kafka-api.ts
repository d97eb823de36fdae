/**
 * The group admin requests only mq-consumer-groups needs, over our protocol client
 * (engine/client/cluster.ts): ListGroups with filters, DescribeGroups, DeleteGroups,
 * OffsetDelete. Topic partitions, ListOffsets and OffsetFetch/OffsetCommit are the engine's
 * (engine/client/partitions.ts, group-offsets.ts), shared with the consumers.
 * Answers are plain objects; error codes are left to the callers, which have Kafka's texts.
 */
import type { Cluster } from '../../engine/client/cluster.js';
import type { ProtocolConnection } from '../../engine/client/connection.js';
import { KafkaResponseError } from '../../engine/client/errors.js';
import type { Struct } from '../../engine/protocol/codec.js';
import { decodeAssignment } from '../../engine/protocol/consumer-protocol.js';

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
