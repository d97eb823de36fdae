import { DeleteRecords } from '../../protocol/messages/21-delete-records.js';
import type { Element, ResponseInput } from '../../protocol/schema.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { Handler } from '../handler.js';
import { LogError } from '../../log/errors.js';
import type { BrokerServices } from '../services.js';
import { isInternalTopic } from '../internal-topics.js';

/** DeleteRecords: moves the log start offset forward (offset -1 means the high watermark); never of an internal topic. */
type TopicAnswer = Element<ResponseInput<typeof DeleteRecords>['topics']>;
type PartitionAnswer = Element<TopicAnswer['partitions']>;

export const deleteRecords: Handler<BrokerServices, typeof DeleteRecords> = {
  api: DeleteRecords,
  min: 0,
  max: 2,
  async handle(s, req, ctx) {
    const topics: TopicAnswer[] = [];
    for (const t of req.topics) {
      const partitions: PartitionAnswer[] = [];
      for (const p of t.partitions) {
        const log = s.log.partition(t.name, p.partitionIndex);
        if (!log) {
          partitions.push({ partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION });
          continue;
        }
        // ReplicaManager.deleteRecords: internal topics keep their records (InvalidTopicException).
        if (isInternalTopic(t.name)) {
          ctx.refused(ErrorCode.INVALID_TOPIC_EXCEPTION, `Cannot delete records of internal topic ${t.name}`);
          partitions.push({ partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION });
          continue;
        }
        const target = p.offset === -1 ? log.logEndOffset : p.offset;
        if (target < 0 || target > log.logEndOffset) {
          partitions.push({ partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE });
          continue;
        }
        let low: number;
        try {
          low = await log.deleteRecordsBefore(target);
        } catch (err) {
          if (!(err instanceof LogError)) throw err;
          partitions.push({ partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: err.code });
          continue;
        }
        partitions.push({ partitionIndex: p.partitionIndex, lowWatermark: low, errorCode: 0 });
      }
      topics.push({ name: t.name, partitions });
    }
    return { throttleTimeMs: 0, topics };
  },
};
