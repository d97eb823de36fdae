/**
 * Topic administration over our protocol client: listing and describing topics (with topic ids
 * and, where the broker has DescribeTopicPartitions, the eligible-leader-replica lists), creating
 * and deleting topics, adding partitions. Answers are plain objects; a tool turns error codes
 * into Kafka's texts, except where noted.
 *
 *   const names = await listTopicNames(cluster, { includeInternal: true });
 *   const topics = await describeTopicPartitions(cluster, names);   // [{ name, topicId (base64), partitions }]
 *   const r = await createTopic(controller, { name: 't', partitions: 3, configs: new Map() });
 */
import type { Cluster } from '../cluster.js';
import type { ProtocolConnection } from '../connection.js';
import { KafkaResponseError } from '../errors.js';
import { uuidToBase64 } from '../../protocol/uuid.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { Element, ResponseOf } from '../../protocol/schema.js';
import type { Metadata } from '../../protocol/messages/03-metadata.js';
import { CreateTopics } from '../../protocol/messages/19-create-topics.js';
import { DeleteTopics } from '../../protocol/messages/20-delete-topics.js';
import { CreatePartitions } from '../../protocol/messages/37-create-partitions.js';
import { DescribeTopicPartitions } from '../../protocol/messages/75-describe-topic-partitions.js';

type MetadataTopic = Element<ResponseOf<typeof Metadata>['topics']>;
type DescribedTopic = Element<ResponseOf<typeof DescribeTopicPartitions>['topics']>;

/** Kafka's Topic.INTERNAL_TOPICS plus the share-group state topic (KIP-932). */
export const INTERNAL_TOPICS: ReadonlySet<string> = new Set(['__consumer_offsets', '__transaction_state', '__share_group_state']);

export function isInternalTopic(name: string): boolean {
  return INTERNAL_TOPICS.has(name);
}

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

/** A topic's answer to CreateTopics, DeleteTopics or CreatePartitions. */
export interface TopicResult {
  name: string;
  errorCode: number;
  errorMessage: string | null;
}

/** How long the controller may take to apply a topic change (the requests' timeoutMs). */
const TIMEOUT_MS = 30000;

/** A topic id as Kafka prints it, or null for the zero id / none. */
function topicIdOf(hex: string | undefined): string | null {
  return hex !== undefined && !/^0*$/.test(hex) ? uuidToBase64(hex) : null;
}

/** All topics from Metadata (internal ones flagged by name or by the broker); a leaderless topic is still listed. */
export async function listTopics(cluster: Cluster): Promise<TopicInfo[]> {
  const md = await cluster.metadata(null);
  return md.topics.filter((t) => t.errorCode === ErrorCode.NONE || t.errorCode === ErrorCode.LEADER_NOT_AVAILABLE).map(toTopicInfo);
}

