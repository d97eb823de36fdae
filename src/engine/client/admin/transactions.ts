/**
 * Transaction administration (KIP-664), as Kafka's admin client does it:
 *
 *   await listTransactions(cluster, { states: ['Ongoing'], durationMs: 60_000 })   // every broker, by broker id
 *   await describeTransaction(cluster, 'tx')                                       // at its coordinator
 *   await describeProducers(cluster, 'topic', 0, { brokerId: 1 })                  // the partition's leader, or that broker
 *   await abortTransaction(cluster, { topic, partition, producerId, producerEpoch, coordinatorEpoch })  // WriteTxnMarkers to the leader
 *
 * Failures are AdminTxnError with the text Kafka's admin handlers give (ListTransactionsHandler,
 * DescribeTransactionsHandler, DescribeProducersHandler, AbortTransactionHandler), so
 * mq-transactions prints what kafka-transactions.sh prints.
 */
import type { Cluster } from '../cluster.js';
import type { ProtocolConnection } from '../connection.js';
import { kafkaException } from '../txn-errors.js';
import { ErrorCode, errorName } from '../../protocol/error-codes.js';
import { DescribeProducers } from '../../protocol/messages/61-describe-producers.js';
import { DescribeTransactions } from '../../protocol/messages/65-describe-transactions.js';
import { ListTransactions } from '../../protocol/messages/66-list-transactions.js';
import { WriteTxnMarkers } from '../../protocol/messages/27-write-txn-markers.js';
import { InitProducerId } from '../../protocol/messages/22-init-producer-id.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** An admin call that failed: Kafka's exception class and message (what `e.getCause()` would be). */
export class AdminTxnError extends Error {
  constructor(
    readonly errorCode: number,
    message: string,
    readonly javaClass = kafkaException(errorCode).javaClass,
  ) {
    super(message);
    this.name = 'AdminTxnError';
  }
}

/** How long a retriable answer is asked again (default.api.timeout.ms). */
const API_TIMEOUT_MS = 60_000;
const BACKOFF_MS = 100;

export interface TransactionListing {
  transactionalId: string;
  producerId: number;
  /** Kafka's TransactionState.toString(): Ongoing, PrepareCommit, CompleteAbort, ... */
  state: string;
}

export interface ListTransactionsFilter {
  states?: string[];
  producerIds?: number[];
  /** Only transactions running longer than this (ListTransactions v1+). */
  durationMs?: number;
  /** Transactional ids matching this regular expression (ListTransactions v2+, KIP-1152). */
  pattern?: string;
}

async function brokers(cluster: Cluster): Promise<number[]> {
  return (await cluster.metadata([])).brokers.map((b) => b.nodeId).sort((a, b) => a - b);
}

/**
 * ListTransactions on every broker (each lists the transactions it coordinates), by broker id,
 * as Admin.listTransactions().allByBrokerId(). A broker still loading is asked again.
 */
export async function listTransactions(cluster: Cluster, filter: ListTransactionsFilter = {}): Promise<Map<number, TransactionListing[]>> {
  const ids = await brokers(cluster);
  const answers = await Promise.all(ids.map(async (id) => [id, await listAt(await cluster.forNode(id), id, filter)] as const));
  return new Map(answers);
}

