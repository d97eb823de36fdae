import { ErrorCode } from '../../protocol/error-codes.js';
import { TxnOffsetCommit } from '../../protocol/messages/28-txn-offset-commit.js';
import type { Handler } from '../handler.js';
import { CONSUMER_OFFSETS_TOPIC } from '../txn-runtime.js';
import type { BrokerServices } from '../services.js';

/**
 * TxnOffsetCommit v0-4, at the group coordinator. As Kafka 3.6+ does (KIP-890 part 1), the
 * producer must have added the group's `__consumer_offsets` partition with AddOffsetsToTxn: the
 * transaction coordinator is asked (in-process) before anything is stored. The offsets then stay
 * pending until the transaction's marker reaches the group.
 */
export const txnOffsetCommit: Handler<BrokerServices, typeof TxnOffsetCommit> = {
  api: TxnOffsetCommit,
  min: 0,
  max: 4,
  async handle(s, req, ctx) {
    const all = (errorCode: number) => ({
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })),
    });
    const coordinator = await s.txn.ifPresent();
    const offsetsPartition = { topic: CONSUMER_OFFSETS_TOPIC, partition: s.txn.offsetsPartitionFor(req.groupId) };
    const verified = coordinator
      ? coordinator.verifyPartitions(req.transactionalId, req.producerId, req.producerEpoch, [offsetsPartition]).get(offsetsPartition)!
      : ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (verified !== ErrorCode.NONE) return all(verificationError(verified, ctx.version));
    const r = await s.groups.txnCommitOffsets({
      groupId: req.groupId,
      producerId: req.producerId,
      generationId: req.generationId,
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId,
      topics: req.topics,
    });
    return { throttleTimeMs: 0, ...r };
  },
};

/** AddPartitionsToTxnManager's translation for the producer; TRANSACTION_ABORTABLE only to v4+ (the genericError operation). */
function verificationError(code: number, version: number): number {
  if (code === ErrorCode.PRODUCER_FENCED) return ErrorCode.INVALID_PRODUCER_EPOCH;
  if (code === ErrorCode.TRANSACTION_ABORTABLE && version < 4) return ErrorCode.INVALID_TXN_STATE;
  return code;
}
