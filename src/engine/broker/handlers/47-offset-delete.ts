import { OffsetDelete } from '../../protocol/messages/47-offset-delete.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';

/** OffsetDelete v0 (KIP-496): answered once the tombstones are durable. */
export const offsetDelete: Handler<BrokerServices, typeof OffsetDelete> = {
  api: OffsetDelete,
  min: 0,
  max: 0,
  handle: async (s, req) => ({ throttleTimeMs: 0, ...(await s.groups.deleteOffsets(req)) }),
};
