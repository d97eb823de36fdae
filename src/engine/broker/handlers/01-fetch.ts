import { Fetch } from '../../protocol/messages/01-fetch.js';
import type { Element, RequestOf, ResponseInput } from '../../protocol/schema.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { Handler } from '../handler.js';
import { LogError } from '../../log/errors.js';
import type { BrokerServices } from '../services.js';

/**
 * Fetch v4-12. Returns stored batches raw, starting with the batch that contains fetch_offset;
 * the first batch of the response is always whole (KIP-74), later ones only while they fit the
 * partition and response limits. With less than min_bytes available the request parks until a
 * produce wakes it or max_wait_ms passes. No fetch sessions: session id 0 makes every client
 * send full fetches. Every answer carries the last stable offset; isolation_level 1
 * (read_committed) returns only batches below it, with the aborted transactions overlapping them
 * (Kafka's UnifiedLog.read with FetchIsolation.TXN_COMMITTED). A marker is an append, so a
 * read_committed fetch parked on the LSO wakes when the marker that moves it is written.
 */
type FetchRequest = RequestOf<typeof Fetch>;
type TopicAnswer = Element<ResponseInput<typeof Fetch>['responses']>;
type PartitionAnswer = Element<TopicAnswer['partitions']>;

export const fetch: Handler<BrokerServices, typeof Fetch> = {
  api: Fetch,
  min: 4,
  max: 12,
  async handle(s, req) {
    const deadline = s.clock.now() + Math.max(0, req.maxWaitMs);
    const minBytes = Math.max(0, req.minBytes);
    for (;;) {
      const { responses, bytes, errors } = await readOnce(s, req);
      const remaining = deadline - s.clock.now();
      if (bytes >= minBytes || errors || remaining <= 0 || s.fetchWaiters.closed) {
        return { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses };
      }
      const wanted: [string, number][] = [];
      for (const t of req.topics) for (const p of t.partitions) wanted.push([t.topic, p.partition]);
      await s.fetchWaiters.wait(wanted, remaining);
    }
  },
};

async function readOnce(s: BrokerServices, req: FetchRequest): Promise<{ responses: TopicAnswer[]; bytes: number; errors: boolean }> {
  let budget = req.maxBytes > 0 ? req.maxBytes : 0x7fffffff;
  let bytes = 0;
  let errors = false;
  const committed = req.isolationLevel === 1;
  const responses: TopicAnswer[] = [];
  for (const t of req.topics) {
    const partitions: PartitionAnswer[] = [];
    for (const p of t.partitions) {
      const log = s.log.partition(t.topic, p.partition);
      const base: Pick<PartitionAnswer, 'partitionIndex' | 'abortedTransactions' | 'preferredReadReplica'> = {
        partitionIndex: p.partition,
        abortedTransactions: null,
        preferredReadReplica: -1,
      };
      if (!log) {
        errors = true;
        partitions.push({
          ...base,
          errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          highWatermark: -1,
          lastStableOffset: -1,
          logStartOffset: -1,
          records: null,
        });
        continue;
      }
      if (log.offline) {
        // A storage failure took the partition's log offline; Kafka's ReplicaManager.readFromLocalLog
        // answers such a read with KAFKA_STORAGE_ERROR and unknown (-1) offsets.
        errors = true;
        partitions.push({ ...base, errorCode: ErrorCode.KAFKA_STORAGE_ERROR, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, records: null });
        continue;
      }
      const hwm = log.logEndOffset;
      const start = log.logStartOffset;
      const common = { ...base, highWatermark: hwm, lastStableOffset: log.lastStableOffset, logStartOffset: start };
      if (p.currentLeaderEpoch > 0) {
        // One broker, leader epoch 0 forever: a client that believes in a later epoch is confused.
        errors = true;
        partitions.push({ ...common, errorCode: ErrorCode.UNKNOWN_LEADER_EPOCH, records: null });
        continue;
      }
      if (p.fetchOffset < start || p.fetchOffset > hwm) {
        errors = true;
        partitions.push({ ...common, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, records: null });
        continue;
      }
      let data: Buffer[] = [];
      let answer = common;
      if (p.fetchOffset < hwm && (budget > 0 || bytes === 0)) {
        const limit = Math.min(Math.max(p.partitionMaxBytes, 0), budget);
        // The log always returns the first batch whole, so a consumer can always progress.
        try {
          const read = await log.read(p.fetchOffset, limit, committed ? 'read_committed' : 'read_uncommitted');
          if (read.records.length > 0) data = [read.records];
          // The LSO the read was cut at, so records and last_stable_offset agree.
          answer = { ...common, lastStableOffset: read.lastStableOffset, abortedTransactions: read.abortedTransactions ?? null };
        } catch (err) {
          // Retention or DeleteRecords may move the log start between the check and the read.
          if (!(err instanceof LogError)) throw err;
          errors = true;
          partitions.push({ ...common, errorCode: err.code, records: null });
          continue;
        }
      }
      const size = data.reduce((n, b) => n + b.length, 0);
      bytes += size;
      budget -= size;
      if (committed && answer.abortedTransactions === null) answer = { ...answer, abortedTransactions: [] };
      partitions.push({ ...answer, errorCode: 0, records: data.length === 1 ? data[0] : data });
    }
    responses.push({ topic: t.topic, partitions });
  }
  return { responses, bytes, errors };
}