async function listAt(conn: ProtocolConnection, brokerId: number, filter: ListTransactionsFilter): Promise<TransactionListing[]> {
  const v = conn.versionFor(ListTransactions.apiKey);
  if (v < 0) throw new AdminTxnError(ErrorCode.UNSUPPORTED_VERSION, `The broker ${brokerId} does not support ListTransactions`);
  if (filter.durationMs !== undefined && filter.durationMs >= 0 && v < 1) {
    throw new AdminTxnError(ErrorCode.UNSUPPORTED_VERSION, `Duration filter is not supported by broker ${brokerId}`);
  }
  if (filter.pattern !== undefined && filter.pattern !== '' && v < 2) {
    throw new AdminTxnError(ErrorCode.UNSUPPORTED_VERSION, `Transactional id pattern filter is not supported by broker ${brokerId}`);
  }
  const deadline = Date.now() + API_TIMEOUT_MS;
  for (;;) {
    const res = await conn.request(ListTransactions, {
      stateFilters: filter.states ?? [],
      producerIdFilters: filter.producerIds ?? [],
      ...(v >= 1 ? { durationFilter: filter.durationMs ?? -1 } : {}),
      ...(v >= 2 ? { transactionalIdPattern: filter.pattern ?? null } : {}),
    });
    const code = res.errorCode;
    if (code === ErrorCode.NONE) {
      return res.transactionStates.map((s) => ({ transactionalId: s.transactionalId, producerId: s.producerId, state: s.transactionState }));
    }
    if (code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS && Date.now() < deadline) {
      await sleep(BACKOFF_MS);
      continue;
    }
    if (code === ErrorCode.COORDINATOR_NOT_AVAILABLE) {
      throw new AdminTxnError(code, `ListTransactions request sent to broker ${brokerId} failed because the coordinator is shutting down`);
    }
    throw new AdminTxnError(code, `ListTransactions request sent to broker ${brokerId} failed with an unexpected exception`);
  }
}

export interface TransactionDescription {
  coordinatorId: number;
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  state: string;
  transactionTimeoutMs: number;
  /** -1 when no transaction is open */
  transactionStartTimeMs: number;
  /** "topic-partition" in the order the coordinator answered */
  topicPartitions: string[];
}

/** DescribeTransactions at the transactional id's coordinator (FindCoordinator TRANSACTION). */
export async function describeTransaction(cluster: Cluster, transactionalId: string): Promise<TransactionDescription> {
  const deadline = Date.now() + API_TIMEOUT_MS;
  const what = `DescribeTransactions request for transactionalId \`${transactionalId}\``;
  for (;;) {
    const conn = await cluster.coordinator(transactionalId, 1);
    const res = await conn.request(DescribeTransactions, { transactionalIds: [transactionalId] });
    const s = res.transactionStates.find((x) => x.transactionalId === transactionalId) ?? res.transactionStates[0];
    if (!s) throw new AdminTxnError(ErrorCode.UNKNOWN_SERVER_ERROR, `${what} got no answer for it`);
    switch (s.errorCode) {
      case ErrorCode.NONE:
        return {
          coordinatorId: coordinatorIdOf(cluster, conn),
          transactionalId,
          producerId: s.producerId,
          producerEpoch: s.producerEpoch,
          state: s.transactionState,
          transactionTimeoutMs: s.transactionTimeoutMs,
          transactionStartTimeMs: s.transactionStartTimeMs,
          topicPartitions: s.topics.flatMap((t) => t.partitions.map((p) => `${t.topic}-${p}`)),
        };
      case ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED:
        throw new AdminTxnError(s.errorCode, `${what} failed due to authorization failure`);
      case ErrorCode.TRANSACTIONAL_ID_NOT_FOUND:
        throw new AdminTxnError(s.errorCode, `${what} failed because the ID could not be found`);
      case ErrorCode.COORDINATOR_LOAD_IN_PROGRESS:
      case ErrorCode.NOT_COORDINATOR:
      case ErrorCode.COORDINATOR_NOT_AVAILABLE:
        if (Date.now() < deadline) {
          await sleep(BACKOFF_MS);
          continue;
        }
        throw new AdminTxnError(s.errorCode, `${what} timed out: ${errorName(s.errorCode)}`);
      default:
        throw new AdminTxnError(s.errorCode, `${what} failed due to unexpected error`);
    }
  }
}

function coordinatorIdOf(cluster: Cluster, conn: ProtocolConnection): number {
  return cluster.knownNodes().find((n) => n.host === conn.host && n.port === conn.port)?.nodeId ?? -1;
}

