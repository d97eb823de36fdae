/**
 * Named contexts (issue 10, 3.8): mq-config set-context / use-context / list-contexts /
 * current-context / delete-context, and every tool choosing its cluster by --context, MQ_CONTEXT
 * or the current context. HOME and XDG_CONFIG_HOME point at a temporary directory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../helpers/proc.js';
import { randomTopic } from '../helpers/names.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = (name: string) => join(root, 'bin', `${name}.js`);
const node = process.execPath;
const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'mq-ctx-'));
  dirs.push(d);
  return d;
};

let broker: TestBroker;
let silent: net.Server;
let silentAddr: string;
const held: net.Socket[] = [];

beforeAll(async () => {
  broker = await startTestBroker();
  silent = net.createServer((s) => held.push(s));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentAddr = `127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
});

afterAll(async () => {
  for (const s of held) s.destroy();
  await new Promise((resolve) => silent.close(resolve));
  await broker.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A fresh home: its own ~/.config/mq/config, no cluster from the environment. */
function home(): { env: Record<string, string>; configFile: string } {
  const h = tmp();
  return { env: { HOME: h, XDG_CONFIG_HOME: '', MQ_BOOTSTRAP_SERVER: '', MQ_CONTEXT: '', MQ_CONNECT_TIMEOUT_MS: '', NO_COLOR: '1' }, configFile: join(h, '.config', 'mq', 'config') };
}

describe('mq-config', () => {
  it('adds, lists, switches, shows and deletes contexts', async () => {
    const { env, configFile } = home();
    const mq = (...args: string[]) => run(node, [bin('mq-config'), ...args], { env });
    expect(await mq('set-context', 'dev', '--bootstrap-server', broker.bootstrap)).toMatchObject({
      code: 0,
      stdout: '',
      stderr: `Added context 'dev' (${broker.bootstrap}). Use it with: mq-config use-context dev\n`,
    });
    expect(await mq('set-context', 'prod', '--bootstrap-server', 'k1:9092,k2:9092', '--command-config', '/etc/kafka/client.properties')).toMatchObject({ code: 0 });
    expect(await mq('current-context')).toMatchObject({ code: 1, stdout: '', stderr: `No current context in ${configFile}; set one with mq-config use-context NAME\n` });
    expect(await mq('use-context', 'dev')).toMatchObject({ code: 0, stderr: "Switched to context 'dev'.\n" });
    expect(await mq('current-context')).toMatchObject({ code: 0, stdout: 'dev\n' });
    const list = await mq('list-contexts');
    expect(list.stdout).toBe(
      [
        'CURRENT NAME  BOOTSTRAP SERVERS   COMMAND CONFIG',
        "        local (mq's local broker)",
        `*       dev   ${broker.bootstrap.padEnd(19)}`.trimEnd(),
        '        prod  k1:9092,k2:9092     /etc/kafka/client.properties',
        '',
      ].join('\n'),
    );
    const json = JSON.parse((await mq('list-contexts', '--output', 'json')).stdout);
    expect(json.currentContext).toBe('dev');
    expect(json.contexts.map((c: { name: string }) => c.name)).toEqual(['local', 'dev', 'prod']);
    expect(await mq('use-context', 'nope')).toMatchObject({ code: 1, stderr: `No context 'nope' in ${configFile}; mq-config list-contexts shows the contexts there\n` });
    expect(await mq('delete-context', 'dev')).toMatchObject({ code: 0, stderr: "Deleted context 'dev'. No context is current now.\n" });
    expect(JSON.parse(readFileSync(configFile, 'utf8'))).toEqual({ contexts: { prod: { bootstrapServer: 'k1:9092,k2:9092', commandConfig: '/etc/kafka/client.properties' } } });
    expect(await mq('set-context', 'bad', '--bootstrap-server', 'localhost')).toMatchObject({ code: 1, stderr: "mq-config: Please provide valid host:port like host1:9091,host2:9092\nSee 'mq-config --help'.\n" });
  });

  it('XDG_CONFIG_HOME moves the file', async () => {
    const { env } = home();
    const xdg = tmp();
    const r = await run(node, [bin('mq-config'), 'set-context', 'a', '--bootstrap-server', 'h:1'], { env: { ...env, XDG_CONFIG_HOME: xdg } });
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(xdg, 'mq', 'config'), 'utf8')).contexts.a.bootstrapServer).toBe('h:1');
  });
});

