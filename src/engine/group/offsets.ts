/**
 * Committed offsets (Kafka's OffsetMetadataManager): OffsetCommit, OffsetFetch, OffsetDelete and
 * the periodic expiry of offsets past offsets.retention.minutes. Commits and deletions change
 * the in-memory offsets at once and journal their records with an undo step, so a failed write
 * leaves no phantom offset behind (see result.ts).
 */
import { CONSUMER_PROTOCOL_TYPE } from '../protocol/consumer-protocol.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { CoordinatorContext } from './context.js';
import { GroupState, type ClassicGroup, type CommittedOffset } from './group.js';
import { scheduleSession, validateMember } from './rebalance.js';
import type { CoordinatorResult } from './result.js';
import type {
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetDeleteRequest,
  OffsetDeleteResponse,
  OffsetFetchRequest,
  OffsetFetchResponse,
  OffsetFetchResponsePartition,
} from './types.js';

/** The partitions of a commit request, as OffsetCommit and TxnOffsetCommit both carry them. */
export interface CommitTopics {
  topics: readonly {
    name: string;
    partitions: readonly { partitionIndex: number; committedOffset: number; committedLeaderEpoch?: number; committedMetadata?: string | null }[];
  }[];
}

export interface CommitAnswer {
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}

/** Every partition of the request answered with one error code. */
function answerAll(ctx: CoordinatorContext, req: CommitTopics, code: number): CoordinatorResult<CommitAnswer> {
  return ctx.result<CommitAnswer>({
    topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: code })) })),
  });
}

/**
 * The group a commit goes to, or the error that refuses the whole commit. A group that does not exist is created
 * by a commit outside group management (generation -1: admin resets, assign()-only consumers, a transactional
 * producer); a commit that names a member (generation, member id or instance id; TxnOffsetCommit v3+ too, KIP-447)
 * must be that member of the current generation, so zombies are fenced. `anonymousOnlyWhenEmpty`: OffsetCommit
 * refuses an anonymous commit into a group with members (UNKNOWN_MEMBER_ID); TxnOffsetCommit takes it.
 */
export function commitTarget(
  ctx: CoordinatorContext,
  groupId: string,
  who: { generation: number; memberId: string; instanceId: string | null },
  anonymousOnlyWhenEmpty: boolean,
): ClassicGroup | number {
  const unavailable = ctx.unavailable();
  if (unavailable) return unavailable;
  if (groupId === '') return ErrorCode.INVALID_GROUP_ID;
  const { generation, memberId, instanceId } = who;
  const g = ctx.groups.get(groupId);
  if (!g) {
    if (generation >= 0) return ErrorCode.ILLEGAL_GENERATION;
    const created = ctx.getOrCreateGroup(groupId);
    // Undone last (journal undo runs in reverse): once its offsets are gone, so is the group.
    ctx.record([], () => {
      if (ctx.isLive(created) && created.protocolType === null && ctx.isDroppable(created)) ctx.removeGroup(created);
    });
    return created;
  }
  if (generation >= 0 || memberId !== '' || instanceId !== null) {
    const invalid = validateMember(g, memberId, instanceId);
    if (invalid !== ErrorCode.NONE) return invalid;
    if (generation !== g.generationId) return ErrorCode.ILLEGAL_GENERATION;
    // The member has the new generation but not its assignment yet.
    if (g.is(GroupState.CompletingRebalance)) return ErrorCode.REBALANCE_IN_PROGRESS;
    scheduleSession(ctx, g, g.members.get(memberId)!);
    return g;
  }
  if (anonymousOnlyWhenEmpty && !g.is(GroupState.Empty)) return ErrorCode.UNKNOWN_MEMBER_ID;
  return g;
}

/**
 * Stores each partition's offset through `store` (metadata size checked first) and answers; a failed write fails
 * every partition that was going to be stored.
 */
export function commitEach(
  ctx: CoordinatorContext,
  req: CommitTopics,
  target: ClassicGroup | number,
  expireTimestamp: number | null,
  store: (g: ClassicGroup, topic: string, partition: number, value: CommittedOffset) => void,
): CoordinatorResult<CommitAnswer> {
  if (typeof target === 'number') return answerAll(ctx, req, target);
  const now = ctx.clock.now();
  const response: CommitAnswer = { topics: [] };
  for (const t of req.topics) {
    const partitions = t.partitions.map((p) => {
      const metadata = p.committedMetadata ?? '';
      // Java measures String.length(), UTF-16 code units, which is what JS length counts too.
      if (metadata.length > ctx.config.offsetMetadataMaxBytes) {
        return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.OFFSET_METADATA_TOO_LARGE };
      }
      const value: CommittedOffset = { offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch ?? -1, metadata, commitTimestamp: now, expireTimestamp };
      store(target, t.name, p.partitionIndex, value);
      return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE };
    });
    response.topics.push({ name: t.name, partitions });
  }
  return ctx.result(response, (code) => ({
    topics: response.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => (p.errorCode === ErrorCode.NONE ? { ...p, errorCode: code } : p)),
    })),
  }));
}

