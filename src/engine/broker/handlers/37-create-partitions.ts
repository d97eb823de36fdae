import { CreatePartitions } from '../../protocol/messages/37-create-partitions.js';
import type { Element, ResponseInput } from '../../protocol/schema.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';
import { UNKNOWN_TOPIC_MESSAGE } from '../topics.js';
import { internalPartitionsProblem } from '../internal-topics.js';

/** CreatePartitions: only increases, with the KRaft controller's messages; never for an internal topic. */
type TopicAnswer = Element<ResponseInput<typeof CreatePartitions>['results']>;

export const createPartitions: Handler<BrokerServices, typeof CreatePartitions> = {
  api: CreatePartitions,
  min: 0,
  max: 3,
  async handle(s, req) {
    const results: TopicAnswer[] = [];
    for (const t of req.topics) {
      const topic = s.log.topic(t.name);
      const result = (errorCode: number, errorMessage: string | null) => results.push({ name: t.name, errorCode, errorMessage });
      if (!topic) {
        result(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, UNKNOWN_TOPIC_MESSAGE);
        continue;
      }
      const internal = internalPartitionsProblem(t.name);
      if (internal) {
        result(ErrorCode.INVALID_PARTITIONS, internal);
        continue;
      }
      const current = topic.partitions;
      if (t.count < current) {
        result(ErrorCode.INVALID_PARTITIONS, `The topic ${t.name} currently has ${current} partition(s); ${t.count} would not be an increase.`);
        continue;
      }
      if (t.count === current) {
        result(ErrorCode.INVALID_PARTITIONS, `Topic already has ${current} partition(s).`);
        continue;
      }
      const assignments = t.assignments;
      if (assignments) {
        if (assignments.length !== t.count - current) {
          result(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Attempted to add ${t.count - current} additional partition(s), but only ${assignments.length} assignment(s) were specified.`);
          continue;
        }
        const bad = assignments.flatMap((a) => a.brokerIds).find((id) => id !== s.nodeId);
        if (bad !== undefined) {
          result(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The manual partition assignment includes broker ${bad}, but no such broker is registered.`);
          continue;
        }
      }
      if (!req.validateOnly) await s.log.createPartitions(t.name, t.count);
      result(ErrorCode.NONE, null);
    }
    return { throttleTimeMs: 0, results };
  },
};
