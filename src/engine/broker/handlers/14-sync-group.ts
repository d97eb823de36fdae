import { SyncGroup } from '../../protocol/messages/14-sync-group.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';

/** SyncGroup v0-5: followers park until the leader's assignment arrives. */
export const syncGroup: Handler<BrokerServices, typeof SyncGroup> = {
  api: SyncGroup,
  min: 0,
  max: 5,
  handle: async (s, req) => ({ throttleTimeMs: 0, ...(await s.groups.syncGroup(req)) }),
};
