/**
 * Issue 10, what a user sees while a tool connects (the built bins, spawned):
 * - a listener that accepts and never answers fails within the setup timeout (10 s default;
 *   --connect-timeout-ms, socket.connection.setup.timeout.ms), with a spinner at a terminal;
 * - an address that answers HTTP is named as not a Kafka broker;
 * - the connection hint names where the address came from;
 * - a topic the broker auto-creates is announced once on stderr;
 * - --verbose logs connections and requests to stderr.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, start } from '../helpers/proc.js';
import { waitFor } from '../helpers/wait.js';
import { createTopics } from '../helpers/kafkajs.js';
import { randomGroup, randomTopic } from '../helpers/names.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = (name: string) => join(root, 'bin', `${name}.js`);
const node = process.execPath;
const env = { MQ_BOOTSTRAP_SERVER: '', NO_COLOR: '1', MQ_CONNECT_TIMEOUT_MS: '', MQ_CONTEXT: '' };
const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'mq-conn-'));
  dirs.push(d);
  return d;
};

/** Accepts connections and never says a word. */
let silent: net.Server;
let silentAddr: string;
const held: net.Socket[] = [];
/** Answers whatever it is sent with an HTTP 400 (node's http server on a request it cannot parse). */
let web: http.Server;
let webAddr: string;
let broker: TestBroker;

