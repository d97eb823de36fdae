/**
 * Kafka's exceptions for the error codes transactions meet (clients' Errors.java: the class and
 * its default message), so mq's transactional producer and mq-transactions fail with the text a
 * Java client would show.
 */
import { ErrorCode, errorName } from '../protocol/error-codes.js';

const PKG = 'org.apache.kafka.common.errors.';

const KNOWN: ReadonlyMap<number, readonly [string, string]> = new Map([
  [ErrorCode.COORDINATOR_NOT_AVAILABLE, ['CoordinatorNotAvailableException', 'The coordinator is not available.']],
  [ErrorCode.NOT_COORDINATOR, ['NotCoordinatorException', 'This is not the correct coordinator.']],
  [ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, ['CoordinatorLoadInProgressException', 'The coordinator is loading and hence can\'t process requests.']],
  [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ['UnknownTopicOrPartitionException', 'This server does not host this topic-partition.']],
  [ErrorCode.NOT_LEADER_OR_FOLLOWER, ['NotLeaderOrFollowerException', 'For requests intended only for the leader, this error indicates that the broker is not the current leader. For requests intended for any replica, this error indicates that the broker is not a replica of the topic partition.']],
  [ErrorCode.INVALID_PRODUCER_EPOCH, ['InvalidProducerEpochException', 'Producer attempted to produce with an old epoch.']],
  [ErrorCode.INVALID_TXN_STATE, ['InvalidTxnStateException', 'The producer attempted a transactional operation in an invalid state.']],
  [ErrorCode.INVALID_PRODUCER_ID_MAPPING, ['InvalidPidMappingException', 'The producer attempted to use a producer id which is not currently assigned to its transactional id.']],
  [ErrorCode.INVALID_TRANSACTION_TIMEOUT, ['InvalidTxnTimeoutException', 'The transaction timeout is larger than the maximum value allowed by the broker (as configured by transaction.max.timeout.ms).']],
  [ErrorCode.CONCURRENT_TRANSACTIONS, ['ConcurrentTransactionsException', 'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing.']],
  [ErrorCode.TRANSACTION_COORDINATOR_FENCED, ['TransactionCoordinatorFencedException', 'Indicates that the transaction coordinator sending a WriteTxnMarker is no longer the current coordinator for a given producer.']],
  [ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, ['TransactionalIdAuthorizationException', 'Transactional Id authorization failed.']],
  [ErrorCode.GROUP_AUTHORIZATION_FAILED, ['GroupAuthorizationException', 'Group authorization failed.']],
  [ErrorCode.PRODUCER_FENCED, ['ProducerFencedException', 'There is a newer producer with the same transactionalId which fences the current one.']],
  [ErrorCode.TRANSACTIONAL_ID_NOT_FOUND, ['TransactionalIdNotFoundException', 'The transactionalId could not be found.']],
  [ErrorCode.TRANSACTION_ABORTABLE, ['TransactionAbortableException', 'The server encountered an error with the transaction. The client can abort the transaction to continue using this transactional ID.']],
  [ErrorCode.CLUSTER_AUTHORIZATION_FAILED, ['ClusterAuthorizationException', 'Cluster authorization failed.']],
  [ErrorCode.UNSUPPORTED_VERSION, ['UnsupportedVersionException', 'The version of API is not supported.']],
  [ErrorCode.INVALID_REGULAR_EXPRESSION, ['InvalidRegularExpression', 'The regular expression is not valid.']],
]);

/** Kafka's exception class (fully qualified) and message for an error code; the error's name when Kafka's text is not listed here. */
export function kafkaException(code: number): { javaClass: string; message: string } {
  const k = KNOWN.get(code);
  if (k) return { javaClass: PKG + k[0], message: k[1] };
  return { javaClass: 'org.apache.kafka.common.KafkaException', message: errorName(code) };
}

/** A transactional call refused by the broker, carrying Kafka's text as its message. */
export class TransactionError extends Error {
  readonly javaClass: string;
  constructor(
    readonly errorCode: number,
    message?: string,
  ) {
    const k = kafkaException(errorCode);
    super(message ?? k.message);
    this.javaClass = k.javaClass;
    this.name = 'TransactionError';
  }

  /** Fencing: another producer took the transactional.id over (or the epoch is stale); this producer cannot go on. */
  get fenced(): boolean {
    return this.errorCode === ErrorCode.PRODUCER_FENCED || this.errorCode === ErrorCode.INVALID_PRODUCER_EPOCH;
  }
}
