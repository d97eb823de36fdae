import { describe, expect, it } from 'vitest';
import { MemoryPool, type MemoryWaiter } from '../../../src/engine/broker/memory-pool.js';

describe('MemoryPool', () => {
  it('is strict: never hands out more than its size, and refuses what could never fit', () => {
    const p = new MemoryPool(10);
    expect(p.tryReserve(6)).toBe(true);
    expect(p.tryReserve(5)).toBe(false);
    expect(p.tryReserve(4)).toBe(true);
    expect(p.used).toBe(10);
    expect(p.canEverHold(10)).toBe(true);
    expect(p.canEverHold(11)).toBe(false);
  });

  it('a size <= 0 is unbounded (Kafka: queued.max.request.bytes=-1)', () => {
    const p = new MemoryPool(-1);
    expect(p.tryReserve(1e12)).toBe(true);
    expect(p.canEverHold(1e12)).toBe(true);
  });

  it('wakes waiters on release, first fit in the order they waited, and keeps those still waiting', () => {
    const p = new MemoryPool(10);
    expect(p.tryReserve(10)).toBe(true);
    const woke: string[] = [];
    const waiter = (name: string, n: number): MemoryWaiter => ({
      retry: () => {
        woke.push(name);
        return p.tryReserve(n);
      },
    });
    p.wait(waiter('big', 8));
    p.wait(waiter('small', 2));
    p.release(3);
    expect(woke).toEqual(['big', 'small']);
    expect(p.waiting).toBe(1);
    expect(p.used).toBe(9);
    p.release(9);
    expect(p.waiting).toBe(0);
    expect(p.used).toBe(8);
  });

  it('throws when more is released than was handed out (an accounting bug must not pass silently)', () => {
    const p = new MemoryPool(10);
    p.tryReserve(2);
    expect(() => p.release(3)).toThrow(/released more/);
  });
});
