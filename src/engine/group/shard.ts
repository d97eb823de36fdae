/**
 * The coordinator's state machine (Kafka's GroupCoordinatorShard): every group of the broker and
 * one entry point per API, each delegating to the file that implements it. Pure: time comes
 * from the injected Clock, and operations that change durable state return their records
 * (CoordinatorResult) instead of writing them; the runtime in coordinator.ts writes them.
 */
import { randomUUID } from 'node:crypto';
import type { Clock, Timer } from '../clock.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { deleteGroups, describeGroups, listGroups } from './admin.js';
import { DEFAULT_GROUP_CONFIG, type GroupCoordinatorConfig } from './config.js';
import { CoordinatorContext } from './context.js';
import { heartbeat } from './heartbeat.js';
import { joinGroup } from './join-group.js';
import { leaveGroup } from './leave-group.js';
import { commitOffsets, deleteOffsets, expireOffsets, fetchOffsets } from './offsets.js';
import { answerJoin, answerSync, joinError, syncError } from './rebalance.js';
import type { StoreSnapshot } from './records.js';
import type { CoordinatorResult } from './result.js';
import { syncGroup } from './sync-group.js';
import { completeTxnOffsets, restorePending, txnCommitOffsets, type TxnOffsetCommitRequest, type TxnOffsetCommitResponse } from './txn-offsets.js';
import type {
  DeleteGroupsRequest,
  DeleteGroupsResponse,
  DescribeGroupsRequest,
  DescribeGroupsResponse,
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
  RequestMeta,
  SyncGroupRequest,
  SyncGroupResponse,
} from './types.js';

export interface GroupCoordinatorShardOptions {
  clock: Clock;
  config?: Partial<GroupCoordinatorConfig>;
  /** Member id generator (Kafka: `<client.id or group.instance.id>-<uuid>`); tests make it deterministic. */
  newMemberId?: (prefix: string) => string;
  /** Receives what timer-driven operations (session and offset expiry) want written. */
  onTimerResult: (result: CoordinatorResult<unknown>) => void;
}

export class GroupCoordinatorShard {
  readonly config: GroupCoordinatorConfig;
  private readonly ctx: CoordinatorContext;
  private readonly onTimerResult: (result: CoordinatorResult<unknown>) => void;
  private expiryTimer: Timer | null = null;

  constructor(options: GroupCoordinatorShardOptions) {
    this.config = { ...DEFAULT_GROUP_CONFIG, ...options.config };
    this.onTimerResult = options.onTimerResult;
    const newMemberId = options.newMemberId ?? ((prefix: string) => `${prefix}-${randomUUID()}`);
    this.ctx = new CoordinatorContext(options.clock, this.config, newMemberId, options.onTimerResult);
  }

  get loaded(): boolean {
    return this.ctx.status !== 'loading';
  }

  /** Replays the stored groups and offsets, then starts serving and the periodic offset expiry. */
  load(snapshot: StoreSnapshot): void {
    const ctx = this.ctx;
    if (ctx.status !== 'loading') throw new Error('group coordinator already loaded');
    const now = ctx.clock.now();
    for (const s of snapshot.groups) {
      const group = ctx.getOrCreateGroup(s.group);
      group.protocolType = s.protocolType;
      // Memberships do not survive a restart: a group that had members became empty just now.
      group.stateTimestamp = s.emptySince ?? now;
    }
    for (const o of snapshot.offsets) {
      ctx.getOrCreateGroup(o.group).setOffset(o.topic, o.partition, {
        offset: o.offset,
        leaderEpoch: o.leaderEpoch,
        metadata: o.metadata,
        commitTimestamp: o.commitTimestamp,
        expireTimestamp: o.expireTimestamp,
      });
    }
    for (const { producerId, group, topic, partition, ...value } of snapshot.pendingTxnOffsets ?? []) {
      restorePending(ctx.getOrCreateGroup(group), producerId, topic, partition, value);
    }
    ctx.status = 'active';
    this.scheduleExpiry();
  }

  /** Answers everything parked with NOT_COORDINATOR and stops all timers. */
  close(): void {
    const ctx = this.ctx;
    if (ctx.status === 'closed') return;
    ctx.status = 'closed';
    this.expiryTimer?.cancel();
    for (const group of ctx.groups.values()) {
      for (const m of group.members.values()) {
        m.sessionTimer?.cancel();
        answerJoin(m, joinError(ErrorCode.NOT_COORDINATOR, m.memberId, m.joinVersion));
        answerSync(m, syncError(ErrorCode.NOT_COORDINATOR));
      }
      for (const p of group.pendingMembers.values()) p.timer.cancel();
      group.joinTimer?.cancel();
      group.syncTimer?.cancel();
    }
    ctx.groups.clear();
  }

  joinGroup(req: JoinGroupRequest, meta: RequestMeta): CoordinatorResult<Promise<JoinGroupResponse>> {
    return joinGroup(this.ctx, req, meta);
  }

  syncGroup(req: SyncGroupRequest): Promise<SyncGroupResponse> {
    return syncGroup(this.ctx, req);
  }

  heartbeat(req: HeartbeatRequest): HeartbeatResponse {
    return heartbeat(this.ctx, req);
  }

  leaveGroup(req: LeaveGroupRequest, version: number): CoordinatorResult<LeaveGroupResponse> {
    return leaveGroup(this.ctx, req, version);
  }

  commitOffsets(req: OffsetCommitRequest): CoordinatorResult<OffsetCommitResponse> {
    return commitOffsets(this.ctx, req);
  }

  fetchOffsets(req: OffsetFetchRequest): OffsetFetchResponse {
    return fetchOffsets(this.ctx, req);
  }

  deleteOffsets(req: OffsetDeleteRequest): CoordinatorResult<OffsetDeleteResponse> {
    return deleteOffsets(this.ctx, req);
  }

  txnCommitOffsets(req: TxnOffsetCommitRequest): CoordinatorResult<TxnOffsetCommitResponse> {
    return txnCommitOffsets(this.ctx, req);
  }

  /** A transaction marker for the groups of one __consumer_offsets partition (`inPartition` says which groups). */
  completeTxnOffsets(inPartition: (groupId: string) => boolean, producerId: number, commit: boolean): CoordinatorResult<number> {
    return completeTxnOffsets(this.ctx, [...this.ctx.groups.keys()].filter(inPartition), producerId, commit);
  }

  expireOffsets(): CoordinatorResult<number> {
    return expireOffsets(this.ctx);
  }

  describeGroups(req: DescribeGroupsRequest, version: number): DescribeGroupsResponse {
    return describeGroups(this.ctx, req, version);
  }

  listGroups(req: ListGroupsRequest): ListGroupsResponse {
    return listGroups(this.ctx, req);
  }

  deleteGroups(req: DeleteGroupsRequest): CoordinatorResult<DeleteGroupsResponse> {
    return deleteGroups(this.ctx, req);
  }

  private scheduleExpiry(): void {
    this.expiryTimer = this.ctx.clock.setTimeout(() => {
      if (this.ctx.status !== 'active') return;
      const r = expireOffsets(this.ctx);
      if (r.records.length > 0) this.onTimerResult(r);
      this.scheduleExpiry();
    }, this.config.offsetsRetentionCheckIntervalMs);
  }
}
