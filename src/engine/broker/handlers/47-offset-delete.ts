import type { Struct } from '../../protocol/codec.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';

/** OffsetDelete v0 (KIP-496): answered once the tombstones are durable. */
export const offsetDelete: Handler<BrokerServices> = {
  apiKey: 47,
  min: 0,
  max: 0,
  async handle(s, req) {
    const topics = (req.topics as Struct[]).map((t) => ({
      name: t.name,
      partitions: (t.partitions as Struct[]).map((p) => ({ partitionIndex: p.partitionIndex })),
    }));
    return { throttleTimeMs: 0, ...(await s.groups.deleteOffsets({ groupId: req.groupId, topics })) };
  },
};
