/**
 * Against Apache Kafka's own tools (opt-in: MQ_REFERENCE=1 after scripts/reference/fetch-kafka.sh):
 * keyed lines produced by Kafka's console producer (Java client, murmur2 partitioner) and by
 * mq-console-producer land on the same partitions in the same order; Kafka's consumer-groups
 * tool prints the same tables as mq-consumer-groups for the same group (3.9 layout, where mq
 * adds the final newline 3.8/3.9 drop and sorts rows).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { createTopics, kafkaClient } from '../helpers/kafkajs.js';
import { randomGroup, randomTopic } from '../helpers/names.js';
import { testIo } from '../integration/commands/producer-helpers.js';
import { main as produce } from '../../src/commands/console-producer/index.js';
import { main as consume } from '../../src/commands/console-consumer/index.js';
import { main as groups } from '../../src/commands/consumer-groups/index.js';

describe.skipIf(!process.env.MQ_REFERENCE)('Java client compatibility (reference Kafka tools)', () => {
  let b: TestBroker;
  beforeAll(async () => {
    b = await startTestBroker();
  });
  afterAll(async () => b?.stop());

  const partitionText = async (topic: string, p: number) => {
    const io = testIo();
    await consume(['--bootstrap-server', b.bootstrap, '--topic', topic, '--partition', String(p), '--offset', 'earliest', '--timeout-ms', '500', '--property', 'print.key=true'], io, new AbortController().signal);
    return io.out();
  };

  it.each(['3.9', '4'] as const)('keyed records: Kafka %s console producer and mq agree partition by partition', async (version) => {
    const { runKafkaTool } = await import('./kafka.js');
    const java = randomTopic('java');
    const mq = randomTopic('mq');
    await createTopics(b.bootstrap, [{ topic: java, numPartitions: 7 }, { topic: mq, numPartitions: 7 }]);
    const input = Array.from({ length: 300 }, (_, i) => `key-${i}-${(i * 7919) % 1000}:value ${i}`).join('\n') + '\n';
    const r = await runKafkaTool(version, 'kafka-console-producer', ['--bootstrap-server', b.bootstrap, '--topic', java, '--property', 'parse.key=true', '--property', 'key.separator=:'], { stdin: input });
    expect(r.code).toBe(0);
    const io = testIo(input);
    expect(await produce(['--bootstrap-server', b.bootstrap, '--topic', mq, '--property', 'parse.key=true', '--property', 'key.separator=:'], io)).toBe(0);
    let total = 0;
    for (let p = 0; p < 7; p++) {
      const a = await partitionText(java, p);
      expect(await partitionText(mq, p)).toBe(a);
      total += a.split('\n').filter(Boolean).length;
    }
    expect(total).toBe(300);
  });

  it('consumer-groups tables match Kafka 3.9 for an Empty group (offsets, members, state, list)', async () => {
    const { runKafkaTool } = await import('./kafka.js');
    const topic = randomTopic('cmp');
    const g = randomGroup('cmp');
    await createTopics(b.bootstrap, [{ topic, numPartitions: 2 }]);
    const seed = testIo('a\nb\nc\n');
    expect(await produce(['--bootstrap-server', b.bootstrap, '--topic', topic, '--input-format', 'text'], seed)).toBe(0);
    // Seed the group's offsets with a plain commit (mq refuses --reset-offsets on a group that does not exist yet).
    const admin = kafkaClient(b.bootstrap).admin();
    await admin.connect();
    await admin.setOffsets({ groupId: g, topic, partitions: [{ partition: 0, offset: '1' }, { partition: 1, offset: '1' }] });
    await admin.disconnect();
    for (const view of [['--describe'], ['--describe', '--members'], ['--describe', '--state'], ['--list', '--state', '--type'], ['--describe', '--offsets']]) {
      const args = view[0] === '--list' ? view : [...view, '--group', g];
      const k = await runKafkaTool('3.9', 'kafka-consumer-groups', ['--bootstrap-server', b.bootstrap, ...args]);
      const io = testIo();
      await groups(['--bootstrap-server', b.bootstrap, ...args], io);
      const sortRows = (s: string) => s.split('\n').filter(Boolean).sort().join('\n');
      if (view[0] === '--list') {
        // other tests' groups may be listed too: compare our group's line and the header
        const line = (s: string) => s.split('\n').filter((l) => l.startsWith('GROUP ') || l.startsWith(g + ' '));
        expect(line(io.out())).toEqual(line(k.stdout));
      } else {
        expect(sortRows(io.out())).toBe(sortRows(k.stdout));
        expect(io.err()).toBe(k.stderr);
      }
    }
  });

  it.each(['3.9', '4'] as const)('console consumer: every DefaultMessageFormatter field matches Kafka %s byte for byte', async (version) => {
    const { runKafkaTool } = await import('./kafka.js');
    const topic = randomTopic('fmt');
    await createTopics(b.bootstrap, [{ topic, numPartitions: 1 }]);
    const seed = testIo('h1:a,h2:b\tk1\tv1\nNIL\tk2\tNIL\nh:NIL\tNIL\tv3\n');
    expect(await produce(['--bootstrap-server', b.bootstrap, '--topic', topic, '--property', 'parse.key=true', '--property', 'parse.headers=true', '--property', 'null.marker=NIL'], seed)).toBe(0);
    const props = ['print.timestamp=true', 'print.partition=true', 'print.offset=true', 'print.headers=true', 'print.key=true', 'key.separator= | ', 'headers.separator=;', 'null.literal=<null>'];
    // Kafka 4.2+ deprecates --property (KIP-1147) with a notice on stdout; both accept --formatter-property.
    const pargs = props.flatMap((p) => [version === '4' ? '--formatter-property' : '--property', p]);
    const k = await runKafkaTool(version, 'kafka-console-consumer', ['--bootstrap-server', b.bootstrap, '--topic', topic, '--partition', '0', '--offset', 'earliest', '--max-messages', '3', ...pargs]);
    const io = testIo();
    expect(await consume(['--bootstrap-server', b.bootstrap, '--topic', topic, '--partition', '0', '--offset', 'earliest', '--max-messages', '3', ...pargs], io, new AbortController().signal)).toBe(0);
    // Kafka 4 adds nothing here (print.epoch is off by default).
    expect(io.out()).toBe(k.stdout);
    expect(io.err()).toBe('Processed a total of 3 messages\n');
    expect(k.stderr).toContain('Processed a total of 3 messages');
  });
});
