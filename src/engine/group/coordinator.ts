/**
 * The classic group coordinator: every group of the broker, the API surface the broker's group
 * handlers adapt (JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch,
 * DescribeGroups, ListGroups, DeleteGroups, OffsetDelete), and the timers behind sessions,
 * rebalances and offset expiry. Pure logic: time comes from the injected Clock and durability
 * from the injected OffsetStore, so tests drive every timeout with a ManualClock.
 *
 * JoinGroup and SyncGroup may park: their promises resolve when the rebalance moves on (all
 * members rejoined, the rebalance timeout fired, the leader sent its assignment), exactly when
 * Kafka would answer. Every other call answers at once. Behaviour follows Kafka's
 * GroupMetadataManager / ClassicGroup; see kafka-protocol.md §5.
 */
import { randomUUID } from 'node:crypto';
import type { Clock, Timer } from '../clock.js';
import { CONSUMER_PROTOCOL_TYPE, emptyAssignment } from '../protocol/consumer-protocol.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { ClassicGroup, GroupState, sameProtocols, type CommittedOffset, type Member } from './group.js';
import type { OffsetStore, StoreEntry } from './offset-store.js';
import type {
  DescribedGroup,
  DescribeGroupsRequest,
  DescribeGroupsResponse,
  DeleteGroupsRequest,
  DeleteGroupsResponse,
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  ListGroupsRequest,
  ListGroupsResponse,
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetDeleteRequest,
  OffsetDeleteResponse,
  OffsetFetchRequest,
  OffsetFetchResponse,
  OffsetFetchResponsePartition,
  RequestMeta,
  SyncGroupRequest,
  SyncGroupResponse,
} from './types.js';

/** Broker settings, named after Kafka's (`group.min.session.timeout.ms` -> groupMinSessionTimeoutMs). */
export interface GroupCoordinatorConfig {
  groupMinSessionTimeoutMs: number;
  groupMaxSessionTimeoutMs: number;
  /** Kafka defaults to 3000; a local broker defaults to 0 so tests and tools start faster. */
  groupInitialRebalanceDelayMs: number;
  groupMaxSize: number;
  offsetsRetentionMinutes: number;
  offsetsRetentionCheckIntervalMs: number;
  offsetMetadataMaxBytes: number;
}

export const DEFAULT_GROUP_CONFIG: GroupCoordinatorConfig = {
  groupMinSessionTimeoutMs: 6000,
  groupMaxSessionTimeoutMs: 1_800_000,
  groupInitialRebalanceDelayMs: 0,
  groupMaxSize: 2_147_483_647,
  offsetsRetentionMinutes: 7 * 24 * 60,
  offsetsRetentionCheckIntervalMs: 600_000,
  offsetMetadataMaxBytes: 4096,
};

export interface GroupCoordinatorOptions {
  clock: Clock;
  /** When given, the coordinator loads it at once; otherwise it answers COORDINATOR_LOAD_IN_PROGRESS until load(). */
  store?: OffsetStore;
  config?: Partial<GroupCoordinatorConfig>;
  /** Reports unexpected conditions (a failed offset write); the broker sends them to stderr. */
  logger?: (message: string) => void;
  /** Member id generator (Kafka: `<client.id or group.instance.id>-<uuid>`); tests make it deterministic. */
  newMemberId?: (prefix: string) => string;
}

type Status = 'loading' | 'active' | 'closed';

const NO_AUTHORIZED_OPERATIONS = -2147483648;
const EMPTY = Buffer.alloc(0);

export class GroupCoordinator {
  readonly config: GroupCoordinatorConfig;
  private readonly clock: Clock;
  private readonly logger: (message: string) => void;
  private readonly newMemberId: (prefix: string) => string;
  private readonly groups = new Map<string, ClassicGroup>();
  private store: OffsetStore | null = null;
  private status: Status = 'loading';
  private expiryTimer: Timer | null = null;

  constructor(options: GroupCoordinatorOptions) {
    this.clock = options.clock;
    this.config = { ...DEFAULT_GROUP_CONFIG, ...options.config };
    this.logger = options.logger ?? (() => {});
    this.newMemberId = options.newMemberId ?? ((prefix) => `${prefix}-${randomUUID()}`);
    if (options.store) this.load(options.store);
  }

  /** Replays the store's groups and offsets, then starts serving and the periodic offset expiry. */
  load(store: OffsetStore): void {
    if (this.status !== 'loading') throw new Error('group coordinator already loaded');
    const now = this.clock.now();
    const snapshot = store.load();
    for (const g of snapshot.groups) {
      const group = this.getOrCreateGroup(g.group);
      group.protocolType = g.protocolType;
      // Memberships do not survive a restart: a group that had members became empty just now.
      group.stateTimestamp = g.emptySince ?? now;
    }
    for (const o of snapshot.offsets) {
      this.getOrCreateGroup(o.group).setOffset(o.topic, o.partition, {
        offset: o.offset,
        leaderEpoch: o.leaderEpoch,
        metadata: o.metadata,
        commitTimestamp: o.commitTimestamp,
        expireTimestamp: o.expireTimestamp,
      });
    }
    this.store = store;
    this.status = 'active';
    this.scheduleExpiry();
  }

