/**
 * One batch of records to one partition, answered with the offset of its first record: what a
 * form that produces a single message needs (the dashboard), without the streaming Producer's
 * accumulator. The partition is the caller's, or the Java client's choice for the key
 * (partitioner.ts: murmur2 of a non-null key; a null key goes to a random partition, which is what
 * the sticky partitioner amounts to for a single record).
 *
 *   const { partition, offset } = await produceRecords(cluster, 't', null, [{ key, value, headers, timestamp: Date.now() }]);
 */
import type { Cluster } from './cluster.js';
import { KafkaResponseError } from './errors.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { Produce } from '../protocol/messages/00-produce.js';
import { describeTopics, leaderOf } from './partitions.js';
import { partitionForKey } from './partitioner.js';
import { encodeBatch, type BatchRecord } from './record-batch-writer.js';

/** Sends `records` to `partition` (null: the default partitioner on the first record's key) with acks=all. */
export async function produceRecords(
  cluster: Cluster,
  topic: string,
  partition: number | null,
  records: readonly BatchRecord[],
  { timeoutMs = 30_000 }: { timeoutMs?: number } = {},
): Promise<{ partition: number; offset: number }> {
  const meta = await describeTopics(cluster, [topic]);
  const info = meta.get(topic);
  if (!info || info.errorCode !== ErrorCode.NONE) throw new KafkaResponseError(info?.errorCode ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null, `Topic ${topic}`);
  const count = info.partitions.length;
  const key = records[0]?.key ?? null;
  const p = partition ?? (key !== null ? partitionForKey(key, count) : Math.floor(Math.random() * count));
  if (!info.partitions.some((x) => x.id === p)) throw new KafkaResponseError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Partition ${p} of topic ${topic} does not exist (it has ${count})`);
  const leader = leaderOf(meta, topic, p);
  if (leader < 0) throw new KafkaResponseError(ErrorCode.LEADER_NOT_AVAILABLE, null, `${topic}-${p}`);
  const conn = await cluster.forNode(leader);
  const res = await conn.request(Produce, {
    transactionalId: null,
    acks: -1,
    timeoutMs,
    topicData: [{ name: topic, partitionData: [{ index: p, records: await encodeBatch(records) }] }],
  });
  const answer = res.responses[0]?.partitionResponses[0];
  if (!answer) throw new KafkaResponseError(ErrorCode.UNKNOWN_SERVER_ERROR, 'no answer for the partition');
  if (answer.errorCode !== ErrorCode.NONE) throw new KafkaResponseError(answer.errorCode, answer.errorMessage ?? null, `Produce to ${topic}-${p}`);
  return { partition: p, offset: answer.baseOffset };
}
