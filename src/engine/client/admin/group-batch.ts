/**
 * Many groups at once, for a sampler that looks at every group each round (mq-dashboard): the
 * groups' coordinators (one FindCoordinator v4 with every key where the broker has it, KIP-699;
 * remembered between rounds), then per coordinator one DescribeGroups for all its groups and one
 * OffsetFetch for all of them (v8+, KIP-709; one per group before v8). Never a request per
 * partition.
 *
 *   const coords = new CoordinatorCache();
 *   const committed = await fetchCommittedGroups(cluster, ['a', 'b'], coords);   // group -> topic:partition -> offset
 */
import type { Cluster } from '../cluster.js';
import type { ProtocolConnection } from '../connection.js';
import { isConnectionLost, KafkaResponseError } from '../errors.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { FindCoordinator } from '../../protocol/messages/10-find-coordinator.js';
import { OffsetFetch } from '../../protocol/messages/09-offset-fetch.js';
import { describeGroupsAt, type GroupDescription } from './groups.js';

/** Errors after which a group's coordinator is looked up again. */
const MOVED: ReadonlySet<number> = new Set([ErrorCode.NOT_COORDINATOR, ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS]);

/** Group -> coordinator node id, kept across rounds. */
export class CoordinatorCache {
  readonly byGroup = new Map<string, number>();

  forget(group: string): void {
    this.byGroup.delete(group);
  }

  clear(): void {
    this.byGroup.clear();
  }
}

/** The groups by coordinator connection; groups whose coordinator cannot be found are left out. */
async function byCoordinator(cluster: Cluster, groups: readonly string[], cache: CoordinatorCache): Promise<Map<number, string[]>> {
  const unknown = groups.filter((g) => !cache.byGroup.has(g));
  if (unknown.length > 0) {
    const c = await cluster.live();
    if (c.versionFor(FindCoordinator.apiKey) >= 4) {
      const res = await c.request(FindCoordinator, { keyType: 0, coordinatorKeys: unknown });
      for (const r of res.coordinators) if (r.errorCode === ErrorCode.NONE) cache.byGroup.set(r.key, r.nodeId);
    } else {
      for (const g of unknown) {
        try {
          const conn = await cluster.coordinator(g, 0, 0);
          const node = cluster.knownNodes().find((n) => n.host === conn.host && n.port === conn.port);
          if (node) cache.byGroup.set(g, node.nodeId);
        } catch (err) {
          if (isConnectionLost(err)) throw err;
        }
      }
    }
  }
  const out = new Map<number, string[]>();
  for (const g of groups) {
    const node = cache.byGroup.get(g);
    if (node === undefined) continue;
    let list = out.get(node);
    if (!list) out.set(node, (list = []));
    list.push(g);
  }
  return out;
}

/**
 * The connection to a coordinator the cache names, or undefined when it cannot be reached: its groups are forgotten,
 * so the next call asks FindCoordinator again (a killed broker's groups move to another once Kafka fences it), and
 * left out of this answer instead of failing it for every group.
 */
async function coordinatorConn(cluster: Cluster, node: number, list: readonly string[], cache: CoordinatorCache): Promise<ProtocolConnection | undefined> {
  try {
    return await cluster.forNode(node);
  } catch {
    for (const g of list) cache.forget(g);
    return undefined;
  }
}

/** DescribeGroups for every group, one request per coordinator. Groups without a reachable coordinator now are absent. */
export async function describeGroupsBatch(cluster: Cluster, groups: readonly string[], cache: CoordinatorCache): Promise<Map<string, GroupDescription>> {
  const out = new Map<string, GroupDescription>();
  const plan = await byCoordinator(cluster, groups, cache);
  await Promise.all(
    [...plan].map(async ([node, list]) => {
      const conn = await coordinatorConn(cluster, node, list, cache);
      if (!conn) return;
      for (const d of await describeGroupsAt(cluster, conn, list)) {
        if (MOVED.has(d.errorCode)) cache.forget(d.groupId);
        else out.set(d.groupId, d);
      }
    }),
  );
  return out;
}

type FetchedTopics = ReadonlyArray<{ name: string; partitions: ReadonlyArray<{ partitionIndex: number; committedOffset: number; errorCode: number }> }>;

function committedOf(topics: FetchedTopics): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of topics) for (const p of t.partitions) if (p.errorCode === ErrorCode.NONE && p.committedOffset >= 0) m.set(`${t.name}:${p.partitionIndex}`, p.committedOffset);
  return m;
}

async function fetchAt(conn: ProtocolConnection, groups: string[], cache: CoordinatorCache, out: Map<string, Map<string, number>>): Promise<void> {
  if (conn.versionFor(OffsetFetch.apiKey) >= 8) {
    const res = await conn.request(OffsetFetch, { groups: groups.map((groupId) => ({ groupId, topics: null })), requireStable: false });
    for (const g of res.groups) {
      if (MOVED.has(g.errorCode)) cache.forget(g.groupId);
      else if (g.errorCode === ErrorCode.NONE) out.set(g.groupId, committedOf(g.topics));
    }
    return;
  }
  for (const groupId of groups) {
    const res = await conn.request(OffsetFetch, { groupId, topics: null, requireStable: false });
    if (MOVED.has(res.errorCode)) cache.forget(groupId);
    else if (res.errorCode === ErrorCode.NONE) out.set(groupId, committedOf(res.topics));
    else throw new KafkaResponseError(res.errorCode, null, `OffsetFetch ${groupId}`);
  }
}

/** Committed offsets of every group (`topic:partition` -> offset), one OffsetFetch per coordinator (v8+). */
export async function fetchCommittedGroups(cluster: Cluster, groups: readonly string[], cache: CoordinatorCache): Promise<Map<string, Map<string, number>>> {
  const out = new Map<string, Map<string, number>>();
  const plan = await byCoordinator(cluster, groups, cache);
  await Promise.all(
    [...plan].map(async ([node, list]) => {
      const conn = await coordinatorConn(cluster, node, list, cache);
      if (conn) await fetchAt(conn, list, cache, out);
    }),
  );
  return out;
}
