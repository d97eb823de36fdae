/**
 * JoinGroup (Kafka's GroupMetadataManager.classicGroupJoin and its helpers): validation, the
 * KIP-394 member-id handshake, static members (KIP-345) replacing their old incarnation, and
 * parking the join until the rebalance (rebalance.ts) answers it.
 */
import type { CoordinatorContext } from './context.js';
import { GroupState, sameProtocols, type ClassicGroup, type Member } from './group.js';
import {
  EMPTY,
  answerJoin,
  answerSync,
  joinError,
  joinResult,
  prepareRebalance,
  scheduleSession,
  syncError,
  tryCompleteJoin,
  validateMember,
} from './rebalance.js';
import type { CoordinatorResult } from './result.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { JoinGroupRequest, JoinGroupResponse, RequestMeta } from './types.js';

type Resolve = (r: JoinGroupResponse) => void;

/** The answer is a promise: it settles when the rebalance moves on, exactly when Kafka would answer. */
export function joinGroup(ctx: CoordinatorContext, req: JoinGroupRequest, meta: RequestMeta): CoordinatorResult<Promise<JoinGroupResponse>> {
  const v = meta.version;
  const fail = (code: number) => ctx.result(Promise.resolve(joinError(code, req.memberId, v)));
  const unavailable = ctx.unavailable();
  if (unavailable) return fail(unavailable);
  if (req.groupId === '') return fail(ErrorCode.INVALID_GROUP_ID);
  const { groupMinSessionTimeoutMs: min, groupMaxSessionTimeoutMs: max } = ctx.config;
  if (req.sessionTimeoutMs < min || req.sessionTimeoutMs > max) return fail(ErrorCode.INVALID_SESSION_TIMEOUT);

  const isUnknown = req.memberId === '';
  let group = ctx.groups.get(req.groupId);
  if (!group) {
    // Only a member without an id may create a group; a known id must belong to a live group.
    if (!isUnknown) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    group = ctx.getOrCreateGroup(req.groupId);
  }
  const g = group;
  let code: number = ErrorCode.NONE;
  if (!g.supportsProtocols(req.protocolType, req.protocols)) code = ErrorCode.INCONSISTENT_GROUP_PROTOCOL;
  else if (!g.acceptsJoiningMember(req.memberId, ctx.config.groupMaxSize)) code = ErrorCode.GROUP_MAX_SIZE_REACHED;
  if (code !== ErrorCode.NONE) {
    ctx.maybeDropGroup(g);
    return fail(code);
  }
  // The executor runs synchronously, so what it journals belongs to this operation's result.
  const response = new Promise<JoinGroupResponse>((resolve) => {
    if (isUnknown) joinUnknownMember(ctx, g, req, meta, resolve);
    else joinKnownMember(ctx, g, req, meta, resolve);
  });
  return ctx.result(response);
}

function joinUnknownMember(ctx: CoordinatorContext, g: ClassicGroup, req: JoinGroupRequest, meta: RequestMeta, resolve: Resolve): void {
  const instanceId = req.groupInstanceId ?? null;
  const newId = ctx.newMemberId(instanceId ?? meta.clientId ?? '');
  if (instanceId !== null) {
    const existing = g.staticMembers.get(instanceId);
    if (existing !== undefined) replaceStaticMember(ctx, g, g.members.get(existing)!, newId, req, meta, resolve);
    else addMemberAndRebalance(ctx, g, newId, req, meta, resolve);
    return;
  }
  if (meta.version >= 4) {
    // KIP-394: hand out the id first, admit the member when it comes back with it. Until then it
    // is pending, which holds back the join phase; it expires after its session timeout.
    const timer = ctx.setTimeout(() => expirePendingMember(ctx, g, newId), req.sessionTimeoutMs);
    g.pendingMembers.set(newId, { memberId: newId, timer });
    resolve(joinError(ErrorCode.MEMBER_ID_REQUIRED, newId, meta.version));
    return;
  }
  addMemberAndRebalance(ctx, g, newId, req, meta, resolve);
}

function joinKnownMember(ctx: CoordinatorContext, g: ClassicGroup, req: JoinGroupRequest, meta: RequestMeta, resolve: Resolve): void {
  const instanceId = req.groupInstanceId ?? null;
  const pending = g.pendingMembers.get(req.memberId);
  if (pending && instanceId === null) {
    pending.timer.cancel();
    g.pendingMembers.delete(req.memberId);
    addMemberAndRebalance(ctx, g, req.memberId, req, meta, resolve);
    return;
  }
  const invalid = validateMember(g, req.memberId, instanceId);
  if (invalid !== ErrorCode.NONE) return resolve(joinError(invalid, req.memberId, meta.version));
  const member = g.members.get(req.memberId)!;
  switch (g.state) {
    case GroupState.PreparingRebalance:
      updateMemberAndRebalance(ctx, g, member, req, meta, resolve);
      return;
    case GroupState.CompletingRebalance:
      // The member may have missed the join answer: resend it if nothing changed.
      if (sameProtocols(member.protocols, req.protocols)) {
        scheduleSession(ctx, g, member);
        resolve(joinResult(g, member, g.leaderId === member.memberId));
      } else {
        updateMemberAndRebalance(ctx, g, member, req, meta, resolve);
      }
      return;
    case GroupState.Stable:
      // A leader rejoining means it wants a new assignment (e.g. metadata it watches changed).
      if (g.leaderId === member.memberId || !sameProtocols(member.protocols, req.protocols)) {
        updateMemberAndRebalance(ctx, g, member, req, meta, resolve);
      } else {
        scheduleSession(ctx, g, member);
        resolve(joinResult(g, member, false));
      }
      return;
    default:
      resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId, meta.version));
  }
}

