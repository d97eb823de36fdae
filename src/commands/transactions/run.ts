/**
 * mq-transactions' commands, as TransactionsCommand.java runs them: list, describe,
 * describe-producers, abort, find-hanging (find-hanging.ts) and forceTerminateTransaction, each
 * failing with Kafka's "Failed to ...: <cause>. Enable debug logging for additional detail." on
 * stderr and exit 1. list and describe also print JSON with --output json.
 */
import type { Io } from '../../cli/io.js';
import { CommandError } from '../../cli/errors.js';
import { createOutput, type Output } from '../../cli/output.js';
import { openSession, validateBootstrapServer, type Session } from '../../engine/client/connect.js';
import type { Cluster } from '../../engine/client/cluster.js';
import {
  abortTransaction,
  describeProducers,
  describeTransaction,
  fenceProducer,
  listTransactions,
  type AbortSpec,
} from '../../engine/client/admin/transactions.js';
import { sessionOptions } from '../shared/options.js';
import { describeRow, DESCRIBE_HEADERS, javaNumber, kafkaPartitionOrder, LIST_HEADERS, listRows, prettyPrintTable, producerRows, PRODUCERS_HEADERS } from './format.js';
import { findHanging } from './find-hanging.js';
import { failWith, type TransactionsFlags } from './fail.js';

export type { TransactionsFlags } from './fail.js';

export type TransactionsAction = 'list' | 'describe' | 'describe-producers' | 'abort' | 'find-hanging' | 'forceTerminateTransaction';

export async function runTransactions(action: TransactionsAction, flags: TransactionsFlags, io: Io): Promise<void> {
  if (flags.bootstrapServer !== undefined) validateBootstrapServer(flags.bootstrapServer);
  const out = createOutput(io, { format: flags.output, color: flags.color });
  if (out.json && action !== 'list' && action !== 'describe') throw new CommandError(`--output json is for list and describe; ${action} prints Kafka's table only`);
  precheck(action, flags);
  const session = await openSession(sessionOptions(flags, 'TransactionsCommand'), io);
  try {
    const cluster = await session.cluster();
    switch (action) {
      case 'list':
        return await list(cluster, flags, out, session);
      case 'describe':
        return await describe(cluster, flags, out, session);
      case 'describe-producers':
        return await producers(cluster, flags, out, session);
      case 'abort':
        return await abort(cluster, flags, session);
      case 'find-hanging':
        return await findHanging(cluster, flags, out, session);
      case 'forceTerminateTransaction':
        return await forceTerminate(cluster, flags, session);
    }
  } finally {
    await session.close();
  }
}

/** The argument checks Kafka makes before asking the cluster anything, made before mq connects (or starts the local broker). */
function precheck(action: TransactionsAction, flags: TransactionsFlags): void {
  javaNumber('--duration-filter', flags.durationFilter, 'Long');
  javaNumber('--partition', flags.partition, 'Integer');
  javaNumber('--broker-id', flags.brokerId, 'Integer');
  javaNumber('--start-offset', flags.startOffset, 'Long');
  javaNumber('--producer-id', flags.producerId, 'Long');
  javaNumber('--producer-epoch', flags.producerEpoch, 'Short');
  javaNumber('--coordinator-epoch', flags.coordinatorEpoch, 'Integer');
  javaNumber('--max-transaction-timeout', flags.maxTransactionTimeout, 'Integer');
  if (action === 'abort') {
    if (flags.startOffset === undefined && flags.producerId === undefined) {
      throw new CommandError(
        'The transaction to abort must be identified either with --start-offset (for brokers on 3.0 or above) or with --producer-id, --producer-epoch, and --coordinator-epoch (for older brokers)',
      );
    }
    if (flags.startOffset === undefined && flags.producerEpoch === undefined) throw new CommandError('Missing required argument --producer-epoch');
    if (flags.startOffset === undefined && flags.coordinatorEpoch === undefined) throw new CommandError('Missing required argument --coordinator-epoch');
  }
  if (action === 'find-hanging') {
    if (flags.topic === undefined && flags.brokerId === undefined) {
      throw new CommandError('The `find-hanging` command requires either --topic or --broker-id to limit the scope of the search');
    }
    if (flags.partition !== undefined && flags.topic === undefined) throw new CommandError('The --partition argument requires --topic to be provided');
  }
}

