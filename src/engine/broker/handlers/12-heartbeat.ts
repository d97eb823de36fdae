import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';

/** Heartbeat v0-4. */
export const heartbeat: Handler<BrokerServices> = {
  apiKey: 12,
  min: 0,
  max: 4,
  handle: (s, req) => ({
    throttleTimeMs: 0,
    ...s.groups.heartbeat({ groupId: req.groupId, generationId: req.generationId, memberId: req.memberId, groupInstanceId: req.groupInstanceId }),
  }),
};
