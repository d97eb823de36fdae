/**
 * mq-topics against an in-process broker: every view byte for byte (ids normalised), JSON output,
 * and the bad-input table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../../src/cli/io.js';
import { main } from '../../../src/commands/topics/index.js';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { randomTopic } from '../../helpers/names.js';

let b: TestBroker;
beforeAll(async () => {
  b = await startTestBroker();
});
afterAll(async () => {
  await b?.stop();
});

async function topics(args: string[], env: NodeJS.ProcessEnv = {}) {
  const cap = captureIo({ env });
  const code = await main([...args, '--bootstrap-server', b.bootstrap], cap.io);
  return { code, stdout: cap.stdout(), stderr: cap.stderr() };
}

const ID = /TopicId: [A-Za-z0-9_-]{22}\t/g;

describe('mq-topics', () => {
  it('creates, lists, describes, alters and deletes', async () => {
    const t = randomTopic('life');
    let r = await topics(['--create', '--topic', t, '--partitions', '2', '--config', 'retention.ms=1000']);
    expect(r).toEqual({ code: 0, stdout: `Created topic ${t}.\n`, stderr: '' });

    r = await topics(['--list', '--topic', t]);
    expect(r).toEqual({ code: 0, stdout: `${t}\n`, stderr: '' });

    r = await topics(['--describe', '--topic', t]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.replace(ID, 'TopicId: <id>\t')).toBe(
      `Topic: ${t}\tTopicId: <id>\tPartitionCount: 2\tReplicationFactor: 1\tConfigs: retention.ms=1000\n` +
        `\tTopic: ${t}\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: \tLastKnownElr: \n` +
        `\tTopic: ${t}\tPartition: 1\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: \tLastKnownElr: \n`,
    );

    r = await topics(['--alter', '--topic', t, '--partitions', '3']);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    r = await topics(['--describe', '--topic', t, '--output', 'json']);
    const doc = JSON.parse(r.stdout);
    expect(doc.topics[0]).toMatchObject({ name: t, partitionCount: 3, replicationFactor: 1, configs: { 'retention.ms': '1000' } });
    expect(doc.topics[0].topicId).toMatch(/^[A-Za-z0-9_-]{22}$/);

    r = await topics(['--delete', '--topic', t]);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    // One empty line, as Kafka's TopicCommand prints for no topics (it prints the joined names once).
    r = await topics(['--list', '--topic', t]);
    expect(r).toEqual({ code: 0, stdout: '\n', stderr: '' });
  });
});
