import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { createTopics } from '../../helpers/kafkajs.js';
import { randomTopic } from '../../helpers/names.js';
import { main } from '../../../src/commands/console-producer/index.js';
import { partitionForKey } from '../../../src/engine/client/partitioner.js';
import { testIo, storedRecords } from './producer-helpers.js';

let b: TestBroker;
beforeAll(async () => {
  b = await startTestBroker();
});
afterAll(async () => b?.stop());

describe('mq-console-producer', () => {
  it('keyed lines land on the murmur2 partition; values, keys and order kept', async () => {
    const topic = randomTopic();
    await createTopics(b.bootstrap, [{ topic, numPartitions: 3 }]);
    const lines = Array.from({ length: 300 }, (_, i) => `key-${i % 17}\tvalue-${i}`);
    const io = testIo(lines.join('\n') + '\n');
    const code = await main(['--bootstrap-server', b.bootstrap, '--topic', topic, '--property', 'parse.key=true'], io);
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    let total = 0;
    for (let p = 0; p < 3; p++) {
      const recs = await storedRecords(b.dataDir, topic, p);
      total += recs.length;
      for (const r of recs) expect(partitionForKey(r.key!, 3)).toBe(p);
      // per key, order is kept
      const byKey = new Map<string, number[]>();
      for (const r of recs) {
        const k = r.key!.toString();
        byKey.set(k, [...(byKey.get(k) ?? []), Number(r.value!.toString().slice(6))]);
      }
      for (const seq of byKey.values()) expect(seq).toEqual([...seq].sort((a, c) => a - c));
    }
    expect(total).toBe(300);
  });

  it('headers (order, repeats, null marker), every codec, --sync', async () => {
    for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
      const topic = randomTopic();
      await createTopics(b.bootstrap, [{ topic }]);
      const io = testIo('a:1,b:2,a:3\tk1\tv1\nb:NULL\tNULL\tv2\r\nNULL\tk3\tNULL');
      const code = await main(
        ['--bootstrap-server', b.bootstrap, '--topic', topic, '--compression-codec', codec, '--sync',
          '--property', 'parse.key=true', '--property', 'parse.headers=true', '--property', 'null.marker=NULL'],
        io,
      );
      expect(io.err()).toBe('');
      expect(code).toBe(0);
      const recs = await storedRecords(b.dataDir, topic, 0);
      expect(recs.map((r) => [r.key?.toString() ?? null, r.value?.toString() ?? null, r.headers.map((h) => [h.key, h.value?.toString() ?? null])])).toEqual([
        ['k1', 'v1', [['a', '1'], ['b', '2'], ['a', '3']]],
        [null, 'v2', [['b', null]]],
        ['k3', null, []],
      ]);
    }
  });

  it('a malformed line stops with Kafka\'s message and line number; earlier lines are sent', async () => {
    const topic = randomTopic();
    await createTopics(b.bootstrap, [{ topic }]);
    const io = testIo('k\tv\nbroken line\nk2\tv2\n');
    const code = await main(['--bootstrap-server', b.bootstrap, '--topic', topic, '--property', 'parse.key=true'], io);
    expect(code).toBe(1);
    expect(io.err()).toBe("No key separator found on line number 2: 'broken line'\n");
    expect((await storedRecords(b.dataDir, topic, 0)).length).toBe(1);
  });

  it('--input-format json keeps partitions, keys, headers and binary bytes', async () => {
    const topic = randomTopic();
    await createTopics(b.bootstrap, [{ topic, numPartitions: 2 }]);
    const input = [
      { topic: 'x', partition: 1, offset: 9, timestamp: 1700000000000, key: '/w==', keyEncoding: 'base64', value: 'v', headers: [{ key: 'h', value: null }] },
      { partition: 0, key: null, value: 'plain' },
    ].map((o) => JSON.stringify(o)).join('\n');
    const io = testIo(input);
    expect(await main(['--bootstrap-server', b.bootstrap, '--topic', topic, '--input-format', 'json'], io)).toBe(0);
    const p1 = await storedRecords(b.dataDir, topic, 1);
    expect(p1).toHaveLength(1);
    expect([...p1[0]!.key!]).toEqual([255]);
    expect(p1[0]!.timestamp).toBe(1700000000000n);
    expect(p1[0]!.headers).toEqual([{ key: 'h', value: null }]);
    expect((await storedRecords(b.dataDir, topic, 0)).map((r) => r.value!.toString())).toEqual(['plain']);
  });

  it('prints the ">" prompt only when stdin and stdout are terminals (before every read, EOF included)', async () => {
    const topic = randomTopic();
    await createTopics(b.bootstrap, [{ topic }]);
    const tty = testIo('a\nb\n');
    (tty.stdin as { isTTY?: boolean }).isTTY = true;
    (tty.stdout as { isTTY?: boolean }).isTTY = true;
    expect(await main(['--bootstrap-server', b.bootstrap, '--topic', topic, '--timeout', '10'], tty)).toBe(0);
    expect(tty.out()).toBe('>>>');
    const piped = testIo('c\n');
    (piped.stdout as { isTTY?: boolean }).isTTY = true;
    expect(await main(['--bootstrap-server', b.bootstrap, '--topic', topic], piped)).toBe(0);
    expect(piped.out()).toBe('');
    expect((await storedRecords(b.dataDir, topic, 0)).map((r) => r.value!.toString())).toEqual(['a', 'b', 'c']);
  });

  it('--help lists Kafka\'s flags on stdout and exits 0', async () => {
    const io = testIo();
    expect(await main(['--help'], io)).toBe(0);
    for (const flag of ['--topic', '--bootstrap-server', '--sync', '--compression-codec', '--batch-size', '--timeout', '--request-required-acks', '--property', '--reader-config', '--producer-property', '--producer.config', '--input-format']) {
      expect(io.out()).toContain(flag);
    }
    expect(io.out()).toContain('This tool helps to read data from standard input and publish it to Kafka.');
  });
});
