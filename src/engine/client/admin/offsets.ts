/**
 * Offsets by time, as GetOffsetShell asks for them: one ListOffsets per partition leader, with
 * Kafka's OffsetSpec timestamps. Each spec needs a minimum ListOffsets version (KIP-734
 * max-timestamp v7, KIP-405 earliest-local v8, KIP-1005 latest-tiered v9); a leader that cannot
 * answer it is reported, not asked.
 *
 *   const r = await offsetsAt(conn, [{ topic: 't', partition: 0 }], OffsetSpec.LATEST);
 *   if ('unsupported' in r) ...; else for (const p of r.partitions) p.errorCode, p.offset
 */
import type { ProtocolConnection } from '../connection.js';
import { ListOffsets } from '../../protocol/messages/02-list-offsets.js';
import { DeleteRecords } from '../../protocol/messages/21-delete-records.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { Cluster } from '../cluster.js';

/** ListOffsetsRequest's special timestamps (clients/.../common/requests/ListOffsetsRequest.java). */
export const OffsetSpec = { LATEST: -1, EARLIEST: -2, MAX_TIMESTAMP: -3, EARLIEST_LOCAL: -4, LATEST_TIERED: -5 } as const;

/** The consumer's replica id in ListOffsets (ListOffsetsRequest.CONSUMER_REPLICA_ID). */
const CONSUMER_REPLICA_ID = -1;

/** The lowest ListOffsets version that understands `timestamp`. */
export function listOffsetsVersionFor(timestamp: number): number {
  switch (timestamp) {
    case OffsetSpec.MAX_TIMESTAMP:
      return 7;
    case OffsetSpec.EARLIEST_LOCAL:
      return 8;
    case OffsetSpec.LATEST_TIERED:
      return 9;
    default:
      return 0;
  }
}

export interface PartitionOffset {
  topic: string;
  partition: number;
  errorCode: number;
  /** -1 when the broker knows none. */
  offset: number;
}

export type LeaderOffsets = { unsupported: { minVersion: number; maxVersion: number } } | { partitions: PartitionOffset[] };

/** ListOffsets at one timestamp for partitions led by `conn`'s broker (read_uncommitted). */
export async function offsetsAt(
  conn: ProtocolConnection,
  partitions: ReadonlyArray<{ topic: string; partition: number }>,
  timestamp: number,
): Promise<LeaderOffsets> {
  const minVersion = listOffsetsVersionFor(timestamp);
  if (!conn.supports(ListOffsets.apiKey, minVersion)) return { unsupported: { minVersion, maxVersion: conn.versionFor(ListOffsets.apiKey) } };
  const topics = new Map<string, Array<{ partitionIndex: number; currentLeaderEpoch: number; timestamp: number; maxNumOffsets: number }>>();
  for (const p of partitions) {
    topics.set(p.topic, [...(topics.get(p.topic) ?? []), { partitionIndex: p.partition, currentLeaderEpoch: -1, timestamp, maxNumOffsets: 1 }]);
  }
  const res = await conn.request(ListOffsets, {
    replicaId: CONSUMER_REPLICA_ID,
    isolationLevel: 0,
    topics: [...topics].map(([name, ps]) => ({ name, partitions: ps })),
  });
  // v0 answers a list of offsets (oldStyleOffsets); v1+ one offset.
  const v0 = conn.versionFor(ListOffsets.apiKey) === 0;
  const out: PartitionOffset[] = [];
  for (const t of res.topics) {
    for (const p of t.partitions) {
      out.push({
        topic: t.name,
        partition: p.partitionIndex,
        errorCode: p.errorCode,
        offset: v0 ? (p.oldStyleOffsets[0] ?? -1) : p.offset,
      });
    }
  }
  return { partitions: out };
}

export interface DeletedRecords {
  topic: string;
  partition: number;
  errorCode: number;
  /** The partition's new log start offset; -1 on error. */
  lowWatermark: number;
}

/**
 * Admin.deleteRecords: moves each partition's log start offset up to `offset` (-1: the high
 * watermark), one DeleteRecords per partition leader. A partition the metadata does not know is
 * answered UNKNOWN_TOPIC_OR_PARTITION without asking, as Kafka's admin client does.
 */
export async function deleteRecords(
  cluster: Cluster,
  partitions: ReadonlyArray<{ topic: string; partition: number; offset: number }>,
  timeoutMs = 30_000,
): Promise<DeletedRecords[]> {
  const md = await cluster.metadata([...new Set(partitions.map((p) => p.topic))]);
  const leaders = new Map<string, number>();
  for (const t of md.topics) for (const p of t.partitions) if (t.name !== null) leaders.set(`${t.name}\u0000${p.partitionIndex}`, p.leaderId);
  const out: DeletedRecords[] = [];
  const byLeader = new Map<number, Map<string, Array<{ partitionIndex: number; offset: number }>>>();
  for (const p of partitions) {
    const leader = leaders.get(`${p.topic}\u0000${p.partition}`);
    if (leader === undefined) {
      out.push({ topic: p.topic, partition: p.partition, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, lowWatermark: -1 });
      continue;
    }
    if (leader < 0) {
      out.push({ topic: p.topic, partition: p.partition, errorCode: ErrorCode.LEADER_NOT_AVAILABLE, lowWatermark: -1 });
      continue;
    }
    let topics = byLeader.get(leader);
    if (!topics) byLeader.set(leader, (topics = new Map<string, Array<{ partitionIndex: number; offset: number }>>()));
    topics.set(p.topic, [...(topics.get(p.topic) ?? []), { partitionIndex: p.partition, offset: p.offset }]);
  }
  for (const [leader, topics] of byLeader) {
    const conn = await cluster.forNode(leader);
    const res = await conn.request(DeleteRecords, { topics: [...topics].map(([name, ps]) => ({ name, partitions: ps })), timeoutMs });
    for (const t of res.topics) {
      for (const p of t.partitions) out.push({ topic: t.name, partition: p.partitionIndex, errorCode: p.errorCode, lowWatermark: p.lowWatermark });
    }
  }
  return out;
}
