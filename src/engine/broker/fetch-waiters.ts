/**
 * Long-poll support for Fetch: a parked fetch waits on the partitions it reads and is woken when
 * any of them gets new data (or when its max_wait_ms passes).
 */
export class FetchWaiters {
  private readonly waiters = new Map<string, Set<() => void>>();
  /** Set on shutdown: parked fetches answer at once with what they have. */
  closed = false;

  private static key(topic: string, partition: number): string {
    return `${topic}\u0000${partition}`;
  }

  /** Resolves when one of the partitions is appended to, or after `ms`. */
  wait(partitions: Iterable<[string, number]>, ms: number, signal?: { cancelled: boolean }): Promise<void> {
    return new Promise((resolve) => {
      const keys: string[] = [];
      const timer = setTimeout(() => wake(), Math.max(0, ms));
      const wake = () => {
        clearTimeout(timer);
        for (const k of keys) {
          const set = this.waiters.get(k);
          set?.delete(wake);
          if (set && set.size === 0) this.waiters.delete(k);
        }
        resolve();
      };
      for (const [t, p] of partitions) {
        const k = FetchWaiters.key(t, p);
        keys.push(k);
        let set = this.waiters.get(k);
        if (!set) this.waiters.set(k, (set = new Set()));
        set.add(wake);
      }
      if (signal?.cancelled || this.closed) wake();
    });
  }

  notify(topic: string, partition: number): void {
    const set = this.waiters.get(FetchWaiters.key(topic, partition));
    if (!set) return;
    for (const wake of [...set]) wake();
  }

  /** Wakes every parked fetch (used on shutdown). */
  wakeAll(): void {
    this.closed = true;
    for (const set of [...this.waiters.values()]) for (const wake of [...set]) wake();
  }
}
