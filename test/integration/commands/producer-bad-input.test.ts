/**
 * Wrong invocations of mq-console-producer, mq-console-consumer and mq-consumer-groups: each
 * gets Kafka's message (or a clearer one), a non-zero exit code, and changes no data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { createTopics, kafkaClient } from '../../helpers/kafkajs.js';
import { randomGroup, randomTopic } from '../../helpers/names.js';
import { testIo } from './producer-helpers.js';
import { main as produce } from '../../../src/commands/console-producer/index.js';
import { main as consume } from '../../../src/commands/console-consumer/index.js';
import { main as groups } from '../../../src/commands/consumer-groups/index.js';
import { Cluster } from '../../../src/engine/client/cluster.js';
import { commitOffsets, fetchCommitted } from '../../../src/engine/client/group-offsets.js';

let b: TestBroker;
let topic: string;
let group: string;

async function endOffsets(): Promise<string> {
  const admin = kafkaClient(b.bootstrap).admin();
  await admin.connect();
  try {
    const all = await admin.listTopics();
    const out: string[] = [];
    for (const t of all.sort()) out.push(`${t}:${(await admin.fetchTopicOffsets(t)).map((p) => `${p.partition}=${p.high}`).join(',')}`);
    return out.join(' ');
  } finally {
    await admin.disconnect();
  }
}

async function committed(): Promise<string> {
  const c = await Cluster.connect([b.bootstrap]);
  try {
    return JSON.stringify([...(await fetchCommitted(c, group))].sort());
  } finally {
    await c.close();
  }
}

beforeAll(async () => {
  b = await startTestBroker({ settings: { 'auto.create.topics.enable': 'false' } });
  topic = randomTopic('bad');
  group = randomGroup('bad');
  await createTopics(b.bootstrap, [{ topic, numPartitions: 1 }]);
  const io = testIo('one\ntwo\n');
  expect(await produce(['--bootstrap-server', b.bootstrap, '--topic', topic], io)).toBe(0);
  const c = await Cluster.connect([b.bootstrap]);
  await commitOffsets(c, group, [{ topic, partition: 0, offset: 1 }]);
  await c.close();
});
afterAll(async () => b?.stop());

type Tool = typeof produce;
const cases: Array<[string, Tool, string, string[], string, RegExp | string]> = [];
const add = (tool: string, main: Tool, args: string[], message: RegExp | string, stdin = '') => cases.push([`${tool} ${args.join(' ')}`, main, stdin, args, tool, message]);

// mq-console-producer
add('mq-console-producer', produce, [], 'mq-console-producer: Missing required argument "[topic]"');
add('mq-console-producer', produce, ['--topic', 'T', '--compression-codec', 'brotli'], 'Invalid value brotli for configuration compression.type: String must be one of: none, gzip, snappy, lz4, zstd');
add('mq-console-producer', produce, ['--topic', 'T', '--request-required-acks', '2'], 'Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1');
add('mq-console-producer', produce, ['--topic', 'T', '--property', 'parse.key=true'], "No key separator found on line number 1: 'no separator here'", 'no separator here\nk\tv\n');
add('mq-console-producer', produce, ['--topic', 'T', '--property', 'parse.key=true', '--kafka-errors'], "org.apache.kafka.common.KafkaException: No key separator found on line number 1: 'no separator here'", 'no separator here\nk\tv\n');
add('mq-console-producer', produce, ['--topic', 'T', '--property', 'parse.headers=true'], "No header key separator found in pair 'oops' on line number 1", 'oops\tvalue\n');
add('mq-console-producer', produce, ['--topic', 'T', '--property', 'headers.delimiter=,'], 'headers.delimiter and headers.separator may not be equal', 'x\n');
add('mq-console-producer', produce, ['--topic', 'T', '--property', 'null.marker=\t'], 'null.marker and key.separator may not be equal', 'x\n');
add('mq-console-producer', produce, ['--topic', 'T', '--producer.config', '/nonexistent/producer.properties'], 'Could not read properties file: /nonexistent/producer.properties (No such file or directory)');
add('mq-console-producer', produce, ['--topic', 'T', '--batch-size', 'big'], "Invalid value 'big' for option --batch-size: not an integer");
add('mq-console-producer', produce, ['--topic', 'T', '--input-format', 'json'], /^Invalid JSON on line number 1: /m, '{"value": oops}\n');
add('mq-console-producer', produce, ['--topic', 'T', '--input-format', 'json'], 'Invalid partition given with record: 5 is not in the range [0...1).', '{"partition":5,"value":"x"}\n');
add('mq-console-producer', produce, ['--topic', 'no-such-topic'], /Topic 'no-such-topic' does not exist and the broker does not create topics automatically/, 'x\n');
// mq-console-consumer
add('mq-console-consumer', consume, [], 'Exactly one of --include/--topic is required. ');
add('mq-console-consumer', consume, ['--topic', 'T', '--include', 'x.*'], 'Exactly one of --include/--topic is required. ');
add('mq-console-consumer', consume, ['--include', 'x.*', '--partition', '0'], 'The topic is required when partition is specified.');
add('mq-console-consumer', consume, ['--topic', 'T', '--offset', '3'], 'The partition is required when offset is specified.');
add('mq-console-consumer', consume, ['--topic', 'T', '--group', 'g', '--partition', '0'], 'Options group and partition cannot be specified together.');
add('mq-console-consumer', consume, ['--topic', 'T', '--partition', '0', '--offset', 'soon'], "The provided offset value 'soon' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.");
add('mq-console-consumer', consume, ['--topic', 'T', '--from-beginning', '--consumer-property', 'auto.offset.reset=latest'], "Can't simultaneously specify --from-beginning and 'auto.offset.reset=latest', please remove one option");
add('mq-console-consumer', consume, ['--topic', 'T', '--group', 'a', '--consumer-property', 'group.id=b'], "The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer.config') do not match. Detected group ids: 'a', 'b'");
add('mq-console-consumer', consume, ['--topic', 'T', '--partition', '9'], /Partition 9 does not exist in topic '.*' \(it has 1\)\./);
add('mq-console-consumer', consume, ['--topic', 'no-such-topic', '--partition', '0'], "Topic 'no-such-topic' does not exist.");
add('mq-console-consumer', consume, ['--topic', 'no-such-topic', '--group', 'G'], "Topic 'no-such-topic' does not exist and the broker does not create topics automatically.");
add('mq-console-consumer', consume, ['--topic', 'T', '--property', 'value.deserializer=com.example.Nope'], /Unsupported deserializer 'com.example.Nope'/);
// mq-consumer-groups
add('mq-consumer-groups', groups, ['--group', 'G'], 'Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets');
add('mq-consumer-groups', groups, ['--list', '--describe'], 'Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets');
add('mq-consumer-groups', groups, ['--describe'], 'Option [describe] takes one of these options: [all-groups], [group]');
add('mq-consumer-groups', groups, ['--describe', '--group', 'G', '--members', '--state'], 'Option [describe] takes at most one of these options: [members], [offsets], [state]');
add('mq-consumer-groups', groups, ['--describe', '--group', 'G', '--state', 'Stable'], 'Option [describe] does not take a value for [state]');
add('mq-consumer-groups', groups, ['--list', '--state', 'Sleeping'], "Invalid state list 'Sleeping'. Valid states are: PreparingRebalance, CompletingRebalance, Stable, Dead, Empty, Assigning, Reconciling");
add('mq-consumer-groups', groups, ['--list', '--type', 'weird'], "Invalid types list 'weird'. Valid types are: Consumer, Classic, Share");
add('mq-consumer-groups', groups, ['--delete', '--group', 'G', '--topic', 'T'], 'The consumer does not support topic-specific offset deletion from a consumer group.');
add('mq-consumer-groups', groups, ['--delete-offsets', '--group', 'G'], 'Option [delete-offsets] takes the following options: [topic], [group]');
add('mq-consumer-groups', groups, ['--reset-offsets', '--group', 'G', '--topic', 'T'], /^mq-consumer-groups: Option '\[reset-offsets\]' requires one of the following scenarios: \[\[to-offset\], /);
add('mq-consumer-groups', groups, ['--reset-offsets', '--group', 'G', '--to-earliest'], 'One of the reset scopes should be defined: --all-topics, --topic.');
add('mq-consumer-groups', groups, ['--reset-offsets', '--group', 'G', '--topic', 'T', '--to-earliest', '--execute', '--dry-run'], 'Option [reset-offsets] only accepts one of [execute] and [dry-run]');
add('mq-consumer-groups', groups, ['--reset-offsets', '--topic', 'T', '--to-earliest', '--execute'], 'Option [reset-offsets] takes one of these options: [all-groups], [group]');
add('mq-consumer-groups', groups, ['--reset-offsets', '--group', 'G', '--topic', 'T:x', '--to-earliest', '--execute'], /Invalid partition 'x' specified in topic arg '.*:x''/);
add('mq-consumer-groups', groups, ['--reset-offsets', '--group', 'G', '--topic', 'T', '--to-datetime', '2024-13-01', '--execute'], /Error parsing timestamp '2024-13-01'/);
add('mq-consumer-groups', groups, ['--reset-offsets', '--group', 'G', '--topic', 'T', '--by-duration', '10 minutes', '--execute'], /Text cannot be parsed to a Duration/);
add('mq-consumer-groups', groups, ['--reset-offsets', '--group', 'G', '--topic', 'T', '--to-offset', 'ten', '--execute'], "Invalid value 'ten' for option --to-offset: not an integer");
add('mq-consumer-groups', groups, ['--reset-offsets', '--group', 'G', '--topic', 'no-such-topic', '--to-earliest', '--execute'], "Error: Executing consumer group command failed: Topic 'no-such-topic' does not exist.");
add('mq-consumer-groups', groups, ['--reset-offsets', '--group', 'G', '--topic', 'no-such-topic', '--to-earliest', '--execute', '--kafka-errors'], "Error: Executing consumer group command failed due to UnknownTopicOrPartitionException: Topic 'no-such-topic' does not exist.");
add('mq-consumer-groups', groups, ['--reset-offsets', '--group', 'G', '--from-file', '/nonexistent.csv', '--execute'], 'Could not read the reset file /nonexistent.csv: No such file or directory');
add('mq-consumer-groups', groups, ['--reset-offsets', '--group', 'G', '--topic', 'T:3', '--to-earliest', '--execute'], /Partition .*-3 does not exist/);
add('mq-consumer-groups', groups, ['--describe', '--group', 'G', '--bogus'], '--bogus is not a recognized option');

describe('bad input', () => {
  it.each(cases)('%s', async (_name, main, stdin, args, tool, message) => {
    const before = [await endOffsets(), await committed()];
    const real = args.map((a) => a.replace(/^T(?=$|:)/, topic).replace(/^G$/, group));
    const io = testIo(stdin);
    const code = await main(['--bootstrap-server', b.bootstrap, ...real], io, ...(main === consume ? [new AbortController().signal] : []) as []);
    expect(code).not.toBe(0);
    const err = io.err();
    if (process.env.SHOW) console.log(JSON.stringify(err));
    if (typeof message === 'string') expect(err.split('\n').some((l) => l === message || l === `${tool}: ${message}`)).toBe(true);
    else expect(err).toMatch(message);
    expect([await endOffsets(), await committed()]).toEqual(before);
  });
});
