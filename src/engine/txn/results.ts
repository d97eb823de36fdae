/**
 * What the transaction coordinator answers (coordinator.ts): its results, the shapes of its
 * responses, and how Kafka maps a failed __transaction_state append or a fencing to an error code.
 */
import { ErrorCode } from '../protocol/error-codes.js';
import type { TopicPartition, TxnLogRecord } from './metadata.js';
import type { TransactionLogValueVersion, TransactionResult } from './transaction-log-records.js';

export interface TxnCoordinatorConfig {
  /** transaction.max.timeout.ms (Kafka's default 900000). */
  transactionMaxTimeoutMs: number;
  /** The `__transaction_state` partition's leader epoch, carried in every marker. */
  coordinatorEpoch: number;
  /** TransactionLogValue version to write: 0 below transaction.version 1, 1 from it (Kafka's rule). */
  logValueVersion: TransactionLogValueVersion;
  /** The `__consumer_offsets` partition of a group (AddOffsetsToTxn adds it to the transaction). */
  offsetsPartitionFor(groupId: string): number;
}

export const TXN_DEFAULTS = { transactionMaxTimeoutMs: 900_000, coordinatorEpoch: 0, logValueVersion: 1 } as const;

/** The control records to write after a Prepare* record is durable. */
export interface MarkerJob {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  coordinatorEpoch: number;
  result: TransactionResult;
  partitions: TopicPartition[];
}

export interface TxnResult<T> {
  response: T;
  records: TxnLogRecord[];
  complete(): void;
  revert(): void;
  onWriteFailure(errorCode: number): T;
  markers: MarkerJob | null;
}

export interface ProducerIdAndEpoch {
  producerId: number;
  producerEpoch: number;
}

export interface InitProducerIdResponse {
  errorCode: number;
  producerId: number;
  producerEpoch: number;
}

export type EndTxnResponse = InitProducerIdResponse;

export interface DescribedTransaction {
  errorCode: number;
  transactionalId: string;
  transactionState: string;
  transactionTimeoutMs: number;
  transactionStartTimeMs: number;
  producerId: number;
  producerEpoch: number;
  topics: { topic: string; partitions: number[] }[];
}

export interface ListedTransactions {
  errorCode: number;
  unknownStateFilters: string[];
  transactionStates: { transactionalId: string; producerId: number; transactionState: string }[];
}

/** TransactionStateManager.appendTransactionToLog: how a failed append is answered. */
export function mapAppendError(code: number): number {
  switch (code) {
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
    case ErrorCode.NOT_ENOUGH_REPLICAS:
    case ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case ErrorCode.REQUEST_TIMED_OUT:
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    case ErrorCode.NOT_LEADER_OR_FOLLOWER:
    case ErrorCode.KAFKA_STORAGE_ERROR:
      return ErrorCode.NOT_COORDINATOR;
    case ErrorCode.MESSAGE_TOO_LARGE:
    case ErrorCode.RECORD_LIST_TOO_LARGE:
      return ErrorCode.UNKNOWN_SERVER_ERROR;
    default:
      return code;
  }
}

/**
 * Older clients do not know PRODUCER_FENCED: KafkaApis answers INVALID_PRODUCER_EPOCH instead
 * to InitProducerId < v4, EndTxn < v2, AddPartitionsToTxn < v2 and AddOffsetsToTxn < v2.
 */
export function fencedErrorForVersion(errorCode: number, api: 'InitProducerId' | 'EndTxn' | 'AddPartitionsToTxn' | 'AddOffsetsToTxn', version: number): number {
  if (errorCode !== ErrorCode.PRODUCER_FENCED) return errorCode;
  const firstWithFenced = api === 'InitProducerId' ? 4 : 2;
  return version < firstWithFenced ? ErrorCode.INVALID_PRODUCER_EPOCH : errorCode;
}
