/**
 * The timestamp of the record at an offset, for many partitions at once: one Fetch per leader
 * with small byte limits (the first batch at the offset is all that is needed), for time-based
 * lag ("now minus the timestamp of the next unconsumed record", as Burrow and the issue define it).
 *
 *   const ts = await timestampsAt(cluster, leaders, [{ topic, partition, offset }]);   // 'topic:partition' -> ms
 */
import type { Cluster } from './cluster.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { Fetch } from '../protocol/messages/01-fetch.js';
import { leaderOf, type TopicInfo } from './partitions.js';
import { readRecords, RecordCursor } from './record-reader.js';

/** Bytes asked per partition: enough for a typical first batch; the broker still sends one whole batch when it is bigger (KIP-74). */
const PARTITION_BYTES = 16 * 1024;

interface FetchPartition {
  partition: number;
  currentLeaderEpoch: number;
  fetchOffset: number;
  lastFetchedEpoch: number;
  logStartOffset: number;
  partitionMaxBytes: number;
}

/** 'topic:partition' -> timestamp of the first record at or after `offset`; partitions with no record there (or an error) are absent. */
export async function timestampsAt(
  cluster: Cluster,
  leaders: Map<string, TopicInfo>,
  wanted: ReadonlyArray<{ topic: string; partition: number; offset: number }>,
): Promise<Map<string, number>> {
  const byLeader = new Map<number, Array<{ topic: string; partition: number; offset: number }>>();
  for (const w of wanted) {
    const leader = leaderOf(leaders, w.topic, w.partition);
    if (leader < 0) continue;
    let list = byLeader.get(leader);
    if (!list) byLeader.set(leader, (list = []));
    list.push(w);
  }
  const out = new Map<string, number>();
  await Promise.all(
    [...byLeader].map(async ([leader, list]) => {
      const conn = await cluster.forNode(leader);
      const topics = new Map<string, FetchPartition[]>();
      for (const w of list) {
        let ps = topics.get(w.topic);
        if (!ps) topics.set(w.topic, (ps = []));
        ps.push({
          partition: w.partition,
          currentLeaderEpoch: -1, fetchOffset: w.offset, lastFetchedEpoch: -1, logStartOffset: -1,
          partitionMaxBytes: PARTITION_BYTES,
        });
      }
      const res = await conn.request(Fetch, {
        replicaId: -1,
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: Math.min(1024 * 1024, PARTITION_BYTES * list.length),
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
        forgottenTopicsData: [],
        rackId: '',
      });
      const cursor = new RecordCursor();
      // The offset asked per partition, found by key (a list search per answer was quadratic at thousands of partitions).
      const asked = new Map<string, number>();
      for (const w of list) asked.set(`${w.topic}:${w.partition}`, w.offset);
      for (const t of res.responses) {
        for (const p of t.partitions) {
          if (p.errorCode !== ErrorCode.NONE || !p.records || p.records.length === 0) continue;
          const offset = asked.get(`${t.topic}:${p.partitionIndex}`);
          if (offset === undefined) continue;
          await readRecords(p.records, offset, cursor, (c) => {
            out.set(`${t.topic}:${p.partitionIndex}`, c.timestamp);
            return false;
          });
        }
      }
    }),
  );
  return out;
}
