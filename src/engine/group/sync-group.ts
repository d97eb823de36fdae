/**
 * SyncGroup (Kafka's GroupMetadataManager.classicGroupSync): followers park until the leader's
 * assignment arrives; the leader's SyncGroup makes the generation Stable and answers everyone.
 * Changes no durable state, so the answer is not a CoordinatorResult.
 */
import { CONSUMER_PROTOCOL_TYPE, emptyAssignment } from '../protocol/consumer-protocol.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { CoordinatorContext } from './context.js';
import { GroupState, type ClassicGroup, type Member } from './group.js';
import { EMPTY, answerSync, scheduleSession, syncError, validateMember } from './rebalance.js';
import type { SyncGroupRequest, SyncGroupResponse } from './types.js';

export function syncGroup(ctx: CoordinatorContext, req: SyncGroupRequest): Promise<SyncGroupResponse> {
  const fail = (code: number) => Promise.resolve(syncError(code));
  const unavailable = ctx.unavailable();
  if (unavailable) return fail(unavailable);
  if (req.groupId === '') return fail(ErrorCode.INVALID_GROUP_ID);
  const g = ctx.groups.get(req.groupId);
  if (!g) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
  const invalid = validateMember(g, req.memberId, req.groupInstanceId ?? null);
  if (invalid !== ErrorCode.NONE) return fail(invalid);
  if (req.generationId !== g.generationId) return fail(ErrorCode.ILLEGAL_GENERATION);
  if ((req.protocolType != null && req.protocolType !== g.protocolType) || (req.protocolName != null && req.protocolName !== g.protocolName)) {
    return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  }
  const member = g.members.get(req.memberId)!;
  scheduleSession(ctx, g, member);
  switch (g.state) {
    case GroupState.PreparingRebalance:
      return fail(ErrorCode.REBALANCE_IN_PROGRESS);
    case GroupState.CompletingRebalance:
      markSynced(g, member.memberId);
      return new Promise<SyncGroupResponse>((resolve) => {
        answerSync(member, syncError(ErrorCode.REBALANCE_IN_PROGRESS));
        member.awaitingSync = resolve;
        if (member.memberId === g.leaderId) applyLeaderAssignment(ctx, g, req.assignments);
      });
    case GroupState.Stable:
      markSynced(g, member.memberId);
      return Promise.resolve(syncResult(g, member));
    default:
      return fail(ErrorCode.UNKNOWN_MEMBER_ID);
  }
}

function markSynced(g: ClassicGroup, memberId: string): void {
  g.pendingSync.delete(memberId);
  if (g.pendingSync.size === 0) {
    g.syncTimer?.cancel();
    g.syncTimer = null;
  }
}

function applyLeaderAssignment(ctx: CoordinatorContext, g: ClassicGroup, assignments: SyncGroupRequest['assignments']): void {
  const given = new Map(assignments.map((a) => [a.memberId, a.assignment]));
  // A member the leader left out still needs bytes its client can decode (kfake does the same).
  const filler = g.protocolType === CONSUMER_PROTOCOL_TYPE ? emptyAssignment(0) : EMPTY;
  for (const m of g.members.values()) m.assignment = given.get(m.memberId) ?? filler;
  g.transitionTo(GroupState.Stable, ctx.clock.now());
  for (const m of g.members.values()) answerSync(m, syncResult(g, m));
}

function syncResult(g: ClassicGroup, m: Member): SyncGroupResponse {
  return { errorCode: ErrorCode.NONE, protocolType: g.protocolType, protocolName: g.protocolName, assignment: m.assignment };
}
