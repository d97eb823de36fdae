/**
 * The classic rebalance protocol's phases and timers (Kafka's GroupMetadataManager, classic
 * group part): starting a rebalance, the initial delay, completing the join phase, the sync
 * timeout, member sessions, and removing members. The per-API entry points (join-group.ts,
 * sync-group.ts, heartbeat.ts, leave-group.ts) drive the group through these.
 */
import { ErrorCode } from '../protocol/error-codes.js';
import type { CoordinatorContext } from './context.js';
import { GroupState, type ClassicGroup, type Member } from './group.js';
import type { JoinGroupResponse, SyncGroupResponse } from './types.js';

export const EMPTY = Buffer.alloc(0);

/** Starts a rebalance (Kafka's prepareRebalance). */
export function prepareRebalance(ctx: CoordinatorContext, g: ClassicGroup): void {
  if (g.is(GroupState.CompletingRebalance)) {
    // The assignment being prepared is void: followers waiting for it must rejoin.
    for (const m of g.members.values()) {
      m.assignment = EMPTY;
      answerSync(m, syncError(ErrorCode.REBALANCE_IN_PROGRESS));
    }
  }
  g.syncTimer?.cancel();
  g.syncTimer = null;
  g.pendingSync.clear();
  const wasEmpty = g.is(GroupState.Empty);
  if (wasEmpty) ctx.recordGroup(g, null);
  g.transitionTo(GroupState.PreparingRebalance, ctx.clock.now());
  const delay = ctx.config.groupInitialRebalanceDelayMs;
  if (wasEmpty && delay > 0) {
    // group.initial.rebalance.delay.ms: wait for more members of a starting group; each new
    // member extends the wait, up to the rebalance timeout in total.
    const total = g.rebalanceTimeoutMs();
    g.newMemberAdded = false;
    g.inInitialDelay = true;
    armInitialDelay(ctx, g, Math.min(delay, total), Math.max(total - delay, 0));
  } else {
    g.joinTimer?.cancel();
    g.joinTimer = ctx.setTimeout(() => onJoinTimeout(ctx, g), g.rebalanceTimeoutMs());
    tryCompleteJoin(ctx, g);
  }
}

function armInitialDelay(ctx: CoordinatorContext, g: ClassicGroup, delayMs: number, remainingMs: number): void {
  g.joinTimer?.cancel();
  g.joinTimer = ctx.setTimeout(() => {
    g.joinTimer = null;
    if (!ctx.isLive(g) || !g.is(GroupState.PreparingRebalance)) return;
    if (g.newMemberAdded && remainingMs > 0) {
      g.newMemberAdded = false;
      const next = Math.min(ctx.config.groupInitialRebalanceDelayMs, remainingMs);
      armInitialDelay(ctx, g, next, Math.max(remainingMs - next, 0));
    } else {
      completeJoin(ctx, g);
    }
  }, delayMs);
}

function onJoinTimeout(ctx: CoordinatorContext, g: ClassicGroup): void {
  g.joinTimer = null;
  if (ctx.isLive(g) && g.is(GroupState.PreparingRebalance)) completeJoin(ctx, g);
}

export function tryCompleteJoin(ctx: CoordinatorContext, g: ClassicGroup): void {
  if (g.is(GroupState.PreparingRebalance) && !g.inInitialDelay && g.allMembersJoined()) completeJoin(ctx, g);
}

/**
 * Ends the join phase: members that did not rejoin are dropped, the generation advances, the
 * protocol is voted, the leader is kept if it rejoined, and every parked join is answered.
 */
function completeJoin(ctx: CoordinatorContext, g: ClassicGroup): void {
  g.joinTimer?.cancel();
  g.joinTimer = null;
  g.inInitialDelay = false;
  for (const m of [...g.members.values()]) {
    if (!m.awaitingJoin) removeMember(g, m, ErrorCode.UNKNOWN_MEMBER_ID);
  }
  if (g.leaderId === null || !g.members.has(g.leaderId)) g.leaderId = g.members.keys().next().value ?? null;
  g.generationId++;
  const now = ctx.clock.now();
  if (g.members.size === 0) {
    g.protocolName = null;
    g.transitionTo(GroupState.Empty, now);
    ctx.recordGroup(g, now);
    return;
  }
  g.protocolName = g.selectProtocol();
  g.transitionTo(GroupState.CompletingRebalance, now);
  for (const m of g.members.values()) g.pendingSync.add(m.memberId);
  // Members that never send SyncGroup would stall the group: drop them after the rebalance timeout.
  g.syncTimer = ctx.setTimeout(() => onSyncTimeout(ctx, g), g.rebalanceTimeoutMs());
  for (const m of g.members.values()) {
    answerJoin(m, joinResult(g, m, m.memberId === g.leaderId));
    scheduleSession(ctx, g, m);
  }
}

