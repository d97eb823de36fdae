/**
 * Topic facts shared by several handlers: metadata entries, auto-creation, Kafka's messages.
 */
import { type Metadata } from '../protocol/messages/03-metadata.js';
import type { Element, ResponseInput } from '../protocol/schema.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { BrokerServices } from './services.js';
import type { TopicInfo } from '../log/log-dir.js';
import { RESERVED_TOPIC_NAMES, topicNameProblem } from '../log/topic-name.js';
import { isInternalTopic } from './internal-topics.js';

type TopicAnswer = Element<ResponseInput<typeof Metadata>['topics']>;
export type PartitionAnswer = Element<TopicAnswer['partitions']>;

/** Kafka's "authorized operations not requested" (Integer.MIN_VALUE). */
export const OPERATIONS_NOT_REQUESTED = -2147483648;

/** Every operation on a topic, as Kafka's AclOperation bit set (read, write, create, delete, alter, describe, configs). */
const ALL_TOPIC_OPERATIONS = 0b1111111111000;

/**
 * One partition as Metadata describes it (DescribeTopicPartitions adds empty eligible-leader
 * lists): a single broker leads every partition in leader epoch 0, is its only replica and
 * always in sync. A partition whose storage failed lists its replica as offline (kafka-topics
 * --describe prints `Offline: 1`) but keeps its leader: Kafka's controller would move leadership
 * to another replica, and with one broker there is none, while a leaderless partition makes
 * clients such as kafkajs fail the whole topic's metadata, healthy partitions included. Produce
 * and Fetch on it answer KAFKA_STORAGE_ERROR.
 */
export function partitionState(s: BrokerServices, t: TopicInfo, partitionIndex: number): PartitionAnswer {
  const offline = s.log.partition(t.name, partitionIndex)?.offline === true;
  return {
    errorCode: ErrorCode.NONE,
    partitionIndex,
    leaderId: s.nodeId,
    leaderEpoch: 0,
    replicaNodes: [s.nodeId],
    isrNodes: [s.nodeId],
    offlineReplicas: offline ? [s.nodeId] : [],
  };
}

export function topicMetadata(s: BrokerServices, t: TopicInfo, includeOps = false): TopicAnswer {
  const partitions: PartitionAnswer[] = [];
  for (let p = 0; p < t.partitions; p++) partitions.push(partitionState(s, t, p));
  return {
    errorCode: 0,
    name: t.name,
    topicId: t.id,
    isInternal: isInternalTopic(t.name),
    partitions,
    topicAuthorizedOperations: includeOps ? ALL_TOPIC_OPERATIONS : OPERATIONS_NOT_REQUESTED,
  };
}

/** Creates a topic named by a client's Metadata request, or returns the error code to answer. */
export async function autoCreateTopic(s: BrokerServices, name: string): Promise<TopicInfo | number> {
  if (topicNameProblem(name) !== undefined) return ErrorCode.INVALID_TOPIC_EXCEPTION;
  const existing = s.log.topic(name);
  if (existing) return existing;
  if (RESERVED_TOPIC_NAMES.has(name)) return ErrorCode.INVALID_TOPIC_EXCEPTION;
  try {
    return await s.log.createTopic(name, s.settings.number('num.partitions', 1), {});
  } catch (err) {
    const again = s.log.topic(name);
    if (again) return again; // created concurrently by another request
    s.logger.warn(`auto-creating topic ${name} failed: ${(err as Error).message}`);
    return ErrorCode.INVALID_TOPIC_EXCEPTION;
  }
}

export const UNKNOWN_TOPIC_MESSAGE = 'This server does not host this topic-partition.';
