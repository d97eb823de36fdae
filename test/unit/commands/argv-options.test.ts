/**
 * argv -> options, per tool, without a broker: each row is the argv a user types and the options
 * object the tool's run() receives (commander's defaults included). Keeps the flag names, Kafka's
 * aliases (KIP-1147's --command-*, --broker-list, --whitelist) and repeatable flags honest.
 */
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../../src/cli/io.js';
import { parsedOptions } from '../../../src/commands/shared/options.js';
import { brokerProgram, type BrokerCommand } from '../../../src/commands/broker/index.js';
import { configsProgram } from '../../../src/commands/configs/index.js';
import { consumerProgram } from '../../../src/commands/console-consumer/index.js';
import { producerProgram } from '../../../src/commands/console-producer/index.js';
import { groupsProgram } from '../../../src/commands/consumer-groups/index.js';
import { consumerPerfProgram } from '../../../src/commands/consumer-perf-test/index.js';
import { getOffsetsProgram } from '../../../src/commands/get-offsets/index.js';
import { producerPerfProgram } from '../../../src/commands/producer-perf-test/index.js';
import { topicsProgram } from '../../../src/commands/topics/index.js';

const io = () => captureIo().io;
type Row = [argv: string[], expected: Record<string, unknown>];

describe('mq-console-consumer', () => {
  const signal = new AbortController().signal;
  const parse = (argv: string[]) => parsedOptions((run) => consumerProgram(io(), signal, run), argv);
  const defaults = { property: [], formatterProperty: [], consumerProperty: [], commandProperty: [], output: 'text', color: true, signal };
  const rows: Row[] = [
    [['--topic', 't'], { topic: 't' }],
    [['--whitelist', 'a.*', '--from-beginning'], { whitelist: 'a.*', fromBeginning: true }],
    [['--include', 'a|b', '--group', 'g', '--max-messages', '5', '--timeout-ms', '100'], { include: 'a|b', group: 'g', maxMessages: '5', timeoutMs: '100' }],
    [['--topic', 't', '--partition', '0', '--offset', 'earliest', '--isolation-level', 'read_committed'], { topic: 't', partition: '0', offset: 'earliest', isolationLevel: 'read_committed' }],
    [
      ['--topic', 't', '--property', 'print.key=true', '--formatter-property', 'print.offset=true', '--property', 'key.separator=:'],
      { topic: 't', property: ['print.key=true', 'key.separator=:'], formatterProperty: ['print.offset=true'] },
    ],
    [
      ['--topic', 't', '--consumer-property', 'a=1', '--command-property', 'b=2', '--consumer.config', 'c.properties'],
      { topic: 't', consumerProperty: ['a=1'], commandProperty: ['b=2'], 'consumer.config': 'c.properties', consumerConfig: 'c.properties' },
    ],
    [['--topic', 't', '--command-config', 'c.properties', '--output', 'json', '--no-color'], { topic: 't', commandConfig: 'c.properties', output: 'json', color: false }],
    [['--topic', 't', '--skip-message-on-error', '--enable-systest-events', '--bootstrap-server', 'h:1', '--verbose'], { topic: 't', skipMessageOnError: true, enableSystestEvents: true, bootstrapServer: 'h:1', verbose: true }],
    [['--topic', 't', '--key-deserializer', 'K', '--value-deserializer', 'V', '--formatter', 'F', '--formatter-config', 'f.properties'], { topic: 't', keyDeserializer: 'K', valueDeserializer: 'V', formatter: 'F', formatterConfig: 'f.properties' }],
  ];
  it.each(rows)('%j', async (argv, expected) => {
    expect(await parse(argv)).toEqual({ ...defaults, ...expected });
  });
  it('refuses an --output other than text or json', async () => {
    await expect(parse(['--topic', 't', '--output', 'yaml'])).rejects.toBeInstanceOf(CommanderError);
  });
});

describe('mq-console-producer', () => {
  const parse = (argv: string[]) => parsedOptions((run) => producerProgram(io(), undefined, run), argv);
  const defaults = { property: [], readerProperty: [], producerProperty: [], commandProperty: [], inputFormat: 'text' };
  const rows: Row[] = [
    [['--topic', 't'], { topic: 't' }],
    [['--topic', 't', '--broker-list', 'h:1', '--sync', '--compression-codec'], { topic: 't', brokerList: 'h:1', sync: true, compressionCodec: true }],
    [['--topic', 't', '--compression-codec', 'lz4', '--batch-size', '10', '--request-required-acks', 'all'], { topic: 't', compressionCodec: 'lz4', batchSize: '10', requestRequiredAcks: 'all' }],
    [
      ['--topic', 't', '--property', 'parse.key=true', '--reader-property', 'key.separator=:', '--reader-config', 'r.properties'],
      { topic: 't', property: ['parse.key=true'], readerProperty: ['key.separator=:'], readerConfig: 'r.properties' },
    ],
    [
      ['--topic', 't', '--producer-property', 'acks=1', '--command-property', 'linger.ms=5', '--producer.config', 'p.properties'],
      { topic: 't', producerProperty: ['acks=1'], commandProperty: ['linger.ms=5'], 'producer.config': 'p.properties', producerConfig: 'p.properties' },
    ],
    [['--topic', 't', '--input-format', 'json', '--command-config', 'c.properties'], { topic: 't', inputFormat: 'json', commandConfig: 'c.properties' }],
  ];
  it.each(rows)('%j', async (argv, expected) => {
    expect(await parse(argv)).toEqual({ ...defaults, ...expected });
  });
});

