/**
 * Colour is for people at a terminal: tables get a bold header and errors turn red when the
 * stream is a TTY (or FORCE_COLOR says so), never with NO_COLOR or --no-color, never in pipes.
 * The layout must stay Kafka's either way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { randomGroup, randomTopic } from '../../helpers/names.js';
import { createTopics } from '../../helpers/kafkajs.js';
import { captureIo } from '../../../src/cli/io.js';
import { main as groups } from '../../../src/commands/consumer-groups/index.js';
import { main as topics } from '../../../src/commands/topics/index.js';
import { Cluster } from '../../../src/engine/client/cluster.js';
import { commitOffsets } from '../../../src/engine/client/group-offsets.js';

const ANSI = /\u001b\[[0-9;]*m/g;
let b: TestBroker;
let group: string;

beforeAll(async () => {
  b = await startTestBroker();
  const t = randomTopic('colour');
  group = randomGroup('colour');
  await createTopics(b.bootstrap, [{ topic: t, numPartitions: 2 }]);
  const cluster = await Cluster.connect([b.bootstrap], { clientId: 'seed' });
  await commitOffsets(cluster, group, [{ topic: t, partition: 0, offset: 0 }, { topic: t, partition: 1, offset: 0 }]);
  await cluster.close();
});
afterAll(async () => {
  await b?.stop();
});

async function run(main: typeof groups, args: string[], opts: { env?: NodeJS.ProcessEnv; tty?: boolean }) {
  const cap = captureIo({ env: opts.env ?? {}, stdoutTTY: opts.tty, stderrTTY: opts.tty });
  const code = await main(['--bootstrap-server', b.bootstrap, ...args], cap.io);
  return { code, stdout: cap.stdout(), stderr: cap.stderr() };
}

describe('colour', () => {
  it('bolds table headers on a terminal and keeps the columns where Kafka puts them', async () => {
    const plain = await run(groups, ['--describe', '--group', group], {});
    const tty = await run(groups, ['--describe', '--group', group], { tty: true });
    expect(plain.stdout).not.toMatch(ANSI);
    expect(tty.stdout).toContain('\u001b[1mGROUP');
    expect(tty.stdout.replace(ANSI, '')).toBe(plain.stdout);
  });

  it('FORCE_COLOR turns it on in a pipe; NO_COLOR and --no-color turn it off on a terminal', async () => {
    expect((await run(groups, ['--describe', '--group', group], { env: { FORCE_COLOR: '1' } })).stdout).toMatch(ANSI);
    expect((await run(groups, ['--describe', '--group', group], { tty: true, env: { NO_COLOR: '1' } })).stdout).not.toMatch(ANSI);
    expect((await run(groups, ['--describe', '--group', group, '--no-color'], { tty: true })).stdout).not.toMatch(ANSI);
  });

  it('prints errors in red on a colour terminal only', async () => {
    const red = await run(topics, ['--describe', '--topic', 'no-such-topic-colour'], { tty: true });
    expect(red.code).toBe(1);
    expect(red.stderr).toContain('\u001b[31m');
    expect(red.stderr.replace(ANSI, '')).toBe("Error while executing topic command : Topic 'no-such-topic-colour' does not exist as expected\n");
    const plain = await run(topics, ['--describe', '--topic', 'no-such-topic-colour'], {});
    expect(plain.stderr).toBe("Error while executing topic command : Topic 'no-such-topic-colour' does not exist as expected\n");
    const off = await run(topics, ['--describe', '--topic', 'no-such-topic-colour', '--no-color'], { tty: true });
    expect(off.stderr).not.toMatch(ANSI);
  });
});
