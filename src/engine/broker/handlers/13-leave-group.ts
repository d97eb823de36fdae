import type { Struct } from '../../protocol/codec.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';

/** LeaveGroup v0-5: one member up to v2, a batch of members (KIP-345) from v3. */
export const leaveGroup: Handler<BrokerServices> = {
  apiKey: 13,
  min: 0,
  max: 5,
  handle: (s, req, ctx) => {
    const members = ctx.version >= 3 ? (req.members as Struct[]).map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, reason: m.reason })) : undefined;
    return { throttleTimeMs: 0, ...s.groups.leaveGroup({ groupId: req.groupId, memberId: req.memberId, members }, ctx) };
  },
};
