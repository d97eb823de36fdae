/**
 * Issue 12 item 7 as a user meets it: `mq-broker start --override queued.max.request.bytes=...
 * --override connections.max.idle.ms=...` bounds the memory for requests in flight, says in its
 * log why it closed a connection (a request larger than the pool, a request left unfinished), and
 * the console producer and consumer keep working while unfinished requests hold part of the pool.
 */
import net from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runOk, start, type RunningProcess } from '../helpers/proc.js';
import { randomTopic } from '../helpers/names.js';
import { waitFor } from '../helpers/wait.js';

const root = join(import.meta.dirname, '../..');
const bin = (name: string) => join(root, 'bin', `${name}.js`);
const MiB = 1024 * 1024;
const dirs: string[] = [];
const children: RunningProcess[] = [];
const sockets: net.Socket[] = [];
afterAll(async () => {
  for (const s of sockets) s.destroy();
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map((c) => c.done));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function unfinished(port: number, declared: number, sent: number): { closed: Promise<void>; isClosed: () => boolean } {
  const s = net.connect({ host: '127.0.0.1', port });
  sockets.push(s);
  s.on('error', () => {});
  let isClosed = false;
  const closed = new Promise<void>((res) => s.on('close', () => ((isClosed = true), res())));
  s.on('connect', () => {
    const head = Buffer.alloc(4);
    head.writeInt32BE(declared, 0);
    s.write(head);
    s.write(Buffer.alloc(sent, 0x61));
  });
  return { closed, isClosed: () => isClosed };
}

describe('mq-broker: memory for requests in flight', () => {
  it('logs why it closed an over-large and an unfinished request, and serves the console tools meanwhile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mq-e2e-request-memory-'));
    dirs.push(dir);
    const broker = start(process.execPath, [
      bin('mq-broker'), 'start', '--data-dir', dir, '--listen', '127.0.0.1:0',
      '--override', `queued.max.request.bytes=${8 * MiB}`, '--override', 'connections.max.idle.ms=6000',
    ], { timeoutMs: 120_000, env: { MQ_DEBUG: undefined } });
    children.push(broker);
    const info = await waitFor(() => existsSync(join(dir, 'broker.json')) && (JSON.parse(readFileSync(join(dir, 'broker.json'), 'utf8')) as { port: number }));
    const bootstrap = `127.0.0.1:${info.port}`;

    const tooBig = unfinished(info.port, 9 * MiB, 0);
    await tooBig.closed;
    await waitFor(() => broker.stderr.includes(`frame of ${9 * MiB} bytes exceeds the memory for requests in flight of ${8 * MiB} bytes (queued.max.request.bytes)`));

    // Two unfinished 3 MiB requests hold 6 MiB of the 8; the tools' requests fit in the rest.
    const held = [unfinished(info.port, 3 * MiB, MiB), unfinished(info.port, 3 * MiB, MiB)];
    const topic = randomTopic('mem');
    await runOk(process.execPath, [bin('mq-console-producer'), '--bootstrap-server', bootstrap, '--topic', topic], { stdin: 'one\ntwo\nthree\n' });
    const consumed = await runOk(process.execPath, [
      bin('mq-console-consumer'), '--bootstrap-server', bootstrap, '--topic', topic, '--from-beginning', '--max-messages', '3',
    ]);
    expect(consumed.stdout).toBe('one\ntwo\nthree\n');
    // The tools were served while the unfinished requests still held their memory.
    expect(held.map((h) => h.isClosed())).toEqual([false, false]);

    // Left unfinished, they are closed after connections.max.idle.ms, and the log says so.
    await Promise.all(held.map((h) => h.closed));
    expect(broker.stderr).toMatch(/Closing connection \d+ from \/127\.0\.0\.1: idle for 6000 ms in the middle of a request \(connections\.max\.idle\.ms\)/);
  });
});
