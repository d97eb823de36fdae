/**
 * Admin operations on top of our protocol client (engine/client/cluster.ts), shared by
 * the tools: topic listing and description with topic ids, configs, cluster nodes, offsets.
 *
 *   const names = await listTopicNames(cluster, { includeInternal: true });
 *   const topics = await describeTopics(cluster, names);   // [{ name, topicId (base64), partitions }]
 *   const cfg = await describeConfigs(cluster, [{ type: RESOURCE.TOPIC, name: 't' }], { synonyms: true });
 *   const nodes = await liveBrokers(cluster);
 */
import type { Cluster } from '../../engine/client/cluster.js';
import { KafkaResponseError } from '../../engine/client/errors.js';
import { uuidToBase64, ZERO_UUID_HEX } from '../../engine/protocol/uuid.js';
import type { Struct } from '../../engine/protocol/codec.js';
import { isInternalTopic } from './topic-filter.js';

export const RESOURCE = { TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8, CLIENT_METRICS: 16, GROUP: 32 } as const;

/** Kafka's ConfigEntry.ConfigSource, by wire id. */
export const CONFIG_SOURCE: Record<number, string> = {
  0: 'UNKNOWN',
  1: 'DYNAMIC_TOPIC_CONFIG',
  2: 'DYNAMIC_BROKER_CONFIG',
  3: 'DYNAMIC_DEFAULT_BROKER_CONFIG',
  4: 'STATIC_BROKER_CONFIG',
  5: 'DEFAULT_CONFIG',
  6: 'DYNAMIC_BROKER_LOGGER_CONFIG',
  7: 'DYNAMIC_CLIENT_METRICS_CONFIG',
  8: 'DYNAMIC_GROUP_CONFIG',
};
export const DEFAULT_CONFIG = 5;

export interface PartitionInfo {
  partition: number;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  offline: number[];
  errorCode: number;
  /** Eligible leader replicas (KIP-966); null when the broker answered through Metadata, which has none. */
  elr?: number[] | null;
  lastKnownElr?: number[] | null;
}

export interface TopicInfo {
  name: string;
  /** Kafka's Uuid.toString() (22 chars), or null for the zero id / old brokers. */
  topicId: string | null;
  isInternal: boolean;
  partitions: PartitionInfo[];
}

export interface ConfigEntryInfo {
  name: string;
  value: string | null;
  source: number;
  isSensitive: boolean;
  readOnly: boolean;
  synonyms: { name: string; value: string | null; source: number }[];
}

/** All topic names from Metadata (internal ones flagged by name or by the broker). */
export async function listTopics(cluster: Cluster): Promise<TopicInfo[]> {
  const md = await cluster.metadata(null);
  return (md.topics as Struct[]).filter((t) => t.errorCode === 0 || t.errorCode === 5).map(toTopicInfo);
}

