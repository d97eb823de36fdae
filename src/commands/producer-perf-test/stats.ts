/**
 * ProducerPerformance's Stats and Kafka's ThroughputThrottler, in TypeScript.
 *
 *   const stats = new Stats(numRecords, 5000, (line) => out(line));
 *   stats.record(latencyMs, bytes, nowMs);     // per acknowledged record; prints a window line every 5 s
 *   stats.totalLine()                          // the final summary line
 *
 *   const t = new Throttler(throughput, startMs);
 *   if (t.shouldThrottle(i, sendStartMs)) await t.throttle();
 */
import { javaFixed } from '../shared/java-format.js';

const MB = 1024 * 1024;

export class Stats {
  readonly start: number;
  private readonly latencies: Int32Array;
  private readonly sampling: number;
  iteration = 0;
  private index = 0;
  count = 0;
  bytes = 0;
  private maxLatency = 0;
  private totalLatency = 0;
  private windowCount = 0;
  private windowMaxLatency = 0;
  private windowTotalLatency = 0;
  private windowBytes = 0;
  private windowStart: number;

  constructor(
    numRecords: number,
    private readonly reportingInterval: number,
    private readonly print: (line: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.start = now();
    this.windowStart = this.start;
    this.sampling = Math.floor(numRecords / Math.min(numRecords, 500000));
    this.latencies = new Int32Array(Math.floor(numRecords / this.sampling) + 1);
  }

  /** One acknowledged record (Kafka's PerfCallback.onCompletion without an exception). */
  record(latency: number, bytes: number, time: number): void {
    this.count++;
    this.bytes += bytes;
    this.totalLatency += latency;
    if (latency > this.maxLatency) this.maxLatency = latency;
    this.windowCount++;
    this.windowBytes += bytes;
    this.windowTotalLatency += latency;
    if (latency > this.windowMaxLatency) this.windowMaxLatency = latency;
    if (this.iteration % this.sampling === 0 && this.index < this.latencies.length) {
      this.latencies[this.index++] = latency;
    }
    this.iteration++;
    if (time - this.windowStart >= this.reportingInterval) {
      this.print(this.windowLine());
      this.newWindow();
    }
  }

  windowLine(): string {
    const elapsed = this.now() - this.windowStart;
    const recsPerSec = (1000 * this.windowCount) / elapsed;
    const mbPerSec = (1000 * this.windowBytes) / elapsed / MB;
    return `${this.windowCount} records sent, ${javaFixed(recsPerSec, 1)} records/sec (${javaFixed(mbPerSec, 2)} MB/sec), ${javaFixed(this.windowTotalLatency / this.windowCount, 1)} ms avg latency, ${javaFixed(this.windowMaxLatency, 1)} ms max latency.`;
  }

  private newWindow(): void {
    this.windowStart = this.now();
    this.windowCount = 0;
    this.windowMaxLatency = 0;
    this.windowTotalLatency = 0;
    this.windowBytes = 0;
  }

  totalLine(): string {
    const elapsed = this.now() - this.start;
    const recsPerSec = (1000 * this.count) / elapsed;
    const mbPerSec = (1000 * this.bytes) / elapsed / MB;
    const [p50, p95, p99, p999] = percentiles(this.latencies, this.index, [0.5, 0.95, 0.99, 0.999]);
    return (
      // %f here (6 decimals) in Kafka 3.9.2 and 4.3.1 alike; only the 5-second window lines use %.1f.
      `${this.count} records sent, ${javaFixed(recsPerSec, 6)} records/sec (${javaFixed(mbPerSec, 2)} MB/sec), ` +
      `${javaFixed(this.totalLatency / this.count, 2)} ms avg latency, ${javaFixed(this.maxLatency, 2)} ms max latency, ` +
      `${p50} ms 50th, ${p95} ms 95th, ${p99} ms 99th, ${p999} ms 99.9th.`
    );
  }
}

/** Kafka's percentiles: sort the samples, take index (int)(p * size). With no samples, 0. */
export function percentiles(latencies: Int32Array, count: number, ps: number[]): number[] {
  const size = Math.min(count, latencies.length);
  const sorted = latencies.slice(0, size).sort();
  return ps.map((p) => sorted[Math.floor(p * size)] ?? 0);
}

const NS_PER_MS = 1_000_000;
const MIN_SLEEP_NS = 2 * NS_PER_MS;

/** Kafka's ThroughputThrottler: sleeps, on average, 1/throughput s per record once ahead of the target rate. */
export class Throttler {
  private readonly sleepTimeNs: number;
  private sleepDeficitNs = 0;

  constructor(
    private readonly target: number,
    private readonly startMs: number,
    private readonly signal?: AbortSignal,
  ) {
    this.sleepTimeNs = target > 0 ? Math.floor(1e9 / target) : Number.MAX_SAFE_INTEGER;
  }

  shouldThrottle(amountSoFar: number, sendStartMs: number): boolean {
    if (this.target < 0) return false;
    const elapsedSec = Math.fround((sendStartMs - this.startMs) / 1000);
    return elapsedSec > 0 && amountSoFar / elapsedSec > this.target;
  }

  /** Resolves after the accumulated sleep deficit; a throughput of 0 waits until aborted (Kafka waits forever). */
  async throttle(): Promise<void> {
    if (this.target === 0) {
      await new Promise<void>((resolve) => {
        if (this.signal?.aborted) return resolve();
        this.signal?.addEventListener('abort', () => resolve(), { once: true });
      });
      return;
    }
    this.sleepDeficitNs += this.sleepTimeNs;
    if (this.sleepDeficitNs >= MIN_SLEEP_NS) {
      const startMs = performance.now();
      for (;;) {
        const elapsed = (performance.now() - startMs) * NS_PER_MS;
        const remaining = this.sleepDeficitNs - elapsed;
        if (remaining <= 0 || this.signal?.aborted) break;
        await new Promise((r) => setTimeout(r, Math.max(1, Math.floor(remaining / NS_PER_MS))));
      }
      this.sleepDeficitNs = 0;
    }
  }
}
