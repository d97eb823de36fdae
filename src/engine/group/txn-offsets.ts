/**
 * Transactional offset commits (Kafka's OffsetMetadataManager for TxnOffsetCommit, KIP-98 and
 * KIP-447): TxnOffsetCommit stores offsets pending for (group, producer id), invisible to
 * OffsetFetch (which answers UNSTABLE_OFFSET_COMMIT for them when asked for stable offsets);
 * the transaction's COMMIT marker makes them the group's committed offsets, its ABORT marker
 * drops them. A plain OffsetCommit made after the TxnOffsetCommit (by time) stays, as Kafka keeps
 * the most recent commit.
 *
 * Durability: the pending offsets are journaled as `txn-offset` entries (with the producer id)
 * and written before TxnOffsetCommit is answered, and the marker is a `txn-end` entry. This is
 * the same split Kafka makes in __consumer_offsets (transactional offset records of the
 * producer, then its control record), so a crash after PrepareCommit finds the offsets still
 * pending and the coordinator's restart completes them with the marker it writes again.
 */
import { ErrorCode } from '../protocol/error-codes.js';
import type { CoordinatorContext } from './context.js';
import { GroupState, type ClassicGroup, type CommittedOffset } from './group.js';
import { scheduleSession, validateMember } from './rebalance.js';
import { transactionalOffsetWins } from './records.js';
import type { CoordinatorResult } from './result.js';

export interface TxnOffsetCommitRequest {
  groupId: string;
  producerId: number;
  generationId?: number;
  memberId?: string;
  groupInstanceId?: string | null;
  topics: {
    name: string;
    partitions: { partitionIndex: number; committedOffset: number; committedLeaderEpoch?: number; committedMetadata: string | null }[];
  }[];
}

export interface TxnOffsetCommitResponse {
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}

const pendingKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;
type PendingOffsets = Map<string, { topic: string; partition: number; value: CommittedOffset }>;

export function txnCommitOffsets(ctx: CoordinatorContext, req: TxnOffsetCommitRequest): CoordinatorResult<TxnOffsetCommitResponse> {
  const all = (code: number) =>
    ctx.result<TxnOffsetCommitResponse>({
      topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: code })) })),
    });
  const unavailable = ctx.unavailable();
  if (unavailable) return all(unavailable);
  if (req.groupId === '') return all(ErrorCode.INVALID_GROUP_ID);
  const generation = req.generationId ?? -1;
  const memberId = req.memberId ?? '';
  const instanceId = req.groupInstanceId ?? null;
  let g = ctx.groups.get(req.groupId);
  if (!g) {
    // As OffsetCommit: a producer outside group management (generation -1) creates the group.
    if (generation >= 0) return all(ErrorCode.ILLEGAL_GENERATION);
    const created = ctx.getOrCreateGroup(req.groupId);
    ctx.record([], () => {
      if (ctx.isLive(created) && created.protocolType === null && ctx.isDroppable(created)) ctx.removeGroup(created);
    });
    g = created;
  } else if (generation >= 0 || memberId !== '' || instanceId !== null) {
    // TxnOffsetCommit v3+ (KIP-447) names the member: fence zombies of an older generation.
    const invalid = validateMember(g, memberId, instanceId);
    if (invalid !== ErrorCode.NONE) return all(invalid);
    if (generation !== g.generationId) return all(ErrorCode.ILLEGAL_GENERATION);
    if (g.is(GroupState.CompletingRebalance)) return all(ErrorCode.REBALANCE_IN_PROGRESS);
    scheduleSession(ctx, g, g.members.get(memberId)!);
  }
  const group = g;
  const now = ctx.clock.now();
  const response: TxnOffsetCommitResponse = { topics: [] };
  for (const t of req.topics) {
    const partitions = t.partitions.map((p) => {
      const metadata = p.committedMetadata ?? '';
      if (metadata.length > ctx.config.offsetMetadataMaxBytes) return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.OFFSET_METADATA_TOO_LARGE };
      const leaderEpoch = p.committedLeaderEpoch ?? -1;
      const value: CommittedOffset = { offset: p.committedOffset, leaderEpoch, metadata, commitTimestamp: now, expireTimestamp: null };
      setPending(ctx, group, req.producerId, t.name, p.partitionIndex, value);
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

function setPending(ctx: CoordinatorContext, g: ClassicGroup, producerId: number, topic: string, partition: number, value: CommittedOffset): void {
  let byProducer = g.pendingTxnOffsets.get(producerId);
  const created = !byProducer;
  if (!byProducer) g.pendingTxnOffsets.set(producerId, (byProducer = new Map() as PendingOffsets));
  const k = pendingKey(topic, partition);
  const before = byProducer.get(k);
  byProducer.set(k, { topic, partition, value });
  const map = byProducer;
  ctx.record([{ type: 'txn-offset', producerId, group: g.groupId, topic, partition, ...value }], () => {
    if (before) map.set(k, before);
    else map.delete(k);
    if (created && map.size === 0) g.pendingTxnOffsets.delete(producerId);
  });
}

/**
 * The transaction of `producerId` ended for every group in `groupIds` that has offsets pending
 * for it (a marker on their __consumer_offsets partition): committed offsets on commit,
 * dropped on abort. Answers how many groups it touched.
 */
export function completeTxnOffsets(ctx: CoordinatorContext, groupIds: Iterable<string>, producerId: number, commit: boolean): CoordinatorResult<number> {
  if (ctx.status !== 'active') return ctx.result(0);
  let n = 0;
  for (const id of groupIds) {
    const g = ctx.groups.get(id);
    const pending = g?.pendingTxnOffsets.get(producerId);
    if (!g || !pending) continue;
    n++;
    g.pendingTxnOffsets.delete(producerId);
    const replaced: [string, number, CommittedOffset | undefined][] = [];
    if (commit) {
      for (const o of pending.values()) {
        const existing = g.getOffset(o.topic, o.partition);
        if (!transactionalOffsetWins(o.value.commitTimestamp, existing?.commitTimestamp)) continue;
        replaced.push([o.topic, o.partition, existing]);
        g.setOffset(o.topic, o.partition, o.value);
      }
    }
    ctx.record([{ type: 'txn-end', group: g.groupId, producerId, commit }], () => {
      for (const [topic, partition, before] of replaced.reverse()) {
        if (before) g.setOffset(topic, partition, before);
        else g.deleteOffset(topic, partition);
      }
      g.pendingTxnOffsets.set(producerId, pending);
    });
    if (!commit) ctx.maybeDropGroup(g);
  }
  return ctx.result(n, () => n);
}

/** Loading: the pending offsets a snapshot holds. */
export function restorePending(g: ClassicGroup, producerId: number, topic: string, partition: number, value: CommittedOffset): void {
  let byProducer = g.pendingTxnOffsets.get(producerId);
  if (!byProducer) g.pendingTxnOffsets.set(producerId, (byProducer = new Map() as PendingOffsets));
  byProducer.set(pendingKey(topic, partition), { topic, partition, value });
}
