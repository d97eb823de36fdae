import type { Struct } from '../../protocol/codec.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';

type Topics = { name: string; partitionIndexes: number[] }[] | null;

function topicsOf(topics: Struct[] | null): Topics {
  return topics === null ? null : topics.map((t) => ({ name: t.name, partitionIndexes: t.partitionIndexes }));
}

/** OffsetFetch v1-8; v8 batches groups, older versions carry one. */
export const offsetFetch: Handler<BrokerServices> = {
  apiKey: 9,
  min: 1,
  max: 8,
  handle(s, req, ctx) {
    if (ctx.version >= 8) {
      const groups = (req.groups as Struct[]).map((g) => {
        const r = s.groups.fetchOffsets({ groupId: g.groupId, topics: topicsOf(g.topics), requireStable: req.requireStable });
        return { groupId: g.groupId, topics: r.topics, errorCode: r.errorCode };
      });
      return { throttleTimeMs: 0, groups };
    }
    // v1 has no null topic list ("all partitions" arrived in v2).
    return { throttleTimeMs: 0, ...s.groups.fetchOffsets({ groupId: req.groupId, topics: topicsOf(req.topics), requireStable: req.requireStable }) };
  },
};
