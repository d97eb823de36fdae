import { JoinGroup } from '../../protocol/messages/11-join-group.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';

/** JoinGroup v0-9: parks until the rebalance answers (engine/group/join-group.ts). */
export const joinGroup: Handler<BrokerServices, typeof JoinGroup> = {
  api: JoinGroup,
  min: 0,
  max: 9,
  async handle(s, req, ctx) {
    // The member's client id and address show in DescribeGroups; the version shapes the answer.
    const meta = { version: ctx.version, clientId: ctx.header.clientId, clientHost: ctx.conn.clientHost };
    return { throttleTimeMs: 0, ...(await s.groups.joinGroup(req, meta)) };
  },
};
