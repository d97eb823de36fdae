/**
 * mq-console-producer and mq-console-consumer against librdkafka (kcat) on the same in-process broker:
 * each compression codec written by one side and read by the other (both of mq's read paths, manual
 * assignment and group).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { createTopics } from '../helpers/kafkajs.js';
import { randomTopic } from '../helpers/names.js';
import { run } from '../helpers/proc.js';
import { main as produce } from '../../src/commands/console-producer/index.js';
import { main as consume } from '../../src/commands/console-consumer/index.js';
import { testIo } from '../integration/commands/producer-helpers.js';

// kcat is a required peer (scripts/install-deps.sh); a missing one fails these tests rather than skipping them.
const kcat = ['/usr/bin/kcat', '/usr/local/bin/kcat'].find((p) => existsSync(p)) ?? 'kcat';

let b: TestBroker;
beforeAll(async () => {
  b = await startTestBroker();
});
afterAll(async () => b?.stop());

async function seed(topic: string, input: string, extra: string[] = []) {
  await createTopics(b.bootstrap, [{ topic }]);
  const io = testIo(input);
  const code = await produce(['--bootstrap-server', b.bootstrap, '--topic', topic, ...extra], io);
  expect(io.err()).toBe('');
  expect(code).toBe(0);
}

const never = new AbortController().signal;

describe('mq console tools and librdkafka (kcat)', () => {
  it.each(['gzip', 'snappy', 'lz4', 'zstd'])('decodes %s batches written by librdkafka (kcat), on both read paths', async (codec) => {
    const topic = randomTopic(codec);
    await createTopics(b.bootstrap, [{ topic }]);
    const w = await run(kcat, ['-P', '-b', b.bootstrap, '-t', topic, '-z', codec, '-K:'], { stdin: `k1:hello ${codec}\nk2:${'x'.repeat(5000)}\n` });
    expect(w.code).toBe(0);
    const manual = testIo();
    expect(await consume(['--bootstrap-server', b.bootstrap, '--topic', topic, '--partition', '0', '--offset', 'earliest', '--max-messages', '2', '--property', 'print.key=true'], manual, never)).toBe(0);
    expect(manual.out()).toBe(`k1\thello ${codec}\nk2\t${'x'.repeat(5000)}\n`);
    const grouped = testIo();
    expect(await consume(['--bootstrap-server', b.bootstrap, '--topic', topic, '--from-beginning', '--max-messages', '2', '--property', 'print.key=true'], grouped, never)).toBe(0);
    expect(grouped.out()).toBe(manual.out());
  });

  it.each(['gzip', 'snappy', 'lz4', 'zstd'])('librdkafka (kcat) reads %s batches written by mq-console-producer', async (codec) => {
    const topic = randomTopic(codec);
    await seed(topic, 'a\nb\n', ['--compression-codec', codec]);
    const r = await run(kcat, ['-C', '-b', b.bootstrap, '-t', topic, '-e', '-q', '-f', '%s\n']);
    expect(r.stdout).toBe('a\nb\n');
  });
});
