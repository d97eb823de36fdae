/**
 * mq's transactional producer (src/engine/client/transactions.ts) against brokers with
 * transactions (txn-targets.ts): committed transactions are seen by a read_committed consumer
 * (kafkajs) exactly once and in order, aborted ones never; a read_uncommitted consumer sees
 * both; a second producer with the same transactional.id fences the first with Kafka's text.
 *
 *   bash scripts/reference/fetch-kafka.sh && MQ_REFERENCE=1 npx vitest run -c vitest.reference.config.ts test/reference/txn-producer.test.ts
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSession, type Session } from '../../src/engine/client/connect.js';
import { TransactionalProducer } from '../../src/engine/client/transactions.js';
import type { ProducerSettings } from '../../src/engine/client/producer.js';
import { createTopics, kafkaClient } from '../helpers/kafkajs.js';
import { randomGroup, randomTopic } from '../helpers/names.js';
import { waitFor } from '../helpers/wait.js';
import { testIo } from '../integration/commands/producer-helpers.js';
import { startTarget, txnTargets, type RunningTarget } from './txn-targets.js';
import { main as producerPerf } from '../../src/commands/producer-perf-test/index.js';
import { describeTransaction } from '../../src/engine/client/admin/transactions.js';

const SETTINGS: ProducerSettings = {
  acks: -1,
  idempotence: true,
  compression: 'none',
  batchSize: 16_384,
  lingerMs: 5,
  maxInFlight: 5,
  maxRequestSize: 1_048_576,
  bufferMemory: 33_554_432,
  requestTimeoutMs: 30_000,
  retries: 2_147_483_647,
  retryBackoffMs: 100,
};

/**
 * Every value of `topic` a kafkajs consumer with this isolation level reads, up to and including
 * the sentinels `last` (one per partition: partitions are read independently).
 */
async function readUntil(bootstrap: string, topic: string, readUncommitted: boolean, last: string | string[]): Promise<string[]> {
  return (await readWithPartitions(bootstrap, topic, readUncommitted, last)).map((r) => r.value);
}

async function readWithPartitions(
  bootstrap: string,
  topic: string,
  readUncommitted: boolean,
  last: string | string[],
): Promise<{ value: string; partition: number }[]> {
  const ends = typeof last === 'string' ? [last] : last;
  const consumer = kafkaClient(bootstrap).consumer({ groupId: randomGroup('txn-read'), readUncommitted });
  const seen: { value: string; partition: number }[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        seen.push({ value: message.value?.toString() ?? '', partition });
      },
    });
    const message = `${ends.join(', ')} never arrived; saw ${seen.length} records`;
    await waitFor(() => ends.every((e) => seen.some((r) => r.value === e)), { timeoutMs: 60_000, message });
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

function producerFor(session: Session, topic: string, transactionalId: string, errors: string[]): TransactionalProducer {
  return new TransactionalProducer(session, topic, SETTINGS, { transactionalId, transactionTimeoutMs: 60_000 }, {
    loadPartitions: async () => {
      const md = await (await session.cluster()).metadata([topic]);
      return md.topics[0]!.partitions.map((p) => ({ id: p.partitionIndex, leader: p.leaderId }));
    },
    onError: (_b, e) => errors.push(e),
  });
}

async function sendAll(p: TransactionalProducer, values: string[], partition = -1): Promise<void> {
  for (const v of values) await p.send(partition, Buffer.from(`k-${v}`), Buffer.from(v), [], Date.now());
}

/** One committed sentinel per partition, so a reader knows it has read each partition to the end. */
async function commitSentinels(p: TransactionalProducer, partitions: number): Promise<string[]> {
  const ends = Array.from({ length: partitions }, (_, i) => `end-${i}`);
  p.beginTransaction();
  for (let i = 0; i < partitions; i++) await sendAll(p, [ends[i]!], i);
  await p.commitTransaction();
  return ends;
}

