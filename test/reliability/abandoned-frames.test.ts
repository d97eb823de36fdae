/**
 * Keep what works (issue 12 item 7): opening and abandoning large unfinished frames in a loop
 * leaves nothing behind. In `npm test`, the broker's own accounting: each round of 10 connections
 * holding unfinished frames never holds more than the pool, and closing them gives every byte
 * back. In the soak (MQ_SOAK_RSS_ROUNDS > 0), a spawned broker's resident set size while 10
 * connections each send 30 MiB of an unfinished frame, round after round: it stays flat (before
 * the pool it grew from 79 to 374 MB and was not released after close).
 */
import net from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { waitFor } from '../helpers/wait.js';
import { SpawnedBroker, client, count, report } from './harness.js';

const MiB = 1024 * 1024;
const rounds = count('MQ_SOAK_ABANDON_ROUNDS', 5);
const rssRounds = count('MQ_SOAK_RSS_ROUNDS', 0);
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** `n` connections that each declare `declared` bytes and send `sent` of them; resolves once all bytes are handed to the kernel or the socket closed. */
async function openUnfinished(host: string, port: number, n: number, declared: number, sent: number): Promise<net.Socket[]> {
  const sockets = await Promise.all(
    Array.from({ length: n }, () => new Promise<net.Socket>((resolve) => {
      const s = net.connect({ host, port }, () => resolve(s));
      s.on('error', () => {});
    })),
  );
  for (const s of sockets) {
    const head = Buffer.alloc(4);
    head.writeInt32BE(declared, 0);
    s.write(head);
    s.write(Buffer.alloc(sent, 0x61));
  }
  return sockets;
}

async function closeAll(sockets: net.Socket[]): Promise<void> {
  await Promise.all(sockets.map((s) => new Promise<void>((res) => {
    if (s.destroyed) return res();
    s.once('close', () => res());
    s.destroy();
  })));
}

/** The broker's RSS once it stops moving (two samples 250 ms apart within 2 MiB), the highest seen meanwhile. */
async function settledRss(broker: SpawnedBroker): Promise<number> {
  const samples: number[] = [];
  await waitFor(() => {
    samples.push(broker.rss());
    const n = samples.length;
    return n > 4 && Math.abs(samples[n - 1]! - samples[n - 2]!) < 2 * MiB;
  }, { timeoutMs: 30_000, intervalMs: 250, message: 'RSS settles' });
  return Math.max(...samples.slice(-2));
}

describe('abandoned large frames', () => {
  it(`${rounds} rounds of 10 abandoned unfinished frames: the pool never exceeds its size and gets every byte back`, async () => {
    const tb: TestBroker = await startTestBroker({ settings: { 'queued.max.request.bytes': String(16 * MiB) } });
    cleanups.push(() => tb.stop());
    let peak = 0;
    for (let r = 0; r < rounds; r++) {
      const sockets = await openUnfinished(tb.host, tb.port, 10, 5 * MiB, 4 * MiB);
      // Three 5 MiB frames fit in 16 MiB; the other seven connections wait, unread.
      const held = await waitFor(() => {
        const m = tb.broker.requestMemory();
        return m.used === 15 * MiB && m.waiting === 7 && m;
      }, { message: `round ${r}: three frames admitted, seven waiting` });
      peak = Math.max(peak, held.used);
      await closeAll(sockets);
      await waitFor(() => {
        const m = tb.broker.requestMemory();
        return m.used === 0 && m.waiting === 0;
      }, { message: `round ${r}: all memory back` });
    }
    report('abandoned-frames-accounting', { rounds, connectionsPerRound: 10, poolBytes: 16 * MiB, peakUsedBytes: peak, usedAfter: 0 });
    expect(peak).toBeLessThanOrEqual(16 * MiB);
  });

  it.runIf(rssRounds > 0)(`RSS stays flat over ${rssRounds} rounds of 10 connections sending 30 MiB of an unfinished frame`, { timeout: 120_000 + rssRounds * 30_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mq-rel-rss-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const broker = new SpawnedBroker(dataDir);
    cleanups.push(() => broker.kill9());
    await broker.start();
    // One real request first, so the baseline includes a warmed-up broker.
    const admin = client(broker.bootstrap).admin();
    await admin.connect();
    await admin.listTopics();
    await admin.disconnect();
    const baseline = broker.rss();
    const held: number[] = [];
    const after: number[] = [];
    for (let r = 0; r < rssRounds; r++) {
      const sockets = await openUnfinished('127.0.0.1', broker.port, 10, 30 * MiB, 30 * MiB - 1);
      held.push(await settledRss(broker));
      await closeAll(sockets);
      after.push(await settledRss(broker));
    }
    const mb = (n: number) => Math.round(n / MiB);
    const firstHalf = Math.max(...after.slice(0, Math.ceil(after.length / 2)));
    const lastHalf = Math.max(...after.slice(Math.ceil(after.length / 2)));
    report('abandoned-frames-rss', {
      rounds: rssRounds,
      baselineMB: mb(baseline),
      peakHeldMB: mb(Math.max(...held)),
      afterCloseFirstHalfMaxMB: mb(firstHalf),
      afterCloseLastHalfMaxMB: mb(lastHalf),
      afterCloseFinalMB: mb(after.at(-1)!),
    });
    // Flat: the later rounds end no higher than the earlier ones (with slack for the GC's timing),
    // and what is held at once stays near the pool's 100 MiB above the baseline.
    expect(lastHalf).toBeLessThanOrEqual(firstHalf + 32 * MiB);
    expect(Math.max(...held)).toBeLessThanOrEqual(baseline + 100 * MiB + 96 * MiB);
    await broker.stop();
  });
});
