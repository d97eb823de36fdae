/**
 * Topic facts shared by several handlers: metadata entries, auto-creation, Kafka's messages.
 */
import type { Struct } from '../protocol/codec.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { BrokerServices } from './services.js';
import type { TopicInfo } from '../log/log-dir.js';
import { topicNameProblem } from '../log/topic-name.js';

/** Every operation on a topic, as Kafka's AclOperation bit set (read, write, create, delete, alter, describe, configs). */
const ALL_TOPIC_OPERATIONS = 0b1111111111000;

/**
 * One partition as Metadata and DescribeTopicPartitions describe it: a single broker leads every
 * partition in leader epoch 0, is its only replica and always in sync, so no eligible-leader list.
 */
export function partitionState(s: BrokerServices, partitionIndex: number): Struct {
  return {
    errorCode: 0,
    partitionIndex,
    leaderId: s.nodeId,
    leaderEpoch: 0,
    replicaNodes: [s.nodeId],
    isrNodes: [s.nodeId],
    eligibleLeaderReplicas: [],
    lastKnownElr: [],
    offlineReplicas: [],
  };
}

export function topicMetadata(s: BrokerServices, t: TopicInfo, includeOps = false): Struct {
  const partitions: Struct[] = [];
  for (let p = 0; p < t.partitions; p++) partitions.push(partitionState(s, p));
  return {
    errorCode: 0,
    name: t.name,
    topicId: t.id,
    isInternal: false,
    partitions,
    topicAuthorizedOperations: includeOps ? ALL_TOPIC_OPERATIONS : -2147483648,
  };
}

/** Creates a topic named by a client's Metadata request, or returns the error code to answer. */
export async function autoCreateTopic(s: BrokerServices, name: string): Promise<TopicInfo | number> {
  if (topicNameProblem(name) !== undefined) return ErrorCode.INVALID_TOPIC_EXCEPTION;
  const existing = s.log.topic(name);
  if (existing) return existing;
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
