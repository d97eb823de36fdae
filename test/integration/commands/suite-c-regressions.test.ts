/**
 * Java-free goldens for differences that suite C (test/reference/suite-c-transcript.test.ts: the
 * same session with Kafka 4.3's tools and mq's, on Apache Kafka and on mq's broker) found in mq.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { createTopics } from '../../helpers/kafkajs.js';
import { randomGroup, randomTopic } from '../../helpers/names.js';
import { Cluster } from '../../../src/engine/client/cluster.js';
import { commitOffsets } from '../../../src/engine/client/group-offsets.js';
import { main as topics } from '../../../src/commands/topics/index.js';
import { main as configs } from '../../../src/commands/configs/index.js';
import { main as groups } from '../../../src/commands/consumer-groups/index.js';
import { testIo } from './producer-helpers.js';

let b: TestBroker;

/** mq-consumer-groups' reset journal goes to $XDG_STATE_HOME/mq for a remote cluster: a temporary one here. */
const stateHome = mkdtempSync(join(tmpdir(), 'mq-sc-state-'));

async function tool(main: (argv: string[], io: ReturnType<typeof testIo>) => Promise<number>, args: string[]) {
  const io = testIo();
  io.env.XDG_STATE_HOME = stateHome;
  const code = await main(['--bootstrap-server', b.bootstrap, ...args], io);
  return { code, stdout: io.out(), stderr: io.err() };
}

beforeAll(async () => {
  // The values of Kafka's stock config/kraft/server.properties.
  b = await startTestBroker({ settings: { 'log.retention.hours': '168', 'log.segment.bytes': '1073741824' } });
});
afterAll(async () => {
  await b?.stop();
  rmSync(stateHome, { recursive: true, force: true });
});

describe('suite C regressions', () => {
  it('log.retention.hours in server.properties is not a retention.ms synonym (only log.retention.ms would be), as in Kafka', async () => {
    // Kafka 4.3 on the same server.properties: `Configs: segment.bytes=1073741824` and
    // `synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=86400000}`; mq listed retention.ms=604800000
    // (STATIC_BROKER_CONFIG) and a STATIC_BROKER_CONFIG:log.retention.hours=168 synonym.
    const plain = randomTopic('sc');
    const withRetention = randomTopic('sc');
    await createTopics(b.bootstrap, [{ topic: plain }, { topic: withRetention, configEntries: [{ name: 'retention.ms', value: '86400000' }] }]);
    const d = await tool(topics, ['--describe', '--topic', plain]);
    expect(d.code).toBe(0);
    expect(d.stdout.split('\n')[0]).toMatch(new RegExp(`^Topic: ${plain}\\tTopicId: \\S{22}\\tPartitionCount: 1\\tReplicationFactor: 1\\tConfigs: segment\\.bytes=1073741824$`));
    const c = await tool(configs, ['--describe', '--entity-type', 'topics', '--entity-name', withRetention]);
    expect(c).toEqual({
      code: 0,
      stdout: `Dynamic configs for topic ${withRetention} are:\n  retention.ms=86400000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=86400000}\n`,
      stderr: '',
    });
  });

  it('--delete-offsets of every offset leaves an Empty group that --describe shows and --delete removes (Kafka 4.x)', async () => {
    const t = randomTopic('sc');
    const g = randomGroup('sc');
    await createTopics(b.bootstrap, [{ topic: t, numPartitions: 2 }]);
    const cluster = await Cluster.connect([b.bootstrap], { clientId: 'seed' });
    try {
      await commitOffsets(cluster, g, [{ topic: t, partition: 0, offset: 0 }, { topic: t, partition: 1, offset: 0 }]);
    } finally {
      await cluster.close();
    }
    const del = await tool(groups, ['--delete-offsets', '--group', g, '--topic', t]);
    expect(del.code).toBe(0);
    const desc = await tool(groups, ['--describe', '--group', g]);
    expect(desc).toEqual({ code: 0, stdout: '', stderr: `\nConsumer group '${g}' has no active members.\n` });
    const gone = await tool(groups, ['--delete', '--group', g]);
    expect(gone).toEqual({ code: 0, stdout: `Deletion of requested consumer groups ('${g}') was successful.\n`, stderr: '' });
  });
});
