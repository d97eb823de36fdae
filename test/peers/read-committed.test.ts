/**
 * librdkafka (kcat 1.7.1 / librdkafka 2.0.2, confluent-kafka-python 1.7.0) consumers against a
 * partition with committed and aborted transactions: isolation.level=read_committed returns
 * exactly the committed records in order, read_uncommitted every data record; markers never.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { createTopics } from '../helpers/kafkajs.js';
import { randomTopic } from '../helpers/names.js';
import { runOk } from '../helpers/proc.js';
import { ALL_VALUES, COMMITTED_VALUES, writeMixedTransactions, RAW_TXN_SETTINGS } from '../helpers/transactions.js';
import { decodeRecords, describeFailure, haveConfluentKafka, haveKcat, runFixture } from './peers.js';

let tb: TestBroker;
let topic: string;
beforeAll(async () => {
  if (!haveKcat || !haveConfluentKafka) throw new Error('kcat or confluent-kafka is not installed: run scripts/install-deps.sh');
  tb = await startTestBroker({ settings: RAW_TXN_SETTINGS });
  topic = randomTopic('rc');
  await createTopics(tb.bootstrap, [{ topic, numPartitions: 1 }]);
  await writeMixedTransactions(tb, topic);
});
afterAll(async () => {
  await tb?.stop();
});

describe('read_committed with librdkafka', () => {
  it.each([
    ['read_committed', COMMITTED_VALUES],
    ['read_uncommitted', ALL_VALUES],
  ])('kcat with isolation.level=%s', async (level, expected) => {
    const args = ['-b', tb.bootstrap, '-C', '-t', topic, '-e', '-o', 'beginning', '-X', 'fetch.wait.max.ms=100', '-X', `isolation.level=${level}`, '-f', '%s\\n'];
    const r = await runOk('kcat', args, { timeoutMs: 30_000 });
    expect(r.stdout.split('\n').filter(Boolean)).toEqual(expected);
  });

  it.each([
    ['read_committed', COMMITTED_VALUES],
    ['read_uncommitted', ALL_VALUES],
  ])('confluent-kafka-python with isolation.level=%s', async (level, expected) => {
    const r = await runFixture('ck_consume.py', [tb.bootstrap, topic, '-', String(expected.length), '20000', `isolation.level=${level}`]);
    expect(r.code, describeFailure(r)).toBe(0);
    const got = decodeRecords(r.stdout);
    expect(got.map((x) => x.value!.toString())).toEqual(expected);
    // The positions stepped over the markers: the offsets are the records' own.
    expect(got.at(-1)!.offset).toBe(10);
  });
});
