import type { Struct } from '../../protocol/codec.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';

/** SyncGroup v0-5: followers park until the leader's assignment arrives. */
export const syncGroup: Handler<BrokerServices> = {
  apiKey: 14,
  min: 0,
  max: 5,
  async handle(s, req) {
    const response = await s.groups.syncGroup({
      groupId: req.groupId,
      generationId: req.generationId,
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId,
      protocolType: req.protocolType,
      protocolName: req.protocolName,
      assignments: (req.assignments as Struct[]).map((a) => ({ memberId: a.memberId, assignment: a.assignment })),
    });
    return { throttleTimeMs: 0, ...response };
  },
};
