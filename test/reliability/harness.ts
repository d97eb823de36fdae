/**
 * What the reliability tests share: a spawned `mq-broker start` that can be killed with SIGKILL
 * and started again on the same port and data dir, the counts (small for `npm test`, the full
 * ones from `npm run soak` through MQ_SOAK_* variables), and the figures each test reports, which
 * scripts/soak.mjs collects into RELIABILITY.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { waitFor } from '../helpers/wait.js';

const { Kafka, logLevel } = kafkajs;

// MQ_SOAK_BROKER_BIN runs another build's broker (e.g. before a fix) for a before/after figure.
const brokerBin = process.env.MQ_SOAK_BROKER_BIN ?? join(import.meta.dirname, '../../bin/mq-broker.js');

/** A count from the environment (the soak's full size) or the default sized for `npm test`. */
export function count(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name}=${v}: expected a non-negative number`);
  return n;
}

/** Appends one test's figures as a JSON line to $MQ_RELIABILITY_REPORT (set by npm run soak); a no-op otherwise. */
export function report(name: string, figures: Record<string, number | string | boolean>): void {
  const file = process.env.MQ_RELIABILITY_REPORT;
  if (!file) return;
  appendFileSync(file, `${JSON.stringify({ name, ...figures })}\n`);
}

export function client(bootstrap: string, clientId = 'reliability'): InstanceType<typeof Kafka> {
  return new Kafka({ clientId, brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 20, initialRetryTime: 100, maxRetryTime: 1000 } });
}

/** `mq-broker start` as a child process over one data dir; start() again after kill9() reuses the port. */
export class SpawnedBroker {
  private child: ChildProcess | undefined;
  private stderrText = '';
  port = 0;

  constructor(
    readonly dataDir: string,
    private readonly overrides: Record<string, string> = {},
  ) {}

  get bootstrap(): string {
    return `127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The broker's log since the last start. */
  get stderr(): string {
    return this.stderrText;
  }

  async start(): Promise<void> {
    const args = [brokerBin, 'start', '--data-dir', this.dataDir, '--listen', `127.0.0.1:${this.port}`];
    for (const [k, v] of Object.entries(this.overrides)) args.push('--override', `${k}=${v}`);
    // The previous instance's port may still be held for a moment after a SIGKILL: retry the bind.
    for (let attempt = 0; ; attempt++) {
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      this.child = child;
      this.stderrText = '';
      child.stderr.on('data', (d: Buffer) => (this.stderrText += d.toString()));
      const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
      const up = waitFor(() => /listening on 127\.0\.0\.1:(\d+)/.exec(this.stderrText), { timeoutMs: 20_000, message: 'mq-broker listening' });
      const outcome = await Promise.race([up.then((m) => ({ m })), exited.then((code) => ({ code }))]);
      if ('m' in outcome) {
        this.port = Number(outcome.m[1]);
        return;
      }
      if (attempt >= 20) throw new Error(`mq-broker exited ${outcome.code} at start:\n${this.stderrText}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** SIGKILL, and wait until the process is gone. */
  async kill9(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await gone;
  }

  /** Clean stop (SIGTERM), waiting for the exit. */
  async stop(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await gone;
  }

  /** Whether the process is still running (a crash under hostile bytes would end it). */
  get alive(): boolean {
    const c = this.child;
    return c !== undefined && c.exitCode === null && c.signalCode === null;
  }

  /** The broker's resident set size in bytes, from /proc (Linux). */
  rss(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status);
    if (!kb) throw new Error('no VmRSS in /proc/PID/status');
    return Number(kb[1]) * 1024;
  }
}

/** Every record of `topic` up to its high watermarks now, through a fresh consumer group. */
export async function readToEnd(bootstrap: string, topic: string, timeoutMs = 60_000): Promise<{ partition: number; offset: number; value: string }[]> {
  const kafka = client(bootstrap, 'reliability-reader');
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const total = ends.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  const got: { partition: number; offset: number; value: string }[] = [];
  if (total === 0) return got;
  const consumer = kafka.consumer({ groupId: `reader-${topic}-${process.pid}-${Date.now()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => void got.push({ partition, offset: Number(message.offset), value: message.value!.toString() }),
  });
  try {
    await waitFor(() => got.length >= total, { timeoutMs, message: `read ${topic} to its end (${total} records)` });
  } finally {
    await consumer.disconnect();
  }
  return got;
}

/** Values read more than once, and acknowledged values never read. */
export function lostAndDuplicated(acked: readonly string[], read: readonly string[]): { lost: string[]; duplicated: string[] } {
  const seen = new Map<string, number>();
  for (const v of read) seen.set(v, (seen.get(v) ?? 0) + 1);
  return { lost: acked.filter((v) => !seen.has(v)), duplicated: [...seen].filter(([, n]) => n > 1).map(([v]) => v) };
}
