/**
 * Kafka's Java consumer (3.9 and 4.x, through kafka-console-consumer) against mq's broker over a
 * partition with committed and aborted transactions (opt-in: MQ_REFERENCE=1 after
 * scripts/reference/fetch-kafka.sh): --isolation-level read_committed prints exactly the committed
 * records in order, the default read_uncommitted every data record, as mq-console-consumer does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { createTopics } from '../helpers/kafkajs.js';
import { randomTopic } from '../helpers/names.js';
import { ALL_VALUES, COMMITTED_VALUES, writeMixedTransactions, RAW_TXN_SETTINGS } from '../helpers/transactions.js';
import { testIo } from '../integration/commands/producer-helpers.js';
import { main as consume } from '../../src/commands/console-consumer/index.js';

describe.skipIf(!process.env.MQ_REFERENCE)("Kafka's Java consumer with read_committed against mq", () => {
  let b: TestBroker;
  let topic: string;
  beforeAll(async () => {
    b = await startTestBroker({ settings: RAW_TXN_SETTINGS });
    topic = randomTopic('javarc');
    await createTopics(b.bootstrap, [{ topic, numPartitions: 1 }]);
    await writeMixedTransactions(b, topic);
  });
  afterAll(async () => b?.stop());

  it.each([
    ['3.9', 'read_committed', COMMITTED_VALUES],
    ['3.9', 'read_uncommitted', ALL_VALUES],
    ['4', 'read_committed', COMMITTED_VALUES],
  ] as const)('Kafka %s console consumer, %s, prints what mq-console-consumer prints', async (version, level, expected) => {
    const { runKafkaTool } = await import('./kafka.js');
    const args = ['--bootstrap-server', b.bootstrap, '--topic', topic, '--from-beginning', '--isolation-level', level, '--max-messages', String(expected.length)];
    const java = await runKafkaTool(version, 'kafka-console-consumer', args);
    expect(java.code, java.stderr).toBe(0);
    expect(java.stdout.split('\n').filter(Boolean)).toEqual(expected);
    const io = testIo();
    expect(await consume(args, io, new AbortController().signal)).toBe(0);
    expect(io.out()).toBe(java.stdout);
  }, 90_000);
});
