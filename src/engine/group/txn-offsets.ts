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
import type { CoordinatorContext } from './context.js';
import type { ClassicGroup, CommittedOffset } from './group.js';
import { commitEach, commitTarget } from './offsets.js';
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
  const who = { generation: req.generationId ?? -1, memberId: req.memberId ?? '', instanceId: req.groupInstanceId ?? null };
  const target = commitTarget(ctx, req.groupId, who, false);
  return commitEach(ctx, req, target, null, (g, topic, partition, value) => setPending(ctx, g, req.producerId, topic, partition, value));
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
