/**
 * mq-transactions and Kafka's own kafka-transactions.sh print the same for the same state
 * (txn-targets.ts: Kafka 4.x and 3.9 now, mq's broker later): list, describe, describe-producers,
 * find-hanging of a hanging transaction, and abort of it by --start-offset; and Kafka's error
 * texts for an unknown transactional id and a find-hanging without scope.
 *
 *   bash scripts/reference/fetch-kafka.sh && MQ_REFERENCE=1 npx vitest run -c vitest.reference.config.ts test/reference/txn-tools.test.ts
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSession, type Session } from '../../src/engine/client/connect.js';
import { Producer, type ProducerSettings } from '../../src/engine/client/producer.js';
import { TransactionalProducer } from '../../src/engine/client/transactions.js';
import { InitProducerId } from '../../src/engine/protocol/messages/22-init-producer-id.js';
import { main as transactions } from '../../src/commands/transactions/index.js';
import { createTopics } from '../helpers/kafkajs.js';
import { randomTopic } from '../helpers/names.js';
import { testIo } from '../integration/commands/producer-helpers.js';
import { runKafkaTool } from './kafka.js';
import { describeTransaction } from '../../src/engine/client/admin/transactions.js';
import { waitFor } from '../helpers/wait.js';
import { startTarget, toolVersion, txnTargets, type RunningTarget } from './txn-targets.js';

const SETTINGS: ProducerSettings = {
  acks: -1,
  idempotence: true,
  compression: 'none',
  batchSize: 16_384,
  lingerMs: 0,
  maxInFlight: 5,
  maxRequestSize: 1_048_576,
  bufferMemory: 33_554_432,
  requestTimeoutMs: 30_000,
  retries: 10,
  retryBackoffMs: 100,
};

/** Cells of a prettyPrintTable line, without their padding (widths follow values such as durations). */
const cells = (line: string) => line.split('\t').map((c) => c.trimEnd());

