/**
 * Kafka's Java transactional producer (3.9 and 4.x, through kafka-producer-perf-test
 * --transactional-id, which commits every --transaction-duration-ms) against mq's transaction
 * coordinator, Kafka's own kafka-dump-log --transaction-log-decoder reading mq's
 * `__transaction_state` segments, and kafka-transactions list / describe reading its state. Opt-in: MQ_REFERENCE=1 after scripts/reference/fetch-kafka.sh.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { createTopics } from '../helpers/kafkajs.js';
import { randomTopic } from '../helpers/names.js';
import { rawRequest } from '../helpers/raw.js';
import { readStoredBatches } from '../helpers/segments.js';
import { waitFor } from '../helpers/wait.js';
import { decodeControlBatch } from '../../src/engine/protocol/control-batch.js';
import { DescribeTransactions } from '../../src/engine/protocol/messages/65-describe-transactions.js';
import { partitionFor } from '../../src/engine/txn/partition-for.js';

describe.skipIf(!process.env.MQ_REFERENCE)("Kafka's Java transactional producer against mq's coordinator", () => {
  let b: TestBroker;
  beforeAll(async () => {
    b = await startTestBroker({ settings: { 'transaction.state.log.num.partitions': '5' } });
  });
  afterAll(async () => b?.stop());

  it.each(['3.9', '4'] as const)('Kafka %s: kafka-producer-perf-test --transactional-id commits every 100 ms; markers in the log; kafka-dump-log decodes __transaction_state', async (version) => {
    const { runKafkaTool } = await import('./kafka.js');
    const topic = randomTopic(`javatx${version.replace('.', '')}`);
    const id = `java-tx-${topic}`;
    await createTopics(b.bootstrap, [{ topic, numPartitions: 2 }]);
    const props = ['bootstrap.servers=' + b.bootstrap];
    const r = await runKafkaTool(
      version,
      'kafka-producer-perf-test',
      ['--topic', topic, '--num-records', '3000', '--record-size', '50', '--throughput', '-1', '--producer-props', ...props, '--transactional-id', id, '--transaction-duration-ms', '100'],
      { timeoutMs: 120_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^3000 records sent/m);
    const d = await waitFor(async () => {
      const x = (await rawRequest(b.bootstrap, DescribeTransactions, 0, { transactionalIds: [id] })).transactionStates[0]!;
      return x.transactionState === 'CompleteCommit' && x;
    });

    let data = 0;
    let commits = 0;
    for (const p of [0, 1]) {
      const batches = await readStoredBatches(b.dataDir, topic, p);
      for (const batch of batches) {
        if (!batch.control) {
          expect(batch.transactional).toBe(true);
          data += batch.recordCount;
          continue;
        }
        const bytes = await readFile(join(b.dataDir, 'logs', `${topic}-${p}`, batch.file));
        expect(decodeControlBatch(bytes, batch.position).controlType).toBe(1);
        expect(batch.producerId).toBe(BigInt(d.producerId));
        commits++;
      }
    }
    expect(data).toBe(3000);
    expect(commits).toBeGreaterThanOrEqual(2);

    const segment = join(b.dataDir, 'logs', `__transaction_state-${partitionFor(id, 5)}`, '00000000000000000000.log');
    const dump = await runKafkaTool(version, 'kafka-dump-log', ['--files', segment, '--transaction-log-decoder', '--print-data-log']);
    expect(dump.code, dump.stderr).toBe(0);
    // Empty (init), Ongoing, PrepareCommit and CompleteCommit records, as Kafka's coordinator writes
    // them; 3.9's decoder prints them as text, 4.x's as JSON.
    if (version === '3.9') {
      expect(dump.stdout).toContain(`key: transaction_metadata::transactionalId=${id} payload: producerId:${d.producerId},`);
      for (const state of ['Empty', 'Ongoing', 'PrepareCommit', 'CompleteCommit']) expect(dump.stdout).toContain(`state=${state},`);
    } else {
      expect(dump.stdout).toContain(`"transactionalId":"${id}"`);
      for (const status of [0, 1, 2, 4]) expect(dump.stdout).toContain(`"transactionStatus":${status}`);
    }
    expect(dump.stdout).not.toMatch(/isvalid: false|Exception/);

    // Kafka's kafka-transactions tool reads the same state through ListTransactions / DescribeTransactions.
    const cells = (out: string) => out.split('\n').filter(Boolean).map((l) => l.split('\t').map((c) => c.trim()));
    const list = await runKafkaTool(version, 'kafka-transactions', ['--bootstrap-server', b.bootstrap, 'list']);
    expect(list.code, list.stderr).toBe(0);
    expect(cells(list.stdout)[0]).toEqual(['TransactionalId', 'Coordinator', 'ProducerId', 'TransactionState', '']);
    expect(cells(list.stdout)).toContainEqual([id, '1', String(d.producerId), 'CompleteCommit', '']);
    const described = await runKafkaTool(version, 'kafka-transactions', ['--bootstrap-server', b.bootstrap, 'describe', '--transactional-id', id]);
    expect(described.code, described.stderr).toBe(0);
    const [head, row] = cells(described.stdout);
    expect(head!.slice(0, 6)).toEqual(['CoordinatorId', 'TransactionalId', 'ProducerId', 'ProducerEpoch', 'TransactionState', 'TransactionTimeoutMs']);
    expect(row!.slice(0, 6)).toEqual(['1', id, String(d.producerId), String(d.producerEpoch), 'CompleteCommit', '60000']);
    const unknown = await runKafkaTool(version, 'kafka-transactions', ['--bootstrap-server', b.bootstrap, 'describe', '--transactional-id', 'no-such-id']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stdout + unknown.stderr).toContain('because the ID could not be found');
  });
});
