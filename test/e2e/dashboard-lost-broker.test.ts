/**
 * The broker mq-dashboard watches goes away and comes back on the same port (issue 11: "a lost
 * broker connection shows a clear banner and recovers by itself"): /api/cluster answers 503
 * BROKER_UNAVAILABLE and /api/events sends `status` {connected:false}; once the broker is back,
 * `status` {connected:true} arrives and /api/cluster answers 200 again, without a restart.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Broker } from '../../src/engine/broker/broker.js';
import { start, type RunningProcess } from '../helpers/proc.js';
import { waitFor } from '../helpers/wait.js';

const node = process.execPath;
const scratch = mkdtempSync(join(tmpdir(), 'mq-dash-lost-'));
let broker: Broker | undefined;
let dash: RunningProcess | undefined;
const events = new AbortController();

afterAll(async () => {
  events.abort();
  dash?.kill('SIGKILL');
  await broker?.close();
  rmSync(scratch, { recursive: true, force: true });
});

interface ServerEvent {
  event: string;
  data: { connected?: boolean; error?: string };
}

/** Reads /api/events into `into` as the events arrive. */
async function listen(url: string, into: ServerEvent[]): Promise<void> {
  const r = await fetch(url, { signal: events.signal, headers: { Accept: 'text/event-stream' } });
  if (!r.body) throw new Error('no event stream');
  const decoder = new TextDecoder();
  let buf = '';
  try {
    for await (const chunk of r.body) {
      buf += decoder.decode(chunk as Uint8Array, { stream: true });
      let end: number;
      while ((end = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) into.push({ event, data: JSON.parse(data) as ServerEvent['data'] });
      }
    }
  } catch (err) {
    if (!events.signal.aborted) throw err;
  }
}

describe('mq-dashboard when its broker goes away', () => {
  it('answers 503 BROKER_UNAVAILABLE and sends status events, and recovers when the broker is back on its port', async () => {
    const dataDir = join(scratch, 'broker');
    broker = await Broker.start({ dataDir, host: '127.0.0.1', port: 0 });
    const port = broker.port;
    dash = start(node, [resolve('bin/mq-dashboard.js'), '--bootstrap-server', `127.0.0.1:${port}`, '--listen', '127.0.0.1:0', '--refresh-ms', '200', '--data-dir', join(scratch, 'dash')], {
      env: { MQ_BOOTSTRAP_SERVER: undefined, NO_COLOR: '1' },
      timeoutMs: 120_000,
    });
    const d = dash;
    const base = await waitFor(() => /at (http:\/\/\S+)$/m.exec(d.stdout)?.[1], { timeoutMs: 30_000, message: `the URL\n${d.stdout}\n${d.stderr}` });
    const api = (path: string) => new URL(path, base).toString();
    // The server listens before its first round (503 LOADING until it lands).
    await waitFor(async () => (await fetch(api('/api/cluster'))).status === 200, { message: '/api/cluster answering 200 after the first round' });
    const seen: ServerEvent[] = [];
    const stream = listen(api('/api/events'), seen);
    await waitFor(() => seen.some((e) => e.event === 'sample'), { message: 'a sample event' });

    await broker.close();
    broker = undefined;
    const down = await waitFor(() => seen.find((e) => e.event === 'status' && e.data.connected === false), { timeoutMs: 30_000, message: `status {connected:false}: ${JSON.stringify(seen)}` });
    expect(down.data.error).toMatch(/\S/);
    const unavailable = await fetch(api('/api/cluster'));
    expect(unavailable.status).toBe(503);
    expect(((await unavailable.json()) as { error: { code: string } }).error.code).toBe('BROKER_UNAVAILABLE');
    const downAt = seen.length;

    broker = await Broker.start({ dataDir, host: '127.0.0.1', port });
    const up = await waitFor(() => seen.slice(downAt).find((e) => e.event === 'status' && e.data.connected === true), {
      timeoutMs: 60_000,
      message: `status {connected:true} after the restart: ${JSON.stringify(seen.slice(downAt))}\n${d.stderr}`,
    });
    expect(up.data.connected).toBe(true);
    expect((await fetch(api('/api/cluster'))).status).toBe(200);
    await waitFor(() => seen.slice(downAt).some((e) => e.event === 'sample'), { message: 'samples again' });

    events.abort();
    await stream;
    d.kill('SIGTERM');
    expect((await d.done).code).toBe(0);
  });
});
