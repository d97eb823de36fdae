/**
 * mq-delete-records and mq-dump-log as Kafka's kafka-delete-records and kafka-dump-log: the built
 * tools, spawned against a broker's data (an in-process broker over a data dir of the test's).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../helpers/proc.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { createTopics, kafkaClient } from '../helpers/kafkajs.js';

const root = join(import.meta.dirname, '../..');
const tool = (name: string, args: string[]) => run(process.execPath, [join(root, 'bin', `${name}.js`), ...args], { env: { MQ_DEBUG: undefined, NO_COLOR: '1' } });

const dir = mkdtempSync(join(tmpdir(), 'mq-e2e-records-'));
const dataDir = join(dir, 'data');
let b: TestBroker;
beforeAll(async () => {
  b = await startTestBroker({ dataDir });
  // index.interval.bytes=1: an offset index entry for every batch, so the .index dump has lines.
  await createTopics(b.bootstrap, [
    { topic: 'dl', numPartitions: 1, configEntries: [{ name: 'index.interval.bytes', value: '1' }] },
    { topic: 'del', numPartitions: 2 },
  ]);
  const p = kafkaClient(b.bootstrap).producer();
  await p.connect();
  await p.send({ topic: 'dl', messages: [{ key: 'k1', value: 'hello', timestamp: '1700000000000', headers: { h1: 'x', h2: 'y' } }, { value: 'world', timestamp: '1700000000001' }] });
  await p.send({ topic: 'dl', messages: [{ key: 'k3', value: 'three', timestamp: '1700000000005' }] });
  await p.send({ topic: 'del', messages: [0, 1, 2, 3, 4].map((i) => ({ value: `v${i}`, partition: 0 })) });
  await p.send({ topic: 'del', messages: [0, 1].map((i) => ({ value: `w${i}`, partition: 1 })) });
  await p.disconnect();
});
afterAll(async () => {
  await b?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('mq-delete-records', () => {
  it('deletes records below the offsets of the JSON file and prints the low watermarks as Kafka does', async () => {
    const file = join(dir, 'offsets.json');
    writeFileSync(file, JSON.stringify({ partitions: [{ topic: 'del', partition: 0, offset: 3 }, { topic: 'del', partition: 1, offset: -1 }, { topic: 'no-such', partition: 0, offset: 1 }], version: 1 }));
    const r = await tool('mq-delete-records', ['--bootstrap-server', b.bootstrap, '--offset-json-file', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'Executing records delete operation\n'
        + 'Records delete operation completed:\n'
        + 'partition: del-0\tlow_watermark: 3\n'
        + 'partition: del-1\tlow_watermark: 2\n'
        + 'partition: no-such-0\terror: This server does not host this topic-partition.\n',
    );
    const earliest = await tool('mq-get-offsets', ['--bootstrap-server', b.bootstrap, '--topic', 'del', '--time', 'earliest']);
    expect(earliest.stdout).toBe('del:0:3\ndel:1:2\n');

    const again = join(dir, 'again.json');
    writeFileSync(again, '{"partitions":[{"topic":"del","partition":0,"offset":3}]}');
    const json = await tool('mq-delete-records', ['--bootstrap-server', b.bootstrap, '--offset-json-file', again, '--output', 'json']);
    expect(JSON.parse(json.stdout)).toEqual({ partitions: [{ topic: 'del', partition: 0, lowWatermark: 3 }] });

    const beyond = join(dir, 'beyond.json');
    writeFileSync(beyond, '{"partitions":[{"topic":"del","partition":0,"offset":99}],"version":1}');
    expect((await tool('mq-delete-records', ['--bootstrap-server', b.bootstrap, '--offset-json-file', beyond])).stdout).toContain(
      'partition: del-0\terror: The requested offset is not within the range of offsets maintained by the server.\n',
    );
    // --kafka-errors: Kafka's text, with the exception's class name.
    expect((await tool('mq-delete-records', ['--bootstrap-server', b.bootstrap, '--offset-json-file', beyond, '--kafka-errors'])).stdout).toContain(
      'partition: del-0\terror: org.apache.kafka.common.errors.OffsetOutOfRangeException: The requested offset is not within the range of offsets maintained by the server.\n',
    );
  });

  it("refuses a bad offset file with Kafka's messages", async () => {
    const write = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const cases: Array<[string, string]> = [
      ['{"partitions":[{"topic":"del","partition":0,"offset":1},{"topic":"del","partition":0,"offset":2}],"version":1}', 'Offset json file contains duplicate topic partitions: del-0'],
      ['{"version":1}', 'Missing partitions field'],
      ['{"partitions":[],"version":2}', 'Not supported version field value 2'],
      ['not json', 'The input string is not a valid JSON'],
    ];
    for (const [i, [text, message]] of cases.entries()) {
      const r = await tool('mq-delete-records', ['--bootstrap-server', b.bootstrap, '--offset-json-file', write(`bad-${i}.json`, text)]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(message);
    }
    const missing = await tool('mq-delete-records', ['--bootstrap-server', b.bootstrap]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Missing required argument "[offset-json-file]"');
  });
});

describe('mq-dump-log', () => {
  const segment = (suffix: string) => join(dataDir, 'logs', 'dl-0', `00000000000000000000${suffix}`);
  const batch = (base: number, last: number, count: number, position: number, ts: number, crcSize = '\\d+') =>
    new RegExp(
      `^baseOffset: ${base} lastOffset: ${last} count: ${count} baseSequence: -?\\d+ lastSequence: -?\\d+ producerId: -?\\d+ producerEpoch: -?\\d+ `
        + `partitionLeaderEpoch: 0 isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty position: ${position} CreateTime: ${ts} `
        + `size: ${crcSize} magic: 2 compresscodec: none crc: \\d+ isvalid: true$`,
    );

  it('prints batches, and records with --deep-iteration and --print-data-log, in Kafka\'s lines', async () => {
    const shallow = await tool('mq-dump-log', ['--files', segment('.log')]);
    expect(shallow.code).toBe(0);
    const lines = shallow.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 2)).toEqual([`Dumping ${segment('.log')}`, 'Log starting offset: 0']);
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatch(batch(0, 1, 2, 0, 1700000000001));
    const firstSize = Number(/ size: (\d+) /.exec(lines[2]!)![1]);
    expect(lines[3]).toMatch(batch(2, 2, 1, firstSize, 1700000000005));

    const data = await tool('mq-dump-log', ['--files', segment('.log'), '--print-data-log']);
    // kafkajs numbers each batch's records from base sequence 0 (producer id -1: no idempotence).
    const records = data.stdout.split('\n').filter((l) => l.startsWith('|'));
    expect(records).toEqual([
      '| offset: 0 CreateTime: 1700000000000 keySize: 2 valueSize: 5 sequence: 0 headerKeys: [h1,h2] key: k1 payload: hello',
      '| offset: 1 CreateTime: 1700000000001 keySize: -1 valueSize: 5 sequence: 1 headerKeys: [] payload: world',
      '| offset: 2 CreateTime: 1700000000005 keySize: 2 valueSize: 5 sequence: 0 headerKeys: [] key: k3 payload: three',
    ]);
    const deep = await tool('mq-dump-log', ['--files', segment('.log'), '--deep-iteration']);
    expect(deep.stdout.split('\n').filter((l) => l.startsWith('|'))[0]).toBe('| offset: 0 CreateTime: 1700000000000 keySize: 2 valueSize: 5 sequence: 0 headerKeys: [h1,h2]');
  });

  it('dumps the .index and .timeindex of a closed segment, and skips other files', async () => {
    const log = await tool('mq-dump-log', ['--files', segment('.log')]);
    const secondPosition = Number(/position: (\d+) CreateTime: 1700000000005/.exec(log.stdout)![1]);
    // Index files are written when the segment is closed. As in Kafka's LogSegment.append, the first
    // batch gets no entry (an entry needs more than index.interval.bytes since the last one).
    await b.stop();
    const r = await tool('mq-dump-log', ['--files', [segment('.index'), segment('.timeindex'), join(dataDir, 'logs', 'dl-0', 'partition.metadata')].join(',')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `Dumping ${segment('.index')}\n`
        + `offset: 2 position: ${secondPosition}\n`
        + `Dumping ${segment('.timeindex')}\n`
        + 'timestamp: 1700000000005 offset: 2\n'
        + `Dumping ${join(dataDir, 'logs', 'dl-0', 'partition.metadata')}\n`,
    );
    expect(r.stderr).toBe(`Ignoring unknown file ${join(dataDir, 'logs', 'dl-0', 'partition.metadata')}\n`);

    const gone = await tool('mq-dump-log', ['--files', join(dir, '00000000000000000000.log')]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(`${join(dir, '00000000000000000000.log')} (No such file or directory)`);

    const missing = await tool('mq-dump-log', ['--print-data-log']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Missing required argument "[files]"');
  });
});
