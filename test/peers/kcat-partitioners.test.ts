/**
 * `mq-topics --partition-for-key` against librdkafka itself: kcat produces keyed records with
 * each `partitioner`, and every record is where mq said it would be. (The tool runs in-process
 * here, one run per key; test/e2e/topics-partition-for-key.test.ts spawns the built bin.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { randomTopic } from '../helpers/names.js';
import { run, runOk } from '../helpers/proc.js';
import { captureIo } from '../../src/cli/io.js';
import { main as topics } from '../../src/commands/topics/index.js';

// kcat is a required peer (scripts/install-deps.sh); a missing one fails these tests rather than skipping them.
const kcat = ['/usr/bin/kcat', '/usr/local/bin/kcat'].find((p) => existsSync(p)) ?? 'kcat';
const mqTopics = resolve('bin', 'mq-topics.js');
const env = { MQ_BOOTSTRAP_SERVER: undefined, NO_COLOR: '1' };

let b: TestBroker;
beforeAll(async () => {
  b = await startTestBroker();
});
afterAll(async () => b?.stop());

const KEYS = ['kafka', 'user-1', 'user-2', 'order-1234', '1234', 'giberish123456789', 'PreAmbleWillBeRemoved,ThePrePartThatIs', 'ü', 'a', 'zz'];

describe('mq-topics --partition-for-key and librdkafka (kcat)', () => {
  it.each(['consistent', 'consistent_random', 'murmur2', 'murmur2_random', 'fnv1a', 'fnv1a_random'])('%s: kcat puts every key where mq says', async (partitioner) => {
    const topic = randomTopic(partitioner.replace('_', '-'));
    await runOk(process.execPath, [mqTopics, '--bootstrap-server', b.bootstrap, '--create', '--topic', topic, '--partitions', '7'], { env });
    const w = await run(kcat, ['-P', '-b', b.bootstrap, '-t', topic, '-K', '\t', '-X', `topic.partitioner=${partitioner}`], {
      stdin: KEYS.map((k) => `${k}\t${k}`).join('\n') + '\n',
    });
    expect(w.stderr).toBe('');
    expect(w.code).toBe(0);
    const r = await runOk(kcat, ['-C', '-b', b.bootstrap, '-t', topic, '-e', '-q', '-f', '%k\t%p\n']);
    const landed = new Map(r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t') as [string, string]));
    expect(landed.size).toBe(KEYS.length);
    for (const key of KEYS) {
      const cap = captureIo({ env: {} });
      expect(await topics(['--bootstrap-server', b.bootstrap, '--partition-for-key', key, '--topic', topic, '--output', 'json'], cap.io)).toBe(0);
      const doc = JSON.parse(cap.stdout()) as { partitionCount: number; partitioners: Array<{ partitioner: string; partition: number | null }> };
      expect(doc.partitionCount).toBe(7);
      expect(doc.partitioners.find((p) => p.partitioner === partitioner)?.partition, key).toBe(Number(landed.get(key)));
    }
  });
});
