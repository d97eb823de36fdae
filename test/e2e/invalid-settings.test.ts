/**
 * Issue 12 item 6 as a user sees it: mq-broker start refuses a broker property of the wrong type
 * or out of range with Kafka's ConfigException text and exit 1 (in the foreground, as a daemon and
 * from a properties file), before touching the data directory; mq-topics refuses to create a topic
 * under a name Kafka reserves for an internal topic.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../helpers/proc.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';

const broker = join(import.meta.dirname, '../../bin/mq-broker.js');
const topics = join(import.meta.dirname, '../../bin/mq-topics.js');
const env = { ...process.env, MQ_BOOTSTRAP_SERVER: '', NO_COLOR: '1' };
const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'mq-e2e-settings-'));
  dirs.push(d);
  return d;
}

let tb: TestBroker;
beforeAll(async () => {
  tb = await startTestBroker();
});
afterAll(async () => {
  await tb?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('mq-broker start checks broker properties as KafkaConfig does', () => {
  it.each([
    ['log.segment.bytes=abc', 'Invalid value abc for configuration log.segment.bytes: Not a number of type INT'],
    ['num.partitions=-3', 'Invalid value -3 for configuration num.partitions: Value must be at least 1'],
    ['socket.request.max.bytes=0', 'Invalid value 0 for configuration socket.request.max.bytes: Value must be at least 1'],
    ['auto.create.topics.enable=maybe', 'Invalid value maybe for configuration auto.create.topics.enable: Expected value to be either true or false'],
    ['log.cleanup.policy=shred', 'Invalid value shred for configuration log.cleanup.policy: String must be one of: compact, delete'],
  ])('--override %s: one line, exit 1, nothing started', async (override, message) => {
    const data = join(tempDir(), 'data');
    for (const daemon of [[], ['--daemon']]) {
      const r = await run(process.execPath, [broker, 'start', ...daemon, '--data-dir', data, '--listen', '127.0.0.1:0', '--override', override], { env, timeoutMs: 20_000 });
      expect({ daemon, code: r.code, stderr: r.stderr }).toEqual({ daemon, code: 1, stderr: `${message}\n` });
      expect(existsSync(join(data, 'broker.json'))).toBe(false);
    }
  });

  it('checks the properties file too, and an --override replaces a bad value from it', async () => {
    const dir = tempDir();
    const props = join(dir, 'server.properties');
    writeFileSync(props, 'num.partitions=abc\n');
    const r = await run(process.execPath, [broker, 'start', '--data-dir', join(dir, 'data'), '--listen', '127.0.0.1:0', '--config', props], { env, timeoutMs: 20_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Invalid value abc for configuration num.partitions: Not a number of type INT\n');
    const fixed = await run(process.execPath, [broker, 'start', '--daemon', '--data-dir', join(dir, 'data'), '--listen', '127.0.0.1:0', '--config', props, '--override', 'num.partitions=2'], {
      env,
      timeoutMs: 30_000,
    });
    expect(fixed.code, fixed.stderr).toBe(0);
    const stop = await run(process.execPath, [broker, 'stop', '--data-dir', join(dir, 'data')], { env, timeoutMs: 30_000 });
    expect(stop.code).toBe(0);
  });
});

describe('mq-topics --create under a reserved name', () => {
  it.each(['__consumer_offsets', '__transaction_state'])('%s is refused as Kafka refuses creating an internal topic', async (name) => {
    const r = await run(process.execPath, [topics, '--bootstrap-server', tb.bootstrap, '--create', '--topic', name], { env, timeoutMs: 20_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Creation of internal topic ${name} is prohibited.`);
    const list = await run(process.execPath, [topics, '--bootstrap-server', tb.bootstrap, '--list'], { env, timeoutMs: 20_000 });
    expect(list.stdout.split('\n')).not.toContain(name);
  });
});
