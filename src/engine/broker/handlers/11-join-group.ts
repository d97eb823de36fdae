import type { Struct } from '../../protocol/codec.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';

/** JoinGroup v0-9: parks until the rebalance answers (engine/group/join-group.ts). */
export const joinGroup: Handler<BrokerServices> = {
  apiKey: 11,
  min: 0,
  max: 9,
  async handle(s, req, ctx) {
    const response = await s.groups.joinGroup(
      {
        groupId: req.groupId,
        sessionTimeoutMs: req.sessionTimeoutMs,
        rebalanceTimeoutMs: req.rebalanceTimeoutMs,
        memberId: req.memberId,
        groupInstanceId: req.groupInstanceId,
        protocolType: req.protocolType,
        protocols: (req.protocols as Struct[]).map((p) => ({ name: p.name, metadata: p.metadata })),
        reason: req.reason,
      },
      // The member's client id and address show in DescribeGroups; the version shapes the answer.
      { version: ctx.version, clientId: ctx.header.clientId, clientHost: ctx.conn.clientHost },
    );
    return { throttleTimeMs: 0, ...response };
  },
};