function addMemberAndRebalance(ctx: CoordinatorContext, g: ClassicGroup, memberId: string, req: JoinGroupRequest, meta: RequestMeta, resolve: Resolve): void {
  const member: Member = {
    memberId,
    groupInstanceId: req.groupInstanceId ?? null,
    clientId: meta.clientId ?? '',
    clientHost: meta.clientHost ?? '',
    sessionTimeoutMs: req.sessionTimeoutMs,
    rebalanceTimeoutMs: rebalanceTimeout(req),
    protocolType: req.protocolType,
    protocols: req.protocols,
    assignment: EMPTY,
    awaitingJoin: resolve,
    awaitingSync: null,
    joinVersion: meta.version,
    sessionTimer: null,
  };
  if (g.members.size === 0) g.protocolType = req.protocolType;
  g.members.set(memberId, member);
  if (member.groupInstanceId !== null) g.staticMembers.set(member.groupInstanceId, memberId);
  if (g.leaderId === null) g.leaderId = memberId;
  g.newMemberAdded = true;
  scheduleSession(ctx, g, member);
  if (g.is(GroupState.PreparingRebalance)) tryCompleteJoin(ctx, g);
  else prepareRebalance(ctx, g);
}

function updateMemberAndRebalance(ctx: CoordinatorContext, g: ClassicGroup, member: Member, req: JoinGroupRequest, meta: RequestMeta, resolve: Resolve): void {
  // A second join while one is parked (a client retrying): the newer request takes the slot.
  answerJoin(member, joinError(ErrorCode.REBALANCE_IN_PROGRESS, member.memberId, member.joinVersion));
  member.protocols = req.protocols;
  member.protocolType = req.protocolType;
  member.sessionTimeoutMs = req.sessionTimeoutMs;
  member.rebalanceTimeoutMs = rebalanceTimeout(req);
  if (meta.clientId !== undefined) member.clientId = meta.clientId;
  if (meta.clientHost !== undefined) member.clientHost = meta.clientHost;
  member.awaitingJoin = resolve;
  member.joinVersion = meta.version;
  scheduleSession(ctx, g, member);
  if (g.is(GroupState.PreparingRebalance)) tryCompleteJoin(ctx, g);
  else prepareRebalance(ctx, g);
}

/**
 * A static member came back without its member id (a restarted process with the same
 * group.instance.id): the new id replaces the old one and the old incarnation is fenced. In a
 * Stable group with unchanged metadata no rebalance happens; the member gets the current
 * generation back (the leader with skipAssignment, so it does not recompute assignments).
 */
function replaceStaticMember(
  ctx: CoordinatorContext,
  g: ClassicGroup,
  old: Member,
  newId: string,
  req: JoinGroupRequest,
  meta: RequestMeta,
  resolve: Resolve,
): void {
  const unchanged = sameProtocols(old.protocols, req.protocols);
  old.sessionTimer?.cancel();
  answerJoin(old, joinError(ErrorCode.FENCED_INSTANCE_ID, old.memberId, old.joinVersion));
  answerSync(old, syncError(ErrorCode.FENCED_INSTANCE_ID));
  const member: Member = {
    ...old,
    memberId: newId,
    clientId: meta.clientId ?? old.clientId,
    clientHost: meta.clientHost ?? old.clientHost,
    sessionTimeoutMs: req.sessionTimeoutMs,
    rebalanceTimeoutMs: rebalanceTimeout(req),
    protocolType: req.protocolType,
    protocols: req.protocols,
    awaitingJoin: null,
    awaitingSync: null,
    joinVersion: meta.version,
    sessionTimer: null,
  };
  g.members.delete(old.memberId);
  g.members.set(newId, member);
  g.staticMembers.set(member.groupInstanceId!, newId);
  if (g.leaderId === old.memberId) g.leaderId = newId;
  if (g.pendingSync.delete(old.memberId)) g.pendingSync.add(newId);
  scheduleSession(ctx, g, member);

  if (g.is(GroupState.Stable) && unchanged) {
    const isLeader = g.leaderId === newId;
    const r = joinResult(g, member, isLeader);
    // skipAssignment exists from v9 (KIP-814); older leaders get the members and reassign.
    r.skipAssignment = isLeader && meta.version >= 9;
    resolve(r);
    return;
  }
  member.awaitingJoin = resolve;
  // In CompletingRebalance the old id may already be in the leader's hands: start over.
  if (g.is(GroupState.PreparingRebalance)) tryCompleteJoin(ctx, g);
  else prepareRebalance(ctx, g);
}

function expirePendingMember(ctx: CoordinatorContext, g: ClassicGroup, memberId: string): void {
  if (!ctx.isLive(g) || !g.pendingMembers.delete(memberId)) return;
  if (g.is(GroupState.PreparingRebalance)) tryCompleteJoin(ctx, g);
}

function rebalanceTimeout(req: JoinGroupRequest): number {
  return req.rebalanceTimeoutMs !== undefined && req.rebalanceTimeoutMs >= 0 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs;
}
