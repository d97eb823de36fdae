import { ErrorCode } from '../../protocol/error-codes.js';
import { OffsetForLeaderEpoch } from '../../protocol/messages/23-offset-for-leader-epoch.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';

/**
 * OffsetForLeaderEpoch v2-4. One leader epoch (0) ever, so the end offset of any epoch we know
 * is the log end; clients use this to validate positions after a leader change.
 */
export const offsetForLeaderEpoch: Handler<BrokerServices, typeof OffsetForLeaderEpoch> = {
  api: OffsetForLeaderEpoch,
  min: 2,
  max: 4,
  handle(s, req) {
    const topics = req.topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p) => {
        const log = s.log.partition(t.topic, p.partition);
        if (!log) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, partition: p.partition, leaderEpoch: -1, endOffset: -1 };
        if (p.currentLeaderEpoch > 0) return { errorCode: ErrorCode.UNKNOWN_LEADER_EPOCH, partition: p.partition, leaderEpoch: -1, endOffset: -1 };
        return { errorCode: ErrorCode.NONE, partition: p.partition, leaderEpoch: 0, endOffset: log.logEndOffset };
      }),
    }));
    return { throttleTimeMs: 0, topics };
  },
};
