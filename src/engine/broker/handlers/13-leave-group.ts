import { LeaveGroup } from '../../protocol/messages/13-leave-group.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';

/** LeaveGroup v0-5: one member up to v2, a batch of members (KIP-345) from v3. */
export const leaveGroup: Handler<BrokerServices, typeof LeaveGroup> = {
  api: LeaveGroup,
  min: 0,
  max: 5,
  handle: (s, req, ctx) => ({ throttleTimeMs: 0, ...s.groups.leaveGroup(req, ctx) }),
};