export function commitOffsets(ctx: CoordinatorContext, req: OffsetCommitRequest): CoordinatorResult<OffsetCommitResponse> {
  const who = { generation: req.generationIdOrMemberEpoch ?? -1, memberId: req.memberId ?? '', instanceId: req.groupInstanceId ?? null };
  const target = commitTarget(ctx, req.groupId, who, true);
  const retention = req.retentionTimeMs ?? -1;
  const expire = retention >= 0 ? ctx.clock.now() + retention : null;
  return commitEach(ctx, req, target, expire, (g, topic, partition, value) => ctx.setOffset(g, topic, partition, value));
}

/** A read: answers from the in-memory offsets, journals nothing. */
export function fetchOffsets(ctx: CoordinatorContext, req: OffsetFetchRequest): OffsetFetchResponse {
  const unavailable = ctx.unavailable();
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
  const g = ctx.groups.get(req.groupId);
  const found = (topic: string, partition: number): OffsetFetchResponsePartition => {
    // KIP-447: a consumer asking for stable offsets waits out a transaction that has one pending.
    if (req.requireStable && g?.hasPendingTxnOffset(topic, partition)) return { ...noOffset(partition), errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT };
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

export function deleteOffsets(ctx: CoordinatorContext, req: OffsetDeleteRequest): CoordinatorResult<OffsetDeleteResponse> {
  const top = (code: number): OffsetDeleteResponse => ({ errorCode: code, topics: [] });
  const unavailable = ctx.unavailable();
  if (unavailable) return ctx.result(top(unavailable));
  if (req.groupId === '') return ctx.result(top(ErrorCode.INVALID_GROUP_ID));
  const g = ctx.groups.get(req.groupId);
  if (!g || g.is(GroupState.Dead)) return ctx.result(top(ErrorCode.GROUP_ID_NOT_FOUND));
  let subscribed: Set<string> | null = new Set();
  if (!g.is(GroupState.Empty)) {
    // Only consumer groups say what they subscribe to; for any other active group nothing is safe.
    if (g.protocolType !== CONSUMER_PROTOCOL_TYPE) return ctx.result(top(ErrorCode.NON_EMPTY_GROUP));
    subscribed = g.subscribedTopics();
  }
  const topics = req.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => {
      if (subscribed === null || subscribed.has(t.name)) {
        return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC };
      }
      ctx.deleteOffset(g, t.name, p.partitionIndex);
      return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE };
    }),
  }));
  // Kafka 4.x (the group coordinator of KIP-848) keeps an Empty group whose last offsets were
  // deleted: it can still be described and deleted, and the periodic cleanup (expireOffsets
  // here) removes it later. Dropping it at once (the pre-4.0 coordinator) made
  // `kafka-consumer-groups --delete-offsets` followed by `--delete` fail with GROUP_ID_NOT_FOUND.
  return ctx.result({ errorCode: ErrorCode.NONE, topics }, top);
}

/**
 * Removes offsets past offsets.retention.minutes (Kafka 2.1+ rules, OffsetMetadataManager.
 * cleanupExpiredOffsets): in an Empty group counted from when it became empty (or the commit,
 * if later); in a group that never had members from the commit; in a Stable consumer group only
 * for topics no member subscribes to. Groups left Empty without offsets are removed. The answer
 * is how many offsets expired.
 */
export function expireOffsets(ctx: CoordinatorContext): CoordinatorResult<number> {
  if (ctx.status !== 'active') return ctx.result(0);
  const now = ctx.clock.now();
  const retentionMs = ctx.config.offsetsRetentionMinutes * 60_000;
  let expired = 0;
  for (const g of [...ctx.groups.values()]) {
    for (const [topic, partition] of dueOffsets(g, now, retentionMs)) {
      ctx.deleteOffset(g, topic, partition);
      expired++;
    }
  }
  for (const g of [...ctx.groups.values()]) if (ctx.isDroppable(g)) ctx.deleteGroup(g);
  return ctx.result(expired, () => 0);
}

function dueOffsets(g: ClassicGroup, now: number, retentionMs: number): [string, number][] {
  let base: ((c: CommittedOffset) => number) | null = null;
  let keepTopics: Set<string> | null = null;
  if (g.protocolType === null) base = (c) => c.commitTimestamp;
  else if (g.is(GroupState.Empty)) base = (c) => Math.max(g.stateTimestamp, c.commitTimestamp);
  else if (g.is(GroupState.Stable) && g.protocolType === CONSUMER_PROTOCOL_TYPE) {
    keepTopics = g.subscribedTopics();
    if (keepTopics !== null) base = (c) => c.commitTimestamp;
  }
  if (base === null) return [];
  const due: [string, number][] = [];
  for (const [topic, parts] of g.offsets) {
    if (keepTopics?.has(topic)) continue;
    for (const [partition, c] of parts) {
      if (c.expireTimestamp !== null ? now >= c.expireTimestamp : now - base(c) >= retentionMs) due.push([topic, partition]);
    }
  }
  return due;
}

function noOffset(partitionIndex: number): OffsetFetchResponsePartition {
  return { partitionIndex, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE };
}