function onSyncTimeout(ctx: CoordinatorContext, g: ClassicGroup): void {
  g.syncTimer = null;
  if (!ctx.isLive(g) || !(g.is(GroupState.CompletingRebalance) || g.is(GroupState.Stable))) return;
  const missing = [...g.pendingSync].map((id) => g.members.get(id)).filter((m): m is Member => m !== undefined);
  if (missing.length === 0) return;
  for (const m of missing) removeMember(g, m, ErrorCode.UNKNOWN_MEMBER_ID);
  afterMembersRemoved(ctx, g);
}

export function joinResult(g: ClassicGroup, m: Member, withMembers: boolean): JoinGroupResponse {
  return {
    errorCode: ErrorCode.NONE,
    generationId: g.generationId,
    protocolType: g.protocolType,
    protocolName: g.protocolName,
    leader: g.leaderId ?? '',
    skipAssignment: false,
    memberId: m.memberId,
    members: withMembers
      ? [...g.members.values()].map((x) => ({
          memberId: x.memberId,
          groupInstanceId: x.groupInstanceId,
          metadata: g.memberMetadata(x),
        }))
      : [],
  };
}

/** Removes one member without deciding what the group does next (see afterMembersRemoved). */
export function removeMember(g: ClassicGroup, m: Member, parkedError: number): void {
  m.sessionTimer?.cancel();
  m.sessionTimer = null;
  answerJoin(m, joinError(parkedError, m.memberId, m.joinVersion));
  answerSync(m, syncError(parkedError));
  g.members.delete(m.memberId);
  if (m.groupInstanceId !== null && g.staticMembers.get(m.groupInstanceId) === m.memberId) g.staticMembers.delete(m.groupInstanceId);
  g.pendingSync.delete(m.memberId);
  if (g.leaderId === m.memberId) g.leaderId = g.members.keys().next().value ?? null;
}

export function afterMembersRemoved(ctx: CoordinatorContext, g: ClassicGroup): void {
  if (g.is(GroupState.Stable) || g.is(GroupState.CompletingRebalance)) prepareRebalance(ctx, g);
  else if (g.is(GroupState.PreparingRebalance)) tryCompleteJoin(ctx, g);
}

export function scheduleSession(ctx: CoordinatorContext, g: ClassicGroup, m: Member): void {
  m.sessionTimer?.cancel();
  m.sessionTimer = ctx.setTimeout(() => onSessionExpired(ctx, g, m), m.sessionTimeoutMs);
}

function onSessionExpired(ctx: CoordinatorContext, g: ClassicGroup, m: Member): void {
  m.sessionTimer = null;
  if (!ctx.isLive(g) || g.members.get(m.memberId) !== m) return;
  // A parked request is the member's liveness: the join and sync phases have their own bounds.
  if (m.awaitingJoin || m.awaitingSync) {
    scheduleSession(ctx, g, m);
    return;
  }
  removeMember(g, m, ErrorCode.UNKNOWN_MEMBER_ID);
  afterMembersRemoved(ctx, g);
}

/** Kafka's ClassicGroup.validateMember: static identity first, then plain membership. */
export function validateMember(g: ClassicGroup, memberId: string, instanceId: string | null): number {
  if (instanceId !== null) {
    const existing = g.staticMembers.get(instanceId);
    if (existing === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (existing !== memberId) return ErrorCode.FENCED_INSTANCE_ID;
    return ErrorCode.NONE;
  }
  return g.members.has(memberId) ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
}

export function answerJoin(m: Member, r: JoinGroupResponse): void {
  const respond = m.awaitingJoin;
  m.awaitingJoin = null;
  respond?.(r);
}

export function answerSync(m: Member, r: SyncGroupResponse): void {
  const respond = m.awaitingSync;
  m.awaitingSync = null;
  respond?.(r);
}

export function joinError(errorCode: number, memberId: string, version: number): JoinGroupResponse {
  return {
    errorCode,
    generationId: -1,
    protocolType: null,
    protocolName: version >= 7 ? null : '',
    leader: '',
    skipAssignment: false,
    memberId,
    members: [],
  };
}

export function syncError(errorCode: number): SyncGroupResponse {
  return { errorCode, protocolType: null, protocolName: null, assignment: EMPTY };
}