beforeAll(async () => {
  silent = net.createServer((s) => held.push(s));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentAddr = `127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
  web = http.createServer((_req, res) => res.end('hello'));
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  webAddr = `127.0.0.1:${(web.address() as net.AddressInfo).port}`;
  broker = await startTestBroker();
});

afterAll(async () => {
  for (const s of held) s.destroy();
  await new Promise((resolve) => silent.close(resolve));
  await new Promise((resolve) => web.close(resolve));
  await broker.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const noAnswer = (addr: string, within: string, hint: string) =>
  `Could not connect to ${addr} (it accepted the connection but did not answer within ${within}; ` +
  `socket.connection.setup.timeout.ms or --connect-timeout-ms waits longer). ${hint}\n`;
const flagHint = 'Is a Kafka broker running there? Leave out --bootstrap-server to use the local mq broker.';

describe('a broker that accepts the connection but never answers', () => {
  it('fails within 10 s by default, with one line', async () => {
    const started = Date.now();
    const r = await run(node, [bin('mq-topics'), '--list', '--bootstrap-server', silentAddr], { env, timeoutMs: 20_000 });
    const took = Date.now() - started;
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: noAnswer(silentAddr, '10 s', flagHint) });
    expect(took).toBeGreaterThanOrEqual(10_000);
    expect(took).toBeLessThan(14_000);
  });

  it('--connect-timeout-ms, socket.connection.setup.timeout.ms and MQ_CONNECT_TIMEOUT_MS change the wait, for every tool', async () => {
    const dir = tmp();
    const props = join(dir, 'client.properties');
    writeFileSync(props, 'socket.connection.setup.timeout.ms=700\n');
    const cases: Array<{ argv: string[]; stdin?: string; env?: Record<string, string>; within: string }> = [
      { argv: [bin('mq-topics'), '--list', '--bootstrap-server', silentAddr, '--connect-timeout-ms', '800'], within: '800 ms' },
      { argv: [bin('mq-configs'), '--describe', '--topic', 'x', '--bootstrap-server', silentAddr, '--command-config', props], within: '700 ms' },
      { argv: [bin('mq-console-producer'), '--topic', 't', '--bootstrap-server', silentAddr, '--connect-timeout-ms', '900'], stdin: 'a\n', within: '900 ms' },
      { argv: [bin('mq-console-producer'), '--topic', 't', '--bootstrap-server', silentAddr, '--producer-property', 'socket.connection.setup.timeout.ms=600'], stdin: 'a\n', within: '600 ms' },
      { argv: [bin('mq-console-consumer'), '--topic', 't', '--bootstrap-server', silentAddr, '--connect-timeout-ms', '1000'], within: '1 s' },
      { argv: [bin('mq-consumer-groups'), '--list', '--bootstrap-server', silentAddr], env: { MQ_CONNECT_TIMEOUT_MS: '750' }, within: '750 ms' },
    ];
    for (const c of cases) {
      const started = Date.now();
      const r = await run(node, c.argv, { env: { ...env, ...c.env }, stdin: c.stdin, timeoutMs: 20_000 });
      expect(r.stderr, c.argv.join(' ')).toContain(`did not answer within ${c.within};`);
      expect(r.code, c.argv.join(' ')).toBe(1);
      expect(Date.now() - started, c.argv.join(' ')).toBeLessThan(6000);
    }
  });

  it('a bad --connect-timeout-ms is a usage error', async () => {
    const r = await run(node, [bin('mq-topics'), '--list', '--connect-timeout-ms', 'soon'], { env });
    expect(r).toMatchObject({ code: 1, stderr: "mq-topics: Invalid value for --connect-timeout-ms: 'soon' (a number of milliseconds)\nSee 'mq-topics --help'.\n" });
  });

  it('shows "waiting for host:port to answer" at a terminal after about a second', async () => {
    // script(1) gives the tool a pseudo-terminal; its transcript is what the user saw.
    const cmd = `stty cols 100 rows 30; "${node}" "${bin('mq-topics')}" --list --bootstrap-server ${silentAddr} --connect-timeout-ms 2500`;
    const r = await run('script', ['-qec', cmd, '/dev/null'], { env: { ...env, CI: '', TERM: 'xterm' }, timeoutMs: 20_000 });
    expect(r.stdout).toContain(`waiting for ${silentAddr} to answer`);
    expect(r.stdout).toContain('did not answer within 2500 ms');
  });

  it('no spinner when stderr is not a terminal', async () => {
    const r = await run(node, [bin('mq-topics'), '--list', '--bootstrap-server', silentAddr, '--connect-timeout-ms', '1500'], { env });
    expect(r.stderr).not.toContain('waiting for');
  });
});

describe('what the failure says', () => {
  it('an address that answers HTTP is not a Kafka broker', async () => {
    const r = await run(node, [bin('mq-topics'), '--list', '--bootstrap-server', webAddr], { env });
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: `Could not connect to ${webAddr}: that is not a Kafka broker (it answered HTTP)\n` });
  });

  it('a listener that answers with a TLS alert (a TLS port spoken to in plain text) says so', async () => {
    // What a TLS stack that refuses a non-TLS first record sends back: an alert record (type 21,
    // TLS 1.2, length 2), fatal (2) unexpected_message (10). Node's own TLS server just closes.
    const server = net.createServer((s) => s.once('data', () => s.end(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x0a]))));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const addr = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
      const r = await run(node, [bin('mq-topics'), '--list', '--bootstrap-server', addr], { env });
      expect(r).toMatchObject({
        code: 1,
        stderr: `Could not connect to ${addr}: it answered TLS: the listener expects security.protocol=SSL (or SASL_SSL) in the client properties file\n`,
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('the hint names where the address came from', async () => {
    const dir = tmp();
    const props = join(dir, 'client.properties');
    writeFileSync(props, 'bootstrap.servers=127.0.0.1:1\n');
    const refused = 'Could not connect to 127.0.0.1:1 (connection refused). Is a Kafka broker running there?';
    const fromEnv = await run(node, [bin('mq-topics'), '--list'], { env: { ...env, MQ_BOOTSTRAP_SERVER: '127.0.0.1:1' } });
    expect(fromEnv.stderr).toBe(`${refused} The address came from MQ_BOOTSTRAP_SERVER; unset it to use the local mq broker.\n`);
    const fromFile = await run(node, [bin('mq-topics'), '--list', '--command-config', props], { env });
    expect(fromFile.stderr).toBe(`${refused} The address came from bootstrap.servers in ${props}.\n`);
    const fromBrokerList = await run(node, [bin('mq-get-offsets'), '--broker-list', '127.0.0.1:1', '--topic', 'x'], { env });
    expect(fromBrokerList.stderr).toBe(`${refused} Leave out --broker-list to use the local mq broker.\n`);
    const fromFlag = await run(node, [bin('mq-topics'), '--list', '--bootstrap-server', '127.0.0.1:1'], { env });
    expect(fromFlag.stderr).toBe(`${refused} Leave out --bootstrap-server to use the local mq broker.\n`);
  });
});

describe('a topic the broker auto-creates', () => {
  const announced = (t: string) =>
    `Created topic '${t}' with 1 partition(s) because it did not exist ` +
    '(the broker auto-creates topics; auto.create.topics.enable=false in its server.properties turns that off)\n';

  it('is announced once by the console producer', async () => {
    const t = randomTopic('typo');
    const first = await run(node, [bin('mq-console-producer'), '--topic', t, '--bootstrap-server', broker.bootstrap], { env, stdin: 'a\n' });
    expect(first).toMatchObject({ code: 0, stderr: announced(t) });
    const second = await run(node, [bin('mq-console-producer'), '--topic', t, '--bootstrap-server', broker.bootstrap], { env, stdin: 'b\n' });
    expect(second).toMatchObject({ code: 0, stderr: '' });
  });

  it('is announced by the console consumer and the producer perf test', async () => {
    const t = randomTopic('typo');
    const c = await run(node, [bin('mq-console-consumer'), '--topic', t, '--bootstrap-server', broker.bootstrap, '--timeout-ms', '300'], { env });
    expect(c.stderr.split('\n')[0] + '\n').toBe(announced(t));
    const t2 = randomTopic('typo');
    const p = await run(node, [bin('mq-producer-perf-test'), '--topic', t2, '--num-records', '1', '--record-size', '10', '--throughput', '-1', '--bootstrap-server', broker.bootstrap], { env });
    expect(p.code).toBe(0);
    expect(p.stderr).toContain(announced(t2));
  });

  it("names mq's own switch for the local broker", async () => {
    const d = tmp();
    const t = randomTopic('typo');
    try {
      const r = await run(node, [bin('mq-console-producer'), '--topic', t, '--data-dir', d], { env, stdin: 'a\n' });
      expect(r.code).toBe(0);
      expect(r.stderr).toContain(
        `Created topic '${t}' with 1 partition(s) because it did not exist (mq's local broker auto-creates topics; turn that off with: ` +
          'mq-configs --alter --entity-type brokers --entity-default --add-config auto.create.topics.enable=false)\n',
      );
    } finally {
      await run(node, [bin('mq-broker'), 'stop', '--data-dir', d]);
    }
  });
});

