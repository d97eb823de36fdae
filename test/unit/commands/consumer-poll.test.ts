/**
 * The consumers' poll loop (engine/client/consumer-poll.ts) over a scripted Consumer: how it
 * ends (record budget, idle timeout, the caller, the signal), what it tells the consumer it
 * consumed, and that it commits between fetches. No broker.
 */
import { describe, expect, it } from 'vitest';
import type { Consumer } from '../../../src/engine/client/consumer.js';
import { poll, type Taken } from '../../../src/engine/client/consumer-poll.js';
import type { FetchedPartition } from '../../../src/engine/client/fetcher.js';

/** A partition's fetched data as the loop sees it: `count` records from `position` on (the buffer is never read here). */
const part = (partition: number, position: number, count: number): FetchedPartition & { count: number } => ({
  topic: 't',
  partition,
  position,
  records: Buffer.alloc(0),
  count,
});

class ScriptedConsumer implements Consumer {
  readonly consumedAt: Array<[number, number]> = [];
  ticks = 0;
  fetches = 0;
  readyAnswers: boolean[];

  constructor(
    private readonly script: Array<Array<ReturnType<typeof part>>>,
    ready: boolean[] = [],
  ) {
    this.readyAnswers = ready;
  }

  async ready(): Promise<boolean> {
    return this.readyAnswers.shift() ?? true;
  }

  async fetch(maxWaitMs: number): Promise<FetchedPartition[]> {
    this.fetches++;
    const next = this.script.shift();
    if (next) return next;
    // Out of data: an empty answer after the wait, as a broker's Fetch at the log end.
    await new Promise((r) => setTimeout(r, Math.min(maxWaitMs, 20)));
    return [];
  }

  consumed(_topic: string, partition: number, offset: number): void {
    this.consumedAt.push([partition, offset]);
  }

  async tick(): Promise<void> {
    this.ticks++;
  }

  async close(): Promise<void> {}
}

/** Takes min(count, budget) records of a scripted part. */
const take = async (p: FetchedPartition, budget: number): Promise<Taken> => {
  const n = Math.min((p as ReturnType<typeof part>).count, budget);
  return { records: n, next: p.position + n, stop: false };
};

describe('poll', () => {
  it('stops at maxRecords, mid-partition, and reports where each partition got to', async () => {
    const c = new ScriptedConsumer([[part(0, 0, 3), part(1, 10, 3)], [part(0, 3, 5)]]);
    const r = await poll(c, { maxRecords: 4, idleTimeoutMs: Infinity, maxWaitMs: 10, take });
    expect(r).toEqual({ end: 'max-records', records: 4 });
    expect(c.consumedAt).toEqual([
      [0, 3],
      [1, 11],
    ]);
    expect(c.fetches).toBe(1);
  });

  it('commits (tick) between fetches and ends on the idle timeout when no record comes', async () => {
    const c = new ScriptedConsumer([[part(0, 0, 2)]]);
    const r = await poll(c, { maxRecords: Infinity, idleTimeoutMs: 60, maxWaitMs: 10, take });
    expect(r).toEqual({ end: 'idle-timeout', records: 2 });
    expect(c.ticks).toBeGreaterThanOrEqual(1);
    expect(c.consumedAt[0]).toEqual([0, 2]);
  });

  it('ends when take says stop (the output went away), after the data already taken', async () => {
    const c = new ScriptedConsumer([[part(0, 0, 2), part(1, 0, 2)]]);
    const r = await poll(c, {
      maxRecords: Infinity,
      idleTimeoutMs: Infinity,
      maxWaitMs: 10,
      take: async (p) => ({ records: 1, next: p.position + 1, stop: true }),
    });
    expect(r).toEqual({ end: 'stopped', records: 1 });
    expect(c.consumedAt).toEqual([[0, 1]]);
  });

  it('ends on the abort signal while waiting, and polls again while nothing is assigned', async () => {
    const c = new ScriptedConsumer([], [false, false]);
    const stop = new AbortController();
    const fetched: number[] = [];
    const p = poll(c, {
      maxRecords: Infinity,
      idleTimeoutMs: Infinity,
      maxWaitMs: 10,
      signal: stop.signal,
      take,
      afterFetch: (_now, got) => {
        fetched.push(got);
        if (fetched.length === 2) stop.abort();
      },
    });
    expect(await p).toEqual({ end: 'stopped', records: 0 });
    // Two "not ready" answers came first (each a short sleep), then fetches until the abort.
    expect(c.readyAnswers).toEqual([]);
    expect(fetched).toEqual([0, 0]);
  });

  it('takes nothing with a zero budget (--max-messages 0)', async () => {
    const c = new ScriptedConsumer([[part(0, 0, 5)]]);
    expect(await poll(c, { maxRecords: 0, idleTimeoutMs: Infinity, maxWaitMs: 10, take })).toEqual({ end: 'max-records', records: 0 });
    expect(c.fetches).toBe(0);
  });
});
