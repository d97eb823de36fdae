/**
 * Bad input for mq-topics, mq-configs and mq-get-offsets: Kafka's message (or a clearer one), a
 * non-zero exit, nothing on stdout, and no change to the broker's topics. Plus the remaining
 * mq-topics views (WARNING line, --if-exists/--if-not-exists, report filters, overrides).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureIo } from '../../../src/cli/io.js';
import { main as topicsMain } from '../../../src/commands/topics/index.js';
import { main as configsMain } from '../../../src/commands/configs/index.js';
import { main as offsetsMain } from '../../../src/commands/get-offsets/index.js';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { randomTopic } from '../../helpers/names.js';
import { createTopics, kafkaClient } from '../../helpers/kafkajs.js';

let b: TestBroker;
let existing: string;
const dir = mkdtempSync(join(tmpdir(), 'mq-bad-'));
const propsFile = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

beforeAll(async () => {
  b = await startTestBroker();
  existing = randomTopic('exists');
  await createTopics(b.bootstrap, [{ topic: existing }]);
});
afterAll(async () => {
  await b?.stop();
});

type Main = (argv: string[], io: ReturnType<typeof captureIo>['io']) => Promise<number>;
async function run(main: Main, args: string[], { bootstrap = true } = {}) {
  const cap = captureIo({ env: {} });
  const code = await main(bootstrap ? [...args, '--bootstrap-server', b.bootstrap] : args, cap.io);
  return { code, stdout: cap.stdout(), stderr: cap.stderr() };
}

async function topicNames(): Promise<string[]> {
  const admin = kafkaClient(b.bootstrap).admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).sort();
  } finally {
    await admin.disconnect();
  }
}

const missing = 'no-such-topic-zz';
const cases: { name: string; main: Main; args: string[]; stderr: string | RegExp; bootstrap?: boolean }[] = [
  { name: 'no action', main: topicsMain, args: ['--topic', 'x'], stderr: 'mq-topics: Command must include exactly one action: --list, --describe, --create, --alter or --delete\nSee \'mq-topics --help\'.\n' },
  { name: 'two actions', main: topicsMain, args: ['--list', '--describe'], stderr: /Command must include exactly one action/ },
  { name: 'create without --topic', main: topicsMain, args: ['--create'], stderr: /^mq-topics: Missing required argument "\[topic\]"\n/ },
  { name: 'alter without --partitions', main: topicsMain, args: ['--alter', '--topic', 'x'], stderr: /Missing required argument "\[partitions\]"/ },
  { name: '--partitions with --list', main: topicsMain, args: ['--list', '--partitions', '3'], stderr: /Option "\[partitions\]" can't be used with option "\[list\]"/ },
  { name: '--alter with --config', main: topicsMain, args: ['--alter', '--topic', 'x', '--partitions', '2', '--config', 'a=b'], stderr: /Option "\[config\]" can't be used with option "\[alter\]" \(To alter topic configurations, the mq-configs tool can be used\.\)/ },
  { name: '--replica-assignment with --partitions on create', main: topicsMain, args: ['--create', '--topic', 'x', '--partitions', '2', '--replica-assignment', '1'], stderr: /Option "\[replica-assignment\]" can't be used with option "\[partitions\]"/ },
  { name: '--if-not-exists with --delete', main: topicsMain, args: ['--delete', '--topic', 'x', '--if-not-exists'], stderr: /Option "\[if-not-exists\]" can't be used with option "\[delete\]"/ },
  { name: 'unknown option', main: topicsMain, args: ['--list', '--frobnicate'], stderr: /--frobnicate is not a recognized option/ },
  { name: 'non-numeric --partitions', main: topicsMain, args: ['--create', '--topic', 'x', '--partitions', 'many'], stderr: /Cannot parse argument 'many' of option partitions/ },
  { name: 'zero partitions', main: topicsMain, args: ['--create', '--topic', 'x', '--partitions', '0'], stderr: 'The partitions must be greater than 0\n' },
  { name: 'replication factor 0', main: topicsMain, args: ['--create', '--topic', 'x', '--replication-factor', '0'], stderr: 'The replication factor must be between 1 and 32767 inclusive\n' },
  { name: 'replication factor above the broker count', main: topicsMain, args: ['--create', '--topic', 'x-rf', '--replication-factor', '3'], stderr: 'Error while executing topic command : Unable to replicate the partition 3 time(s): The target replication factor of 3 cannot be reached because only 1 broker(s) are registered.\n' },
  { name: 'invalid topic name', main: topicsMain, args: ['--create', '--topic', 'bad/name'], stderr: "Error while executing topic command : Topic name is invalid: 'bad/name' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'\n" },
  { name: 'empty topic name', main: topicsMain, args: ['--create', '--topic', ''], stderr: "Error while executing topic command : The given topic name '' cannot be represented in a request.\n" },
  { name: 'topic already exists', main: topicsMain, args: ['--create', '--topic', 'EXISTING'], stderr: "Error while executing topic command : Topic 'EXISTING' already exists.\n" },
  { name: 'bad --config format', main: topicsMain, args: ['--create', '--topic', 'x', '--config', 'retention.ms'], stderr: /requirement failed: Invalid topic config: all configs to be added must be in the format "key=val"\./ },
  { name: 'unknown topic config', main: topicsMain, args: ['--create', '--topic', 'x', '--config', 'foo=1'], stderr: 'Error while executing topic command : Unknown topic config name: foo\n' },
  { name: 'bad config value', main: topicsMain, args: ['--create', '--topic', 'x', '--config', 'retention.ms=abc'], stderr: /Invalid value abc for configuration retention.ms/ },
  { name: 'bad regex', main: topicsMain, args: ['--describe', '--topic', 'a(b'], stderr: 'a(b is an invalid regex.\n' },
  { name: 'describe unknown topic', main: topicsMain, args: ['--describe', '--topic', missing], stderr: `Error while executing topic command : Topic '${missing}' does not exist as expected\n` },
  { name: 'delete unknown topic', main: topicsMain, args: ['--delete', '--topic', missing], stderr: /Topic 'no-such-topic-zz' does not exist as expected/ },
  { name: 'alter to fewer partitions', main: topicsMain, args: ['--alter', '--topic', 'EXISTING', '--partitions', '1'], stderr: /Error while executing topic command : Topic already has 1 partition\(s\)\.|would not be an increase/ },
  { name: 'unknown --topic-id', main: topicsMain, args: ['--describe', '--topic-id', 'AAAAAAAAAAAAAAAAAAAAAQ'], stderr: "Error while executing topic command : TopicId 'AAAAAAAAAAAAAAAAAAAAAQ' does not exist as expected\n" },
  { name: 'missing --command-config file', main: topicsMain, args: ['--list', '--command-config', '/nope/admin.properties'], stderr: 'Cannot read properties file /nope/admin.properties (No such file or directory)\n' },
  { name: 'JKS trust store', main: topicsMain, args: ['--list', '--command-config', 'JKS'], stderr: /JKS store, which mq cannot read\. Convert it to PKCS12 with: keytool -importkeystore/ },
  { name: 'malformed sasl.jaas.config', main: topicsMain, args: ['--list', '--command-config', 'JAAS'], stderr: 'JAAS config entry not terminated by semi-colon\n' },
  { name: 'invalid bootstrap address', main: topicsMain, args: ['--list', '--bootstrap-server', 'localhost'], stderr: /Please provide valid host:port like host1:9091,host2:9092/, bootstrap: false },
  { name: 'refused remote address', main: topicsMain, args: ['--list', '--bootstrap-server', '127.0.0.1:1'], stderr: 'Could not connect to 127.0.0.1:1 (connection refused). Is a Kafka broker running there? Leave out --bootstrap-server to use the local mq broker.\n', bootstrap: false },
  { name: 'configs: no action', main: configsMain, args: ['--topic', 'x'], stderr: /Command must include exactly one action: --describe, --alter/ },
  { name: 'configs: no entity type', main: configsMain, args: ['--describe'], stderr: /At least one entity type must be specified/ },
  { name: 'configs: mixing entity flags', main: configsMain, args: ['--describe', '--entity-type', 'topics', '--topic', 'x'], stderr: /--entity-\{type,name,default\} should not be used in conjunction with specific entity flags/ },
  { name: 'configs: alter without entity name', main: configsMain, args: ['--alter', '--entity-type', 'topics', '--add-config', 'a=b'], stderr: /An entity name must be specified with --alter of topics/ },
  { name: 'configs: non-integer broker id', main: configsMain, args: ['--describe', '--entity-type', 'brokers', '--entity-name', 'x'], stderr: /The entity name for brokers must be a valid integer broker id, but it is: x/ },
  { name: 'configs: bad --add-config', main: configsMain, args: ['--alter', '--topic', 'EXISTING', '--add-config', 'retention.ms'], stderr: /Invalid entity config: all configs to be added must be in the format "key=val"/ },
  { name: 'configs: unknown config name', main: configsMain, args: ['--alter', '--topic', 'EXISTING', '--add-config', 'foo=1'], stderr: /Unknown topic config name: foo|foo/ },
  { name: 'configs: unknown topic', main: configsMain, args: ['--describe', '--topic', missing], stderr: `Topic '${missing}' does not exist.\n` },
  { name: 'get-offsets: malformed --time', main: offsetsMain, args: ['--time', 'soon'], stderr: /^Error occurred: Malformed time argument soon\./ },
  { name: 'get-offsets: --topic-partitions with --topic', main: offsetsMain, args: ['--topic-partitions', 'a', '--topic', 'b'], stderr: 'Error occurred: --topic-partitions cannot be used with --topic or --partitions\n' },
  { name: 'get-offsets: bad --partitions', main: offsetsMain, args: ['--partitions', '1,x'], stderr: 'Error occurred: --partitions expects a comma separated list of numeric partition ids, but received: 1,x\n' },
  { name: 'get-offsets: nothing matches', main: offsetsMain, args: ['--topic', missing], stderr: 'Error occurred: Could not match any topic-partitions with the specified filters\n' },
  { name: 'get-offsets: bad rule', main: offsetsMain, args: ['--topic-partitions', 'a:b:c'], stderr: 'Error occurred: Invalid rule specification: a:b:c\n' },
];

describe('bad input', () => {
  it.each(cases)('$name', async (c) => {
    const jks = propsFile('jks.properties', `security.protocol=SSL\nssl.truststore.location=${join(dir, 'x.jks')}\n`);
    const jaas = propsFile('jaas.properties', 'security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="a" password="b"\n');
    const args = c.args.map((a) => (a === 'EXISTING' ? existing : a === 'JKS' ? jks : a === 'JAAS' ? jaas : a));
    const before = await topicNames();
    const r = await run(c.main, args, { bootstrap: c.bootstrap !== false });
    const stderr = typeof c.stderr === 'string' ? c.stderr.replaceAll('EXISTING', existing) : c.stderr;
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    if (typeof stderr === 'string') expect(r.stderr).toBe(stderr);
    else expect(r.stderr).toMatch(stderr);
    expect(await topicNames()).toEqual(before);
  });
});

describe('mq-topics views', () => {
  it('prints the WARNING line for names with . or _', async () => {
    const t = randomTopic('w.x');
    const r = await run(topicsMain, ['--create', '--topic', t]);
    expect(r.stdout).toBe(
      "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.\n" +
        `Created topic ${t}.\n`,
    );
  });

  it('--if-not-exists, --if-exists: silent success', async () => {
    expect(await run(topicsMain, ['--create', '--topic', existing, '--if-not-exists'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await run(topicsMain, ['--delete', '--topic', 'no-such-zz', '--if-exists'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await run(topicsMain, ['--describe', '--topic', 'no-such-zz', '--if-exists'])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('report filters print only matching partition lines; --topics-with-overrides only summaries', async () => {
    const t = randomTopic('rep');
    await createTopics(b.bootstrap, [{ topic: t, numPartitions: 2, configEntries: [{ name: 'min.insync.replicas', value: '1' }] }]);
    expect((await run(topicsMain, ['--describe', '--topic', t, '--under-replicated-partitions'])).stdout).toBe('');
    expect((await run(topicsMain, ['--describe', '--topic', t, '--unavailable-partitions'])).stdout).toBe('');
    expect((await run(topicsMain, ['--describe', '--topic', t, '--under-min-isr-partitions'])).stdout).toBe('');
    expect((await run(topicsMain, ['--describe', '--topic', t, '--at-min-isr-partitions'])).stdout).toBe(
      [0, 1].map((p) => `\tTopic: ${t}\tPartition: ${p}\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: \tLastKnownElr: \n`).join(''),
    );
    const o = await run(topicsMain, ['--describe', '--topic', t, '--topics-with-overrides']);
    expect(o.stdout.replace(/TopicId: \S{22}/, 'TopicId: <id>')).toBe(`Topic: ${t}\tTopicId: <id>\tPartitionCount: 2\tReplicationFactor: 1\tConfigs: min.insync.replicas=1\n`);
    const plain = randomTopic('plain');
    await createTopics(b.bootstrap, [{ topic: plain }]);
    expect((await run(topicsMain, ['--describe', '--topic', plain, '--topics-with-overrides'])).stdout).toBe('');
  });

  it('--topic-id describes by id; regex lists and --exclude-internal', async () => {
    const d = await run(topicsMain, ['--describe', '--topic', existing]);
    const id = /TopicId: (\S{22})/.exec(d.stdout)![1]!;
    const byId = await run(topicsMain, ['--describe', '--topic-id', id]);
    // By id Kafka's tool goes through Metadata, which carries no eligible-leader lists.
    expect(d.stdout).toContain('\tElr: \tLastKnownElr: \n');
    expect(byId.stdout).toBe(d.stdout.replaceAll('\tElr: \tLastKnownElr: \n', '\tElr: N/A\tLastKnownElr: N/A\n'));
    const prefix = existing.slice(0, 8);
    const l = await run(topicsMain, ['--list', '--topic', `${prefix}.*`, '--exclude-internal']);
    expect(l.stdout).toBe(`${existing}\n`);
    const j = await run(topicsMain, ['--list', '--topic', existing, '--output', 'json']);
    expect(JSON.parse(j.stdout)).toEqual({ topics: [existing] });
  });
});
