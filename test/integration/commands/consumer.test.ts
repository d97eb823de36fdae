import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { createTopics } from '../../helpers/kafkajs.js';
import { randomGroup, randomTopic } from '../../helpers/names.js';
import { waitFor } from '../../helpers/wait.js';
import { main as produce } from '../../../src/commands/console-producer/index.js';
import { main as consume } from '../../../src/commands/console-consumer/index.js';
import { testIo } from './producer-helpers.js';

let b: TestBroker;
beforeAll(async () => {
  b = await startTestBroker();
});
afterAll(async () => b?.stop());

async function seed(topic: string, input: string, extra: string[] = [], partitions = 1) {
  await createTopics(b.bootstrap, [{ topic, numPartitions: partitions }]);
  const io = testIo(input);
  const code = await produce(['--bootstrap-server', b.bootstrap, '--topic', topic, ...extra], io);
  expect(io.err()).toBe('');
  expect(code).toBe(0);
}

const never = new AbortController().signal;

describe('mq-console-consumer', () => {
  it('--partition --offset earliest with formatter properties (manual assignment)', async () => {
    const topic = randomTopic();
    await seed(topic, 'h:1\tk1\tv1\nNULL\tk2\tv2\n', ['--property', 'parse.key=true', '--property', 'parse.headers=true', '--property', 'null.marker=NULL']);
    const io = testIo();
    const code = await consume(
      ['--bootstrap-server', b.bootstrap, '--topic', topic, '--partition', '0', '--offset', 'earliest', '--max-messages', '2',
        '--property', 'print.key=true', '--property', 'print.offset=true', '--property', 'print.partition=true', '--property', 'print.headers=true'],
      io, never,
    );
    expect(code).toBe(0);
    expect(io.out()).toBe('Partition:0\tOffset:0\th:1\tk1\tv1\nPartition:0\tOffset:1\tNO_HEADERS\tk2\tv2\n');
    expect(io.err()).toBe('Processed a total of 2 messages\n');
  });

  it('--offset n, --timeout-ms ends when nothing more arrives', async () => {
    const topic = randomTopic();
    await seed(topic, 'a\nb\nc\n');
    const io = testIo();
    const code = await consume(['--bootstrap-server', b.bootstrap, '--topic', topic, '--partition', '0', '--offset', '1', '--timeout-ms', '300'], io, never);
    expect(code).toBe(0);
    expect(io.out()).toBe('b\nc\n');
    expect(io.err()).toBe('Processed a total of 2 messages\n'); // issue 10: --timeout-ms is a normal end, no ERROR line
  });

  it('--output json: binary values base64-marked, and the producer reads it back', async () => {
    const topic = randomTopic();
    await seed(topic, JSON.stringify({ key: '/w==', keyEncoding: 'base64', value: 'x', headers: [{ key: 'a', value: '1' }, { key: 'b', value: null }, { key: 'a', value: '2' }] }) + '\n', ['--input-format', 'json']);
    const io = testIo();
    expect(await consume(['--bootstrap-server', b.bootstrap, '--topic', topic, '--partition', '0', '--offset', 'earliest', '--max-messages', '1', '--output', 'json'], io, never)).toBe(0);
    const rec = JSON.parse(io.out());
    expect(rec).toMatchObject({ topic, partition: 0, offset: 0, key: '/w==', keyEncoding: 'base64', value: 'x', headers: [{ key: 'a', value: '1' }, { key: 'b', value: null }, { key: 'a', value: '2' }] });
    expect(typeof rec.timestamp).toBe('number');
    const copy = randomTopic();
    await seed(copy, io.out(), ['--input-format', 'json']);
    const io2 = testIo();
    expect(await consume(['--bootstrap-server', b.bootstrap, '--topic', copy, '--partition', '0', '--offset', 'earliest', '--max-messages', '1', '--output', 'json'], io2, never)).toBe(0);
    expect({ ...JSON.parse(io2.out()), topic }).toEqual(rec);
  });

  it('group consumer: --from-beginning with --group commits only what it printed', async () => {
    const topic = randomTopic();
    const group = randomGroup();
    await seed(topic, Array.from({ length: 10 }, (_, i) => `m${i}`).join('\n'), [], 1);
    const io = testIo();
    expect(await consume(['--bootstrap-server', b.bootstrap, '--topic', topic, '--group', group, '--from-beginning', '--max-messages', '4'], io, never)).toBe(0);
    expect(io.out()).toBe('m0\nm1\nm2\nm3\n');
    const io2 = testIo();
    expect(await consume(['--bootstrap-server', b.bootstrap, '--topic', topic, '--group', group, '--max-messages', '6'], io2, never)).toBe(0);
    expect(io2.out()).toBe('m4\nm5\nm6\nm7\nm8\nm9\n');
    expect(io2.err()).toBe('Processed a total of 6 messages\n');
  });

  it('stops cleanly on abort (SIGINT) with the summary, exit 0', async () => {
    const topic = randomTopic();
    await seed(topic, 'x\n');
    const ac = new AbortController();
    const io = testIo();
    const p = consume(['--bootstrap-server', b.bootstrap, '--topic', topic, '--from-beginning'], io, ac.signal);
    await waitFor(() => io.out().includes('x\n'), { timeoutMs: 20_000, message: 'the record printed' });
    ac.abort();
    expect(await p).toBe(0);
    expect(io.out()).toBe('x\n');
    expect(io.err()).toBe('Processed a total of 1 messages\n');
  });

  it('--include regex reads every matching topic', async () => {
    const prefix = randomTopic('inc');
    await seed(`${prefix}-a`, 'A\n');
    await seed(`${prefix}-b`, 'B\n');
    const io = testIo();
    expect(await consume(['--bootstrap-server', b.bootstrap, '--include', `${prefix}-.*`, '--from-beginning', '--max-messages', '2'], io, never)).toBe(0);
    expect(io.out().split('\n').filter(Boolean).sort()).toEqual(['A', 'B']);
  });

  it('every formatter field, and --output json shows the same records', async () => {
    const topic = randomTopic();
    await seed(topic, 'h1:a,h2:b\tk\tv\nNO\tk2\tNO\n', ['--property', 'parse.key=true', '--property', 'parse.headers=true', '--property', 'null.marker=NO'], 1);
    const args = ['--bootstrap-server', b.bootstrap, '--topic', topic, '--partition', '0', '--offset', 'earliest', '--max-messages', '2'];
    const text = testIo();
    expect(
      await consume(
        [...args, '--property', 'print.timestamp=true', '--property', 'print.partition=true', '--property', 'print.offset=true', '--property', 'print.headers=true', '--property', 'print.key=true',
          '--property', 'key.separator= | ', '--property', 'line.separator=;\n', '--property', 'headers.separator=&', '--property', 'null.literal=<null>'],
        text,
        never,
      ),
    ).toBe(0);
    const json = testIo();
    expect(await consume([...args, '--output', 'json'], json, never)).toBe(0);
    const recs = json.out().trim().split('\n').map((l) => JSON.parse(l));
    expect(recs.map((r) => ({ ...r, timestamp: 0 }))).toEqual([
      { topic, partition: 0, offset: 0, timestamp: 0, key: 'k', value: 'v', headers: [{ key: 'h1', value: 'a' }, { key: 'h2', value: 'b' }] },
      { topic, partition: 0, offset: 1, timestamp: 0, key: 'k2', value: null, headers: [] },
    ]);
    expect(text.out()).toBe(
      `CreateTime:${recs[0].timestamp} | Partition:0 | Offset:0 | h1:a&h2:b | k | v;\n` + `CreateTime:${recs[1].timestamp} | Partition:0 | Offset:1 | NO_HEADERS | k2 | <null>;\n`,
    );
  });

  it('without --group: a console-consumer-<n> group that commits nothing', async () => {
    const topic = randomTopic();
    await seed(topic, 'a\nb\n');
    const io = testIo();
    expect(await consume(['--bootstrap-server', b.bootstrap, '--topic', topic, '--from-beginning', '--max-messages', '2'], io, never)).toBe(0);
    const { main: groups } = await import('../../../src/commands/consumer-groups/index.js');
    const list = testIo();
    expect(await groups(['--bootstrap-server', b.bootstrap, '--list', '--output', 'json'], list)).toBe(0);
    const names: string[] = JSON.parse(list.out()).groups.map((g: { group: string }) => g.group).filter((g: string) => /^console-consumer-\d{1,5}$/.test(g));
    for (const g of names) {
      const d = testIo();
      await groups(['--bootstrap-server', b.bootstrap, '--describe', '--group', g, '--output', 'json'], d);
      const doc = JSON.parse(d.out()).groups[0];
      expect((doc.offsets ?? []).filter((o: { topic: string }) => o.topic === topic)).toEqual([]);
    }
  });
});