  /** Answers everything parked with NOT_COORDINATOR, stops all timers and closes the store. */
  close(): void {
    if (this.status === 'closed') return;
    this.status = 'closed';
    this.expiryTimer?.cancel();
    for (const group of this.groups.values()) {
      for (const m of group.members.values()) {
        m.sessionTimer?.cancel();
        this.answerJoin(m, joinError(ErrorCode.NOT_COORDINATOR, m.memberId, m.joinVersion));
        this.answerSync(m, syncError(ErrorCode.NOT_COORDINATOR));
      }
      for (const p of group.pendingMembers.values()) p.timer.cancel();
      group.joinTimer?.cancel();
      group.syncTimer?.cancel();
    }
    this.groups.clear();
    this.store?.close();
  }

  // ---------------------------------------------------------------------------------------------
  // JoinGroup

  joinGroup(req: JoinGroupRequest, meta: RequestMeta): Promise<JoinGroupResponse> {
    const v = meta.version;
    const fail = (code: number) => Promise.resolve(joinError(code, req.memberId, v));
    const unavailable = this.unavailable();
    if (unavailable) return fail(unavailable);
    if (req.groupId === '') return fail(ErrorCode.INVALID_GROUP_ID);
    const { groupMinSessionTimeoutMs: min, groupMaxSessionTimeoutMs: max } = this.config;
    if (req.sessionTimeoutMs < min || req.sessionTimeoutMs > max) return fail(ErrorCode.INVALID_SESSION_TIMEOUT);

    const isUnknown = req.memberId === '';
    let group = this.groups.get(req.groupId);
    if (!group) {
      // Only a member without an id may create a group; a known id must belong to a live group.
      if (!isUnknown) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
      group = this.getOrCreateGroup(req.groupId);
    }
    const g = group;
    let code: number = ErrorCode.NONE;
    if (!g.supportsProtocols(req.protocolType, req.protocols)) code = ErrorCode.INCONSISTENT_GROUP_PROTOCOL;
    else if (!g.acceptsJoiningMember(req.memberId, this.config.groupMaxSize)) code = ErrorCode.GROUP_MAX_SIZE_REACHED;
    if (code !== ErrorCode.NONE) {
      this.maybeDropGroup(g);
      return fail(code);
    }
    return new Promise<JoinGroupResponse>((resolve) => {
      if (isUnknown) this.joinUnknownMember(g, req, meta, resolve);
      else this.joinKnownMember(g, req, meta, resolve);
    });
  }

  private joinUnknownMember(g: ClassicGroup, req: JoinGroupRequest, meta: RequestMeta, resolve: (r: JoinGroupResponse) => void): void {
    const instanceId = req.groupInstanceId ?? null;
    const newId = this.newMemberId(instanceId ?? meta.clientId ?? '');
    if (instanceId !== null) {
      const existing = g.staticMembers.get(instanceId);
      if (existing !== undefined) this.replaceStaticMember(g, g.members.get(existing)!, newId, req, meta, resolve);
      else this.addMemberAndRebalance(g, newId, req, meta, resolve);
      return;
    }
    if (meta.version >= 4) {
      // KIP-394: hand out the id first, admit the member when it comes back with it. Until then it
      // is pending, which holds back the join phase; it expires after its session timeout.
      const timer = this.clock.setTimeout(() => this.expirePendingMember(g, newId), req.sessionTimeoutMs);
      g.pendingMembers.set(newId, { memberId: newId, timer });
      resolve(joinError(ErrorCode.MEMBER_ID_REQUIRED, newId, meta.version));
      return;
    }
    this.addMemberAndRebalance(g, newId, req, meta, resolve);
  }

