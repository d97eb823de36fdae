/**
 * mq-get-offsets against an in-process broker: latest/earliest/timestamps, filters, sorting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../../src/cli/io.js';
import { main } from '../../../src/commands/get-offsets/index.js';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { randomTopic } from '../../helpers/names.js';
import { createTopics, kafkaClient } from '../../helpers/kafkajs.js';

let b: TestBroker;
let t: string;
beforeAll(async () => {
  b = await startTestBroker();
  t = randomTopic('off');
  await createTopics(b.bootstrap, [{ topic: t, numPartitions: 12 }]);
  const p = kafkaClient(b.bootstrap).producer();
  await p.connect();
  await p.send({ topic: t, messages: [{ value: 'a', partition: 0, timestamp: '1000' }, { value: 'b', partition: 0, timestamp: '2000' }, { value: 'c', partition: 2, timestamp: '3000' }] });
  await p.disconnect();
});
afterAll(async () => {
  await b?.stop();
});

async function offsets(args: string[]) {
  const cap = captureIo({ env: {} });
  const code = await main([...args, '--bootstrap-server', b.bootstrap], cap.io);
  return { code, stdout: cap.stdout(), stderr: cap.stderr() };
}

describe('mq-get-offsets', () => {
  it('prints latest offsets sorted as topic-partition strings', async () => {
    const r = await offsets(['--topic', t]);
    expect(r.code).toBe(0);
    const order = [0, 1, 10, 11, 2, 3, 4, 5, 6, 7, 8, 9];
    expect(r.stdout).toBe(order.map((p) => `${t}:${p}:${p === 0 ? 2 : p === 2 ? 1 : 0}\n`).join(''));
  });

  it('filters with --partitions and --topic-partitions', async () => {
    expect((await offsets(['--topic', t, '--partitions', '0,2'])).stdout).toBe(`${t}:0:2\n${t}:2:1\n`);
    expect((await offsets(['--topic-partitions', `${t}:1-3`])).stdout).toBe(`${t}:1:0\n${t}:2:1\n`);
    expect((await offsets(['--topic-partitions', `${t}:0`, '--time', 'earliest'])).stdout).toBe(`${t}:0:0\n`);
  });

  it('finds offsets by timestamp and leaves out unknown ones', async () => {
    expect((await offsets(['--topic', t, '--partitions', '0', '--time', '1500'])).stdout).toBe(`${t}:0:1\n`);
    expect((await offsets(['--topic', t, '--partitions', '0', '--time', '9999999'])).stdout).toBe('');
    expect((await offsets(['--topic', t, '--partitions', '0', '--time', 'max-timestamp'])).stdout).toBe(`${t}:0:1\n`);
  });

  it('prints JSON', async () => {
    const r = await offsets(['--topic', t, '--partitions', '0', '--output', 'json']);
    expect(JSON.parse(r.stdout)).toEqual({ offsets: [{ topic: t, partition: 0, offset: 2 }] });
  });
});