export async function listTopicNames(cluster: Cluster, { includeInternal = true } = {}): Promise<string[]> {
  return (await listTopics(cluster))
    .filter((t) => includeInternal || !(t.isInternal || isInternalTopic(t.name)))
    .map((t) => t.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function toTopicInfo(t: Struct): TopicInfo {
  const id = (t.topicId as string | undefined) ?? ZERO_UUID_HEX;
  return {
    name: t.name as string,
    topicId: id === ZERO_UUID_HEX ? null : uuidToBase64(id),
    isInternal: Boolean(t.isInternal) || isInternalTopic(t.name as string),
    partitions: (t.partitions as Struct[])
      .map((p) => ({
        partition: p.partitionIndex as number,
        leader: p.leaderId as number,
        leaderEpoch: p.leaderEpoch as number,
        replicas: p.replicaNodes as number[],
        isr: p.isrNodes as number[],
        offline: (p.offlineReplicas as number[]) ?? [],
        errorCode: p.errorCode as number,
      }))
      .sort((a, b) => a.partition - b.partition),
  };
}

/**
 * Named topics as Kafka 3.8+ admin clients describe them: DescribeTopicPartitions (with the
 * eligible-leader-replica lists, paged by cursor) when the broker offers it, else Metadata.
 * An unknown topic is a KafkaResponseError.
 */
export async function describeTopicPartitions(cluster: Cluster, names: readonly string[]): Promise<TopicInfo[]> {
  if (names.length === 0) return [];
  const conn = cluster.any();
  if (!conn.supports(75)) return describeTopics(cluster, names);
  const byName = new Map<string, TopicInfo>();
  let cursor: { topicName: string; partitionIndex: number } | null = null;
  do {
    const res: Struct = await conn.request(75, { topics: names.map((name) => ({ name })), responsePartitionLimit: 2000, cursor });
    for (const t of res.topics as Struct[]) {
      if (t.errorCode !== 0) throw new KafkaResponseError(t.errorCode as number, null, `Topic ${t.name}`);
      const info = toTopicInfo(t);
      const parts = (t.partitions as Struct[]).map((p) => ({ index: p.partitionIndex as number, elr: p.eligibleLeaderReplicas as number[] | null, lastKnownElr: p.lastKnownElr as number[] | null }));
      for (const p of info.partitions) {
        const e = parts.find((x) => x.index === p.partition)!;
        p.elr = e.elr;
        p.lastKnownElr = e.lastKnownElr;
      }
      // A topic split across pages comes back in pieces.
      const seen = byName.get(info.name);
      if (seen) seen.partitions.push(...info.partitions);
      else byName.set(info.name, info);
    }
    cursor = (res.nextCursor as typeof cursor) ?? null;
  } while (cursor);
  return names.map((n) => byName.get(n)).filter((t): t is TopicInfo => t !== undefined);
}

/** Metadata for named topics; an unknown topic is a KafkaResponseError. */
export async function describeTopics(cluster: Cluster, names: readonly string[]): Promise<TopicInfo[]> {
  if (names.length === 0) return [];
  const md = await cluster.metadata([...names]);
  return (md.topics as Struct[]).map((t) => {
    if (t.errorCode !== 0 && t.errorCode !== 5) throw new KafkaResponseError(t.errorCode as number, null, `Topic ${t.name}`);
    return toTopicInfo(t);
  });
}

export interface ConfigResourceResult {
  type: number;
  name: string;
  errorCode: number;
  errorMessage: string | null;
  entries: ConfigEntryInfo[];
}

/** DescribeConfigs, sent to the broker that owns each resource (brokers to themselves). */
export async function describeConfigs(
  cluster: Cluster,
  resources: ReadonlyArray<{ type: number; name: string; keys?: string[] | null }>,
  { synonyms = false }: { synonyms?: boolean } = {},
): Promise<ConfigResourceResult[]> {
  const out: ConfigResourceResult[] = [];
  // Broker resources go to that broker; everything else to any broker (Kafka: least loaded).
  const groups = new Map<number | 'any', typeof resources[number][]>();
  for (const r of resources) {
    const key: number | 'any' = (r.type === RESOURCE.BROKER || r.type === RESOURCE.BROKER_LOGGER) && /^\d+$/.test(r.name) ? Number(r.name) : 'any';
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const [node, rs] of groups) {
    const conn = node === 'any' ? cluster.any() : await cluster.forNode(node);
    const res = await conn.request(32, {
      resources: rs.map((r) => ({ resourceType: r.type, resourceName: r.name, configurationKeys: r.keys ?? null })),
      includeSynonyms: synonyms,
      includeDocumentation: false,
    });
    const v = conn.versionFor(32);
    for (const r of res.results as Struct[]) {
      out.push({
        type: r.resourceType as number,
        name: r.resourceName as string,
        errorCode: r.errorCode as number,
        errorMessage: r.errorMessage as string | null,
        entries: (r.configs as Struct[]).map((c) => ({
          name: c.name as string,
          value: c.value as string | null,
          // v0 only has isDefault.
          source: v >= 1 ? (c.configSource as number) : c.isDefault ? DEFAULT_CONFIG : 0,
          isSensitive: Boolean(c.isSensitive),
          readOnly: Boolean(c.readOnly),
          synonyms: ((c.synonyms as Struct[]) ?? []).map((s) => ({ name: s.name as string, value: s.value as string | null, source: s.source as number })),
        })),
      });
    }
  }
  // Keep the caller's order.
  return resources.map((r) => out.find((o) => o.type === r.type && o.name === r.name) ?? { type: r.type, name: r.name, errorCode: -1, errorMessage: 'no answer', entries: [] });
}

/** Node ids of the live brokers: DescribeCluster where supported, else Metadata. */
export async function liveBrokers(cluster: Cluster): Promise<number[]> {
  const c = cluster.any();
  if (c.supports(60)) {
    const res = await c.request(60, { includeClusterAuthorizedOperations: false, endpointType: 1 });
    if (res.errorCode === 0) return (res.brokers as Struct[]).map((b) => b.brokerId as number);
  }
  const md = await cluster.metadata([]);
  return (md.brokers as Struct[]).map((b) => b.nodeId as number);
}
