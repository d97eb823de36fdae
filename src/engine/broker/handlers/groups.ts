/**
 * Group API handlers: thin adapters between decoded requests and the coordinator (engine/group),
 * whose inputs and outputs already use the messages' field names. The coordinator is pure; the
 * only things added here are the request's version, client id and host, and the broker address
 * FindCoordinator hands out.
 */
import type { Struct } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { RequestMeta } from '../../group/index.js';
import { OffsetCommit } from '../../protocol/messages/08-offset-commit.js';
import { OffsetFetch } from '../../protocol/messages/09-offset-fetch.js';
import { FindCoordinator } from '../../protocol/messages/10-find-coordinator.js';
import { JoinGroup } from '../../protocol/messages/11-join-group.js';
import { Heartbeat } from '../../protocol/messages/12-heartbeat.js';
import { LeaveGroup } from '../../protocol/messages/13-leave-group.js';
import { SyncGroup } from '../../protocol/messages/14-sync-group.js';
import { DescribeGroups } from '../../protocol/messages/15-describe-groups.js';
import { ListGroups } from '../../protocol/messages/16-list-groups.js';
import { DeleteGroups } from '../../protocol/messages/42-delete-groups.js';
import { OffsetDelete } from '../../protocol/messages/47-offset-delete.js';
import { register, type Handler, type RegisteredHandler, type RequestContext } from '../handler.js';
import type { BrokerServices } from '../services.js';

function meta(ctx: RequestContext): RequestMeta {
  return { version: ctx.version, clientId: ctx.header.clientId, clientHost: ctx.conn.clientHost };
}

const GROUP_KEY = 0;

/** FindCoordinator: this broker coordinates every group. Transactions (key type 1) are not offered. */
const findCoordinator: Handler<BrokerServices, typeof FindCoordinator> = {
  api: FindCoordinator,
  min: 0,
  max: 4,
  handle(s, req, ctx) {
    const answer = (key: string) =>
      req.keyType === GROUP_KEY || req.keyType === undefined
        ? { key, nodeId: s.nodeId, host: s.advertised.host, port: s.advertised.port, errorCode: 0, errorMessage: null }
        : { key, nodeId: -1, host: '', port: -1, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'The mq broker does not support transactions' };
    if (ctx.version >= 4) return { throttleTimeMs: 0, coordinators: (req.coordinatorKeys as string[]).map(answer) };
    // Before v4 one coordinator is answered at the top level, without its key.
    const { nodeId, host, port, errorCode, errorMessage } = answer(req.key);
    return { throttleTimeMs: 0, nodeId, host, port, errorCode, errorMessage };
  },
};

const joinGroup: Handler<BrokerServices, typeof JoinGroup> = {
  api: JoinGroup,
  min: 0,
  max: 9,
  handle: (s, req, ctx) => s.groups.joinGroup(req as any, meta(ctx)) as Promise<Struct>,
};

const heartbeat: Handler<BrokerServices, typeof Heartbeat> = {
  api: Heartbeat,
  min: 0,
  max: 4,
  handle: (s, req, ctx) => ({ throttleTimeMs: 0, ...s.groups.heartbeat(req as any, meta(ctx)) }),
};

const leaveGroup: Handler<BrokerServices, typeof LeaveGroup> = {
  api: LeaveGroup,
  min: 0,
  max: 5,
  handle: (s, req, ctx) => ({ throttleTimeMs: 0, ...s.groups.leaveGroup(req as any, meta(ctx)) }),
};

const syncGroup: Handler<BrokerServices, typeof SyncGroup> = {
  api: SyncGroup,
  min: 0,
  max: 5,
  async handle(s, req, ctx) {
    return { throttleTimeMs: 0, ...(await s.groups.syncGroup(req as any, meta(ctx))) };
  },
};

const describeGroups: Handler<BrokerServices, typeof DescribeGroups> = {
  api: DescribeGroups,
  min: 0,
  max: 5,
  handle: (s, req, ctx) => ({ throttleTimeMs: 0, ...s.groups.describeGroups(req as any, meta(ctx)) }),
};

const listGroups: Handler<BrokerServices, typeof ListGroups> = {
  api: ListGroups,
  min: 0,
  max: 5,
  handle: (s, req, ctx) => ({ throttleTimeMs: 0, ...s.groups.listGroups(req as any, meta(ctx)) }),
};

const deleteGroups: Handler<BrokerServices, typeof DeleteGroups> = {
  api: DeleteGroups,
  min: 0,
  max: 2,
  handle: (s, req, ctx) => ({ throttleTimeMs: 0, ...s.groups.deleteGroups(req as any, meta(ctx)) }),
};

/** OffsetCommit v2-8 (the KIP-896 minimum, low enough for every client we target). */
const offsetCommit: Handler<BrokerServices, typeof OffsetCommit> = {
  api: OffsetCommit,
  min: 2,
  max: 8,
  handle: (s, req, ctx) => ({ throttleTimeMs: 0, ...s.groups.commitOffsets(req as any, meta(ctx)) }),
};

/** OffsetFetch v1-8; v8 batches groups, older versions carry one. */
const offsetFetch: Handler<BrokerServices, typeof OffsetFetch> = {
  api: OffsetFetch,
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

const offsetDelete: Handler<BrokerServices, typeof OffsetDelete> = {
  api: OffsetDelete,
  min: 0,
  max: 0,
  handle: (s, req, ctx) => ({ throttleTimeMs: 0, ...s.groups.deleteOffsets(req as any, meta(ctx)) }),
};

export const groupHandlers: readonly RegisteredHandler<BrokerServices>[] = [
  register(findCoordinator),
  register(joinGroup),
  register(heartbeat),
  register(leaveGroup),
  register(syncGroup),
  register(describeGroups),
  register(listGroups),
  register(deleteGroups),
  register(offsetCommit),
  register(offsetFetch),
  register(offsetDelete),
];
