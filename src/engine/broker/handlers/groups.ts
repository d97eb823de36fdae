/**
 * Group API handlers: thin adapters between decoded requests and the coordinator (engine/group),
 * whose inputs and outputs already use the messages' field names. The coordinator is pure; the
 * only things added here are the request's version, client id and host, and the broker address
 * FindCoordinator hands out.
 */
import type { Struct } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { RequestMeta } from '../../group/index.js';
import type { Handler, RequestContext } from '../handler.js';
import type { BrokerServices } from '../services.js';

function meta(ctx: RequestContext): RequestMeta {
  return { version: ctx.version, clientId: ctx.header.clientId, clientHost: ctx.conn.clientHost };
}

const GROUP_KEY = 0;

/** FindCoordinator: this broker coordinates every group. Transactions (key type 1) are not offered. */
const findCoordinator: Handler<BrokerServices> = {
  apiKey: 10,
  min: 0,
  max: 4,
  handle(s, req, ctx) {
    const answer = (key: string) =>
      req.keyType === GROUP_KEY || req.keyType === undefined
        ? { key, nodeId: s.nodeId, host: s.advertised.host, port: s.advertised.port, errorCode: 0, errorMessage: null }
        : { key, nodeId: -1, host: '', port: -1, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'The mq broker does not support transactions' };
    if (ctx.version >= 4) return { throttleTimeMs: 0, coordinators: (req.coordinatorKeys as string[]).map(answer) };
    return { throttleTimeMs: 0, ...answer(req.key) };
  },
};

const joinGroup: Handler<BrokerServices> = {
  apiKey: 11,
  min: 0,
  max: 9,
  handle: (s, req, ctx) => s.groups.joinGroup(req as any, meta(ctx)) as Promise<Struct>,
};

const heartbeat: Handler<BrokerServices> = {
  apiKey: 12,
  min: 0,
  max: 4,
  handle: (s, req, ctx) => ({ throttleTimeMs: 0, ...s.groups.heartbeat(req as any, meta(ctx)) }),
};

const leaveGroup: Handler<BrokerServices> = {
  apiKey: 13,
  min: 0,
  max: 5,
  handle: (s, req, ctx) => ({ throttleTimeMs: 0, ...s.groups.leaveGroup(req as any, meta(ctx)) }),
};

const syncGroup: Handler<BrokerServices> = {
  apiKey: 14,
  min: 0,
  max: 5,
  async handle(s, req, ctx) {
    return { throttleTimeMs: 0, ...(await s.groups.syncGroup(req as any, meta(ctx))) };
  },
};

const describeGroups: Handler<BrokerServices> = {
  apiKey: 15,
  min: 0,
  max: 5,
  handle: (s, req, ctx) => ({ throttleTimeMs: 0, ...s.groups.describeGroups(req as any, meta(ctx)) }),
};

const listGroups: Handler<BrokerServices> = {
  apiKey: 16,
  min: 0,
  max: 5,
  handle: (s, req, ctx) => ({ throttleTimeMs: 0, ...s.groups.listGroups(req as any, meta(ctx)) }),
};

const deleteGroups: Handler<BrokerServices> = {
  apiKey: 42,
  min: 0,
  max: 2,
  handle: (s, req, ctx) => ({ throttleTimeMs: 0, ...s.groups.deleteGroups(req as any, meta(ctx)) }),
};

/** OffsetCommit v2-8 (the KIP-896 minimum, low enough for every client we target). */
const offsetCommit: Handler<BrokerServices> = {
  apiKey: 8,
  min: 2,
  max: 8,
  handle: (s, req, ctx) => ({ throttleTimeMs: 0, ...s.groups.commitOffsets(req as any, meta(ctx)) }),
};

/** OffsetFetch v1-8; v8 batches groups, older versions carry one. */
const offsetFetch: Handler<BrokerServices> = {
  apiKey: 9,
  min: 1,
  max: 8,
  handle(s, req, ctx) {
    if (ctx.version >= 8) {
      const groups = (req.groups as Struct[]).map((g) => {
        const r = s.groups.fetchOffsets({ groupId: g.groupId, topics: g.topics, requireStable: req.requireStable }, meta(ctx));
        return { groupId: g.groupId, topics: r.topics, errorCode: r.errorCode };
      });
      return { throttleTimeMs: 0, groups };
    }
    // v1 has no null topic list ("all partitions" arrived in v2).
    return { throttleTimeMs: 0, ...s.groups.fetchOffsets({ groupId: req.groupId, topics: req.topics, requireStable: req.requireStable }, meta(ctx)) };
  },
};

const offsetDelete: Handler<BrokerServices> = {
  apiKey: 47,
  min: 0,
  max: 0,
  handle: (s, req, ctx) => ({ throttleTimeMs: 0, ...s.groups.deleteOffsets(req as any, meta(ctx)) }),
};

/**
 * OffsetForLeaderEpoch v2-4. One leader epoch (0) ever, so the end offset of any epoch we know
 * is the log end; clients use this to validate positions after a leader change.
 */
const offsetForLeaderEpoch: Handler<BrokerServices> = {
  apiKey: 23,
  min: 2,
  max: 4,
  handle(s, req) {
    const topics = (req.topics as Struct[]).map((t) => ({
      topic: t.topic,
      partitions: (t.partitions as Struct[]).map((p) => {
        const log = s.log.partition(t.topic, p.partition);
        if (!log) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, partition: p.partition, leaderEpoch: -1, endOffset: -1 };
        if (p.currentLeaderEpoch > 0) return { errorCode: ErrorCode.UNKNOWN_LEADER_EPOCH, partition: p.partition, leaderEpoch: -1, endOffset: -1 };
        if (p.leaderEpoch > 0) return { errorCode: 0, partition: p.partition, leaderEpoch: 0, endOffset: log.logEndOffset };
        return { errorCode: 0, partition: p.partition, leaderEpoch: 0, endOffset: log.logEndOffset };
      }),
    }));
    return { throttleTimeMs: 0, topics };
  },
};

export const groupHandlers: readonly Handler<BrokerServices>[] = [
  findCoordinator,
  joinGroup,
  heartbeat,
  leaveGroup,
  syncGroup,
  describeGroups,
  listGroups,
  deleteGroups,
  offsetCommit,
  offsetFetch,
  offsetDelete,
  offsetForLeaderEpoch,
];
