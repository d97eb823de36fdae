/**
 * Kafka's internal topics as real topics of the log engine: the broker creates one when it is
 * first needed (Kafka's auto-creation of internal topics on the first FindCoordinator), with
 * Kafka's partition-count setting and compaction, and keeps clients from writing to it or
 * deleting it. `__transaction_state` uses it now; `__consumer_offsets` can use the same entry
 * when the group coordinator moves off groups/offsets.log.
 *
 * Created on first need rather than at every start: a broker that never sees a transaction
 * (most tests, most local use) does not open 50 more partitions.
 */
import type { LogDir, TopicInfo } from '../log/log-dir.js';
import { LogError } from '../log/errors.js';
import type { BrokerSettings } from './config.js';

export interface InternalTopicSpec {
  name: string;
  /** The broker property holding the partition count, and Kafka's default for it. */
  partitionsSetting: string;
  defaultPartitions: number;
  segmentBytesSetting: string;
  defaultSegmentBytes: number;
  /** Topic configs the coordinator enforces beside compaction and the segment size. */
  configs: Readonly<Record<string, string>>;
}

/**
 * TransactionLogConfig: transaction.state.log.num.partitions 50, segment 100 MiB; the topic configs
 * of TransactionStateManager.transactionTopicConfigs (compacted, uncompressed, no unclean leader
 * election). Its min.insync.replicas (transaction.state.log.min.isr) is left out: one replica.
 */
export const TRANSACTION_STATE_TOPIC: InternalTopicSpec = {
  name: '__transaction_state',
  partitionsSetting: 'transaction.state.log.num.partitions',
  defaultPartitions: 50,
  segmentBytesSetting: 'transaction.state.log.segment.bytes',
  defaultSegmentBytes: 104_857_600,
  configs: { 'unclean.leader.election.enable': 'false', 'compression.type': 'uncompressed' },
};

/** Kafka's Topic.INTERNAL_TOPICS: what Metadata marks is_internal. */
const INTERNAL = new Set(['__consumer_offsets', '__transaction_state']);

export function isInternalTopic(name: string): boolean {
  return INTERNAL.has(name);
}

/** ReplicaManager.appendToLocalLog's refusal of a client append (INVALID_TOPIC_EXCEPTION). */
export function internalAppendProblem(topic: string): string | undefined {
  return isInternalTopic(topic) ? `Cannot append to internal topic ${topic}` : undefined;
}

/**
 * DeleteTopics of an internal topic. Kafka's KRaft controller does not stop it (older Kafka's
 * TopicCommand did, with this text); mq refuses it because the topic holds the coordinator's
 * state and deleting it would lose acknowledged transactions.
 */
export function internalDeleteProblem(topic: string): string | undefined {
  return isInternalTopic(topic) ? `Topic ${topic} is a kafka internal topic and is not allowed to be marked for deletion.` : undefined;
}

/**
 * CreatePartitions of an internal topic. Kafka's controller allows it (and its documentation
 * warns against it): a key's partition is abs(hashCode) % count, so a new count moves every
 * transactional id to another partition and its replayed state out of order. mq refuses it.
 */
export function internalPartitionsProblem(topic: string): string | undefined {
  return isInternalTopic(topic)
    ? `The number of partitions of internal topic ${topic} cannot be changed: it decides which partition holds each key's state.`
    : undefined;
}

export function internalPartitionCount(spec: InternalTopicSpec, settings: BrokerSettings): number {
  return settings.number(spec.partitionsSetting, spec.defaultPartitions);
}

/** The topic, created with the spec's partition count and compaction if it does not exist yet. */
export async function ensureInternalTopic(log: LogDir, spec: InternalTopicSpec, settings: BrokerSettings): Promise<TopicInfo> {
  const existing = log.topic(spec.name);
  if (existing) return existing;
  const configs = {
    ...spec.configs,
    'cleanup.policy': 'compact',
    'segment.bytes': String(settings.number(spec.segmentBytesSetting, spec.defaultSegmentBytes)),
  };
  try {
    return await log.createTopic(spec.name, internalPartitionCount(spec, settings), configs);
  } catch (err) {
    // Created concurrently by another request: the catalogue serialises creation.
    const again = log.topic(spec.name);
    if (again && err instanceof LogError) return again;
    throw err;
  }
}