  private joinKnownMember(g: ClassicGroup, req: JoinGroupRequest, meta: RequestMeta, resolve: (r: JoinGroupResponse) => void): void {
    const instanceId = req.groupInstanceId ?? null;
    const pending = g.pendingMembers.get(req.memberId);
    if (pending && instanceId === null) {
      pending.timer.cancel();
      g.pendingMembers.delete(req.memberId);
      this.addMemberAndRebalance(g, req.memberId, req, meta, resolve);
      return;
    }
    const invalid = validateMember(g, req.memberId, instanceId);
    if (invalid !== ErrorCode.NONE) return resolve(joinError(invalid, req.memberId, meta.version));
    const member = g.members.get(req.memberId)!;
    switch (g.state) {
      case GroupState.PreparingRebalance:
        this.updateMemberAndRebalance(g, member, req, meta, resolve);
        return;
      case GroupState.CompletingRebalance:
        // The member may have missed the join answer: resend it if nothing changed.
        if (sameProtocols(member.protocols, req.protocols)) {
          this.scheduleSession(g, member);
          resolve(this.joinResult(g, member, g.leaderId === member.memberId));
        } else {
          this.updateMemberAndRebalance(g, member, req, meta, resolve);
        }
        return;
      case GroupState.Stable:
        // A leader rejoining means it wants a new assignment (e.g. metadata it watches changed).
        if (g.leaderId === member.memberId || !sameProtocols(member.protocols, req.protocols)) {
          this.updateMemberAndRebalance(g, member, req, meta, resolve);
        } else {
          this.scheduleSession(g, member);
          resolve(this.joinResult(g, member, false));
        }
        return;
      default:
        resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId, meta.version));
    }
  }

  private addMemberAndRebalance(
    g: ClassicGroup,
    memberId: string,
    req: JoinGroupRequest,
    meta: RequestMeta,
    resolve: (r: JoinGroupResponse) => void,
  ): void {
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
      awaitingJoin: resolve as (r: unknown) => void,
      awaitingSync: null,
      joinVersion: meta.version,
      sessionTimer: null,
    };
    if (g.members.size === 0) g.protocolType = req.protocolType;
    g.members.set(memberId, member);
    if (member.groupInstanceId !== null) g.staticMembers.set(member.groupInstanceId, memberId);
    if (g.leaderId === null) g.leaderId = memberId;
    g.newMemberAdded = true;
    this.scheduleSession(g, member);
    if (g.is(GroupState.PreparingRebalance)) this.tryCompleteJoin(g);
    else this.prepareRebalance(g);
  }

  private updateMemberAndRebalance(
    g: ClassicGroup,
    member: Member,
    req: JoinGroupRequest,
    meta: RequestMeta,
    resolve: (r: JoinGroupResponse) => void,
  ): void {
    // A second join while one is parked (a client retrying): the newer request takes the slot.
    this.answerJoin(member, joinError(ErrorCode.REBALANCE_IN_PROGRESS, member.memberId, member.joinVersion));
    member.protocols = req.protocols;
    member.protocolType = req.protocolType;
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    member.rebalanceTimeoutMs = rebalanceTimeout(req);
    if (meta.clientId !== undefined) member.clientId = meta.clientId;
    if (meta.clientHost !== undefined) member.clientHost = meta.clientHost;
    member.awaitingJoin = resolve as (r: unknown) => void;
    member.joinVersion = meta.version;
    this.scheduleSession(g, member);
    if (g.is(GroupState.PreparingRebalance)) this.tryCompleteJoin(g);
    else this.prepareRebalance(g);
  }

  /**
   * A static member came back without its member id (a restarted process with the same
   * group.instance.id): the new id replaces the old one and the old incarnation is fenced. In a
   * Stable group with unchanged metadata no rebalance happens; the member gets the current
   * generation back (the leader with skipAssignment, so it does not recompute assignments).
   */
  private replaceStaticMember(
    g: ClassicGroup,
    old: Member,
    newId: string,
    req: JoinGroupRequest,
    meta: RequestMeta,
    resolve: (r: JoinGroupResponse) => void,
  ): void {
    const unchanged = sameProtocols(old.protocols, req.protocols);
    old.sessionTimer?.cancel();
    this.answerJoin(old, joinError(ErrorCode.FENCED_INSTANCE_ID, old.memberId, old.joinVersion));
    this.answerSync(old, syncError(ErrorCode.FENCED_INSTANCE_ID));
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
    this.scheduleSession(g, member);

    if (g.is(GroupState.Stable) && unchanged) {
      const isLeader = g.leaderId === newId;
      const r = this.joinResult(g, member, isLeader);
      r.skipAssignment = isLeader;
      resolve(r);
      return;
    }
    member.awaitingJoin = resolve as (r: unknown) => void;
    // In CompletingRebalance the old id may already be in the leader's hands: start over.
    if (g.is(GroupState.PreparingRebalance)) this.tryCompleteJoin(g);
    else this.prepareRebalance(g);
  }

  private expirePendingMember(g: ClassicGroup, memberId: string): void {
    if (!this.isLive(g) || !g.pendingMembers.delete(memberId)) return;
    if (g.is(GroupState.PreparingRebalance)) this.tryCompleteJoin(g);
  }

  /** Starts a rebalance (Kafka's prepareRebalance). */
  private prepareRebalance(g: ClassicGroup): void {
    if (g.is(GroupState.CompletingRebalance)) {
      // The assignment being prepared is void: followers waiting for it must rejoin.
      for (const m of g.members.values()) {
        m.assignment = EMPTY;
        this.answerSync(m, syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      }
    }
    g.syncTimer?.cancel();
    g.syncTimer = null;
    g.pendingSync.clear();
    const wasEmpty = g.is(GroupState.Empty);
    if (wasEmpty) this.persistGroup(g, null);
    g.transitionTo(GroupState.PreparingRebalance, this.clock.now());
    const delay = this.config.groupInitialRebalanceDelayMs;
    if (wasEmpty && delay > 0) {
      // group.initial.rebalance.delay.ms: wait for more members of a starting group; each new
      // member extends the wait, up to the rebalance timeout in total.
      const total = g.rebalanceTimeoutMs();
      g.newMemberAdded = false;
      g.inInitialDelay = true;
      this.armInitialDelay(g, Math.min(delay, total), Math.max(total - delay, 0));
    } else {
      g.joinTimer?.cancel();
      g.joinTimer = this.clock.setTimeout(() => this.onJoinTimeout(g), g.rebalanceTimeoutMs());
      this.tryCompleteJoin(g);
    }
  }

  private armInitialDelay(g: ClassicGroup, delayMs: number, remainingMs: number): void {
    g.joinTimer?.cancel();
    g.joinTimer = this.clock.setTimeout(() => {
      g.joinTimer = null;
      if (!this.isLive(g) || !g.is(GroupState.PreparingRebalance)) return;
      if (g.newMemberAdded && remainingMs > 0) {
        g.newMemberAdded = false;
        const next = Math.min(this.config.groupInitialRebalanceDelayMs, remainingMs);
        this.armInitialDelay(g, next, Math.max(remainingMs - next, 0));
      } else {
        this.completeJoin(g);
      }
    }, delayMs);
  }

  private onJoinTimeout(g: ClassicGroup): void {
    g.joinTimer = null;
    if (this.isLive(g) && g.is(GroupState.PreparingRebalance)) this.completeJoin(g);
  }

  private tryCompleteJoin(g: ClassicGroup): void {
    if (g.is(GroupState.PreparingRebalance) && !g.inInitialDelay && g.allMembersJoined()) this.completeJoin(g);
  }

  /**
   * Ends the join phase: members that did not rejoin are dropped, the generation advances, the
   * protocol is voted, the leader is kept if it rejoined, and every parked join is answered.
   */
  private completeJoin(g: ClassicGroup): void {
    g.joinTimer?.cancel();
    g.joinTimer = null;
    g.inInitialDelay = false;
    for (const m of [...g.members.values()]) {
      if (!m.awaitingJoin) this.removeMember(g, m, ErrorCode.UNKNOWN_MEMBER_ID);
    }
    if (g.leaderId === null || !g.members.has(g.leaderId)) g.leaderId = g.members.keys().next().value ?? null;
    g.generationId++;
    const now = this.clock.now();
    if (g.members.size === 0) {
      g.protocolName = null;
      g.transitionTo(GroupState.Empty, now);
      this.persistGroup(g, now);
      return;
    }
    g.protocolName = g.selectProtocol();
    g.transitionTo(GroupState.CompletingRebalance, now);
    for (const m of g.members.values()) g.pendingSync.add(m.memberId);
    // Members that never send SyncGroup would stall the group: drop them after the rebalance timeout.
    g.syncTimer = this.clock.setTimeout(() => this.onSyncTimeout(g), g.rebalanceTimeoutMs());
    for (const m of g.members.values()) {
      const r = this.joinResult(g, m, m.memberId === g.leaderId);
      this.answerJoin(m, r);
      this.scheduleSession(g, m);
    }
  }

  private onSyncTimeout(g: ClassicGroup): void {
    g.syncTimer = null;
    if (!this.isLive(g) || !(g.is(GroupState.CompletingRebalance) || g.is(GroupState.Stable))) return;
    const missing = [...g.pendingSync].map((id) => g.members.get(id)).filter((m): m is Member => m !== undefined);
    if (missing.length === 0) return;
    for (const m of missing) this.removeMember(g, m, ErrorCode.UNKNOWN_MEMBER_ID);
    this.afterMembersRemoved(g);
  }

  private joinResult(g: ClassicGroup, m: Member, withMembers: boolean): JoinGroupResponse {
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

  // ---------------------------------------------------------------------------------------------
  // SyncGroup

  syncGroup(req: SyncGroupRequest, meta: RequestMeta): Promise<SyncGroupResponse> {
    void meta;
    const fail = (code: number) => Promise.resolve(syncError(code));
    const unavailable = this.unavailable();
    if (unavailable) return fail(unavailable);
    if (req.groupId === '') return fail(ErrorCode.INVALID_GROUP_ID);
    const g = this.groups.get(req.groupId);
    if (!g) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    const invalid = validateMember(g, req.memberId, req.groupInstanceId ?? null);
    if (invalid !== ErrorCode.NONE) return fail(invalid);
    if (req.generationId !== g.generationId) return fail(ErrorCode.ILLEGAL_GENERATION);
    if ((req.protocolType != null && req.protocolType !== g.protocolType) || (req.protocolName != null && req.protocolName !== g.protocolName)) {
      return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }
    const member = g.members.get(req.memberId)!;
    this.scheduleSession(g, member);
    switch (g.state) {
      case GroupState.PreparingRebalance:
        return fail(ErrorCode.REBALANCE_IN_PROGRESS);
      case GroupState.CompletingRebalance:
        this.markSynced(g, member.memberId);
        return new Promise<SyncGroupResponse>((resolve) => {
          this.answerSync(member, syncError(ErrorCode.REBALANCE_IN_PROGRESS));
          member.awaitingSync = resolve as (r: unknown) => void;
          if (member.memberId === g.leaderId) this.applyLeaderAssignment(g, req.assignments);
        });
      case GroupState.Stable:
        this.markSynced(g, member.memberId);
        return Promise.resolve(this.syncResult(g, member));
      default:
        return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    }
  }

  private markSynced(g: ClassicGroup, memberId: string): void {
    g.pendingSync.delete(memberId);
    if (g.pendingSync.size === 0) {
      g.syncTimer?.cancel();
      g.syncTimer = null;
    }
  }

  private applyLeaderAssignment(g: ClassicGroup, assignments: SyncGroupRequest['assignments']): void {
    const given = new Map(assignments.map((a) => [a.memberId, a.assignment]));
    // A member the leader left out still needs bytes its client can decode (kfake does the same).
    const filler = g.protocolType === CONSUMER_PROTOCOL_TYPE ? emptyAssignment(0) : EMPTY;
    for (const m of g.members.values()) m.assignment = given.get(m.memberId) ?? filler;
    g.transitionTo(GroupState.Stable, this.clock.now());
    for (const m of g.members.values()) this.answerSync(m, this.syncResult(g, m));
  }

  private syncResult(g: ClassicGroup, m: Member): SyncGroupResponse {
    return { errorCode: ErrorCode.NONE, protocolType: g.protocolType, protocolName: g.protocolName, assignment: m.assignment };
  }

  // ---------------------------------------------------------------------------------------------
  // Heartbeat and LeaveGroup

  heartbeat(req: HeartbeatRequest, meta?: RequestMeta): HeartbeatResponse {
    void meta;
    const unavailable = this.unavailable();
    if (unavailable) return { errorCode: unavailable };
    if (req.groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID };
    const g = this.groups.get(req.groupId);
    if (!g) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
    const invalid = validateMember(g, req.memberId, req.groupInstanceId ?? null);
    if (invalid !== ErrorCode.NONE) return { errorCode: invalid };
    if (req.generationId !== g.generationId) return { errorCode: ErrorCode.ILLEGAL_GENERATION };
    const member = g.members.get(req.memberId)!;
    switch (g.state) {
      case GroupState.PreparingRebalance:
        // The heartbeat still counts: it keeps the member alive while it gets ready to rejoin.
        this.scheduleSession(g, member);
        return { errorCode: ErrorCode.REBALANCE_IN_PROGRESS };
      case GroupState.CompletingRebalance:
      case GroupState.Stable:
        this.scheduleSession(g, member);
        return { errorCode: ErrorCode.NONE };
      default:
        return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
    }
  }

  leaveGroup(req: LeaveGroupRequest, meta: RequestMeta): LeaveGroupResponse {
    const batch = meta.version >= 3;
    const leaving = batch
      ? (req.members ?? []).map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null }))
      : [{ memberId: req.memberId ?? '', groupInstanceId: null }];
    const finish = (results: LeaveGroupResponse['members']): LeaveGroupResponse =>
      batch ? { errorCode: ErrorCode.NONE, members: results } : { errorCode: results[0]!.errorCode, members: [] };
    const unavailable = this.unavailable() ?? (req.groupId === '' ? ErrorCode.INVALID_GROUP_ID : null);
    if (unavailable) return { errorCode: unavailable, members: [] };
    const g = this.groups.get(req.groupId);
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
        this.removeMember(g, target, ErrorCode.UNKNOWN_MEMBER_ID);
        removed = true;
      }
      return { ...l, errorCode };
    });
    if (removed) this.afterMembersRemoved(g);
    else if (pendingDropped) this.tryCompleteJoin(g);
    return finish(results);
  }

  /** Removes one member without deciding what the group does next (see afterMembersRemoved). */
  private removeMember(g: ClassicGroup, m: Member, parkedError: number): void {
    m.sessionTimer?.cancel();
    m.sessionTimer = null;
    this.answerJoin(m, joinError(parkedError, m.memberId, m.joinVersion));
    this.answerSync(m, syncError(parkedError));
    g.members.delete(m.memberId);
    if (m.groupInstanceId !== null && g.staticMembers.get(m.groupInstanceId) === m.memberId) g.staticMembers.delete(m.groupInstanceId);
    g.pendingSync.delete(m.memberId);
    if (g.leaderId === m.memberId) g.leaderId = g.members.keys().next().value ?? null;
  }

  private afterMembersRemoved(g: ClassicGroup): void {
    if (g.is(GroupState.Stable) || g.is(GroupState.CompletingRebalance)) this.prepareRebalance(g);
    else if (g.is(GroupState.PreparingRebalance)) this.tryCompleteJoin(g);
  }

  private scheduleSession(g: ClassicGroup, m: Member): void {
    m.sessionTimer?.cancel();
    m.sessionTimer = this.clock.setTimeout(() => this.onSessionExpired(g, m), m.sessionTimeoutMs);
  }

  private onSessionExpired(g: ClassicGroup, m: Member): void {
    m.sessionTimer = null;
    if (!this.isLive(g) || g.members.get(m.memberId) !== m) return;
    // A parked request is the member's liveness: the join and sync phases have their own bounds.
    if (m.awaitingJoin || m.awaitingSync) {
      this.scheduleSession(g, m);
      return;
    }
    this.removeMember(g, m, ErrorCode.UNKNOWN_MEMBER_ID);
    this.afterMembersRemoved(g);
  }

  // ---------------------------------------------------------------------------------------------
  // Offsets

  commitOffsets(req: OffsetCommitRequest, meta: RequestMeta): OffsetCommitResponse {
    void meta;
    const all = (code: number): OffsetCommitResponse => ({
      topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: code })) })),
    });
    const unavailable = this.unavailable();
    if (unavailable) return all(unavailable);
    if (req.groupId === '') return all(ErrorCode.INVALID_GROUP_ID);
    const generation = req.generationIdOrMemberEpoch ?? -1;
    const memberId = req.memberId ?? '';
    const instanceId = req.groupInstanceId ?? null;
    let g = this.groups.get(req.groupId);
    if (!g) {
      // Commits outside group management (admin resets, assign()-only consumers) create the group.
      if (generation >= 0) return all(ErrorCode.ILLEGAL_GENERATION);
      g = this.getOrCreateGroup(req.groupId);
    } else if (!(generation < 0 && g.is(GroupState.Empty))) {
      if (generation >= 0 || memberId !== '' || instanceId !== null) {
        const invalid = validateMember(g, memberId, instanceId);
        if (invalid !== ErrorCode.NONE) return all(invalid);
        if (generation !== g.generationId) return all(ErrorCode.ILLEGAL_GENERATION);
        // The member has the new generation but not its assignment yet.
        if (g.is(GroupState.CompletingRebalance)) return all(ErrorCode.REBALANCE_IN_PROGRESS);
        this.scheduleSession(g, g.members.get(memberId)!);
      } else {
        return all(ErrorCode.UNKNOWN_MEMBER_ID);
      }
    }

    const now = this.clock.now();
    const retention = req.retentionTimeMs ?? -1;
    const entries: StoreEntry[] = [];
    const values: { topic: string; partition: number; value: CommittedOffset }[] = [];
    const response: OffsetCommitResponse = { topics: [] };
    for (const t of req.topics) {
      const partitions = t.partitions.map((p) => {
        const metadata = p.committedMetadata ?? '';
        // Java measures String.length(), UTF-16 code units, which is what JS length counts too.
        if (metadata.length > this.config.offsetMetadataMaxBytes) {
          return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.OFFSET_METADATA_TOO_LARGE as number };
        }
        const value: CommittedOffset = {
          offset: p.committedOffset,
          leaderEpoch: p.committedLeaderEpoch ?? -1,
          metadata,
          commitTimestamp: now,
          expireTimestamp: retention >= 0 ? now + retention : null,
        };
        values.push({ topic: t.name, partition: p.partitionIndex, value });
        entries.push({ type: 'offset', group: g.groupId, topic: t.name, partition: p.partitionIndex, ...value });
        return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE as number };
      });
      response.topics.push({ name: t.name, partitions });
    }
    if (!this.persist(entries)) {
      for (const t of response.topics) for (const p of t.partitions) if (p.errorCode === ErrorCode.NONE) p.errorCode = ErrorCode.COORDINATOR_NOT_AVAILABLE;
      this.maybeDropGroup(g);
      return response;
    }
    for (const v of values) g.setOffset(v.topic, v.partition, v.value);
    return response;
  }

  fetchOffsets(req: OffsetFetchRequest, meta?: RequestMeta): OffsetFetchResponse {
    void meta;
    const unavailable = this.unavailable();
    const code = unavailable ?? (req.groupId === '' ? ErrorCode.INVALID_GROUP_ID : null);
    if (code !== null) {
      // v0-1 have no top-level error, so the error is also put on every requested partition.
      return {
        errorCode: code,
        topics: (req.topics ?? []).map((t) => ({
          name: t.name,
          partitions: t.partitionIndexes.map((p) => ({ ...noOffset(p), errorCode: code })),
        })),
      };
    }
    const g = this.groups.get(req.groupId);
    const found = (topic: string, partition: number): OffsetFetchResponsePartition => {
      const c = g?.getOffset(topic, partition);
      if (!c) return noOffset(partition);
      return { partitionIndex: partition, committedOffset: c.offset, committedLeaderEpoch: c.leaderEpoch, metadata: c.metadata, errorCode: ErrorCode.NONE };
    };
    if (req.topics === null) {
      const topics: OffsetFetchResponse['topics'] = [];
      for (const [topic, parts] of g?.offsets ?? []) {
        topics.push({ name: topic, partitions: [...parts.keys()].sort((a, b) => a - b).map((p) => found(topic, p)) });
      }
      return { errorCode: ErrorCode.NONE, topics };
    }
    return {
      errorCode: ErrorCode.NONE,
      topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((p) => found(t.name, p)) })),
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Describe, list, delete

  describeGroups(req: DescribeGroupsRequest, meta: RequestMeta): DescribeGroupsResponse {
    const unavailable = this.unavailable();
    const describe = (groupId: string): DescribedGroup => {
      const base: DescribedGroup = {
        errorCode: ErrorCode.NONE,
        groupId,
        groupState: '',
        protocolType: '',
        protocolData: '',
        members: [],
        authorizedOperations: NO_AUTHORIZED_OPERATIONS,
      };
      if (unavailable) return { ...base, errorCode: unavailable };
      if (groupId === '') return { ...base, errorCode: ErrorCode.INVALID_GROUP_ID };
      const g = this.groups.get(groupId);
      // Unknown groups are reported as Dead without error up to v5; v6 (KIP-1043) says not found.
      if (!g) return { ...base, groupState: GroupState.Dead, errorCode: meta.version >= 6 ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.NONE };
      const stable = g.is(GroupState.Stable);
      return {
        ...base,
        groupState: g.state,
        protocolType: g.protocolType ?? '',
        // Metadata and assignment only mean something once the generation is settled.
        protocolData: stable ? (g.protocolName ?? '') : '',
        members: [...g.members.values()].map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          memberMetadata: stable ? g.memberMetadata(m) : EMPTY,
          memberAssignment: stable ? m.assignment : EMPTY,
        })),
      };
    };
    return { groups: req.groups.map(describe) };
  }

  listGroups(req: ListGroupsRequest = {}, meta?: RequestMeta): ListGroupsResponse {
    void meta;
    const unavailable = this.unavailable();
    if (unavailable) return { errorCode: unavailable, groups: [] };
    const states = req.statesFilter?.length ? new Set(req.statesFilter.map((s) => s.toLowerCase())) : null;
    const types = req.typesFilter?.length ? new Set(req.typesFilter.map((s) => s.toLowerCase())) : null;
    const groups: ListGroupsResponse['groups'] = [];
    for (const g of this.groups.values()) {
      if (states && !states.has(g.state.toLowerCase())) continue;
      if (types && !types.has('classic')) continue;
      groups.push({ groupId: g.groupId, protocolType: g.protocolType ?? '', groupState: g.state, groupType: 'classic' });
    }
    return { errorCode: ErrorCode.NONE, groups };
  }

  deleteGroups(req: DeleteGroupsRequest, meta?: RequestMeta): DeleteGroupsResponse {
    void meta;
    const unavailable = this.unavailable();
    return {
      results: req.groupsNames.map((groupId) => {
        if (unavailable) return { groupId, errorCode: unavailable };
        if (groupId === '') return { groupId, errorCode: ErrorCode.INVALID_GROUP_ID };
        const g = this.groups.get(groupId);
        if (!g || g.is(GroupState.Dead)) return { groupId, errorCode: ErrorCode.GROUP_ID_NOT_FOUND };
        if (!g.is(GroupState.Empty)) return { groupId, errorCode: ErrorCode.NON_EMPTY_GROUP };
        if (!this.persist([{ type: 'group-delete', group: groupId }])) return { groupId, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE };
        this.removeGroup(g);
        return { groupId, errorCode: ErrorCode.NONE };
      }),
    };
  }

  deleteOffsets(req: OffsetDeleteRequest, meta?: RequestMeta): OffsetDeleteResponse {
    void meta;
    const top = (code: number): OffsetDeleteResponse => ({ errorCode: code, topics: [] });
    const unavailable = this.unavailable();
    if (unavailable) return top(unavailable);
    if (req.groupId === '') return top(ErrorCode.INVALID_GROUP_ID);
    const g = this.groups.get(req.groupId);
    if (!g || g.is(GroupState.Dead)) return top(ErrorCode.GROUP_ID_NOT_FOUND);
    let subscribed: Set<string> | null = new Set();
    if (!g.is(GroupState.Empty)) {
      // Only consumer groups say what they subscribe to; for any other active group nothing is safe.
      if (g.protocolType !== CONSUMER_PROTOCOL_TYPE) return top(ErrorCode.NON_EMPTY_GROUP);
      subscribed = g.subscribedTopics();
    }
    const entries: StoreEntry[] = [];
    const deletions: { topic: string; partition: number }[] = [];
    const topics = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        if (subscribed === null || subscribed.has(t.name)) {
          return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC as number };
        }
        if (g.getOffset(t.name, p.partitionIndex)) {
          entries.push({ type: 'offset-delete', group: g.groupId, topic: t.name, partition: p.partitionIndex });
          deletions.push({ topic: t.name, partition: p.partitionIndex });
        }
        return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE as number };
      }),
    }));
    if (!this.persist(entries)) return top(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    for (const d of deletions) g.deleteOffset(d.topic, d.partition);
    // Kafka 4.x (the group coordinator of KIP-848) keeps an Empty group whose last offsets were
    // deleted: it can still be described and deleted, and the periodic cleanup (expireOffsets
    // here) removes it later. Dropping it at once (the pre-4.0 coordinator) made
    // `kafka-consumer-groups --delete-offsets` followed by `--delete` fail with GROUP_ID_NOT_FOUND.
    return { errorCode: ErrorCode.NONE, topics };
  }

  /**
   * Removes offsets past offsets.retention.minutes (Kafka 2.1+ rules): in an Empty group counted
   * from when it became empty (or the commit, if later); in a group that never had members
   * from the commit; in a Stable consumer group only for topics no member subscribes to. Groups
   * left Empty without offsets are removed. Runs every offsetsRetentionCheckIntervalMs; returns
   * how many offsets expired.
   */
  expireOffsets(): number {
    if (this.status !== 'active') return 0;
    const now = this.clock.now();
    const retentionMs = this.config.offsetsRetentionMinutes * 60_000;
    const entries: StoreEntry[] = [];
    const expired: { g: ClassicGroup; topic: string; partition: number }[] = [];
    for (const g of this.groups.values()) {
      let base: ((c: CommittedOffset) => number) | null = null;
      let keepTopics: Set<string> | null = null;
      if (g.protocolType === null) base = (c) => c.commitTimestamp;
      else if (g.is(GroupState.Empty)) base = (c) => Math.max(g.stateTimestamp, c.commitTimestamp);
      else if (g.is(GroupState.Stable) && g.protocolType === CONSUMER_PROTOCOL_TYPE) {
        keepTopics = g.subscribedTopics();
        if (keepTopics !== null) base = (c) => c.commitTimestamp;
      }
      if (base === null) continue;
      for (const [topic, parts] of g.offsets) {
        if (keepTopics?.has(topic)) continue;
        for (const [partition, c] of parts) {
          const due = c.expireTimestamp !== null ? now >= c.expireTimestamp : now - base(c) >= retentionMs;
          if (!due) continue;
          entries.push({ type: 'offset-delete', group: g.groupId, topic, partition });
          expired.push({ g, topic, partition });
        }
      }
    }
    const dead = [...this.groups.values()].filter((g) => this.isDroppable(g, new Set(expired.filter((e) => e.g === g).map((e) => `${e.topic}\u0000${e.partition}`))));
    for (const g of dead) entries.push({ type: 'group-delete', group: g.groupId });
    if (!this.persist(entries)) return 0;
    for (const e of expired) e.g.deleteOffset(e.topic, e.partition);
    for (const g of dead) this.removeGroup(g);
    return expired.length;
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private unavailable(): number | null {
    if (this.status === 'loading') return ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
    if (this.status === 'closed') return ErrorCode.NOT_COORDINATOR;
    return null;
  }

  private isLive(g: ClassicGroup): boolean {
    return this.status === 'active' && this.groups.get(g.groupId) === g && !g.is(GroupState.Dead);
  }

  private getOrCreateGroup(groupId: string): ClassicGroup {
    let g = this.groups.get(groupId);
    if (!g) this.groups.set(groupId, (g = new ClassicGroup(groupId, this.clock.now())));
    return g;
  }

  /** An Empty group with nothing left (no offsets, no pending members) goes away, as in Kafka. */
  private isDroppable(g: ClassicGroup, expiring: Set<string> = new Set()): boolean {
    if (!g.is(GroupState.Empty) || g.pendingMembers.size > 0) return false;
    for (const [topic, parts] of g.offsets) for (const p of parts.keys()) if (!expiring.has(`${topic}\u0000${p}`)) return false;
    return true;
  }

  private maybeDropGroup(g: ClassicGroup): void {
    if (!this.isDroppable(g)) return;
    // A group that never reached the log needs no tombstone; one that did, does.
    if (g.protocolType !== null && !this.persist([{ type: 'group-delete', group: g.groupId }])) return;
    this.removeGroup(g);
  }

  private removeGroup(g: ClassicGroup): void {
    for (const p of g.pendingMembers.values()) p.timer.cancel();
    g.pendingMembers.clear();
    g.joinTimer?.cancel();
    g.syncTimer?.cancel();
    g.transitionTo(GroupState.Dead, this.clock.now());
    this.groups.delete(g.groupId);
  }

  private persistGroup(g: ClassicGroup, emptySince: number | null): void {
    // Losing this record only makes offset expiry start later after a restart; not worth failing a join.
    this.persist([{ type: 'group', group: g.groupId, protocolType: g.protocolType, emptySince }]);
  }

  /** Appends to the store; a failed write is reported and turns into an error for the caller. */
  private persist(entries: StoreEntry[]): boolean {
    if (entries.length === 0) return true;
    try {
      this.store!.append(entries);
      return true;
    } catch (err) {
      this.logger(`group coordinator: writing groups/offsets.log failed: ${(err as Error).message}`);
      return false;
    }
  }

  private answerJoin(m: Member, r: JoinGroupResponse): void {
    const respond = m.awaitingJoin;
    m.awaitingJoin = null;
    respond?.(r);
  }

  private answerSync(m: Member, r: SyncGroupResponse): void {
    const respond = m.awaitingSync;
    m.awaitingSync = null;
    respond?.(r);
  }

  private scheduleExpiry(): void {
    this.expiryTimer = this.clock.setTimeout(() => {
      if (this.status !== 'active') return;
      this.expireOffsets();
      this.scheduleExpiry();
    }, this.config.offsetsRetentionCheckIntervalMs);
  }
}

/** Kafka's ClassicGroup.validateMember: static identity first, then plain membership. */
function validateMember(g: ClassicGroup, memberId: string, instanceId: string | null): number {
  if (instanceId !== null) {
    const existing = g.staticMembers.get(instanceId);
    if (existing === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (existing !== memberId) return ErrorCode.FENCED_INSTANCE_ID;
    return ErrorCode.NONE;
  }
  return g.members.has(memberId) ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
}

function rebalanceTimeout(req: JoinGroupRequest): number {
  return req.rebalanceTimeoutMs !== undefined && req.rebalanceTimeoutMs >= 0 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs;
}

function joinError(errorCode: number, memberId: string, version: number): JoinGroupResponse {
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

function syncError(errorCode: number): SyncGroupResponse {
  return { errorCode, protocolType: null, protocolName: null, assignment: EMPTY };
}

function noOffset(partitionIndex: number): OffsetFetchResponsePartition {
  return { partitionIndex, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE };
}
