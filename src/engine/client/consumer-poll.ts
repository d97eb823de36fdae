/**
 * The consumers' poll loop (KafkaConsumer.poll in a loop, as the console consumer and
 * ConsumerPerformance run it): make sure partitions are assigned, fetch (prefetching), hand each
 * partition's data to the caller, commit between fetches, until the record budget is used, no
 * record came for the idle timeout, the caller stops, or the signal aborts.
 *
 *   const end = await poll(consumer, {
 *     maxRecords: 10, idleTimeoutMs: Infinity, maxWaitMs: 500, signal,
 *     take: async (part, budget) => ({ records, next, stop }),   // the caller reads part.records
 *   });                                                          // { end: 'max-records' | 'idle-timeout' | 'stopped', records }
 *
 * Nothing here allocates per record: `take` reads a fetched buffer in place.
 */
import type { Consumer } from './consumer.js';
import type { FetchedPartition } from './fetcher.js';

/** What `take` did with one partition's data. */
export interface Taken {
  /** Records taken (counted against maxRecords). */
  records: number;
  /** The offset after the last record taken or skipped: consumption reached it. */
  next: number;
  /** Stop the loop now (the output went away, or the caller is done). */
  stop: boolean;
}

export interface PollOptions {
  /** Stop after this many records (Infinity = never). */
  maxRecords: number;
  /** Stop when no record came for this long (Infinity = never). */
  idleTimeoutMs: number;
  /** fetch.max.wait.ms */
  maxWaitMs: number;
  signal?: AbortSignal;
  /** Reads one partition's fetched data (records below `part.position` are to be skipped); at most `budget` records. */
  take(part: FetchedPartition, budget: number): Promise<Taken>;
  /** After the data of each fetch was taken (the console consumer writes its buffer here). */
  afterFetch?(now: number, records: number): Promise<void> | void;
}

export type PollEnd = 'max-records' | 'idle-timeout' | 'stopped';

/** How often to look again when nothing is assigned (no such topic yet, more members than partitions). */
const UNASSIGNED_POLL_MS = 100;

/** Resolves with 'stop' when aborted; dispose() removes the listener. */
function stopper(signal: AbortSignal | undefined): { promise: Promise<'stop'>; dispose(): void } {
  let dispose = () => {};
  const promise = new Promise<'stop'>((resolve) => {
    if (signal?.aborted) return resolve('stop');
    const on = () => resolve('stop');
    signal?.addEventListener('abort', on, { once: true });
    dispose = () => signal?.removeEventListener('abort', on);
  });
  return { promise, dispose };
}

export async function poll(c: Consumer, o: PollOptions): Promise<{ end: PollEnd; records: number }> {
  const stop = stopper(o.signal);
  let records = 0;
  let lastRecordAt = Date.now();
  const remaining = () => o.idleTimeoutMs - (Date.now() - lastRecordAt);
  /** Races `x` against the abort signal and the idle timeout. */
  const until = async <T>(x: Promise<T>): Promise<T | 'stop' | 'timeout'> => {
    if (o.idleTimeoutMs === Infinity) return Promise.race([x, stop.promise]);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), Math.max(0, remaining()))));
    x.catch(() => {});
    try {
      return await Promise.race([x, stop.promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
  const end = (why: PollEnd) => ({ end: why, records });
  try {
    while (records < o.maxRecords && !o.signal?.aborted) {
      const ready = await until(c.ready());
      if (ready === 'stop') return end('stopped');
      if (ready === 'timeout') return end('idle-timeout');
      if (!ready) {
        const r = await until(new Promise((res) => setTimeout(res, UNASSIGNED_POLL_MS)));
        if (r === 'stop') return end('stopped');
        if (r === 'timeout' || remaining() <= 0) return end('idle-timeout');
        continue;
      }
      const wait = Math.max(0, Math.min(o.maxWaitMs, remaining()));
      const parts = await until(c.fetch(wait, o.maxRecords - records));
      if (parts === 'stop') return end('stopped');
      if (parts === 'timeout') return end('idle-timeout');
      let got = 0;
      let stopped = false;
      for (const part of parts) {
        const t = await o.take(part, o.maxRecords - records);
        records += t.records;
        got += t.records;
        c.consumed(part.topic, part.partition, t.next);
        if (t.stop || records >= o.maxRecords) {
          stopped = true;
          break;
        }
      }
      if (got > 0) lastRecordAt = Date.now();
      await o.afterFetch?.(Date.now(), got);
      if (stopped) return end(records >= o.maxRecords ? 'max-records' : 'stopped');
      if (got === 0 && remaining() <= 0) return end('idle-timeout');
      await c.tick(Date.now());
    }
    return end(o.signal?.aborted ? 'stopped' : 'max-records');
  } finally {
    stop.dispose();
  }
}
