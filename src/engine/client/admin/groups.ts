/**
 * Group administration over our protocol client: ListGroups with filters (KIP-518, KIP-848),
 * DescribeGroups, DeleteGroups, OffsetDelete, each at the group's coordinator where it has one.
 * Topic partitions, ListOffsets and OffsetFetch/OffsetCommit are engine/client/partitions.ts and
 * group-offsets.ts, shared with the consumers.
 * Answers are plain objects; error codes are left to the callers, which have Kafka's texts.
 *
 *   const groups = await listGroups(cluster, ['Stable'], ['consumer']);
 *   const d = await describeGroup(cluster, 'g');    // { state, members: [{ assignment }], coordinator }
 */
import type { Cluster } from '../cluster.js';
import type { ProtocolConnection } from '../connection.js';
import { KafkaResponseError } from '../errors.js';
import { decodeAssignment } from '../../protocol/consumer-protocol.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { DescribeGroups } from '../../protocol/messages/15-describe-groups.js';
import { ListGroups } from '../../protocol/messages/16-list-groups.js';
import { DeleteGroups } from '../../protocol/messages/42-delete-groups.js';
import { OffsetDelete } from '../../protocol/messages/47-offset-delete.js';

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();

export interface GroupListing {
  groupId: string;
  protocolType: string;
  state: string;
  type: string;
}

/**
 * Every group of the cluster. A broker answers ListGroups with the groups it coordinates only, so,
 * as Kafka's admin client does (KafkaAdminClient.listConsumerGroups over every broker), each
 * broker of the Metadata is asked and the answers are merged.
 */
export async function listGroups(cluster: Cluster, states: string[] = [], types: string[] = [], known?: readonly number[]): Promise<GroupListing[]> {
  // The brokers a fresh Metadata names (`known`: a caller's own, just asked), as Kafka's admin
  // client asks first (findAllBrokers): not every broker ever seen, which would keep asking one
  // that died and was fenced since (a killed node of a multi-node cluster).
  const brokers = known ? [...known] : (await cluster.metadata([])).brokers.map((b) => b.nodeId);
  const conns = brokers.length ? await Promise.all(brokers.map((id) => cluster.forNode(id))) : [cluster.any()];
  const answers = await Promise.all(conns.map((conn) => listGroupsAt(conn, states, types)));
  const seen = new Map<string, GroupListing>();
  for (const g of answers.flat()) if (!seen.has(g.groupId)) seen.set(g.groupId, g);
  return [...seen.values()];
}

async function listGroupsAt(conn: ProtocolConnection, states: string[], types: string[]): Promise<GroupListing[]> {
  const v = conn.versionFor(ListGroups.apiKey);
  // The filters exist from v4 (states) and v5 (types); an older broker answers every group and
  // the caller filters.
  const res = await conn.request(ListGroups, {
    statesFilter: v >= 4 ? states : [],
    typesFilter: v >= 5 ? types.map((t) => t.toLowerCase()) : [],
  });
  if (res.errorCode !== ErrorCode.NONE) throw new KafkaResponseError(res.errorCode, null, 'ListGroups');
  return res.groups.map((g) => ({
    groupId: g.groupId,
    protocolType: g.protocolType,
    state: v >= 4 ? g.groupState : '',
    // The wire says 'classic'/'consumer'; Kafka's tools print GroupType.toString(): 'Classic'.
    type: v >= 5 && g.groupType ? capitalize(g.groupType) : 'Classic',
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
  return (await describeGroupsAt(cluster, conn, [group]))[0]!;
}

/** DescribeGroups for groups `conn`'s broker coordinates, in one request (the dashboard's sampler batches per coordinator). */
export async function describeGroupsAt(cluster: Cluster, conn: ProtocolConnection, groups: readonly string[]): Promise<GroupDescription[]> {
  const res = await conn.request(DescribeGroups, { groups: [...groups], includeAuthorizedOperations: false });
  const node = cluster.knownNodes().find((n) => n.host === conn.host && n.port === conn.port);
  return groups.map((group) => {
    const g = res.groups.find((x) => x.groupId === group);
    if (!g) return { groupId: group, errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, state: 'Dead', protocolType: '', protocol: '', members: [], coordinator: { nodeId: node?.nodeId ?? -1, host: conn.host, port: conn.port } };
    const consumer = g.protocolType === 'consumer' || g.protocolType === '';
    return {
      groupId: group,
      errorCode: g.errorCode,
      state: g.groupState,
      protocolType: g.protocolType,
      protocol: g.protocolData,
      coordinator: { nodeId: node?.nodeId ?? -1, host: conn.host, port: conn.port },
      members: g.members.map((m) => {
        let assignment: MemberDescription['assignment'] = [];
        const bytes = m.memberAssignment;
        if (consumer && bytes.length > 0) {
          try {
            assignment = decodeAssignment(bytes).assignedPartitions.map((tp) => ({ topic: tp.topic, partitions: [...tp.partitions] }));
          } catch {
            assignment = [];
          }
        }
        return {
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          assignment,
        };
      }),
    };
  });
}

export async function deleteGroups(cluster: Cluster, groups: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  // Each group goes to its own coordinator.
  for (const g of groups) {
    const conn = await coordinatorFor(cluster, g);
    const res = await conn.request(DeleteGroups, { groupsNames: [g] });
    for (const r of res.results) out.set(r.groupId, r.errorCode);
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
  const res = await conn.request(OffsetDelete, {
    groupId: group,
    topics: [...topics].map(([name, ps]) => ({ name, partitions: ps.map((partitionIndex) => ({ partitionIndex })) })),
  });
  const out = new Map<string, number>();
  for (const t of res.topics) for (const p of t.partitions) out.set(`${t.name}:${p.partitionIndex}`, p.errorCode);
  return { errorCode: res.errorCode, partitions: out };
}

/**
 * The cluster id (Metadata v2+, KIP-78), which names a cluster across restarts and address
 * changes: mq-consumer-groups keys its reset journal by it. Null from a broker older than v2.
 */
export async function clusterId(cluster: Cluster): Promise<string | null> {
  const md = await cluster.metadata([]);
  return md.clusterId ?? null;
}