describe('tools choose their cluster by context', () => {
  it('the current context applies when no cluster is named; --bootstrap-server and MQ_BOOTSTRAP_SERVER win over it', async () => {
    const { env } = home();
    const t = randomTopic('ctx');
    await run(node, [bin('mq-config'), 'set-context', 'dev', '--bootstrap-server', broker.bootstrap], { env });
    await run(node, [bin('mq-config'), 'set-context', 'dead', '--bootstrap-server', '127.0.0.1:1'], { env });
    await run(node, [bin('mq-config'), 'use-context', 'dev'], { env });
    expect(await run(node, [bin('mq-topics'), '--create', '--topic', t], { env })).toMatchObject({ code: 0, stdout: `Created topic ${t}.\n`, stderr: '' });
    const listed = await run(node, [bin('mq-topics'), '--list', '--bootstrap-server', broker.bootstrap], { env });
    expect(listed.stdout.split('\n')).toContain(t);
    await run(node, [bin('mq-config'), 'use-context', 'dead'], { env });
    expect((await run(node, [bin('mq-topics'), '--list', '--bootstrap-server', broker.bootstrap], { env })).stdout.split('\n')).toContain(t);
    expect((await run(node, [bin('mq-topics'), '--list'], { env: { ...env, MQ_BOOTSTRAP_SERVER: broker.bootstrap } })).stdout.split('\n')).toContain(t);
    const dead = await run(node, [bin('mq-topics'), '--list'], { env });
    expect(dead).toMatchObject({ code: 1, stdout: '' });
    expect(dead.stderr).toMatch(/^Could not connect to 127\.0\.0\.1:1 \(connection refused\)\. Is a Kafka broker running there\? The address came from the context 'dead' in .+; choose another with --context or mq-config use-context\.\n$/);
  });

  it('--context and MQ_CONTEXT on every tool, over MQ_BOOTSTRAP_SERVER', async () => {
    const { env } = home();
    await run(node, [bin('mq-config'), 'set-context', 'dev', '--bootstrap-server', broker.bootstrap], { env });
    const elsewhere = { ...env, MQ_BOOTSTRAP_SERVER: '127.0.0.1:1' };
    const t = randomTopic('ctx');
    expect(await run(node, [bin('mq-topics'), '--create', '--topic', t, '--context', 'dev'], { env: elsewhere })).toMatchObject({ code: 0, stderr: '' });
    expect(await run(node, [bin('mq-console-producer'), '--topic', t, '--context', 'dev'], { env: elsewhere, stdin: 'one\ntwo\n' })).toMatchObject({ code: 0 });
    const consumed = await run(node, [bin('mq-console-consumer'), '--topic', t, '--from-beginning', '--max-messages', '2'], { env: { ...elsewhere, MQ_CONTEXT: 'dev' } });
    expect(consumed).toMatchObject({ code: 0, stdout: 'one\ntwo\n' });
    const offsets = await run(node, [bin('mq-get-offsets'), '--topic', t, '--context', 'dev'], { env: elsewhere });
    expect(offsets).toMatchObject({ code: 0, stdout: `${t}:0:2\n` });
    for (const tool of ['mq-consumer-groups', 'mq-configs', 'mq-producer-perf-test', 'mq-consumer-perf-test']) {
      expect((await run(node, [bin(tool), '--help'])).stdout, tool).toContain('--context <name>');
    }
    expect(await run(node, [bin('mq-consumer-groups'), '--list', '--context', 'dev'], { env: elsewhere })).toMatchObject({ code: 0 });
    const unknown = await run(node, [bin('mq-topics'), '--list', '--context', 'nope'], { env });
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toMatch(/^No context 'nope' in .+; mq-config list-contexts shows the contexts there\n$/);
  });

  it("a context's properties file is read (here: its socket.connection.setup.timeout.ms)", async () => {
    const { env } = home();
    const props = join(tmp(), 'client.properties');
    writeFileSync(props, 'socket.connection.setup.timeout.ms=700\n');
    await run(node, [bin('mq-config'), 'set-context', 'hung', '--bootstrap-server', silentAddr, '--command-config', props], { env });
    const r = await run(node, [bin('mq-topics'), '--list', '--context', 'hung'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Could not connect to ${silentAddr} (it accepted the connection but did not answer within 700 ms;`);
  });

  it("--context local is mq's local broker, whatever MQ_BOOTSTRAP_SERVER says", async () => {
    const { env } = home();
    const d = tmp();
    try {
      const r = await run(node, [bin('mq-topics'), '--list', '--context', 'local', '--data-dir', d], { env: { ...env, MQ_BOOTSTRAP_SERVER: '127.0.0.1:1' } });
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/^Started the local mq broker on 127\.0\.0\.1:\d+/);
    } finally {
      await run(node, [bin('mq-broker'), 'stop', '--data-dir', d]);
    }
  });
});
