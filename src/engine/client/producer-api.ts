/**
 * What the producer (producer.ts) is configured with and calls back: its settings as the tools
 * resolve them from Kafka's producer configs, the partitions it sends to, the batches it reports,
 * and what a transactional producer (transactions.ts) lends it.
 */
import type { CompressionName } from './compression.js';

export interface ProducerSettings {
  /** -1 all, 0 (sent with acks 0, no answer awaited), 1 */
  acks: number;
  /** enable.idempotence as resolved (ProducerConfig.postProcessAndValidateIdempotenceConfigs): needs acks -1 */
  idempotence?: boolean;
  compression: CompressionName;
  batchSize: number;
  lingerMs: number;
  maxInFlight: number;
  maxRequestSize: number;
  bufferMemory: number;
  requestTimeoutMs: number;
  retries: number;
  retryBackoffMs: number;
  /** retry.backoff.max.ms (default 1000) */
  retryBackoffMaxMs?: number;
  /** delivery.timeout.ms (default 120000): a batch not acknowledged this long after it was created fails (counted from its first record). */
  deliveryTimeoutMs?: number;
}

export interface PartitionLeader {
  id: number;
  leader: number;
}

/** A batch as acknowledged or failed: its partition and per-record timestamps and sizes. */
export interface ProducedBatch {
  readonly partition: number;
  readonly count: number;
  readonly timestamps: readonly number[];
  readonly keySizes: readonly number[];
  readonly valueSizes: readonly number[];
}

export interface ProducerHooks {
  /** The topic's partitions and leaders (the tool's Metadata wait and error texts). */
  loadPartitions(): Promise<PartitionLeader[]>;
  onAck?(batch: ProducedBatch, now: number): void;
  /** `javaClass`: the exception Kafka's producer would give (for the tools' --kafka-errors text). */
  onError(batch: ProducedBatch, error: string, javaClass?: string): void;
  /** Set for a transactional producer (transactions.ts): it owns the producer id, epoch and the partitions in the transaction. */
  transaction?: ProducerTransaction;
}

/**
 * What the producer asks of a transaction (Kafka's TransactionManager): the id and epoch
 * InitProducerId gave for the transactional.id, the id itself for every Produce request, and
 * AddPartitionsToTxn for a partition before its first batch of a transaction goes out.
 */
export interface ProducerTransaction {
  readonly transactionalId: string;
  identity(): { producerId: number; producerEpoch: number };
  addPartitions(topic: string, partitions: readonly number[]): Promise<void>;
}