export interface ProducerState {
  producerId: number;
  producerEpoch: number;
  /** -1 when none (Kafka prints coordinatorEpoch().orElse(-1)) */
  coordinatorEpoch: number;
  lastSequence: number;
  lastTimestamp: number;
  /** -1 when the producer has no open transaction */
  currentTransactionStartOffset: number;
}

/** The partition's leader (from Metadata), or an error with Kafka's text for a partition that does not exist. */
async function leaderOf(cluster: Cluster, topic: string, partition: number): Promise<number> {
  const md = await cluster.metadata([topic]);
  const t = md.topics.find((x) => x.name === topic);
  const p = t?.partitions.find((x) => x.partitionIndex === partition);
  if (!t || t.errorCode !== ErrorCode.NONE || !p) {
    const code = t && t.errorCode !== ErrorCode.NONE ? t.errorCode : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    throw new AdminTxnError(code, kafkaException(code).message);
  }
  return p.leaderId;
}

/** DescribeProducers for one partition at its leader, or at `brokerId` (any replica) when given. */
export async function describeProducers(cluster: Cluster, topic: string, partition: number, opts: { brokerId?: number } = {}): Promise<ProducerState[]> {
  const tp = `${topic}-${partition}`;
  const deadline = Date.now() + API_TIMEOUT_MS;
  for (;;) {
    const node = opts.brokerId ?? (await leaderOf(cluster, topic, partition));
    const conn = await cluster.forNode(node);
    const res = await conn.request(DescribeProducers, { topics: [{ name: topic, partitionIndexes: [partition] }] });
    const p = res.topics.find((t) => t.name === topic)?.partitions.find((x) => x.partitionIndex === partition);
    if (!p) throw new AdminTxnError(ErrorCode.UNKNOWN_SERVER_ERROR, `Failed to describe active producers for partition ${tp}: no answer for it`);
    const code = p.errorCode;
    if (code === ErrorCode.NONE) {
      return p.activeProducers.map((s) => ({
        producerId: s.producerId,
        producerEpoch: s.producerEpoch,
        coordinatorEpoch: s.coordinatorEpoch,
        lastSequence: s.lastSequence,
        lastTimestamp: s.lastTimestamp,
        currentTransactionStartOffset: s.currentTxnStartOffset,
      }));
    }
    if (code === ErrorCode.NOT_LEADER_OR_FOLLOWER && opts.brokerId !== undefined) {
      throw new AdminTxnError(code, `Failed to describe active producers for partition ${tp} on brokerId ${opts.brokerId}`);
    }
    if ((code === ErrorCode.NOT_LEADER_OR_FOLLOWER || code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) && Date.now() < deadline) {
      await sleep(BACKOFF_MS);
      continue;
    }
    if (code === ErrorCode.TOPIC_AUTHORIZATION_FAILED) {
      throw new AdminTxnError(code, `Failed to describe active producers for partition ${tp} due to authorization failure on topic \`${topic}\``);
    }
    throw new AdminTxnError(code, `Failed to describe active producers for partition ${tp} due to unexpected error`);
  }
}

export interface AbortSpec {
  topic: string;
  partition: number;
  producerId: number;
  producerEpoch: number;
  coordinatorEpoch: number;
}

/** AbortTransactionSpec.toString(), which Kafka's messages embed. */
export function abortSpecText(s: AbortSpec): string {
  return `AbortTransactionSpec(topicPartition=${s.topic}-${s.partition}, producerId=${s.producerId}, producerEpoch=${s.producerEpoch}, coordinatorEpoch=${s.coordinatorEpoch})`;
}

/**
 * Admin.abortTransaction: an ABORT marker for the producer written by the partition's leader
 * (WriteTxnMarkers), closing a transaction its coordinator forgot (a hanging transaction).
 */
