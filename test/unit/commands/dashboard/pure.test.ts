/** mq-dashboard's pure parts: the ring buffer, the trend and catch-up estimate, cursors, filters, the history file. */
import { describe, expect, it } from 'vitest';
import { Ring } from '../../../../src/commands/dashboard/ring.js';
import { catchUpSeconds, lagTrend, slopePerSecond } from '../../../../src/commands/dashboard/trend.js';
import { decodeCursor, encodeCursor } from '../../../../src/commands/dashboard/cursor.js';
import { compileFilter } from '../../../../src/commands/dashboard/filter.js';
import { History, partitionSince } from '../../../../src/commands/dashboard/history.js';
import { ApiError } from '../../../../src/commands/dashboard/api-error.js';

describe('Ring', () => {
  it('keeps the newest `capacity` samples, oldest first', () => {
    const r = new Ring(3, 2);
    for (let i = 1; i <= 5; i++) r.push(i * 1000, [i, -i]);
    expect(r.length).toBe(3);
    expect(r.since()).toEqual({ t: [3000, 4000, 5000], cols: [[3, 4, 5], [-3, -4, -5]] });
    expect(r.since(4000).t).toEqual([4000, 5000]);
    expect(r.fromEnd(0)).toEqual({ t: 5000, values: [5, -5] });
    expect(r.fromEnd(3)).toBeUndefined();
  });

  it('round-trips through its buffer, into a smaller ring keeping the newest', () => {
    const r = new Ring(4, 1);
    for (let i = 0; i < 6; i++) r.push(i, [i * 10]);
    const back = Ring.fromBuffer(r.toBuffer(), r.length, 1, 2);
    expect(back.since()).toEqual({ t: [4, 5], cols: [[40, 50]] });
    expect(() => Ring.fromBuffer(Buffer.alloc(3), 1, 1, 2)).toThrow(RangeError);
  });
});

describe('trend', () => {
  const t = Array.from({ length: 31 }, (_, i) => i * 2000);
  it('growing, shrinking, steady and unknown', () => {
    expect(lagTrend(t, t.map((_, i) => 100 + i * 10))).toBe('growing');
    expect(lagTrend(t, t.map((_, i) => 1000 - i * 10))).toBe('shrinking');
    expect(lagTrend(t, t.map((_, i) => 1000 + (i % 2)))).toBe('steady');
    expect(lagTrend([0, 1000], [1, 2])).toBe('unknown');
  });

  it('looks at the last minute only', () => {
    const long = Array.from({ length: 100 }, (_, i) => i * 2000);
    // Grew for two minutes, then flat for the last 70 s.
    const lag = long.map((x) => Math.min(x / 1000, 128));
    expect(lagTrend(long, lag)).toBe('steady');
  });

  it('slope per second by least squares; catch-up time from it', () => {
    expect(slopePerSecond([0, 1000, 2000], [0, 5, 10])).toBeCloseTo(5);
    expect(catchUpSeconds(t, t.map((_, i) => 600 - i * 10))).toBeCloseTo(300 / 5);
    expect(catchUpSeconds(t, t.map(() => 0))).toBe(0);
    expect(catchUpSeconds(t, t.map((_, i) => i))).toBeNull();
  });
});

describe('cursor', () => {
  it('round-trips and refuses anything else', () => {
    const c = { dir: 'backward' as const, positions: new Map([[2, 7], [0, 11]]) };
    const s = encodeCursor(c);
    expect(s).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(s)).toEqual(c);
    for (const bad of ['', 'x', Buffer.from('{"d":"f","p":{"a":1}}').toString('base64url'), Buffer.from('{"d":"f","p":{"0":-1}}').toString('base64url')]) {
      expect(() => decodeCursor(bad)).toThrow(ApiError);
    }
  });
});

describe('filter', () => {
  const rec = { key: Buffer.from('user-42'), value: Buffer.from('{"total": 10}'), headers: [{ key: 'trace', value: Buffer.from('abc') }] };
  it('substring and regex, in key, value, header or any', () => {
    expect(compileFilter({ text: '42', in: 'key', regex: false })(rec)).toBe(true);
    expect(compileFilter({ text: '42', in: 'value', regex: false })(rec)).toBe(false);
    expect(compileFilter({ text: 'trace', in: 'header', regex: false })(rec)).toBe(true);
    expect(compileFilter({ text: '^abc$', in: 'header', regex: true })(rec)).toBe(true);
    expect(compileFilter({ text: '"total": \\d+', in: 'any', regex: true })(rec)).toBe(true);
    expect(compileFilter({ text: 'x', in: 'any', regex: false })({ key: null, value: null, headers: [] })).toBe(false);
    expect(() => compileFilter({ text: '(', in: 'any', regex: true })).toThrow(ApiError);
  });
});

describe('History', () => {
  it('serializes and loads every series; a damaged file is ignored', () => {
    const h = new History({ refreshMs: 1000 });
    for (let i = 0; i < 5; i++) {
      h.record(i * 1000, new Map([['t', i * 3]]), new Map([['g', { lag: 5 - i, committed: i, end: 5, timeLag: i === 0 ? null : 1, partitions: [{ topic: 't', partition: 0, lag: 5 - i, committed: i, end: 5, timeLag: null }] }]]));
    }
    const bytes = Buffer.concat(h.serialize());
    const back = new History({ refreshMs: 1000 });
    expect(back.load(bytes)).toBe(true);
    expect(back.groups.get('g')!.since()).toEqual(h.groups.get('g')!.since());
    expect(back.topics.get('t')!.since().cols[0]).toEqual([0, 3, 6, 9, 12]);
    expect(back.partitionsOf('g').map((p) => [p.topic, p.partition, p.ring.length])).toEqual([['t', 0, h.partitions.values().next().value!.length]]);
    // A partition's lag is kept as end - committed and comes back as the lag column, after the file too.
    const [before] = h.partitionsOf('g');
    const [after] = back.partitionsOf('g');
    expect(partitionSince(before!.ring).cols).toEqual([[5], [0], [5], [NaN]]);
    expect(partitionSince(after!.ring)).toEqual(partitionSince(before!.ring));
    expect(new History({ refreshMs: 1000 }).load(bytes.subarray(0, bytes.length - 8))).toBe(false);
    expect(new History({ refreshMs: 1000 }).load(Buffer.from('garbage'))).toBe(false);
  });

  it('is bounded: an hour of group totals at the refresh interval, fewer points per partition', () => {
    const h = new History({ refreshMs: 2000 });
    for (let i = 0; i < 3000; i++) h.record(i * 2000, new Map(), new Map([['g', { lag: i, committed: 0, end: i, timeLag: null, partitions: [{ topic: 't', partition: 0, lag: i, committed: 0, end: i, timeLag: null }] }]]));
    const g = h.groups.get('g')!;
    expect(g.length).toBeGreaterThanOrEqual(1800);
    expect(g.length).toBeLessThan(3000);
    expect(h.partitionsOf('g')[0]!.ring.length).toBeLessThanOrEqual(120);
  });
});