describe('mq-consumer-groups', () => {
  const parse = (argv: string[]) => parsedOptions((run) => groupsProgram(io(), run), argv);
  const defaults = { group: [], topic: [], output: 'text', color: true };
  const rows: Row[] = [
    [['--list'], { list: true }],
    [['--list', '--state'], { list: true, state: true }],
    [['--list', '--state', 'Stable,Empty', '--type', 'classic'], { list: true, state: 'Stable,Empty', type: 'classic' }],
    [['--describe', '--group', 'a', '--group', 'b', '--members', '--verbose'], { describe: true, group: ['a', 'b'], members: true, verbose: true }],
    [['--describe', '--all-groups', '--offsets', '--output', 'json'], { describe: true, allGroups: true, offsets: true, output: 'json' }],
    [
      ['--reset-offsets', '--group', 'g', '--topic', 't:0,1', '--to-offset', '5', '--execute'],
      { resetOffsets: true, group: ['g'], topic: ['t:0,1'], toOffset: '5', execute: true },
    ],
    [['--reset-offsets', '--group', 'g', '--all-topics', '--shift-by', '-2', '--dry-run', '--export'], { resetOffsets: true, group: ['g'], allTopics: true, shiftBy: '-2', dryRun: true, export: true }],
    [['--reset-offsets', '--all-groups', '--from-file', 'plan.csv', '--timeout', '100'], { resetOffsets: true, allGroups: true, fromFile: 'plan.csv', timeout: '100' }],
    [['--delete', '--group', 'g', '--bootstrap-server', 'h:1', '--command-config', 'c.properties'], { delete: true, group: ['g'], bootstrapServer: 'h:1', commandConfig: 'c.properties' }],
    [['--delete-offsets', '--group', 'g', '--topic', 't', '--no-color'], { deleteOffsets: true, group: ['g'], topic: ['t'], color: false }],
  ];
  it.each(rows)('%j', async (argv, expected) => {
    expect(await parse(argv)).toEqual({ ...defaults, ...expected });
  });
  it('names an unknown option', async () => {
    await expect(parse(['--lst'])).rejects.toMatchObject({ code: 'commander.unknownOption' });
  });
});

describe('mq-consumer-perf-test', () => {
  const parse = (argv: string[]) => parsedOptions((run) => consumerPerfProgram(io(), undefined, run), argv);
  const rows: Row[] = [
    [['--topic', 't', '--messages', '10'], { topic: 't', messages: '10' }],
    [['--topic', 't', '--num-records', '10', '--broker-list', 'h:1', '--from-latest'], { topic: 't', numRecords: '10', brokerList: 'h:1', fromLatest: true }],
    [['--topic', 't', '--messages', '1', '--timeout'], { topic: 't', messages: '1', timeout: true }],
    [['--topic', 't', '--messages', '1', '--timeout', '500', '--show-detailed-stats', '--reporting-interval', '100'], { topic: 't', messages: '1', timeout: '500', showDetailedStats: true, reportingInterval: '100' }],
    [['--topic', 't', '--messages', '1', '--consumer.config', 'c.properties', '--group', 'g'], { topic: 't', messages: '1', 'consumer.config': 'c.properties', consumerConfig: 'c.properties', group: 'g' }],
    [['--topic', 't', '--messages', '1', '--threads', '2', '--num-fetch-threads', '3', '--hide-header'], { topic: 't', messages: '1', threads: '2', numFetchThreads: '3', hideHeader: true }],
  ];
  it.each(rows)('%j', async (argv, expected) => {
    expect(await parse(argv)).toEqual({ ...expected, signal: undefined });
  });
});

describe('mq-producer-perf-test', () => {
  const parse = (argv: string[]) => parsedOptions((run) => producerPerfProgram(io(), undefined, run), argv);
  const rows: Row[] = [
    [['--topic', 't', '--num-records', '10', '--record-size', '100', '--throughput', '-1'], { topic: 't', numRecords: '10', recordSize: '100', throughput: '-1' }],
    [
      ['--topic', 't', '--num-records', '1', '--throughput', '5', '--producer-props', 'acks=1', 'linger.ms=5'],
      { topic: 't', numRecords: '1', throughput: '5', producerProps: ['acks=1', 'linger.ms=5'] },
    ],
    [
      ['--topic', 't', '--num-records', '1', '--throughput', '5', '--payload-file', 'p.txt', '--payload-delimiter', ','],
      { topic: 't', numRecords: '1', throughput: '5', payloadFile: 'p.txt', payloadDelimiter: ',' },
    ],
    [['--topic', 't', '--num-records', '1', '--throughput', '5', '--producer.config', 'p.properties'], { topic: 't', numRecords: '1', throughput: '5', 'producer.config': 'p.properties', producerConfig: 'p.properties' }],
  ];
  it.each(rows)('%j', async (argv, expected) => {
    expect(await parse(argv)).toEqual({ ...expected, signal: undefined });
  });
});