export async function listTopicNames(cluster: Cluster, { includeInternal = true } = {}): Promise<string[]> {
  return (await listTopics(cluster))
    .filter((t) => includeInternal || !(t.isInternal || isInternalTopic(t.name)))
    .map((t) => t.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function toTopicInfo(t: MetadataTopic | DescribedTopic): TopicInfo {
  // A topic's name is null only when it was asked for by id (Metadata v12+, which mq never does).
  const name = t.name ?? '';
  return {
    name,
    topicId: topicIdOf(t.topicId),
    isInternal: t.isInternal || isInternalTopic(name),
    partitions: t.partitions
      .map((p) => ({
        partition: p.partitionIndex,
        leader: p.leaderId,
        leaderEpoch: p.leaderEpoch,
        replicas: [...p.replicaNodes],
        isr: [...p.isrNodes],
        offline: [...p.offlineReplicas],
        errorCode: p.errorCode,
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
  if (!conn.supports(DescribeTopicPartitions.apiKey)) return describeTopics(cluster, names);
  const byName = new Map<string, TopicInfo>();
  let cursor: { topicName: string; partitionIndex: number } | null = null;
  do {
    const res: ResponseOf<typeof DescribeTopicPartitions> = await conn.request(DescribeTopicPartitions, {
      topics: names.map((name) => ({ name })),
      responsePartitionLimit: 2000,
      cursor,
    });
    for (const t of res.topics) {
      if (t.errorCode !== ErrorCode.NONE) throw new KafkaResponseError(t.errorCode, null, `Topic ${t.name}`);
      const info = toTopicInfo(t);
      for (const p of info.partitions) {
        const e = t.partitions.find((x) => x.partitionIndex === p.partition)!;
        p.elr = e.eligibleLeaderReplicas && [...e.eligibleLeaderReplicas];
        p.lastKnownElr = e.lastKnownElr && [...e.lastKnownElr];
      }
      // A topic split across pages comes back in pieces.
      const seen = byName.get(info.name);
      if (seen) seen.partitions.push(...info.partitions);
      else byName.set(info.name, info);
    }
    cursor = res.nextCursor;
  } while (cursor);
  return names.map((n) => byName.get(n)).filter((t): t is TopicInfo => t !== undefined);
}

/** Metadata for named topics; an unknown topic is a KafkaResponseError. */
export async function describeTopics(cluster: Cluster, names: readonly string[]): Promise<TopicInfo[]> {
  if (names.length === 0) return [];
  const md = await cluster.metadata([...names]);
  return md.topics.map((t) => {
    if (t.errorCode !== ErrorCode.NONE && t.errorCode !== ErrorCode.LEADER_NOT_AVAILABLE) throw new KafkaResponseError(t.errorCode, null, `Topic ${t.name}`);
    return toTopicInfo(t);
  });
}

export interface NewTopic {
  name: string;
  /** Absent: the broker's num.partitions. Ignored with an assignment. */
  partitions?: number;
  /** Absent: the broker's default.replication.factor. Ignored with an assignment. */
  replicationFactor?: number;
  /** Partition -> broker ids (Kafka's --replica-assignment). */
  assignment?: number[][];
  configs: ReadonlyMap<string, string>;
}

/** CreateTopics for one topic, sent to `controller`. The id is null before v7 or for the zero id. */
export async function createTopic(controller: ProtocolConnection, t: NewTopic): Promise<TopicResult & { topicId: string | null }> {
  const res = await controller.request(CreateTopics, {
    topics: [
      {
        name: t.name,
        // -1: the broker's defaults (CreateTopicsRequest.NO_NUM_PARTITIONS / NO_REPLICATION_FACTOR).
        numPartitions: t.assignment ? -1 : (t.partitions ?? -1),
        replicationFactor: t.assignment ? -1 : (t.replicationFactor ?? -1),
        assignments: (t.assignment ?? []).map((brokerIds, partitionIndex) => ({ partitionIndex, brokerIds })),
        configs: [...t.configs].map(([name, value]) => ({ name, value })),
      },
    ],
    timeoutMs: TIMEOUT_MS,
    validateOnly: false,
  });
  const r = res.topics[0]!;
  return { name: r.name, errorCode: r.errorCode, errorMessage: r.errorMessage, topicId: topicIdOf(r.topicId) };
}

/**
 * CreatePartitions: grows each topic to `count` partitions. `assignments` (per topic, for the new
 * partitions only) is optional, as in Kafka's NewPartitions.
 */
export async function createPartitions(
  controller: ProtocolConnection,
  topics: ReadonlyArray<{ name: string; count: number; assignments: number[][] | null }>,
): Promise<TopicResult[]> {
  const res = await controller.request(CreatePartitions, {
    topics: topics.map((t) => ({ name: t.name, count: t.count, assignments: t.assignments ? t.assignments.map((brokerIds) => ({ brokerIds })) : null })),
    timeoutMs: TIMEOUT_MS,
    validateOnly: false,
  });
  return res.results.map((r) => ({ name: r.name, errorCode: r.errorCode, errorMessage: r.errorMessage }));
}

/** DeleteTopics by name; v6 names topics in `topics` (name or id), older versions in `topicNames`. */
export async function deleteTopics(controller: ProtocolConnection, names: readonly string[]): Promise<TopicResult[]> {
  const byStruct = controller.versionFor(DeleteTopics.apiKey) >= 6;
  const res = await controller.request(
    DeleteTopics,
    byStruct ? { topics: names.map((name) => ({ name })), timeoutMs: TIMEOUT_MS } : { topicNames: names, timeoutMs: TIMEOUT_MS },
  );
  // A topic deleted by name is answered by name.
  return res.responses.map((r) => ({ name: r.name ?? '', errorCode: r.errorCode, errorMessage: r.errorMessage }));
}
