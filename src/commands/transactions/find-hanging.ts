/**
 * find-hanging (TransactionsCommand.FindHangingTransactionsCommand): the partitions to search
 * (one, a topic's, or every partition with a replica on --broker-id), their producers with an
 * open transaction older than --max-transaction-timeout minutes, and of those the ones whose
 * coordinator does not know them: no transactional id lists that producer id, the id is not
 * found, or its current transaction does not include the partition.
 */
import { CommandError } from '../../cli/errors.js';
import type { Output } from '../../cli/output.js';
import type { Cluster } from '../../engine/client/cluster.js';
import type { Session } from '../../engine/client/connect.js';
import { describeProducers, describeTransaction, listTransactions, AdminTxnError, type TransactionDescription } from '../../engine/client/admin/transactions.js';
import { ErrorCode } from '../../engine/protocol/error-codes.js';
import { hangingRows, HANGING_HEADERS, javaNumber, prettyPrintTable, type OpenTransaction } from './format.js';
import { failWith, type TransactionsFlags } from './fail.js';

export async function findHanging(cluster: Cluster, flags: TransactionsFlags, out: Output, session: Session): Promise<void> {
  const brokerId = javaNumber('--broker-id', flags.brokerId, 'Integer');
  const partition = javaNumber('--partition', flags.partition, 'Integer');
  const maxMinutes = javaNumber('--max-transaction-timeout', flags.maxTransactionTimeout ?? '15', 'Integer')!;
  if (flags.topic === undefined && brokerId === undefined) {
    throw new CommandError('The `find-hanging` command requires either --topic or --broker-id to limit the scope of the search');
  }
  if (partition !== undefined && flags.topic === undefined) throw new CommandError('The --partition argument requires --topic to be provided');
  const maxMs = maxMinutes * 60_000;

  const partitions = await partitionsToSearch(cluster, flags.topic, partition, brokerId, session);
  const now = Date.now();
  const candidates: OpenTransaction[] = [];
  const described = await Promise.all(
    partitions.map(async ({ topic, partition: p }) => ({
      topic,
      partition: p,
      states: await describeProducers(cluster, topic, p, { brokerId }).catch((e: unknown) =>
        failWith(`Failed to describe producers for ${partitions.length} partitions on broker ${brokerId === undefined ? 'Optional.empty' : `Optional[${brokerId}]`}`, e, session),
      ),
    })),
  );
  for (const d of described) {
    for (const s of d.states) {
      if (s.currentTransactionStartOffset >= 0 && now - s.lastTimestamp > maxMs) candidates.push({ topic: d.topic, partition: d.partition, producer: s });
    }
  }
  const hanging = candidates.length === 0 ? [] : await filterHanging(cluster, candidates, session);
  out.lines(prettyPrintTable(HANGING_HEADERS, hangingRows(hanging, Date.now())));
}

async function partitionsToSearch(
  cluster: Cluster,
  topic: string | undefined,
  partition: number | undefined,
  brokerId: number | undefined,
  session: Session,
): Promise<{ topic: string; partition: number }[]> {
  if (topic !== undefined && partition !== undefined) return [{ topic, partition }];
  let md;
  try {
    md = await cluster.metadata(topic === undefined ? null : [topic]);
  } catch (e) {
    return failWith(topic === undefined ? 'Failed to list topics' : 'Failed to describe 1 topics', e, session);
  }
  const out: { topic: string; partition: number }[] = [];
  for (const t of md.topics) {
    if (t.name === null) continue;
    if (t.errorCode !== ErrorCode.NONE) {
      failWith(`Failed to describe ${topic === undefined ? md.topics.length : 1} topics`, new AdminTxnError(t.errorCode, 'This server does not host this topic-partition.'), session);
    }
    for (const p of t.partitions) {
      if (brokerId === undefined || p.replicaNodes.includes(brokerId)) out.push({ topic: t.name, partition: p.partitionIndex });
    }
  }
  return out;
}

async function filterHanging(cluster: Cluster, candidates: OpenTransaction[], session: Session): Promise<OpenTransaction[]> {
  const producerIds = [...new Set(candidates.map((c) => c.producer.producerId))];
  let byBroker;
  try {
    byBroker = await listTransactions(cluster, { producerIds });
  } catch (e) {
    return failWith(`Failed to list transactions for ${producerIds.length} producers`, e, session);
  }
  const idOf = new Map<number, string>();
  for (const listings of byBroker.values()) for (const l of listings) if (producerIds.includes(l.producerId)) idOf.set(l.producerId, l.transactionalId);
  const descriptions = new Map<string, TransactionDescription | null>();
  for (const id of new Set(idOf.values())) {
    try {
      descriptions.set(id, await describeTransaction(cluster, id));
    } catch (e) {
      if (e instanceof AdminTxnError && e.errorCode === ErrorCode.TRANSACTIONAL_ID_NOT_FOUND) descriptions.set(id, null);
      else failWith(`Failed to describe ${idOf.size} transactions`, e, session);
    }
  }
  return candidates.filter((c) => {
    const id = idOf.get(c.producer.producerId);
    const d = id === undefined ? null : (descriptions.get(id) ?? null);
    // The coordinator still writes the marker for a partition its current transaction (or a pending commit/abort) has.
    return d === null || !d.topicPartitions.includes(`${c.topic}-${c.partition}`);
  });
}