export async function abortTransaction(cluster: Cluster, spec: AbortSpec): Promise<void> {
  const text = abortSpecText(spec);
  const deadline = Date.now() + API_TIMEOUT_MS;
  for (;;) {
    const conn = await cluster.forNode(await leaderOf(cluster, spec.topic, spec.partition));
    const res = await conn.request(WriteTxnMarkers, {
      markers: [
        {
          producerId: spec.producerId,
          producerEpoch: spec.producerEpoch,
          transactionResult: false,
          topics: [{ name: spec.topic, partitionIndexes: [spec.partition] }],
          coordinatorEpoch: spec.coordinatorEpoch,
        },
      ],
    });
    const p = res.markers[0]?.topics.find((t) => t.name === spec.topic)?.partitions.find((x) => x.partitionIndex === spec.partition);
    if (!p) throw new AdminTxnError(ErrorCode.UNKNOWN_SERVER_ERROR, `WriteTxnMarkers response included unexpected marker entries for ${text}`);
    switch (p.errorCode) {
      case ErrorCode.NONE:
        return;
      case ErrorCode.CLUSTER_AUTHORIZATION_FAILED:
        throw new AdminTxnError(p.errorCode, `WriteTxnMarkers request with ${text} failed due to cluster authorization error`);
      case ErrorCode.INVALID_PRODUCER_EPOCH:
        throw new AdminTxnError(p.errorCode, `WriteTxnMarkers request with ${text} failed due an invalid producer epoch`);
      case ErrorCode.TRANSACTION_COORDINATOR_FENCED:
        throw new AdminTxnError(
          p.errorCode,
          `WriteTxnMarkers request with ${text} failed since the provided coordinator epoch ${spec.coordinatorEpoch} has been fenced by the active coordinator`,
        );
      case ErrorCode.NOT_LEADER_OR_FOLLOWER:
      case ErrorCode.REPLICA_NOT_AVAILABLE:
      case ErrorCode.BROKER_NOT_AVAILABLE:
      case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
        if (Date.now() < deadline) {
          await sleep(BACKOFF_MS);
          continue;
        }
        throw new AdminTxnError(p.errorCode, `WriteTxnMarkers request with ${text} timed out: ${errorName(p.errorCode)}`);
      default:
        throw new AdminTxnError(p.errorCode, `WriteTxnMarkers request with ${text} failed due to unexpected error: ${kafkaException(p.errorCode).message}`);
    }
  }
}

/**
 * Admin.fenceProducers for one transactional id (what forceTerminateTransaction does, Kafka
 * 4.x): InitProducerId at its coordinator, which bumps the epoch and aborts the open
 * transaction. `timeoutMs` goes as the transaction timeout, as Kafka's FenceProducersHandler
 * sends its request timeout (default 30000).
 */
export async function fenceProducer(cluster: Cluster, transactionalId: string, timeoutMs = 30_000): Promise<{ producerId: number; producerEpoch: number }> {
  const what = `InitProducerId request for transactionalId \`${transactionalId}\``;
  const deadline = Date.now() + API_TIMEOUT_MS;
  for (;;) {
    const conn = await cluster.coordinator(transactionalId, 1);
    const res = await conn.request(InitProducerId, { transactionalId, transactionTimeoutMs: timeoutMs });
    switch (res.errorCode) {
      case ErrorCode.NONE:
        return { producerId: res.producerId, producerEpoch: res.producerEpoch };
      case ErrorCode.CLUSTER_AUTHORIZATION_FAILED:
        throw new AdminTxnError(res.errorCode, `${what} failed due to cluster authorization failure`);
      case ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED:
        throw new AdminTxnError(res.errorCode, `${what} failed due to transactional ID authorization failure`);
      case ErrorCode.COORDINATOR_LOAD_IN_PROGRESS:
      case ErrorCode.CONCURRENT_TRANSACTIONS:
      case ErrorCode.NOT_COORDINATOR:
      case ErrorCode.COORDINATOR_NOT_AVAILABLE:
        if (Date.now() < deadline) {
          await sleep(BACKOFF_MS);
          continue;
        }
        throw new AdminTxnError(res.errorCode, `${what} timed out: ${errorName(res.errorCode)}`);
      default:
        throw new AdminTxnError(res.errorCode, `${what} failed due to unexpected error`);
    }
  }
}
