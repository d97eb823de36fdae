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

export function commitOffsets(ctx: CoordinatorContext, req: OffsetCommitRequest): CoordinatorResult<OffsetCommitResponse> {
  const all = (code: number) =>
    ctx.result<OffsetCommitResponse>({
      topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: code })) })),
    });
  const unavailable = ctx.unavailable();
  if (unavailable) return all(unavailable);
  if (req.groupId === '') return all(ErrorCode.INVALID_GROUP_ID);
  const generation = req.generationIdOrMemberEpoch ?? -1;
  const memberId = req.memberId ?? '';
  const instanceId = req.groupInstanceId ?? null;
  let g = ctx.groups.get(req.groupId);
  if (!g) {
    // Commits outside group management (admin resets, assign()-only consumers) create the group.
    if (generation >= 0) return all(ErrorCode.ILLEGAL_GENERATION);
    const created = ctx.getOrCreateGroup(req.groupId);
    // Undone last (journal undo runs in reverse): once its offsets are gone, so is the group.
    ctx.record([], () => {
      if (ctx.isLive(created) && created.protocolType === null && ctx.isDroppable(created)) ctx.removeGroup(created);
    });
    g = created;
  } else if (!(generation < 0 && g.is(GroupState.Empty))) {
    if (generation >= 0 || memberId !== '' || instanceId !== null) {
      const invalid = validateMember(g, memberId, instanceId);
      if (invalid !== ErrorCode.NONE) return all(invalid);
      if (generation !== g.generationId) return all(ErrorCode.ILLEGAL_GENERATION);
      // The member has the new generation but not its assignment yet.
      if (g.is(GroupState.CompletingRebalance)) return all(ErrorCode.REBALANCE_IN_PROGRESS);
      scheduleSession(ctx, g, g.members.get(memberId)!);
    } else {
      return all(ErrorCode.UNKNOWN_MEMBER_ID);
    }
  }

  const now = ctx.clock.now();
  const retention = req.retentionTimeMs ?? -1;
  const response: OffsetCommitResponse = { topics: [] };
  for (const t of req.topics) {
    const partitions = t.partitions.map((p) => {
      const metadata = p.committedMetadata ?? '';
      // Java measures String.length(), UTF-16 code units, which is what JS length counts too.
      if (metadata.length > ctx.config.offsetMetadataMaxBytes) {
        return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.OFFSET_METADATA_TOO_LARGE };
      }
      const value: CommittedOffset = {
        offset: p.committedOffset,
        leaderEpoch: p.committedLeaderEpoch ?? -1,
        metadata,
        commitTimestamp: now,
        expireTimestamp: retention >= 0 ? now + retention : null,
      };
      ctx.setOffset(g, t.name, p.partitionIndex, value);
      return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE };
    });
    response.topics.push({ name: t.name, partitions });
  }
  // A failed write fails every partition that was going to be stored.
  return ctx.result(response, (code) => ({
    topics: response.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => (p.errorCode === ErrorCode.NONE ? { ...p, errorCode: code } : p)),
    })),
  }));
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
