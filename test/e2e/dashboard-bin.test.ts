/**
 * bin/mq-dashboard.js as a user runs it: the printed URL answers, --listen with a taken port, with
 * port 0 and beyond loopback (refused without --auth, the token in the URL with it), one-line
 * errors for bad options, SIGTERM saving the history, and the local broker of --data-dir when no
 * --bootstrap-server is given.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { run, start, type RunningProcess } from '../helpers/proc.js';
import { waitFor } from '../helpers/wait.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';

const node = process.execPath;
const bin = (name: string) => resolve('bin', `${name}.js`);
const scratch = mkdtempSync(join(tmpdir(), 'mq-dash-bin-'));
const env = { MQ_BOOTSTRAP_SERVER: undefined, MQ_DATA_DIR: join(scratch, 'default-data'), NO_COLOR: '1' };
const running: RunningProcess[] = [];
let b: TestBroker;

beforeAll(async () => {
  b = await startTestBroker();
});
afterAll(async () => {
  for (const p of running) p.kill('SIGKILL');
  await b?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

function dashboard(args: string[], dataDir = join(scratch, `d-${running.length}`)): RunningProcess {
  const p = start(node, [bin('mq-dashboard'), '--data-dir', dataDir, ...args], { env, timeoutMs: 60_000 });
  running.push(p);
  return p;
}

/** The URL the dashboard printed on stdout. */
async function printedUrl(p: RunningProcess): Promise<URL> {
  const line = await waitFor(() => /^mq-dashboard is serving .* at (http:\/\/\S+)$/m.exec(p.stdout)?.[1], {
    timeoutMs: 30_000,
    message: `the URL on stdout\n--- stdout\n${p.stdout}\n--- stderr\n${p.stderr}`,
  });
  return new URL(line);
}

/** One line saying what is wrong, then the hint every mq tool adds to a usage error (src/cli/run.ts). */
function expectOneLineUsageError(stderr: string, message: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(message);
  expect(lines[1]).toBe("See 'mq-dashboard --help'.");
}

/** The address a client uses for the URL (0.0.0.0 is reached through loopback). */
const api = (u: URL, path: string) => `http://127.0.0.1:${u.port}${path}`;

describe('mq-dashboard (the bin)', () => {
  it('prints a URL that answers /api/session and stops on SIGTERM with exit 0', async () => {
    const p = dashboard(['--bootstrap-server', b.bootstrap, '--listen', '127.0.0.1:0']);
    const u = await printedUrl(p);
    expect(u.hostname).toBe('127.0.0.1');
    expect(Number(u.port)).toBeGreaterThan(0);
    const r = await fetch(new URL('/api/session', u));
    expect(r.status).toBe(200);
    const session = (await r.json()) as { csrfToken: string; readOnly: boolean };
    expect(typeof session.csrfToken).toBe('string');
    expect(session.readOnly).toBe(false);
    expect(p.stderr).toContain('Press Ctrl-C to stop.');
    p.kill('SIGTERM');
    const done = await p.done;
    expect(done.timedOut).toBe(false);
    expect(done.code).toBe(0);
  });

  it('--listen with a taken port falls back to a free one and says so', async () => {
    const holder: Server = createServer();
    await new Promise<void>((ok) => holder.listen(0, '127.0.0.1', ok));
    const taken = (holder.address() as { port: number }).port;
    try {
      const p = dashboard(['--bootstrap-server', b.bootstrap, '--listen', `127.0.0.1:${taken}`]);
      const u = await printedUrl(p);
      expect(Number(u.port)).not.toBe(taken);
      expect(p.stderr).toContain(`Port ${taken} is taken; listening on ${u.port} instead`);
      expect((await fetch(new URL('/api/session', u))).status).toBe(200);
      p.kill('SIGTERM');
      expect((await p.done).code).toBe(0);
    } finally {
      await new Promise<void>((ok) => holder.close(() => ok()));
    }
  });

  it('refuses 0.0.0.0 without --auth in one line, exit 1', async () => {
    const r = await run(node, [bin('mq-dashboard'), '--bootstrap-server', b.bootstrap, '--listen', '0.0.0.0:0'], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expectOneLineUsageError(r.stderr, /^mq-dashboard: Listening on 0\.0\.0\.0 .*needs --auth/);
  });

  it('with --auth TOKEN beyond loopback the printed URL carries ?token= and /api/session needs it', async () => {
    const p = dashboard(['--bootstrap-server', b.bootstrap, '--listen', '0.0.0.0:0', '--auth', 's3cret-token']);
    const u = await printedUrl(p);
    expect(u.searchParams.get('token')).toBe('s3cret-token');
    expect((await fetch(api(u, '/api/session'))).status).toBe(401);
    expect((await fetch(api(u, '/api/session?token=wrong'))).status).toBe(401);
    expect((await fetch(api(u, '/api/session'), { headers: { Authorization: 'Bearer s3cret-token' } })).status).toBe(200);
    expect((await fetch(api(u, '/api/session?token=s3cret-token'))).status).toBe(200);
    p.kill('SIGTERM');
    expect((await p.done).code).toBe(0);
  });

  it.each([
    [['--refresh-ms', 'soon'], /^mq-dashboard: --refresh-ms must be an integer/],
    [['--refresh-ms', '5'], /^mq-dashboard: --refresh-ms must be an integer from 100/],
    [['--listen', 'nowhere'], /^mq-dashboard: --listen must be HOST:PORT/],
    [['--listen', '127.0.0.1:99999'], /^mq-dashboard: --listen must be HOST:PORT/],
  ])('%j is refused in one line, exit 1', async (args, message) => {
    const r = await run(node, [bin('mq-dashboard'), '--bootstrap-server', b.bootstrap, ...args], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expectOneLineUsageError(r.stderr, message);
  });

  it('without --bootstrap-server uses the local broker of --data-dir, and SIGTERM writes the history file', async () => {
    const dataDir = join(scratch, 'local');
    try {
      const p = dashboard(['--listen', '127.0.0.1:0', '--refresh-ms', '200'], dataDir);
      const u = await printedUrl(p);
      expect(p.stdout).toContain('serving the local mq broker');
      // The server listens before its first round (503 LOADING until it lands).
      const cluster = await waitFor(async () => {
        const r = await fetch(new URL('/api/cluster', u));
        return r.status === 200 ? ((await r.json()) as { clusterId: string; brokers: Array<{ port: number }> }) : undefined;
      }, { message: '/api/cluster answering 200 after the first round' });
      expect(cluster.clusterId).toMatch(/\S/);
      expect(cluster.brokers).toHaveLength(1);
      // The broker is the data directory's own: mq-broker status finds it running.
      const status = await run(node, [bin('mq-broker'), 'status', '--data-dir', dataDir], { env });
      expect(status.code).toBe(0);
      const file = join(dataDir, 'dashboard', cluster.clusterId.replace(/[^A-Za-z0-9_-]/g, '_'), 'history.bin');
      expect(existsSync(file)).toBe(false);
      p.kill('SIGTERM');
      const done = await p.done;
      expect(done.code).toBe(0);
      expect(existsSync(file)).toBe(true);
    } finally {
      await run(node, [bin('mq-broker'), 'stop', '--data-dir', dataDir], { env });
    }
  });
});
