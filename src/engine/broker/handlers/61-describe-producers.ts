/**
 * DescribeProducers v0: the producer state of each asked partition's log (Kafka's
 * ReplicaManager.activeProducerState over ProducerStateManager.activeProducers): every producer
 * id the partition remembers, idempotent and transactional alike. A partition the broker does
 * not have answers UNKNOWN_TOPIC_OR_PARTITION; an offline one KAFKA_STORAGE_ERROR.
 */
import { ErrorCode } from '../../protocol/error-codes.js';
import { DescribeProducers } from '../../protocol/messages/61-describe-producers.js';
import type { Element, ResponseInput } from '../../protocol/schema.js';
import type { PartitionLog } from '../../log/partition-log.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';

type TopicAnswer = Element<ResponseInput<typeof DescribeProducers>['topics']>;
type PartitionAnswer = Element<TopicAnswer['partitions']>;

export const describeProducers: Handler<BrokerServices, typeof DescribeProducers> = {
  api: DescribeProducers,
  min: 0,
  max: 0,
  handle(s, req) {
    const topics: TopicAnswer[] = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((p) => describe(p, s.log.partition(t.name, p))),
    }));
    return { throttleTimeMs: 0, topics };
  },
};

function describe(partitionIndex: number, log: PartitionLog | undefined): PartitionAnswer {
  const failed = (errorCode: number, errorMessage: string | null = null): PartitionAnswer => ({ partitionIndex, errorCode, errorMessage, activeProducers: [] });
  if (!log) return failed(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if (log.offline) return failed(ErrorCode.KAFKA_STORAGE_ERROR);
  const activeProducers = log.producerState().map((e) => ({
    producerId: e.producerId,
    producerEpoch: e.epoch,
    lastSequence: e.batches[e.batches.length - 1]?.lastSeq ?? -1,
    lastTimestamp: e.lastTimestamp,
    coordinatorEpoch: e.coordinatorEpoch,
    currentTxnStartOffset: e.currentTxnFirstOffset,
  }));
  return { partitionIndex, errorCode: ErrorCode.NONE, errorMessage: null, activeProducers };
}
