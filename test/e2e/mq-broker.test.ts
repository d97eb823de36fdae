/**
 * mq-broker as users run it: the built binary, spawned with argv arrays.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { run } from '../helpers/proc.js';
import { waitFor } from '../helpers/wait.js';
import { rawRequest } from '../helpers/raw.js';
import { Metadata } from '../../src/engine/protocol/messages/03-metadata.js';

const bin = join(import.meta.dirname, '../../bin/mq-broker.js');
const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'mq-e2e-broker-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) {
    await run(process.execPath, [bin, 'stop', '--data-dir', d]);
    rmSync(d, { recursive: true, force: true });
  }
});

const mq = (args: string[], env: NodeJS.ProcessEnv = {}) => run(process.execPath, [bin, ...args], { env: { ...process.env, ...env } });

describe('mq-broker', () => {
  it('prints help on stdout and exits 0', async () => {
    const r = await mq(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: mq-broker/);
    expect(r.stdout).toMatch(/start/);
    expect(r.stderr).toBe('');
  });

  it('refuses a bad --listen with one line and a pointer to --help', async () => {
    const r = await mq(['start', '--data-dir', tempDir(), '--listen', 'nonsense']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("mq-broker: Invalid --listen 'nonsense': expected HOST:PORT, e.g. 127.0.0.1:9092\nSee 'mq-broker --help'.\n");
  });

  it('refuses an unknown flag', async () => {
    const r = await mq(['start', '--no-such-flag']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("mq-broker: --no-such-flag is not a recognized option\nSee 'mq-broker --help'.\n");
  });

  it('starts in the background, reports status, and stops', async () => {
    const dir = tempDir();
    const started = await mq(['start', '--daemon', '--data-dir', dir, '--listen', '127.0.0.1:0', '--override', 'num.partitions=3']);
    expect(started.code).toBe(0);
    expect(started.stderr).toMatch(/^mq broker started in the background on 127\.0\.0\.1:\d+ \(pid \d+, data dir .*\); stop it with: mq-broker stop --data-dir .*\n$/);
    const info = JSON.parse(readFileSync(join(dir, 'broker.json'), 'utf8'));
    expect(info.host).toBe('127.0.0.1');

    const status = await mq(['status', '--data-dir', dir]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`running on 127.0.0.1:${info.port} (pid ${info.pid}`);
    const json = JSON.parse((await mq(['status', '--data-dir', dir, '--output', 'json'])).stdout);
    expect(json).toMatchObject({ running: true, port: info.port, pid: info.pid });

    // The override reached the broker: an auto-created topic gets 3 partitions.
    const kafka = new Kafka({ brokers: [`127.0.0.1:${info.port}`], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const meta = await rawRequest(`127.0.0.1:${info.port}`, Metadata, 4, { topics: [{ name: 'auto-created' }], allowAutoTopicCreation: true });
    expect(meta.topics[0]!.errorCode).toBe(0);
    expect(meta.topics[0]!.partitions).toHaveLength(3);
    await admin.disconnect();

    // A second broker on the same data directory is refused.
    const second = await mq(['start', '--data-dir', dir, '--listen', '127.0.0.1:0']);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/already running/);

    const stopped = await mq(['stop', '--data-dir', dir]);
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toBe(`Stopped mq broker (pid ${info.pid}, 127.0.0.1:${info.port})\n`);
    expect(existsSync(join(dir, 'broker.json'))).toBe(false);
    expect(existsSync(join(dir, '.clean-shutdown'))).toBe(true);

    const after = await mq(['status', '--data-dir', dir]);
    expect(after.code).toBe(3);
    expect(after.stdout).toBe(`No mq broker is running for ${dir}\n`);
  });

  it('runs in the foreground, reads server.properties, and shuts down cleanly on SIGTERM', async () => {
    const dir = tempDir();
    const props = join(dir, 'server.properties');
    writeFileSync(props, '# Kafka-style settings\nnum.partitions=2\nauto.create.topics.enable=false\n');
    const child = spawn(process.execPath, [bin, 'start', '--data-dir', join(dir, 'data'), '--listen', '127.0.0.1:0', '--config', props], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    await waitFor(() => /listening on 127\.0\.0\.1:(\d+)/.exec(stderr), { timeoutMs: 10_000 });
    const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(stderr)![1]);
    const kafka = new Kafka({ brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
    const admin = kafka.admin();
    await admin.connect();
    // auto.create.topics.enable=false from the file: the topic is not created.
    await expect(admin.fetchTopicMetadata({ topics: ['not-auto'] })).rejects.toThrow();
    await admin.createTopics({ topics: [{ topic: 'explicit' }] });
    expect((await admin.fetchTopicMetadata({ topics: ['explicit'] })).topics[0]!.partitions).toHaveLength(2);
    await admin.disconnect();
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', (c) => resolve(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
    expect(stderr).toMatch(/received SIGTERM, shutting down/);
    expect(stderr).toMatch(/shut down cleanly/);
    expect(existsSync(join(dir, 'data', '.clean-shutdown'))).toBe(true);
    expect(existsSync(join(dir, 'data', 'broker.json'))).toBe(false);
  });

  it('reports a missing --config file in one line', async () => {
    const dir = tempDir();
    const r = await mq(['start', '--data-dir', dir, '--listen', '127.0.0.1:0', '--config', join(dir, 'missing.properties')]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^Cannot read broker properties: .*missing.properties \(No such file or directory\)\n$/);
  });
});