async function list(cluster: Cluster, flags: TransactionsFlags, out: Output, session: Session): Promise<void> {
  const durationMs = javaNumber('--duration-filter', flags.durationFilter, 'Long');
  const byBroker = await listTransactions(cluster, { durationMs, pattern: flags.transactionalIdPattern }).catch((e: unknown) => failWith('Failed to list transactions', e, session));
  const rows = listRows(byBroker);
  if (out.json) {
    const transactions = rows.map(([transactionalId, coordinator, producerId, state]) => ({
      transactionalId,
      coordinator: Number(coordinator),
      producerId: Number(producerId),
      state,
    }));
    out.document({ transactions });
    return;
  }
  out.lines(prettyPrintTable(LIST_HEADERS, rows));
}

async function describe(cluster: Cluster, flags: TransactionsFlags, out: Output, session: Session): Promise<void> {
  const id = flags.transactionalId!;
  const d = await describeTransaction(cluster, id).catch((e: unknown) => failWith(`Failed to describe transaction state of transactional-id \`${id}\``, e, session));
  const now = Date.now();
  if (out.json) {
    const open = d.transactionStartTimeMs >= 0;
    out.document({
      coordinatorId: d.coordinatorId,
      transactionalId: d.transactionalId,
      producerId: d.producerId,
      producerEpoch: d.producerEpoch,
      state: d.state,
      transactionTimeoutMs: d.transactionTimeoutMs,
      currentTransactionStartTimeMs: open ? d.transactionStartTimeMs : null,
      transactionDurationMs: open ? now - d.transactionStartTimeMs : null,
      topicPartitions: kafkaPartitionOrder(d.topicPartitions),
    });
    return;
  }
  out.lines(prettyPrintTable(DESCRIBE_HEADERS, [describeRow(d, now)]));
}

async function producers(cluster: Cluster, flags: TransactionsFlags, out: Output, session: Session): Promise<void> {
  const partition = javaNumber('--partition', flags.partition, 'Integer')!;
  const brokerId = javaNumber('--broker-id', flags.brokerId, 'Integer');
  const tp = `${flags.topic}-${partition}`;
  const where = brokerId !== undefined ? `broker ${brokerId}` : 'leader';
  const states = await describeProducers(cluster, flags.topic!, partition, { brokerId }).catch((e: unknown) => failWith(`Failed to describe producers for partition ${tp} on ${where}`, e, session));
  out.lines(prettyPrintTable(PRODUCERS_HEADERS, producerRows(states)));
}

async function abort(cluster: Cluster, flags: TransactionsFlags, session: Session): Promise<void> {
  const partition = javaNumber('--partition', flags.partition, 'Integer')!;
  const startOffset = javaNumber('--start-offset', flags.startOffset, 'Long');
  const producerId = javaNumber('--producer-id', flags.producerId, 'Long');
  const producerEpoch = javaNumber('--producer-epoch', flags.producerEpoch, 'Short');
  let coordinatorEpoch = javaNumber('--coordinator-epoch', flags.coordinatorEpoch, 'Integer');
  const topic = flags.topic!;
  const tp = `${topic}-${partition}`;
  if (startOffset === undefined && producerId === undefined) {
    throw new CommandError(
      'The transaction to abort must be identified either with --start-offset (for brokers on 3.0 or above) or with --producer-id, --producer-epoch, and --coordinator-epoch (for older brokers)',
    );
  }
  let spec: AbortSpec;
  if (startOffset === undefined) {
    if (producerEpoch === undefined) throw new CommandError('Missing required argument --producer-epoch');
    if (coordinatorEpoch === undefined) throw new CommandError('Missing required argument --coordinator-epoch');
    // A transaction that hung before its first marker shows coordinator epoch -1; 0 is at most any real one (Kafka does the same).
    if (coordinatorEpoch < 0) coordinatorEpoch = 0;
    spec = { topic, partition, producerId: producerId!, producerEpoch, coordinatorEpoch };
  } else {
    const states = await describeProducers(cluster, topic, partition).catch((e: unknown) => failWith(`Failed to validate producer state for partition ${tp}`, e, session));
    const found = states.find((s) => s.currentTransactionStartOffset >= 0 && s.currentTransactionStartOffset === startOffset);
    if (!found) throw new CommandError(`Could not find any open transactions starting at offset ${startOffset} on partition ${tp}`);
    spec = { topic, partition, producerId: found.producerId, producerEpoch: found.producerEpoch, coordinatorEpoch: Math.max(found.coordinatorEpoch, 0) };
  }
  const { abortSpecText } = await import('../../engine/client/admin/transactions.js');
  await abortTransaction(cluster, spec).catch((e: unknown) => failWith(`Failed to abort transaction ${abortSpecText(spec)}`, e, session));
}

async function forceTerminate(cluster: Cluster, flags: TransactionsFlags, session: Session): Promise<void> {
  const id = flags.transactionalId!;
  await fenceProducer(cluster, id).catch((e: unknown) => failWith(`Failed to force terminate transactionalId \`${id}\``, e, session));
}
