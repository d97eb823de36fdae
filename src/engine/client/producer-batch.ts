/**
 * The producer's batch: a RecordBatchWriter with what the sender tracks for it (sequence, tries,
 * why the last try failed), and the errors worth another try.
 */
import { ErrorCode } from '../protocol/error-codes.js';
import type { ProducedBatch } from './producer-api.js';
import { RecordBatchWriter } from './record-batch-writer.js';

/** Errors Kafka's producer retries (RetriableException subclasses): worth another try after a metadata refresh. */
export const RETRIABLE: ReadonlySet<number> = new Set([
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.REQUEST_TIMED_OUT,
  ErrorCode.NETWORK_EXCEPTION,
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.NOT_ENOUGH_REPLICAS,
  ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
]);

export class Batch extends RecordBatchWriter implements ProducedBatch {
  /** The idempotent producer's base sequence (-1 until drained, or when not idempotent). */
  sequence = -1;
  /** Produce requests this batch was sent in. */
  attempts = 0;
  /**
   * Times its leader could not be reached at all. Kafka's RecordAccumulator drains a batch only
   * to a ready node, so these use no retry: only delivery.timeout.ms ends the wait (a killed
   * leader stays in Metadata until the controller fences it, about broker.session.timeout.ms).
   */
  unreachable = 0;
  /** Why the last try failed (for the --verbose retry line). */
  lastError = '';
  constructor(
    readonly partition: number,
    capacity: number,
    readonly createdAt: number,
  ) {
    super(capacity);
  }
}

/** A batch with its encoded bytes (sealed once: a retry resends the same bytes, sequence included). */
export interface Sealed {
  b: Batch;
  bytes: Buffer;
}

export interface NodeQueue {
  ready: Batch[];
  inflight: number;
}
