/**
 * mq-producer-perf-test and mq-consumer-perf-test against an in-process broker: Kafka's output
 * lines (numbers by regex, text exact), exact record counts checked through kafkajs' admin,
 * loose throttling, and wrong invocations with Kafka's messages and exit 1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { createTopics, kafkaClient } from '../../helpers/kafkajs.js';
import { randomGroup, randomTopic } from '../../helpers/names.js';
import { testIo } from './producer-helpers.js';
import { main as producerPerf } from '../../../src/commands/producer-perf-test/index.js';
import { main as consumerPerf } from '../../../src/commands/consumer-perf-test/index.js';

let b: TestBroker;
const signal = new AbortController().signal;
const produce = (args: string[]) => run(producerPerf, ['--bootstrap-server', b.bootstrap, ...args]);
const consume = (args: string[]) => run(consumerPerf, ['--bootstrap-server', b.bootstrap, ...args]);

async function run(main: typeof producerPerf, args: string[]) {
  const io = testIo();
  const code = await main(args, io, signal);
  return { code, out: io.out(), err: io.err() };
}

async function endOffsets(topic: string): Promise<number> {
  const admin = kafkaClient(b.bootstrap).admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

async function committed(group: string, topic: string): Promise<number> {
  const admin = kafkaClient(b.bootstrap).admin();
  await admin.connect();
  try {
    const [t] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return t!.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
  } finally {
    await admin.disconnect();
  }
}

const N = '\\d+';
const F2 = '\\d+\\.\\d{2}';
const F4 = '(\\d+\\.\\d{4}|NaN|Infinity)';
const F6 = '\\d+\\.\\d{6}';
const TOTAL = new RegExp(`^(${N}) records sent, ${F6} records/sec \\(${F2} MB/sec\\), ${F2} ms avg latency, ${F2} ms max latency, ${N} ms 50th, ${N} ms 95th, ${N} ms 99th, ${N} ms 99\\.9th\\.$`);
const DATE = '\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}:\\d{3}';
const HEADER = 'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec';
const ROW = new RegExp(`^${DATE}, ${DATE}, ${F4}, ${F4}, (${N}), ${F4}, ${N}, ${N}, ${F4}, ${F4}$`);

beforeAll(async () => {
  b = await startTestBroker({ settings: { 'auto.create.topics.enable': 'false' } });
});
afterAll(async () => b?.stop());

describe('mq-producer-perf-test', () => {
  it('sends exactly --num-records records and prints the summary line', async () => {
    const topic = randomTopic('perf');
    await createTopics(b.bootstrap, [{ topic, numPartitions: 3 }]);
    const r = await produce(['--topic', topic, '--num-records', '20000', '--record-size', '100', '--throughput', '-1']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    const m = TOTAL.exec(lines.at(-1)!);
    expect(m, lines.at(-1)).not.toBeNull();
    expect(m![1]).toBe('20000');
    expect(await endOffsets(topic)).toBe(20000);
  });

  it('reads payloads from a file and honours --producer-props', async () => {
    const topic = randomTopic('perf');
    await createTopics(b.bootstrap, [{ topic, numPartitions: 1 }]);
    const dir = mkdtempSync(join(tmpdir(), 'perf-'));
    const file = join(dir, 'payloads.txt');
    writeFileSync(file, 'alpha\nbeta\ngamma\n');
    const r = await produce(['--topic', topic, '--num-records', '300', '--payload-file', file, '--throughput', '-1', '--producer-props', 'acks=1', 'compression.type=gzip', 'linger.ms=0']);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toBe(`Reading payloads from: ${file}`);
    expect(lines[1]).toBe('Number of messages read: 3');
    expect(lines[2]).toMatch(TOTAL);
    expect(await endOffsets(topic)).toBe(300);
  });

  it('throttles to roughly --throughput records/s', async () => {
    const topic = randomTopic('perf');
    await createTopics(b.bootstrap, [{ topic, numPartitions: 1 }]);
    const t0 = Date.now();
    const r = await produce(['--topic', topic, '--num-records', '400', '--record-size', '10', '--throughput', '400']);
    const elapsed = Date.now() - t0;
    expect(r.code).toBe(0);
    // 400 records at 400/s take about a second; allow wide margins.
    expect(elapsed).toBeGreaterThan(600);
    expect(elapsed).toBeLessThan(10_000);
    const rate = Number(/records sent, ([\d.]+) records\/sec/.exec(r.out)![1]);
    expect(rate).toBeLessThan(800);
  });

  it.each<[string, string[], string]>([
    ['missing --topic', ['--num-records', '1', '--record-size', '1', '--throughput', '-1'], 'mq-producer-perf-test: argument --topic is required'],
    ['missing --num-records', ['--topic', 'T', '--record-size', '1', '--throughput', '-1'], 'mq-producer-perf-test: argument --num-records is required'],
    ['missing --throughput', ['--topic', 'T', '--num-records', '1', '--record-size', '1'], 'mq-producer-perf-test: argument --throughput is required'],
    ['no payload option', ['--topic', 'T', '--num-records', '1', '--throughput', '-1'], 'one of the arguments --record-size --payload-file --payload-monotonic is required'],
    ['two payload options', ['--topic', 'T', '--num-records', '1', '--record-size', '1', '--payload-monotonic', '--throughput', '-1'], 'argument --payload-monotonic: not allowed with argument --record-size'],
    ['zero records', ['--topic', 'T', '--num-records', '0', '--record-size', '1', '--throughput', '-1'], '--num-records should be greater than zero'],
    ['bad number', ['--topic', 'T', '--num-records', 'many', '--record-size', '1', '--throughput', '-1'], "argument --num-records: could not convert 'many' to Long"],
    ['bad --producer-props', ['--topic', 'T', '--num-records', '1', '--record-size', '1', '--throughput', '-1', '--producer-props', 'acks'], 'Invalid property: acks'],
    ['bad acks', ['--topic', 'T', '--num-records', '1', '--record-size', '1', '--throughput', '-1', '--producer-props', 'acks=2'], 'Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1'],
    ['zero transaction duration', ['--topic', 'T', '--num-records', '1', '--record-size', '1', '--throughput', '-1', '--transaction-duration-ms', '0'], '--transaction-duration-ms should be greater than zero'],
    ['missing payload file', ['--topic', 'T', '--num-records', '1', '--payload-file', '/nonexistent/p.txt', '--throughput', '-1'], 'File does not exist or empty file provided.'],
    ['unknown topic', ['--topic', 'no-such-perf-topic', '--num-records', '1', '--record-size', '1', '--throughput', '-1'], "Topic 'no-such-perf-topic' does not exist"],
  ])('%s', async (_name, args, message) => {
    const r = await produce(args);
    expect(r.code).toBe(1);
    expect(r.err).toContain(message);
    expect(r.out).not.toMatch(/records sent/);
  });

  it('prints help and exits 0 without arguments', async () => {
    const io = testIo();
    expect(await producerPerf([], io, signal)).toBe(0);
    expect(io.out()).toContain('--num-records');
  });
});

describe('mq-consumer-perf-test', () => {
  it('consumes exactly what the producer tool sent, prints the header and the result row, commits', async () => {
    const topic = randomTopic('perf');
    const group = randomGroup('perf');
    await createTopics(b.bootstrap, [{ topic, numPartitions: 3 }]);
    expect((await produce(['--topic', topic, '--num-records', '15000', '--record-size', '64', '--throughput', '-1'])).code).toBe(0);
    const r = await consume(['--topic', topic, '--messages', '15000', '--group', group]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toBe(HEADER);
    expect(lines).toHaveLength(2);
    const m = ROW.exec(lines[1]!);
    expect(m, lines[1]).not.toBeNull();
    expect(m![3]).toBe('15000');
    expect(lines[1]!.split(', ')[2]).toBe((15000 * 64 / 1048576).toFixed(4));
    expect(await committed(group, topic)).toBe(15000);
    // A second run of the same group starts from the committed offsets: nothing left.
    const again = await consume(['--topic', topic, '--num-records', '1', '--group', group, '--timeout', '1500', '--hide-header']);
    const out = again.out.trimEnd().split('\n');
    expect(out[0]).toBe('WARNING: Exiting before consuming the expected number of messages: timeout (1500 ms) exceeded. You can use the --timeout option to increase the timeout.');
    expect(out[1]).toMatch(ROW);
    expect(ROW.exec(out[1]!)![3]).toBe('0');
  });

  it('stops at --messages even when more records are there, and counts compressed batches', async () => {
    const topic = randomTopic('perf');
    await createTopics(b.bootstrap, [{ topic, numPartitions: 1 }]);
    expect((await produce(['--topic', topic, '--num-records', '5000', '--record-size', '50', '--throughput', '-1', '--producer-props', 'compression.type=lz4'])).code).toBe(0);
    const r = await consume(['--topic', topic, '--messages', '1234', '--hide-header']);
    const row = r.out.trimEnd().split('\n');
    expect(row).toHaveLength(1);
    expect(ROW.exec(row[0]!)![3]).toBe('1234');
    expect(row[0]!.split(', ')[2]).toBe((1234 * 50 / 1048576).toFixed(4));
  });

  it('--show-detailed-stats prints interval rows and no summary', async () => {
    const topic = randomTopic('perf');
    await createTopics(b.bootstrap, [{ topic, numPartitions: 1 }]);
    expect((await produce(['--topic', topic, '--num-records', '100', '--record-size', '10', '--throughput', '-1'])).code).toBe(0);
    const r = await consume(['--topic', topic, '--messages', '100', '--show-detailed-stats', '--reporting-interval', '1']);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toBe('time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec');
    for (const l of lines.slice(1)) expect(l).toMatch(new RegExp(`^${DATE}, 0, ${F4}, ${F4}, ${N}, ${F4}, ${N}, -?${N}, ${F4}, ${F4}$`));
  });

  it('--from-latest waits for new records only', async () => {
    const topic = randomTopic('perf');
    await createTopics(b.bootstrap, [{ topic, numPartitions: 1 }]);
    expect((await produce(['--topic', topic, '--num-records', '10', '--record-size', '10', '--throughput', '-1'])).code).toBe(0);
    const r = await consume(['--topic', topic, '--messages', '5', '--from-latest', '--timeout', '1000', '--hide-header']);
    expect(r.out).toContain('WARNING: Exiting before consuming the expected number of messages: timeout (1000 ms) exceeded.');
  });

  it.each<[string, string[], string]>([
    ['missing --topic', ['--messages', '1'], 'mq-consumer-perf-test: Missing required argument "[topic]"'],
    ['missing --messages', ['--topic', 'T'], 'mq-consumer-perf-test: Missing required argument "[messages]"'],
    ['bad --reporting-interval', ['--topic', 'T', '--messages', '1', '--reporting-interval', '-5'], 'Value [-5] did not match regex [^\\d+$]'],
    ['zero --reporting-interval', ['--topic', 'T', '--messages', '1', '--reporting-interval', '0'], 'Reporting interval must be greater than 0.'],
    ['bad --date-format', ['--topic', 'T', '--messages', '1', '--date-format', 'yyyy-qq'], "Illegal pattern character 'q'"],
    ['unknown option', ['--topic', 'T', '--messages', '1', '--frobnicate'], '--frobnicate is not a recognized option'],
  ])('%s', async (_name, args, message) => {
    const r = await consume(args);
    expect(r.code).toBe(1);
    expect(r.err).toContain(message);
  });
});
