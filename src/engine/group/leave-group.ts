/**
 * LeaveGroup (Kafka's GroupMetadataManager.classicGroupLeave): v0-2 name one member, v3+
 * (KIP-345) a batch, static members by group.instance.id. The group rebalances without them;
 * when the last one leaves, the group record (now empty) is written on a best-effort basis.
 */
import { ErrorCode } from '../protocol/error-codes.js';
import type { CoordinatorContext } from './context.js';
import type { Member } from './group.js';
import { afterMembersRemoved, removeMember, tryCompleteJoin } from './rebalance.js';
import type { CoordinatorResult } from './result.js';
import type { LeaveGroupRequest, LeaveGroupResponse } from './types.js';

export function leaveGroup(ctx: CoordinatorContext, req: LeaveGroupRequest, version: number): CoordinatorResult<LeaveGroupResponse> {
  const batch = version >= 3;
  const leaving = batch
    ? (req.members ?? []).map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null }))
    : [{ memberId: req.memberId ?? '', groupInstanceId: null }];
  const finish = (results: LeaveGroupResponse['members']): CoordinatorResult<LeaveGroupResponse> =>
    ctx.result(batch ? { errorCode: ErrorCode.NONE, members: results } : { errorCode: results[0]!.errorCode, members: [] });
  const unavailable = ctx.unavailable() ?? (req.groupId === '' ? ErrorCode.INVALID_GROUP_ID : null);
  if (unavailable) return ctx.result({ errorCode: unavailable, members: [] });
  const g = ctx.groups.get(req.groupId);
  if (!g) return finish(leaving.map((l) => ({ ...l, errorCode: ErrorCode.UNKNOWN_MEMBER_ID })));

  let removed = false;
  let pendingDropped = false;
  const results = leaving.map((l) => {
    let errorCode: number = ErrorCode.NONE;
    let target: Member | undefined;
    if (l.groupInstanceId !== null) {
      const existing = g.staticMembers.get(l.groupInstanceId);
      if (existing === undefined) errorCode = ErrorCode.UNKNOWN_MEMBER_ID;
      // An empty member id means "whoever holds this instance id" (kafka-consumer-groups removal).
      else if (l.memberId !== '' && l.memberId !== existing) errorCode = ErrorCode.FENCED_INSTANCE_ID;
      else target = g.members.get(existing);
    } else if (g.pendingMembers.has(l.memberId)) {
      g.pendingMembers.get(l.memberId)!.timer.cancel();
      g.pendingMembers.delete(l.memberId);
      pendingDropped = true;
    } else {
      target = g.members.get(l.memberId);
      if (!target) errorCode = ErrorCode.UNKNOWN_MEMBER_ID;
    }
    if (target) {
      removeMember(g, target, ErrorCode.UNKNOWN_MEMBER_ID);
      removed = true;
    }
    return { ...l, errorCode };
  });
  if (removed) afterMembersRemoved(ctx, g);
  else if (pendingDropped) tryCompleteJoin(ctx, g);
  return finish(results);
}
