import { DeleteGroups } from '../../protocol/messages/42-delete-groups.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';

/** DeleteGroups v0-2: answered once the tombstones are durable. */
export const deleteGroups: Handler<BrokerServices, typeof DeleteGroups> = {
  api: DeleteGroups,
  min: 0,
  max: 2,
  handle: async (s, req) => ({ throttleTimeMs: 0, ...(await s.groups.deleteGroups(req)) }),
};
