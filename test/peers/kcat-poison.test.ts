/**
 * Issue 12 item 1 with a third-party consumer: after a refused poison batch (negative record
 * length, gzip flag on raw records, trailing bytes), kcat (librdkafka) reads the partition to its
 * end (-e exits) and sees exactly the records of the accepted batches.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { createTopics } from '../helpers/kafkajs.js';
import { randomTopic } from '../helpers/names.js';
import { poisonBatches } from '../helpers/poison.js';
import { rawRequest } from '../helpers/raw.js';
import { runOk } from '../helpers/proc.js';
import { Produce } from '../../src/engine/protocol/messages/00-produce.js';
import { ErrorCode } from '../../src/engine/protocol/error-codes.js';
import { haveKcat } from './peers.js';

let tb: TestBroker;

beforeAll(async () => {
  if (!haveKcat) throw new Error('kcat is not installed: run scripts/install-deps.sh');
  tb = await startTestBroker();
});

afterAll(async () => {
  await tb?.stop();
});

it('kcat reaches the end of a partition after poison attempts', async () => {
  const topic = randomTopic('kcat-poison');
  await createTopics(tb.bootstrap, [{ topic }]);
  const produce = (lines: string[], codec: string) =>
    runOk('kcat', ['-b', tb.bootstrap, '-P', '-t', topic, '-p', '0', '-z', codec, '-X', 'message.timeout.ms=15000'], { stdin: lines.map((l) => `${l}\n`).join(''), timeoutMs: 30_000 });
  await produce(['a1', 'a2', 'a3'], 'none');
  const poison = poisonBatches();
  for (const name of ['negative record length', 'gzip flag on raw records', 'trailing bytes after the last record']) {
    const res = await rawRequest(tb.bootstrap, Produce, 9, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 5000,
      topicData: [{ name: topic, partitionData: [{ index: 0, records: poison[name]! }] }],
    });
    expect(res.responses[0]!.partitionResponses[0]!.errorCode, name).toBe(ErrorCode.INVALID_RECORD);
  }
  await produce(['b1', 'b2'], 'gzip');
  const r = await runOk('kcat', ['-b', tb.bootstrap, '-C', '-t', topic, '-p', '0', '-e', '-o', 'beginning', '-X', 'fetch.wait.max.ms=100'], { timeoutMs: 30_000 });
  expect(r.stdout.trim().split('\n')).toEqual(['a1', 'a2', 'a3', 'b1', 'b2']);
  expect(r.stderr).not.toMatch(/error|fail/i);
});