describe('mq-topics', () => {
  const parse = (argv: string[]) => parsedOptions((run) => topicsProgram(io(), run), argv);
  const defaults = { output: 'text', color: true };
  const rows: Row[] = [
    [['--list'], { list: true }],
    [['--list', '--exclude-internal', '--topic', 'a.*'], { list: true, excludeInternal: true, topic: 'a.*' }],
    [
      ['--create', '--topic', 't', '--partitions', '3', '--replication-factor', '1', '--config', 'a=1', '--config', 'b=2', '--if-not-exists'],
      { create: true, topic: 't', partitions: '3', replicationFactor: '1', config: ['a=1', 'b=2'], ifNotExists: true },
    ],
    [['--create', '--topic', 't', '--replica-assignment', '1:2,3:4'], { create: true, topic: 't', replicaAssignment: '1:2,3:4' }],
    [['--describe', '--topic-id', 'AAAAAAAAAAAAAAAAAAAAAA', '--under-replicated-partitions', '--output', 'json'], { describe: true, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', underReplicatedPartitions: true, output: 'json' }],
    [['--alter', '--topic', 't', '--partitions', '5', '--if-exists', '--bootstrap-server', 'h:1'], { alter: true, topic: 't', partitions: '5', ifExists: true, bootstrapServer: 'h:1' }],
    [['--delete', '--topic', 't', '--command-config', 'c.properties', '--no-color'], { delete: true, topic: 't', commandConfig: 'c.properties', color: false }],
  ];
  it.each(rows)('%j', async (argv, expected) => {
    expect(await parse(argv)).toEqual({ ...defaults, ...expected });
  });
});

describe('mq-configs', () => {
  const parse = (argv: string[]) => parsedOptions((run) => configsProgram(io(), argv, run), argv);
  const defaults = { output: 'text', color: true };
  const rows: Row[] = [
    [['--describe', '--topic', 't'], { describe: true, topic: 't' }],
    [['--describe', '--entity-type', 'topics', '--entity-name', 't', '--all'], { describe: true, entityType: ['topics'], entityName: ['t'], all: true }],
    [['--describe', '--entity-type', 'brokers', '--entity-default'], { describe: true, entityType: ['brokers'], entityDefault: true }],
    [['--alter', '--broker', '1', '--add-config', 'a=1,b=[x,y]', '--delete-config', 'c'], { alter: true, broker: '1', addConfig: 'a=1,b=[x,y]', deleteConfig: 'c' }],
    [['--alter', '--group', 'g', '--add-config-file', 'f.properties', '--force'], { alter: true, group: 'g', addConfigFile: 'f.properties', force: true }],
    [['--describe', '--broker-defaults', '--output', 'json'], { describe: true, brokerDefaults: true, output: 'json' }],
  ];
  it.each(rows)('%j', async (argv, expected) => {
    expect(await parse(argv)).toEqual({ ...defaults, ...expected });
  });
});

describe('mq-get-offsets', () => {
  const parse = (argv: string[]) => parsedOptions((run) => getOffsetsProgram(io(), run), argv);
  const defaults = { time: 'latest', output: 'text', color: true };
  const rows: Row[] = [
    [[], {}],
    [['--topic', 't', '--partitions', '0,1', '--time', 'earliest'], { topic: 't', partitions: '0,1', time: 'earliest' }],
    [['--topic-partitions', 't:1-3,u', '--exclude-internal-topics'], { topicPartitions: 't:1-3,u', excludeInternalTopics: true }],
    [['--broker-list', 'h:1', '--time', '-3', '--output', 'json'], { brokerList: 'h:1', time: '-3', output: 'json' }],
  ];
  it.each(rows)('%j', async (argv, expected) => {
    expect(await parse(argv)).toEqual({ ...defaults, ...expected });
  });
});

describe('mq-broker', () => {
  const parse = (argv: string[]) => parsedOptions<BrokerCommand>((run) => brokerProgram(io(), run), argv);
  const rows: Array<[string[], BrokerCommand]> = [
    [['start'], { command: 'start', opts: { override: [] } }],
    [
      ['start', '--listen', '127.0.0.1:0', '--override', 'num.partitions=3', '--override', 'log.retention.ms=1', '--daemon', '--data-dir', 'd'],
      { command: 'start', opts: { listen: '127.0.0.1:0', override: ['num.partitions=3', 'log.retention.ms=1'], daemon: true, dataDir: 'd' } },
    ],
    [['start', '--config', 'server.properties'], { command: 'start', opts: { config: 'server.properties', override: [] } }],
    [['stop', '--data-dir', 'd'], { command: 'stop', opts: { dataDir: 'd' } }],
    [['status', '--output', 'json'], { command: 'status', opts: { output: 'json' } }],
  ];
  it.each(rows)('%j', async (argv, expected) => {
    expect(await parse(argv)).toEqual(expected);
  });
});