describe.skipIf(!process.env.MQ_REFERENCE).each(txnTargets())('mq-transactions and kafka-transactions.sh against %s', (target) => {
  let t: RunningTarget;
  let session: Session;
  const kafkaVersion = toolVersion(target);
  const both = async (args: string[]) => {
    const k = await runKafkaTool(kafkaVersion, 'kafka-transactions', ['--bootstrap-server', t.bootstrap, ...args]);
    const io = testIo();
    const code = await transactions(['--bootstrap-server', t.bootstrap, ...args], io);
    return { kafka: k, mq: { stdout: io.out(), stderr: io.err(), code } };
  };

  beforeAll(async () => {
    t = await startTarget(target);
    session = await openSession({ bootstrapServer: t.bootstrap }, testIo());
  });
  afterAll(async () => {
    await session?.close();
    await t?.stop();
  });

  const loadPartitions = (topic: string) => async () => {
    const md = await (await session.cluster()).metadata([topic]);
    return md.topics[0]!.partitions.map((p) => ({ id: p.partitionIndex, leader: p.leaderId }));
  };

  it('list, describe and describe-producers print the same tables', async () => {
    const topic = randomTopic('txtools');
    await createTopics(t.bootstrap, [{ topic, numPartitions: 2 }]);
    const done = `mq-done-${topic}`;
    const open = `mq-open-${topic}`;
    const hooks = { loadPartitions: loadPartitions(topic), onError: () => undefined };
    const p1 = new TransactionalProducer(session, topic, SETTINGS, { transactionalId: done, transactionTimeoutMs: 60_000 }, hooks);
    await p1.initTransactions();
    p1.beginTransaction();
    await p1.send(0, null, Buffer.from('committed'), [], Date.now());
    await p1.commitTransaction();
    const p2 = new TransactionalProducer(session, topic, SETTINGS, { transactionalId: open, transactionTimeoutMs: 600_000 }, hooks);
    await p2.initTransactions();
    p2.beginTransaction();
    await p2.send(0, null, Buffer.from('open'), [], Date.now());
    await p2.send(1, null, Buffer.from('open'), [], Date.now());
    await p2.flush();

    // EndTxn answers at PrepareCommit; the markers (and CompleteCommit) follow. Both tools must see the same state.
    const cluster = await session.cluster();
    await waitFor(async () => (await describeTransaction(cluster, done)).state === 'CompleteCommit');

    const list = await both(['list']);
    expect(list.mq.code).toBe(0);
    expect(list.kafka.code).toBe(0);
    const ours = (s: string) => s.split('\n').filter((l) => l.startsWith('TransactionalId') || l.includes(topic)).sort();
    expect(ours(list.mq.stdout)).toEqual(ours(list.kafka.stdout));
    expect(ours(list.mq.stdout).length).toBe(3);

    for (const id of [done, open]) {
      const d = await both(['describe', '--transactional-id', id]);
      expect(d.mq.code).toBe(0);
      expect(d.kafka.code).toBe(0);
      // TransactionDurationMs is "now - start": it moves between the two runs.
      const rows = (s: string) => s.split('\n').filter(Boolean).map((l) => cells(l).filter((_, i) => i !== 7));
      expect(rows(d.mq.stdout)).toEqual(rows(d.kafka.stdout));
      expect(d.mq.stdout.split('\n')[0]).toBe(d.kafka.stdout.split('\n')[0]);
    }

    for (const partition of ['0', '1']) {
      const dp = await both(['describe-producers', '--topic', topic, '--partition', partition]);
      expect(dp.mq.code).toBe(0);
      expect(dp.mq.stdout).toBe(dp.kafka.stdout);
    }
    await p2.abortTransaction();
    p1.close();
    p2.close();
  });

  it('find-hanging finds a transaction its coordinator never heard of; abort --start-offset closes it', async () => {
    const topic = randomTopic('hang');
    await createTopics(t.bootstrap, [{ topic, numPartitions: 1 }]);
    // A hanging transaction: transactional batches from a producer whose coordinator was never
    // told of the partition (no AddPartitionsToTxn), which the target must be configured to accept.
    const id = `mq-hang-${topic}`;
    const coord = await (await session.cluster()).coordinator(id, 1);
    const init = await coord.request(InitProducerId, { transactionalId: id, transactionTimeoutMs: 60_000 });
    expect(init.errorCode).toBe(0);
    const errors: string[] = [];
    const zombie = new Producer(session, topic, SETTINGS, {
      loadPartitions: loadPartitions(topic),
      onError: (_b, e) => errors.push(e),
      transaction: {
        transactionalId: id,
        identity: () => ({ producerId: init.producerId, producerEpoch: init.producerEpoch }),
        addPartitions: async () => undefined,
      },
    });
    await zombie.init();
    for (let i = 0; i < 3; i++) await zombie.send(0, null, Buffer.from(`hanging-${i}`), [], Date.now());
    await zombie.flush();
    zombie.close();
    expect(errors).toEqual([]);

    const scope = ['--topic', topic, '--max-transaction-timeout', '0'];
    const found = await both(['find-hanging', ...scope]);
    expect(found.kafka.code).toBe(0);
    expect(found.mq.code).toBe(0);
    expect(found.mq.stdout).toBe(found.kafka.stdout);
    const rows = found.mq.stdout.split('\n').filter(Boolean);
    expect(rows.length).toBe(2);
    const startOffset = cells(rows[1]!)[5]!;
    expect(startOffset).toBe('0');
    expect((await both(['find-hanging', '--broker-id', String(t.nodeId), '--max-transaction-timeout', '0'])).mq.stdout).toContain(topic);

    const io = testIo();
    expect(await transactions(['--bootstrap-server', t.bootstrap, 'abort', '--topic', topic, '--partition', '0', '--start-offset', startOffset], io)).toBe(0);
    expect(io.err()).toBe('');
    const after = await both(['find-hanging', ...scope]);
    expect(after.mq.stdout).toBe(after.kafka.stdout);
    expect(after.mq.stdout.split('\n').filter(Boolean).length).toBe(1);
    const producers = await both(['describe-producers', '--topic', topic, '--partition', '0']);
    expect(producers.mq.stdout).toBe(producers.kafka.stdout);
    expect(cells(producers.mq.stdout.split('\n')[1]!)[5]).toBe('None');

    // Nothing open at that offset any more: both tools refuse alike.
    const again = await both(['abort', '--topic', topic, '--partition', '0', '--start-offset', startOffset]);
    expect(again.kafka.code).toBe(1);
    expect(again.mq.code).toBe(1);
    expect(again.mq.stderr).toBe(again.kafka.stderr);
  });

  it("errors: Kafka's texts and exit code 1", async () => {
    const unknown = await both(['describe', '--transactional-id', 'no-such-transactional-id']);
    expect(unknown.kafka.code).toBe(1);
    expect(unknown.mq.code).toBe(1);
    expect(unknown.mq.stderr).toBe(unknown.kafka.stderr);
    const unscoped = await both(['find-hanging']);
    expect(unscoped.mq.code).toBe(1);
    expect(unscoped.mq.stderr).toBe(unscoped.kafka.stderr);
    const unidentified = await both(['abort', '--topic', 't', '--partition', '0']);
    expect(unidentified.mq.code).toBe(1);
    expect(unidentified.mq.stderr).toBe(unidentified.kafka.stderr);
  });
});
