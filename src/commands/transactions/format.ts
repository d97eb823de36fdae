/**
 * kafka-transactions.sh's output and argument rules, pure: the tables as ToolsUtils.prettyPrintTable
 * prints them (every cell padded to its column's width and followed by a tab, the last one too),
 * the rows of each command (TransactionsCommand.java), its error texts, and argparse4j's number
 * conversions.
 */
import { UsageError } from '../../cli/errors.js';
import type { ProducerState, TransactionDescription, TransactionListing } from '../../engine/client/admin/transactions.js';

/** ToolsUtils.prettyPrintTable: one line per row (header first), each cell padded and tab-terminated. */
export function prettyPrintTable(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!) + '\t').join('');
  return [line(headers), ...rows.map(line)];
}

export const LIST_HEADERS = ['TransactionalId', 'Coordinator', 'ProducerId', 'TransactionState'];

/** ListTransactionsCommand: brokers in ascending id order (Kafka's HashMap of small Integers), listings as each answered. */
export function listRows(byBroker: ReadonlyMap<number, readonly TransactionListing[]>): string[][] {
  const rows: string[][] = [];
  for (const id of [...byBroker.keys()].sort((a, b) => a - b)) {
    for (const l of byBroker.get(id)!) rows.push([l.transactionalId, String(id), String(l.producerId), l.state]);
  }
  return rows;
}

export const DESCRIBE_HEADERS = [
  'CoordinatorId',
  'TransactionalId',
  'ProducerId',
  'ProducerEpoch',
  'TransactionState',
  'TransactionTimeoutMs',
  'CurrentTransactionStartTimeMs',
  'TransactionDurationMs',
  'TopicPartitions',
];

/** java.lang.String.hashCode: s[0]*31^(n-1) + ... over UTF-16 code units, in 32-bit arithmetic. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * The order a java.util.HashSet of TopicPartition iterates in, which is how Kafka's tool prints a
 * transaction's partitions (DescribeTransactionsHandler collects them into a HashSet): by bucket
 * of the final table (16 buckets, doubled while size > 0.75 * buckets), index = spread(hash) &
 * (buckets - 1) with spread(h) = h ^ (h >>> 16) and TopicPartition.hashCode =
 * 31 * (31 + partition) + topic.hashCode(); within a bucket, in insertion order.
 */
export function javaHashSetOrder(topicPartitions: readonly { topic: string; partition: number }[]): { topic: string; partition: number }[] {
  let buckets = 16;
  while (topicPartitions.length > 0.75 * buckets) buckets *= 2;
  const bucketOf = (tp: { topic: string; partition: number }) => {
    const h = (Math.imul(31, 31 + tp.partition) + javaStringHash(tp.topic)) | 0;
    return (h ^ (h >>> 16)) & (buckets - 1);
  };
  return topicPartitions.map((tp, i) => ({ tp, i, b: bucketOf(tp) })).sort((x, y) => x.b - y.b || x.i - y.i).map((x) => x.tp);
}

/** "topic-partition" strings (the admin layer's form) in Kafka's printed order. */
export function kafkaPartitionOrder(names: readonly string[]): string[] {
  const parsed = names.map((n) => {
    const dash = n.lastIndexOf('-');
    return { topic: n.slice(0, dash), partition: Number(n.slice(dash + 1)) };
  });
  return javaHashSetOrder(parsed).map((tp) => `${tp.topic}-${tp.partition}`);
}

/** DescribeTransactionsCommand's row: start time and duration are "None" without an open transaction. */
export function describeRow(d: TransactionDescription, nowMs: number): string[] {
  const open = d.transactionStartTimeMs >= 0;
  return [
    String(d.coordinatorId),
    d.transactionalId,
    String(d.producerId),
    String(d.producerEpoch),
    d.state,
    String(d.transactionTimeoutMs),
    open ? String(d.transactionStartTimeMs) : 'None',
    open ? String(nowMs - d.transactionStartTimeMs) : 'None',
    kafkaPartitionOrder(d.topicPartitions).join(','),
  ];
}

export const PRODUCERS_HEADERS = ['ProducerId', 'ProducerEpoch', 'LatestCoordinatorEpoch', 'LastSequence', 'LastTimestamp', 'CurrentTransactionStartOffset'];

export function producerRows(states: readonly ProducerState[]): string[][] {
  return states.map((s) => [
    String(s.producerId),
    String(s.producerEpoch),
    String(s.coordinatorEpoch),
    String(s.lastSequence),
    String(s.lastTimestamp),
    s.currentTransactionStartOffset >= 0 ? String(s.currentTransactionStartOffset) : 'None',
  ]);
}

export const HANGING_HEADERS = ['Topic', 'Partition', 'ProducerId', 'ProducerEpoch', 'CoordinatorEpoch', 'StartOffset', 'LastTimestamp', 'Duration(min)'];

export interface OpenTransaction {
  topic: string;
  partition: number;
  producer: ProducerState;
}

export function hangingRows(open: readonly OpenTransaction[], nowMs: number): string[][] {
  return open.map((t) => [
    t.topic,
    String(t.partition),
    String(t.producer.producerId),
    String(t.producer.producerEpoch),
    String(t.producer.coordinatorEpoch),
    String(t.producer.currentTransactionStartOffset),
    String(t.producer.lastTimestamp),
    String(Math.floor((nowMs - t.producer.lastTimestamp) / 60_000)),
  ]);
}

/** TransactionsCommand.printErrorAndExit(message, cause): the cause's message and Kafka's closing sentence. */
export function errorLine(message: string, cause: Error): string {
  return `${message}: ${cause.message}. Enable debug logging for additional detail.`;
}

const BOUNDS = {
  Short: [-32768, 32767],
  Integer: [-2147483648, 2147483647],
  Long: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
} as const;

/** argparse4j's type conversion (Integer.valueOf and friends), with its message when the value is not one. */
export function javaNumber(flag: string, value: string | undefined, type: keyof typeof BOUNDS): number | undefined {
  if (value === undefined) return undefined;
  const [min, max] = BOUNDS[type];
  const n = /^[+-]?\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const why = /^[+-]?\d+$/.test(value) ? `Value out of range. Value:"${value}" Radix:10` : `For input string: "${value}"`;
    throw new UsageError(`argument ${flag}: could not convert '${value}' to ${type} (${why})`);
  }
  return n;
}
