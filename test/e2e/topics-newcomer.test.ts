/**
 * Issue 10's smaller mq-topics / mq-configs items through the built bins, on the auto-started
 * local broker (a fresh MQ_DATA_DIR) and on an in-process broker named with --bootstrap-server:
 * - `--replication-factor 3` keeps Kafka's refusal and, on the local broker, says what to do instead;
 * - mq-configs on a missing topic says the topic does not exist;
 * - `--partition-for-key`: the table and JSON of each partitioner's choice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { run, runOk } from '../helpers/proc.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { randomTopic } from '../helpers/names.js';
import { partitionForKey } from '../../src/engine/client/partitioner.js';

const bin = (name: string) => resolve('bin', `${name}.js`);
const node = process.execPath;
const dataDir = mkdtempSync(join(tmpdir(), 'mq-newcomer-'));
const env = { MQ_DATA_DIR: dataDir, MQ_BOOTSTRAP_SERVER: undefined, NO_COLOR: '1' };
const mq = (tool: string, args: string[]) => run(node, [bin(tool), ...args], { env });

const KAFKA_RF = 'Error while executing topic command : Unable to replicate the partition 3 time(s): The target replication factor of 3 cannot be reached because only 1 broker(s) are registered.';

let b: TestBroker;
beforeAll(async () => {
  b = await startTestBroker();
  // Start the local broker once, so the tests below see no "Started the local mq broker" line.
  await runOk(node, [bin('mq-topics'), '--list'], { env });
});
afterAll(async () => {
  await run(node, [bin('mq-broker'), 'stop', '--data-dir', dataDir], { env });
  rmSync(dataDir, { recursive: true, force: true });
  await b?.stop();
});

describe('--replication-factor beyond the brokers', () => {
  it('on the local broker: Kafka\'s refusal, then what to do instead', async () => {
    const t = randomTopic('rf');
    const r = await mq('mq-topics', ['--create', '--topic', t, '--replication-factor', '3']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `${KAFKA_RF}\n` +
        'The local mq broker is a single broker, so its topics have replication factor 1. For replication, start a local multi-broker Apache Kafka with `mq-cluster up` (then --bootstrap-server localhost:29092), or create the topic on a cluster with that many brokers: --bootstrap-server host:port.\n',
    );
    expect((await mq('mq-topics', ['--list', '--topic', t])).stdout).toBe('\n');
  });

  it('on a cluster named with --bootstrap-server: Kafka\'s refusal alone', async () => {
    const r = await mq('mq-topics', ['--bootstrap-server', b.bootstrap, '--create', '--topic', randomTopic('rf'), '--replication-factor', '3']);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: `${KAFKA_RF}\n` });
  });
});

describe('mq-configs on a missing topic', () => {
  it('says the topic does not exist, for --describe and --alter', async () => {
    const t = randomTopic('nope');
    let r = await mq('mq-configs', ['--describe', '--topic', t]);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: `Topic '${t}' does not exist.\n` });
    r = await mq('mq-configs', ['--describe', '--entity-type', 'topics', '--entity-name', t, '--bootstrap-server', b.bootstrap]);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: `Topic '${t}' does not exist.\n` });
    r = await mq('mq-configs', ['--alter', '--topic', t, '--add-config', 'retention.ms=1000']);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: `Topic '${t}' does not exist.\n` });
  });
});

describe('mq-topics --partition-for-key', () => {
  it('prints each partitioner\'s partition for --partitions N, without a broker', async () => {
    const r = await run(node, [bin('mq-topics'), '--partition-for-key', 'kafka', '--partitions', '6', '--bootstrap-server', '127.0.0.1:1'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // crc32("kafka") = 0x5bbc7517 (zlib), fnv1a("kafka") = 0x0d33c4e1 (librdkafka's rdfnv1a.c test vector).
    const java = partitionForKey(Buffer.from('kafka'), 6);
    expect(r.stdout).toBe(
      [
        'PARTITIONER       PARTITION NOTE',
        `java              ${java}         default of Java client, kafkajs`,
        `consistent_random ${0x5bbc7517 % 6}         default of librdkafka (confluent-kafka, kcat, node-rdkafka)`,
        `murmur2_random    ${java}`,
        `fnv1a_random      ${0x0d33c4e1 % 6}`,
        `consistent        ${0x5bbc7517 % 6}`,
        `murmur2           ${java}`,
        `fnv1a             ${0x0d33c4e1 % 6}`,
        'random            (random)',
        '',
      ].join('\n'),
    );
  });

  it('looks up --topic\'s partition count (JSON), and says when the topic does not exist', async () => {
    const t = randomTopic('keys');
    await runOk(node, [bin('mq-topics'), '--create', '--topic', t, '--partitions', '5'], { env });
    let r = await mq('mq-topics', ['--partition-for-key', 'user-1', '--topic', t, '--output', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ key: 'user-1', topic: t, partitionCount: 5 });
    expect(doc.partitioners[0]).toEqual({ partitioner: 'java', partition: partitionForKey(Buffer.from('user-1'), 5), defaultFor: 'Java client, kafkajs' });
    expect(doc.partitioners.map((p: { partitioner: string }) => p.partitioner)).toEqual([
      'java', 'consistent_random', 'murmur2_random', 'fnv1a_random', 'consistent', 'murmur2', 'fnv1a', 'random',
    ]);

    r = await mq('mq-topics', ['--partition-for-key', 'user-1', '--topic', `${t}-missing`]);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: `Topic '${t}-missing' does not exist\n` });
    r = await mq('mq-topics', ['--partition-for-key', 'user-1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--partition-for-key needs --topic (to look up its partition count) or --partitions N');
    r = await mq('mq-topics', ['--partition-for-key', 'k', '--list']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Option "[partition-for-key]" can\'t be used with option "[list]"');
  });
});
