/**
 * Found against a real 3-node Kafka (test/reference/suite-a, leader stop): the console consumer
 * died with "Connection to ... was closed by the broker" when the broker it fetched from, or its
 * group coordinator, went away. A lost connection must mean "refresh and try again", as in
 * Kafka's consumer. Here the one local broker restarts on the same port under a running group
 * consumer: it must carry on and print everything produced before and after.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { createTopics, kafkaClient } from '../helpers/kafkajs.js';
import { randomGroup, randomTopic } from '../helpers/names.js';
import { waitFor } from '../helpers/wait.js';
import { main as consume } from '../../src/commands/console-consumer/index.js';
import { testIo } from '../integration/commands/producer-helpers.js';
import { run } from '../helpers/proc.js';
import { join } from 'node:path';

let b: TestBroker | undefined;
afterAll(async () => {
  await b?.stop();
});

async function produce(bootstrap: string, topic: string, values: string[]): Promise<void> {
  const producer = kafkaClient(bootstrap, 'restart-producer').producer();
  await producer.connect();
  await producer.send({ topic, messages: values.map((value) => ({ value })) });
  await producer.disconnect();
}

describe('mq-console-consumer across a broker restart', () => {
  it('keeps consuming in its group after the broker comes back', async () => {
    b = await startTestBroker();
    const topic = randomTopic('restart');
    await createTopics(b.bootstrap, [{ topic, numPartitions: 2 }]);
    await produce(b.bootstrap, topic, ['a1', 'a2', 'a3']);
    const io = testIo();
    const ac = new AbortController();
    const run = consume(['--bootstrap-server', b.bootstrap, '--topic', topic, '--group', randomGroup('restart'), '--from-beginning'], io, ac.signal);
    await waitFor(() => io.out().split('\n').filter(Boolean).length >= 3, { timeoutMs: 15_000 });
    const port = b.port;
    await b.restart();
    expect(b.port).toBe(port);
    await produce(b.bootstrap, topic, ['b1', 'b2', 'b3']);
    await waitFor(() => io.out().split('\n').filter(Boolean).length >= 6, { timeoutMs: 30_000, message: `consumer output so far:\n${io.out()}\n${io.err()}` });
    ac.abort();
    expect(await run).toBe(0);
    expect(io.out().split('\n').filter(Boolean).sort()).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'b3']);
    expect(io.err()).toMatch(/Processed a total of 6 messages/);
  });

  it('the process exits at --timeout-ms while its fetch waits at the end of a partition', async () => {
    // A closed connection at shutdown is not a broker going away: the fetcher must not reconnect
    // and keep the process alive (found in Suite A with --partition 0 --offset latest --timeout-ms).
    b ??= await startTestBroker();
    const topic = randomTopic('timeout');
    await createTopics(b.bootstrap, [{ topic, numPartitions: 1 }]);
    const bin = join(import.meta.dirname, '../../bin/mq-console-consumer.js');
    const r = await run(process.execPath, [bin, '--bootstrap-server', b.bootstrap, '--topic', topic, '--partition', '0', '--offset', 'latest', '--timeout-ms', '500'], { timeoutMs: 15_000 });
    expect(r.timedOut).toBe(false);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Processed a total of 0 messages');
  });
});
