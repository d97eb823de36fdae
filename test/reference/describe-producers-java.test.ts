/**
 * Kafka's own kafka-transactions.sh describe-producers (TransactionsCommand, 3.9 and 4.x; the
 * Java admin client's describeProducers) against mq's broker (opt-in: MQ_REFERENCE=1 after
 * scripts/reference/fetch-kafka.sh): mq's DescribeProducers answer decodes, and each producer's
 * epoch, coordinator epoch, last sequence, last timestamp and open transaction are what the log
 * holds.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { createTopics } from '../helpers/kafkajs.js';
import { randomTopic } from '../helpers/names.js';
import { writeMixedTransactions, RAW_TXN_SETTINGS, RAW_TXN_ID } from '../helpers/transactions.js';
import { rawRequest } from '../helpers/raw.js';
import { makeBatch } from '../unit/log/batch-builder.js';
import { Produce } from '../../src/engine/protocol/messages/00-produce.js';
import { InitProducerId } from '../../src/engine/protocol/messages/22-init-producer-id.js';

const execFileP = promisify(execFile);

describe.skipIf(!process.env.MQ_REFERENCE)("Kafka's kafka-transactions describe-producers against mq", () => {
  let b: TestBroker;
  let topic: string;
  let open: number;
  beforeAll(async () => {
    b = await startTestBroker({ settings: RAW_TXN_SETTINGS });
    topic = randomTopic('dp');
    await createTopics(b.bootstrap, [{ topic, numPartitions: 1 }]);
    await writeMixedTransactions(b, topic); // offsets 0-10, three producers, every transaction ended
    const init = await rawRequest(b.bootstrap, InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 });
    open = init.producerId;
    const records = makeBatch([{ value: 'o1', timestamp: 1_700_000_000_500 }, { value: 'o2', timestamp: 1_700_000_000_500 }], {
      producerId: open,
      producerEpoch: init.producerEpoch,
      baseSequence: 0,
      transactional: true,
    });
    const topicData = [{ name: topic, partitionData: [{ index: 0, records }] }];
    await rawRequest(b.bootstrap, Produce, 9, { transactionalId: RAW_TXN_ID, acks: -1, timeoutMs: 5000, topicData }); // 11-12, open
  });
  afterAll(async () => b?.stop());

  it.each(['3.9', '4'] as const)('Kafka %s prints every producer with its open transaction', async (version) => {
    const { kafkaClasspath } = await import('./kafka.js');
    const args = ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-cp', kafkaClasspath(version), 'org.apache.kafka.tools.TransactionsCommand'];
    const cmd = ['--bootstrap-server', b.bootstrap, 'describe-producers', '--topic', topic, '--partition', '0'];
    const r = await execFileP('java', [...args, ...cmd], { timeout: 60_000 }).catch((e: { stderr?: string; message?: string }) => {
      throw new Error(`kafka-transactions failed: ${e.stderr ?? e.message ?? ''}`);
    });
    const lines = r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/));
    expect(lines[0]).toEqual(['ProducerId', 'ProducerEpoch', 'LatestCoordinatorEpoch', 'LastSequence', 'LastTimestamp', 'CurrentTransactionStartOffset']);
    const rows = new Map(lines.slice(1).map((cells) => [Number(cells[0]), cells.slice(1)]));
    expect(rows.size).toBe(4);
    const log = b.broker.services.log.partition(topic, 0)!;
    for (const e of log.producerState()) {
      const last = e.batches.at(-1)?.lastSeq ?? -1;
      const txnStart = e.currentTxnFirstOffset >= 0 ? String(e.currentTxnFirstOffset) : 'None';
      const want = [String(e.epoch), String(e.coordinatorEpoch), String(last), String(e.lastTimestamp), txnStart];
      expect(rows.get(e.producerId), String(e.producerId)).toEqual(want);
    }
    expect(rows.get(open)).toEqual(['0', '-1', '1', '1700000000500', '11']);
  }, 90_000);
});