describe.skipIf(!process.env.MQ_REFERENCE).each(txnTargets())("mq's transactional producer against %s", (target) => {
  let t: RunningTarget;
  let session: Session;
  beforeAll(async () => {
    t = await startTarget(target);
    session = await openSession({ bootstrapServer: t.bootstrap }, testIo());
  });
  afterAll(async () => {
    await session?.close();
    await t?.stop();
  });

  it('commits and aborts: read_committed sees exactly the committed records in order, read_uncommitted all', async () => {
    const topic = randomTopic('txn');
    await createTopics(t.bootstrap, [{ topic, numPartitions: 3 }]);
    const errors: string[] = [];
    const p = producerFor(session, topic, `mq-txn-${topic}`, errors);
    await p.initTransactions();
    const committed: string[] = [];
    const aborted: string[] = [];
    for (let n = 0; n < 6; n++) {
      const values = Array.from({ length: 50 }, (_, i) => `txn${n}-${i}`);
      p.beginTransaction();
      await sendAll(p, values);
      if (n % 2 === 0) {
        await p.commitTransaction();
        committed.push(...values);
      } else {
        await p.abortTransaction();
        aborted.push(...values);
      }
    }
    const ends = await commitSentinels(p, 3);
    committed.push(...ends);
    p.close();
    expect(errors).toEqual([]);

    const rcp = await readWithPartitions(t.bootstrap, topic, false, ends);
    const rc = rcp.map((r) => r.value);
    expect([...rc].sort()).toEqual([...committed].sort());
    // In order: each partition's records come in the order they were sent.
    for (const part of [0, 1, 2]) {
      const at = rcp.filter((r) => r.partition === part).map((r) => committed.indexOf(r.value));
      expect(at).toEqual([...at].sort((a, b) => a - b));
    }

    const ru = await readUntil(t.bootstrap, topic, true, ends);
    expect([...ru].sort()).toEqual([...committed, ...aborted].sort());
  });

  it('a second producer with the same transactional.id fences the first (Kafka\'s ProducerFencedException text)', async () => {
    const topic = randomTopic('fence');
    await createTopics(t.bootstrap, [{ topic, numPartitions: 1 }]);
    const id = `mq-fence-${topic}`;
    const errors: string[] = [];
    const first = producerFor(session, topic, id, errors);
    await first.initTransactions();
    first.beginTransaction();
    await sendAll(first, ['zombie-1']);
    const second = producerFor(session, topic, id, errors);
    await second.initTransactions(); // aborts the first one's open transaction and bumps the epoch
    expect(second.producerId).toBe(first.producerId);
    second.beginTransaction();
    await sendAll(second, ['second-1']);
    await second.commitTransaction();

    const commit = first.commitTransaction();
    await expect(commit).rejects.toThrow(/fence|epoch/i);
    // Once fenced, every transactional call says so in Kafka's words.
    expect(() => first.beginTransaction()).toThrow(
      new RegExp(`Producer with transactionalId '${id}' and \\(producerId=${first.producerId}, epoch=\\d+\\) (has been fenced by another producer with the same transactionalId|attempted to produce with an old epoch)`),
    );
    first.close();
    second.close();
    const rc = await readUntil(t.bootstrap, topic, false, 'second-1');
    expect(rc).toEqual(['second-1']);
  });

  it('mq-producer-perf-test --transactional-id --transaction-duration-ms: every record committed and readable with read_committed', async () => {
    const topic = randomTopic('perf-txn');
    await createTopics(t.bootstrap, [{ topic, numPartitions: 2 }]);
    const id = `mq-perf-${topic}`;
    const io = testIo();
    const args = ['--bootstrap-server', t.bootstrap, '--topic', topic, '--num-records', '3000', '--record-size', '50', '--throughput', '5000'];
    const code = await producerPerf([...args, '--transactional-id', id, '--transaction-duration-ms', '100'], io, new AbortController().signal);
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    expect(io.out()).toMatch(/^3000 records sent, [\d.]+ records\/sec/m);
    // The last transaction is committed: PrepareCommit, then CompleteCommit once the markers are written.
    const cluster = await session.cluster();
    const d = await waitFor(async () => {
      const x = await describeTransaction(cluster, id);
      return x.state === 'CompleteCommit' ? x : x.state === 'PrepareCommit' ? undefined : x;
    });
    expect(d.state).toBe('CompleteCommit');
    // Every record is readable with read_committed; a sentinel committed after them marks the end.
    const errors: string[] = [];
    const p = producerFor(session, topic, `${id}-end`, errors);
    await p.initTransactions();
    const ends = await commitSentinels(p, 2);
    p.close();
    const seen = await readUntil(t.bootstrap, topic, false, ends);
    expect(seen.length).toBe(3002);
  });
});