describe('--verbose', () => {
  it('logs connections, requests and answers to stderr, and nothing more to stdout', async () => {
    const quiet = await run(node, [bin('mq-topics'), '--list', '--bootstrap-server', broker.bootstrap], { env });
    const r = await run(node, [bin('mq-topics'), '--list', '--bootstrap-server', broker.bootstrap, '--verbose'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(quiet.stdout);
    expect(r.stderr).toContain(`[mq client] connecting to ${broker.bootstrap}\n`);
    expect(r.stderr).toMatch(new RegExp(`\\[mq client\\] -> ApiVersions v3 to ${broker.bootstrap} \\(correlation id 1\\)\n`));
    expect(r.stderr).toMatch(/\[mq client\] connected to 127\.0\.0\.1:\d+ \(\d+ APIs in common\)\n/);
    expect(r.stderr).toMatch(/\[mq client\] <- Metadata from 127\.0\.0\.1:\d+ in \d+ ms\n/);
    expect(quiet.stderr).toBe('');
  });

  it("logs a group consumer's rebalances: joining, its generation and partitions, and the rejoin when a second member arrives", async () => {
    const topic = randomTopic('verbose');
    const group = randomGroup('verbose');
    await createTopics(broker.bootstrap, [{ topic, numPartitions: 2 }]);
    const args = ['--bootstrap-server', broker.bootstrap, '--topic', topic, '--group', group];
    const first = start(node, [bin('mq-console-consumer'), ...args, '--verbose'], { env, timeoutMs: 60_000 });
    let second: ReturnType<typeof start> | undefined;
    try {
      await waitFor(() => new RegExp(`generation \\d+ assigned ${topic}-0, ${topic}-1 to member `).test(first.stderr), { timeoutMs: 30_000, message: 'the first assignment' });
      second = start(node, [bin('mq-console-consumer'), ...args], { env, timeoutMs: 60_000 });
      expect(first.stderr).toContain(`[mq client] group ${group}: joining (subscribed to ${topic})\n`);
      // Both members in one generation: the verbose one rejoined and holds one of the two partitions.
      await waitFor(() => new RegExp(`generation \\d+ assigned ${topic}-[01] to member `).test(first.stderr), { timeoutMs: 30_000, message: 'the rebalance to two members' });
      expect(first.stderr).toMatch(new RegExp(`\\[mq client\\] group ${group}: (a heartbeat answered REBALANCE_IN_PROGRESS|rebalancing: rejoining after generation \\d+)`));
      expect(first.stderr).toMatch(/joined generation \d+ as (leader of \d member\(s\), assigning with range|a follower)\n/);
      expect(second.stderr).not.toContain('[mq client]');
    } finally {
      first.kill('SIGINT');
      second?.kill('SIGINT');
      await Promise.all([first.done, second?.done]);
    }
    expect((await first.done).stderr).toContain(`[mq client] group ${group}: leaving the group (member `);
  });
});
