/**
 * Heartbeat (Kafka's GroupMetadataManager.classicGroupHeartbeat): keeps a member's session
 * alive and tells it when a rebalance needs it to rejoin. Changes no durable state.
 */
import { ErrorCode } from '../protocol/error-codes.js';
import type { CoordinatorContext } from './context.js';
import { GroupState } from './group.js';
import { scheduleSession, validateMember } from './rebalance.js';
import type { HeartbeatRequest, HeartbeatResponse } from './types.js';

export function heartbeat(ctx: CoordinatorContext, req: HeartbeatRequest): HeartbeatResponse {
  const unavailable = ctx.unavailable();
  if (unavailable) return { errorCode: unavailable };
  if (req.groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID };
  const g = ctx.groups.get(req.groupId);
  if (!g) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
  const invalid = validateMember(g, req.memberId, req.groupInstanceId ?? null);
  if (invalid !== ErrorCode.NONE) return { errorCode: invalid };
  if (req.generationId !== g.generationId) return { errorCode: ErrorCode.ILLEGAL_GENERATION };
  const member = g.members.get(req.memberId)!;
  switch (g.state) {
    case GroupState.PreparingRebalance:
      // The heartbeat still counts: it keeps the member alive while it gets ready to rejoin.
      scheduleSession(ctx, g, member);
      return { errorCode: ErrorCode.REBALANCE_IN_PROGRESS };
    case GroupState.CompletingRebalance:
    case GroupState.Stable:
      scheduleSession(ctx, g, member);
      return { errorCode: ErrorCode.NONE };
    default:
      return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
  }
}
