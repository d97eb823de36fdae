/**
 * The group coordinator as the broker's handlers use it (Kafka's GroupCoordinatorService on top
 * of CoordinatorRuntime): runs each operation on the pure state machine (shard.ts), writes the
 * records it returns through the OffsetStore port (record-writer.ts), and releases the answer
 * once they are durable. A failed write reverts the operation's in-memory change and answers
 * COORDINATOR_NOT_AVAILABLE: retriable, and the client keeps its coordinator (Kafka's
 * CoordinatorOperationExceptionHelper turns a storage error into NOT_COORDINATOR, which on a
 * single broker only adds a FindCoordinator round trip back to us).
 *
 * JoinGroup and SyncGroup may park: their promises resolve when the rebalance moves on (all
 * members rejoined, the rebalance timeout fired, the leader sent its assignment), exactly when
 * Kafka would answer. Reads (OffsetFetch, DescribeGroups, ListGroups) answer from the in-memory
 * state, which already includes operations whose write is still under way (Kafka's runtime reads
 * at the last committed offset instead; here the window is one local append). A failed write is
 * reverted before its operation is answered, so no later answer shows what it changed.
 */
import type { Clock } from '../clock.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { GroupCoordinatorConfig } from './config.js';
import type { OffsetStore } from './records.js';
import { RecordWriter } from './record-writer.js';
import type { CoordinatorResult } from './result.js';
import { GroupCoordinatorShard } from './shard.js';
import type { TxnOffsetCommitRequest, TxnOffsetCommitResponse } from './txn-offsets.js';
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

export class GroupCoordinator {
  private readonly shard: GroupCoordinatorShard;
  private readonly logger: (message: string) => void;
  private store: OffsetStore | null = null;
  private writer: RecordWriter | null = null;

  constructor(options: GroupCoordinatorOptions) {
    this.logger = options.logger ?? (() => {});
    this.shard = new GroupCoordinatorShard({
      clock: options.clock,
      config: options.config,
      newMemberId: options.newMemberId,
      onTimerResult: (r) => void this.write(r),
    });
    if (options.store) this.load(options.store);
  }

  get config(): GroupCoordinatorConfig {
    return this.shard.config;
  }

  /** Replays the store's groups and offsets, then starts serving and the periodic offset expiry. */
  load(store: OffsetStore): void {
    if (this.shard.loaded) throw new Error('group coordinator already loaded');
    this.store = store;
    this.writer = new RecordWriter(store, (err) => this.logger(`group coordinator: writing groups/offsets.log failed: ${err.message}`));
    this.shard.load(store.load());
  }

  /** Answers everything parked with NOT_COORDINATOR, stops all timers, finishes the writes under way and closes the store. */
  async close(): Promise<void> {
    this.shard.close();
    const store = this.store;
    this.store = null;
    await this.writer?.idle();
    await store?.close();
  }

  joinGroup(req: JoinGroupRequest, meta: RequestMeta): Promise<JoinGroupResponse> {
    const r = this.shard.joinGroup(req, meta);
    void this.write(r);
    return r.response;
  }

  syncGroup(req: SyncGroupRequest): Promise<SyncGroupResponse> {
    return this.shard.syncGroup(req);
  }

  heartbeat(req: HeartbeatRequest): HeartbeatResponse {
    return this.shard.heartbeat(req);
  }

  /** Its only records are the group's best-effort bookkeeping, so the answer does not wait for them. */
  leaveGroup(req: LeaveGroupRequest, meta: Pick<RequestMeta, 'version'>): LeaveGroupResponse {
    const r = this.shard.leaveGroup(req, meta.version);
    void this.write(r);
    return r.response;
  }

  commitOffsets(req: OffsetCommitRequest): Promise<OffsetCommitResponse> {
    return this.write(this.shard.commitOffsets(req));
  }

  /** TxnOffsetCommit (after the transaction coordinator verified the producer): answered once the pending offsets are durable. */
  txnCommitOffsets(req: TxnOffsetCommitRequest): Promise<TxnOffsetCommitResponse> {
    return this.write(this.shard.txnCommitOffsets(req));
  }

  /**
   * A COMMIT / ABORT marker of `producerId` for the groups of one __consumer_offsets partition.
   * Resolves once durable; rejects when the write failed (the marker is written again).
   */
  async completeTxnOffsets(inPartition: (groupId: string) => boolean, producerId: number, commit: boolean): Promise<void> {
    const r = this.shard.completeTxnOffsets(inPartition, producerId, commit);
    if (r.records.length === 0) return;
    if (!this.writer) throw new Error('group coordinator: records produced before load');
    await this.writer.write(r.records, () => r.revert());
  }

  fetchOffsets(req: OffsetFetchRequest): OffsetFetchResponse {
    return this.shard.fetchOffsets(req);
  }

  deleteOffsets(req: OffsetDeleteRequest): Promise<OffsetDeleteResponse> {
    return this.write(this.shard.deleteOffsets(req));
  }

  /** The periodic expiry, run now; resolves with how many offsets expired once that is durable. */
  expireOffsets(): Promise<number> {
    return this.write(this.shard.expireOffsets());
  }

  describeGroups(req: DescribeGroupsRequest, meta: Pick<RequestMeta, 'version'>): DescribeGroupsResponse {
    return this.shard.describeGroups(req, meta.version);
  }

  listGroups(req: ListGroupsRequest = {}): ListGroupsResponse {
    return this.shard.listGroups(req);
  }

  deleteGroups(req: DeleteGroupsRequest): Promise<DeleteGroupsResponse> {
    return this.write(this.shard.deleteGroups(req));
  }

  /**
   * Appends the result's records, then answers. Best-effort results (no onWriteFailure) answer
   * the same either way; the writer has already reverted and logged a failure.
   */
  private async write<T>(r: CoordinatorResult<T>): Promise<T> {
    if (r.records.length === 0) return r.response;
    if (!this.writer) throw new Error('group coordinator: records produced before load');
    try {
      await this.writer.write(r.records, () => r.revert());
      return r.response;
    } catch {
      return r.onWriteFailure ? r.onWriteFailure(ErrorCode.COORDINATOR_NOT_AVAILABLE) : r.response;
    }
  }
}
