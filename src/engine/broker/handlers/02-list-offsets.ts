import { LogError } from '../../log/errors.js';
import { ListOffsets } from '../../protocol/messages/02-list-offsets.js';
import type { Element, RequestOf, ResponseInput } from '../../protocol/schema.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';
import type { PartitionLog } from '../../log/partition-log.js';

const LATEST = -1;
const EARLIEST = -2;
const MAX_TIMESTAMP = -3;
/** v8+: the local log start offset (tiered storage, KIP-405); mq keeps every segment locally. */
const EARLIEST_LOCAL = -4;
/** v9+: the highest offset in remote storage; without tiered storage Kafka answers -1. */
const LATEST_TIERED = -5;

/**
 * ListOffsets v1-7: -1 latest (the high watermark; with isolation_level 1, read_committed, the
 * last stable offset), -2 the log start offset, -3 (v7) the record with the largest timestamp, any
 * other value the earliest offset whose timestamp is at or after it (-1/-1 when there is none).
 * v8 -4 (earliest local) is the log start offset and v9 -5 (latest tiered) is -1, as Kafka
 * answers for a log without remote storage (UnifiedLog.fetchOffsetByTimestamp). The Java admin
 * client needs v8/v9 for kafka-get-offsets --time -4 / -5 and failed with
 * UnsupportedVersionException while mq stopped at v7. As Kafka's Partition.fetchOffsetForTimestamp,
 * a lookup by timestamp (and -3) only answers an offset below the last fetchable one (the LSO for
 * read_committed, the high watermark otherwise), else -1/-1.
 */
type PartitionQuery = Element<Element<RequestOf<typeof ListOffsets>['topics']>['partitions']>;
type TopicAnswer = Element<ResponseInput<typeof ListOffsets>['topics']>;
type PartitionAnswer = Element<TopicAnswer['partitions']>;

export const listOffsets: Handler<BrokerServices, typeof ListOffsets> = {
  api: ListOffsets,
  min: 1,
  max: 9,
  async handle(s, req, ctx) {
    const topics: TopicAnswer[] = [];
    for (const t of req.topics) {
      const partitions: PartitionAnswer[] = [];
      for (const p of t.partitions) partitions.push(await lookup(s, t.name, p, ctx.version, req.isolationLevel === 1));
      topics.push({ name: t.name, partitions });
    }
    return { throttleTimeMs: 0, topics };
  },
};

async function lookup(s: BrokerServices, topic: string, p: PartitionQuery, version: number, committed: boolean): Promise<PartitionAnswer> {
  const base = { partitionIndex: p.partitionIndex, oldStyleOffsets: [] as number[] };
  const log = s.log.partition(topic, p.partitionIndex);
  const failed = (errorCode: number): PartitionAnswer => ({ ...base, errorCode, timestamp: -1, offset: -1, leaderEpoch: -1 });
  if (!log) return failed(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if (p.currentLeaderEpoch > 0) return failed(ErrorCode.UNKNOWN_LEADER_EPOCH);
  if (log.offline) return failed(ErrorCode.KAFKA_STORAGE_ERROR);
  try {
    return await answer(log, p.timestamp, version, base, committed);
  } catch (err) {
    // A storage failure during a timestamp lookup takes the partition offline: an error code, not a closed connection.
    if (err instanceof LogError) return failed(err.code);
    throw err;
  }
}

async function answer(
  log: PartitionLog,
  timestamp: number,
  version: number,
  base: { partitionIndex: number; oldStyleOffsets: number[] },
  committed: boolean,
): Promise<PartitionAnswer> {
  const lastFetchable = committed ? log.lastStableOffset : log.highWatermark;
  const failed = (errorCode: number): PartitionAnswer => ({ ...base, errorCode, timestamp: -1, offset: -1, leaderEpoch: -1 });
  // The leader epoch travels from v4 on; before that it stays at its default.
  const found = (offset: number, timestamp = -1) => ({
    ...base,
    errorCode: ErrorCode.NONE,
    timestamp,
    offset,
    leaderEpoch: offset >= 0 && version >= 4 ? 0 : -1,
  });
  switch (timestamp) {
    case LATEST:
      return found(lastFetchable);
    case EARLIEST:
    case EARLIEST_LOCAL:
      return found(log.logStartOffset);
    case LATEST_TIERED:
      return found(-1);
    case MAX_TIMESTAMP: {
      const m = await log.maxTimestamp();
      return m.offset < lastFetchable ? found(m.offset, m.timestamp) : found(-1);
    }
    default: {
      if (timestamp < 0) return failed(ErrorCode.INVALID_REQUEST);
      const r = await log.offsetForTimestamp(timestamp);
      return r && r.offset < lastFetchable ? found(r.offset, r.timestamp) : found(-1);
    }
  }
}
