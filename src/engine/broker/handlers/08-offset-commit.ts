import type { Struct } from '../../protocol/codec.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';

/**
 * OffsetCommit v2-8 (the KIP-896 minimum, low enough for every client we target). Answered once
 * the offsets are durable, as Kafka answers after the write to __consumer_offsets.
 */
export const offsetCommit: Handler<BrokerServices> = {
  apiKey: 8,
  min: 2,
  max: 8,
  async handle(s, req) {
    const response = await s.groups.commitOffsets({
      groupId: req.groupId,
      generationIdOrMemberEpoch: req.generationIdOrMemberEpoch,
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId,
      retentionTimeMs: req.retentionTimeMs,
      topics: (req.topics as Struct[]).map((t) => ({
        name: t.name,
        partitions: (t.partitions as Struct[]).map((p) => ({
          partitionIndex: p.partitionIndex,
          committedOffset: p.committedOffset,
          committedLeaderEpoch: p.committedLeaderEpoch,
          committedMetadata: p.committedMetadata,
        })),
      })),
    });
    return { throttleTimeMs: 0, ...response };
  },
};
