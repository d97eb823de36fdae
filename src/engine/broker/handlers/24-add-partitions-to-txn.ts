import { ErrorCode } from '../../protocol/error-codes.js';
import { AddPartitionsToTxn } from '../../protocol/messages/24-add-partitions-to-txn.js';
import type { Element, RequestOf, ResponseInput } from '../../protocol/schema.js';
import { fencedErrorForVersion } from '../../txn/coordinator.js';
import type { TopicPartition } from '../../txn/metadata.js';
import type { Handler } from '../handler.js';
import { isInternalTopic } from '../internal-topics.js';
import type { BrokerServices } from '../services.js';
import { TransactionRuntime } from '../txn-runtime.js';

type Topics = RequestOf<typeof AddPartitionsToTxn>['v3AndBelowTopics'];
type TopicResult = Element<ResponseInput<typeof AddPartitionsToTxn>['resultsByTopicV3AndBelow']>;

/**
 * AddPartitionsToTxn v0-5. v0-3 come from producers, one transaction each; v4+ batch several and
 * may be verify-only (KIP-890 part 1: is the partition in the transaction? nothing written). As
 * KafkaApis does, a partition of an unknown topic fails with UNKNOWN_TOPIC_OR_PARTITION and the
 * others of the request with OPERATION_NOT_ATTEMPTED; nothing is added then.
 */
export const addPartitionsToTxn: Handler<BrokerServices, typeof AddPartitionsToTxn> = {
  api: AddPartitionsToTxn,
  min: 0,
  max: 5,
  async handle(s, req, ctx) {
    const v = ctx.version;
    if (v < 4) {
      const id = req.v3AndBelowTransactionalId;
      const results = await addOrVerify(s, id, req.v3AndBelowProducerId, req.v3AndBelowProducerEpoch, req.v3AndBelowTopics, false, v);
      return { throttleTimeMs: 0, resultsByTopicV3AndBelow: results };
    }
    const resultsByTransaction = [];
    for (const t of req.transactions) {
      const topicResults = await addOrVerify(s, t.transactionalId, t.producerId, t.producerEpoch, t.topics, t.verifyOnly, v);
      resultsByTransaction.push({ transactionalId: t.transactionalId, topicResults });
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, resultsByTransaction };
  },
};

async function addOrVerify(
  s: BrokerServices,
  id: string,
  producerId: number,
  producerEpoch: number,
  topics: Topics,
  verifyOnly: boolean,
  version: number,
): Promise<TopicResult[]> {
  const partitions: TopicPartition[] = topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition })));
  const codes = new Map<TopicPartition, number>();
  const unknown = partitions.filter((p) => isInternalTopic(p.topic) || !s.log.partition(p.topic, p.partition));
  if (unknown.length > 0) {
    for (const p of partitions) codes.set(p, unknown.includes(p) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.OPERATION_NOT_ATTEMPTED);
  } else {
    const coordinator = await s.txn.ifPresent();
    if (!coordinator) {
      for (const p of partitions) codes.set(p, TransactionRuntime.unknownId(id));
    } else if (verifyOnly) {
      for (const [p, code] of coordinator.verifyPartitions(id, producerId, producerEpoch, partitions)) codes.set(p, code);
    } else {
      await s.txn.settled(id);
      const code = fencedErrorForVersion(await s.txn.run(id, coordinator.addPartitions(id, producerId, producerEpoch, partitions)), 'AddPartitionsToTxn', version);
      for (const p of partitions) codes.set(p, code);
    }
  }
  // TRANSACTION_ABORTABLE (KIP-890) only for v5+; Kafka answers older callers INVALID_TXN_STATE.
  const adapt = (code: number) => (code === ErrorCode.TRANSACTION_ABORTABLE && version < 5 ? ErrorCode.INVALID_TXN_STATE : code);
  return topics.map((t) => ({
    name: t.name,
    resultsByPartition: t.partitions.map((partitionIndex) => {
      const p = partitions.find((q) => q.topic === t.name && q.partition === partitionIndex)!;
      return { partitionIndex, partitionErrorCode: adapt(codes.get(p) ?? ErrorCode.NONE) };
    }),
  }));
}
