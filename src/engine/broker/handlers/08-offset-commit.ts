import { OffsetCommit } from '../../protocol/messages/08-offset-commit.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';

/**
 * OffsetCommit v2-8 (the KIP-896 minimum, low enough for every client we target). Answered once
 * the offsets are durable, as Kafka answers after the write to __consumer_offsets.
 */
export const offsetCommit: Handler<BrokerServices, typeof OffsetCommit> = {
  api: OffsetCommit,
  min: 2,
  max: 8,
  handle: async (s, req) => ({ throttleTimeMs: 0, ...(await s.groups.commitOffsets(req)) }),
};
