/**
 * KIP-890 part 1 on the produce path (Kafka 3.6+: ReplicaManager with AddPartitionsToTxnManager,
 * `transaction.partition.verification.enable`, default true): before a transactional batch is
 * appended, the transaction coordinator confirms that the partition is in the producer's ongoing
 * transaction, so a late batch of an aborted or timed-out transaction cannot open a hanging
 * one. Kafka's leader asks the coordinator with a verify-only AddPartitionsToTxn; on one broker
 * the coordinator is asked directly. The errors the producer sees are Kafka's translations.
 */
import { ErrorCode, errorName } from '../protocol/error-codes.js';
import type { BrokerServices } from './services.js';

export interface Refusal {
  code: number;
  message: string | null;
}

export async function verifyTransactional(
  s: BrokerServices,
  transactionalId: string | null,
  topic: string,
  partition: number,
  producerId: number,
  producerEpoch: number,
): Promise<Refusal | null> {
  // KafkaApis.handleProduceRequest: transactional records need a transactional id the client may write.
  if (transactionalId === null) return { code: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, message: null };
  if (!s.settings.bool('transaction.partition.verification.enable', true)) return null;
  const coordinator = await s.txn.ifPresent();
  const tp = { topic, partition };
  const code = coordinator ? coordinator.verifyPartitions(transactionalId, producerId, producerEpoch, [tp]).get(tp)! : ErrorCode.INVALID_PRODUCER_ID_MAPPING;
  return code === ErrorCode.NONE ? null : translate(code);
}

/** AddPartitionsToTxnManager and ReplicaManager's translation for producers (Produce <= v10). */
function translate(code: number): Refusal {
  switch (code) {
    case ErrorCode.PRODUCER_FENCED:
      return { code: ErrorCode.INVALID_PRODUCER_EPOCH, message: null };
    case ErrorCode.TRANSACTION_ABORTABLE:
    case ErrorCode.INVALID_TXN_STATE:
      return { code: ErrorCode.INVALID_TXN_STATE, message: 'Partition was not added to the transaction' };
    case ErrorCode.CONCURRENT_TRANSACTIONS:
    case ErrorCode.COORDINATOR_LOAD_IN_PROGRESS:
    case ErrorCode.COORDINATOR_NOT_AVAILABLE:
    case ErrorCode.NOT_COORDINATOR: {
      // Retriable for every client version without a metadata refresh.
      return { code: ErrorCode.NOT_ENOUGH_REPLICAS, message: `Unable to verify the partition has been added to the transaction. Underlying error: ${errorName(code)}` };
    }
    default:
      return { code, message: null };
  }
}
