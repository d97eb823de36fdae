import { OffsetFetch } from '../../protocol/messages/09-offset-fetch.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';

/** OffsetFetch v1-8; v8 batches groups, older versions carry one. */
export const offsetFetch: Handler<BrokerServices, typeof OffsetFetch> = {
  api: OffsetFetch,
  min: 1,
  max: 8,
  handle(s, req, ctx) {
    if (ctx.version >= 8) {
      const groups = req.groups.map((g) => {
        const r = s.groups.fetchOffsets({ groupId: g.groupId, topics: g.topics, requireStable: req.requireStable });
        return { groupId: g.groupId, topics: r.topics, errorCode: r.errorCode };
      });
      return { throttleTimeMs: 0, groups };
    }
    // v1 has no null topic list ("all partitions" arrived in v2).
    return { throttleTimeMs: 0, ...s.groups.fetchOffsets(req) };
  },
};
