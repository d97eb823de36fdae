import { DescribeTopicPartitions } from '../../protocol/messages/75-describe-topic-partitions.js';
import type { Element, ResponseInput } from '../../protocol/schema.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';
import { OPERATIONS_NOT_REQUESTED, partitionState } from '../topics.js';

const ZERO_UUID = '00000000000000000000000000000000';
/** Kafka caps the partitions of one response at 2000 whatever the client asks for. */
const MAX_PARTITIONS = 2000;

/**
 * DescribeTopicPartitions v0 (KIP-966), which Kafka's 3.8+ admin client tries before Metadata for
 * describeTopics. Without it kafka-topics --describe (3.9 and 4.x) fell back to Metadata and
 * printed `Elr: N/A\tLastKnownElr: N/A`; a Kafka broker answers empty eligible-leader lists, which
 * the tool prints as `Elr: \tLastKnownElr: ` — what mq's single replica has too.
 *
 * Topics are answered in name order (an empty list means every topic), at most
 * `responsePartitionLimit` partitions per response; `nextCursor` says where to go on, and a
 * request's `cursor` where to start (topics before it are skipped), as in Kafka's
 * DescribeTopicPartitionsRequestHandler.
 */
type TopicAnswer = Element<ResponseInput<typeof DescribeTopicPartitions>['topics']>;
type PartitionAnswer = Element<TopicAnswer['partitions']>;

export const describeTopicPartitions: Handler<BrokerServices, typeof DescribeTopicPartitions> = {
  api: DescribeTopicPartitions,
  min: 0,
  max: 0,
  handle(s, req) {
    const wanted = req.topics.map((t) => t.name);
    const names = [...new Set(wanted.length === 0 ? s.log.topics().map((t) => t.name) : wanted)].sort();
    const cursor = req.cursor;
    const limit = req.responsePartitionLimit > 0 ? Math.min(req.responsePartitionLimit, MAX_PARTITIONS) : MAX_PARTITIONS;
    let remaining = limit;
    const topics: TopicAnswer[] = [];
    let nextCursor: { topicName: string; partitionIndex: number } | null = null;
    for (const name of names) {
      if (cursor && name < cursor.topicName) continue;
      const t = s.log.topic(name);
      if (!t) {
        topics.push({
          errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          name,
          topicId: ZERO_UUID,
          isInternal: false,
          partitions: [],
          topicAuthorizedOperations: OPERATIONS_NOT_REQUESTED,
        });
        continue;
      }
      const first = cursor && name === cursor.topicName ? Math.max(0, cursor.partitionIndex) : 0;
      if (remaining === 0) {
        nextCursor = { topicName: name, partitionIndex: first };
        break;
      }
      const partitions: PartitionAnswer[] = [];
      let p = first;
      for (; p < t.partitions && remaining > 0; p++, remaining--) {
        // A single replica has no eligible leaders beyond itself: Kafka answers empty lists.
        partitions.push({ ...partitionState(s, t, p), eligibleLeaderReplicas: [], lastKnownElr: [] });
      }
      topics.push({ errorCode: 0, name, topicId: t.id, isInternal: false, partitions, topicAuthorizedOperations: OPERATIONS_NOT_REQUESTED });
      if (p < t.partitions) {
        nextCursor = { topicName: name, partitionIndex: p };
        break;
      }
    }
    return { throttleTimeMs: 0, topics, nextCursor };
  },
};
