// Perf tools parity (issue 6, suite C part 2): mq-producer-perf-test and mq-consumer-perf-test
// against Kafka's kafka-producer-perf-test / kafka-consumer-perf-test on the same broker (Apache
// Kafka 4.x, single node): the same record counts, and throughput within 15 % (records/sec from the
// summary lines, best of two runs each, since JVM warm-up and the shared machine add noise).
// Skipped unless MQ_REFERENCE=1.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runKafkaTool, startKafka, type KafkaCluster } from './kafka.js';

const RECORDS = 200_000;
const SIZE = 100;
const TOLERANCE = 0.15;
const ROUNDS = 2;

interface Res {
  stdout: string;
  stderr: string;
  code: number | null;
  durationMs: number;
}

function runMq(tool: 'producer-perf-test' | 'consumer-perf-test', args: string[]): Promise<Res> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.MQ_BOOTSTRAP_SERVER;
    const extra = process.env.SUITE_C_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.SUITE_C_CPU_PROF}`] : [];
    const child = spawn(process.execPath, [...extra, join(REPO_ROOT, 'bin', `mq-${tool}.js`), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout: out, stderr: err, code, durationMs: Date.now() - started });
    });
  });
}

/**
 * Kafka's perf tools through the harness (C1 only, serial GC, fast start) with the scripts' 512 MB
 * heap. Measured here, that is the stricter comparison: with bin/kafka-run-class.sh's own options
 * (G1, C2) these short 200k runs were slower on this 2-core machine (best 47.6k records/s
 * producing, 64.1k consuming, against 200k / 214k with the harness options), since C2's compiler
 * threads compete with the tool itself.
 */
const runKafkaPerf = (tool: 'kafka-producer-perf-test' | 'kafka-consumer-perf-test', args: string[]): Promise<Res> =>
  runKafkaTool('4', tool, args, { timeoutMs: 120_000, heapMb: 512 });

/** `200000 records sent, 123456.8 records/sec (11.77 MB/sec), ... ms 99.9th.` → records and records/sec */
function producerSummary(stdout: string): { records: number; perSec: number; line: string } {
  // The summary is the line with percentiles; progress lines every 5 s look alike up to the MB/sec.
  const m = /^(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), .* ms 99\.9th\.$/m.exec(stdout);
  if (!m) throw new Error(`no producer summary line in:\n${stdout}`);
  return { records: Number(m[1]), perSec: Number(m[2]), line: m[0] };
}

/**
 * The row under `start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,
 * rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec`
 */
function consumerSummary(stdout: string): { records: number; perSec: number; fetchPerSec: number; rebalanceMs: number; line: string } {
  const lines = stdout.split('\n');
  const h = lines.findIndex((l) => l.startsWith('start.time, end.time'));
  const row = lines[h + 1];
  if (h < 0 || !row) throw new Error(`no consumer summary in:\n${stdout}`);
  const f = row.split(', ');
  return { records: Number(f[4]), perSec: Number(f[5]), rebalanceMs: Number(f[6]), fetchPerSec: Number(f[9]), line: row };
}

describe.skipIf(!process.env.MQ_REFERENCE)('perf tools parity with Kafka 4.x (same broker)', () => {
  let kafka: KafkaCluster;
  const report: string[] = [];

  beforeAll(async () => {
    kafka = await startKafka({ version: '4', nodes: 1 });
    for (const topic of ['perf-kafka', 'perf-mq']) {
      const r = await runKafkaTool('4', 'kafka-topics', ['--bootstrap-server', kafka.bootstrap, '--create', '--topic', topic, '--partitions', '1']);
      expect(r.code, r.stdout + r.stderr).toBe(0);
    }
  });

  afterAll(async () => {
    console.log(`perf parity (${RECORDS} x ${SIZE} B, best of ${ROUNDS}):\n  ${report.join('\n  ')}`);
    await kafka?.stop();
  });

  it('producer: same count, mq within 15 % of kafka-producer-perf-test', async () => {
    const args = (topic: string): string[] => [
      '--topic', topic, '--num-records', String(RECORDS), '--record-size', String(SIZE), '--throughput', '-1',
      '--producer-props', `bootstrap.servers=${kafka.bootstrap}`,
    ];
    const best = { kafka: 0, mq: 0 };
    // Interleaved, so that a noisy moment on the shared machine does not hit one side only.
    for (let round = 0; round < ROUNDS; round++) {
      const k = await runKafkaPerf('kafka-producer-perf-test', args('perf-kafka'));
      expect(k.code, k.stdout + k.stderr).toBe(0);
      const ks = producerSummary(k.stdout);
      expect(ks.records).toBe(RECORDS);
      const m = await runMq('producer-perf-test', args('perf-mq'));
      expect(m.code, m.stdout + m.stderr).toBe(0);
      const ms = producerSummary(m.stdout);
      expect(ms.records).toBe(RECORDS);
      // Same summary format: Java's %d, %f, %.2f and %d fields.
      const shape = /^\d+ records sent, \d+\.\d{6} records\/sec \(\d+\.\d{2} MB\/sec\), \d+\.\d{2} ms avg latency, \d+\.\d{2} ms max latency, \d+ ms 50th, \d+ ms 95th, \d+ ms 99th, \d+ ms 99\.9th\.$/;
      expect(ks.line).toMatch(shape);
      expect(ms.line).toMatch(shape);
      report.push(`producer round ${round + 1}: kafka ${ks.line}`, `producer round ${round + 1}: mq    ${ms.line}`);
      best.kafka = Math.max(best.kafka, ks.perSec);
      best.mq = Math.max(best.mq, ms.perSec);
    }
    report.push(`producer best: kafka ${best.kafka.toFixed(1)}/s, mq ${best.mq.toFixed(1)}/s (mq/kafka ${(best.mq / best.kafka).toFixed(2)})`);
    expect(best.mq).toBeGreaterThanOrEqual(best.kafka * (1 - TOLERANCE));
  }, 300_000);

  it('consumer: same count, mq within 15 % of kafka-consumer-perf-test', async () => {
    // Both read the same 200k x 2 rounds records kafka-producer-perf-test wrote, each run in a fresh group.
    const args = (): string[] => ['--bootstrap-server', kafka.bootstrap, '--topic', 'perf-kafka', '--messages', String(RECORDS), '--timeout', '30000'];
    const best = { kafka: 0, mq: 0, kafkaFetch: 0, mqFetch: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const k = await runKafkaPerf('kafka-consumer-perf-test', args());
      expect(k.code, k.stdout + k.stderr).toBe(0);
      const ks = consumerSummary(k.stdout);
      // Kafka counts every record of the poll that crosses --messages (up to max.poll.records=500
      // more, e.g. 200410); mq stops at exactly --messages (README "Differences").
      expect(ks.records).toBeGreaterThanOrEqual(RECORDS);
      expect(ks.records).toBeLessThan(RECORDS + 500);
      const m = await runMq('consumer-perf-test', args());
      expect(m.code, m.stdout + m.stderr).toBe(0);
      const ms = consumerSummary(m.stdout);
      expect(ms.records).toBe(RECORDS);
      report.push(`consumer round ${round + 1}: kafka ${ks.line}`, `consumer round ${round + 1}: mq    ${ms.line}`);
      best.kafka = Math.max(best.kafka, ks.perSec);
      best.mq = Math.max(best.mq, ms.perSec);
      best.kafkaFetch = Math.max(best.kafkaFetch, ks.fetchPerSec);
      best.mqFetch = Math.max(best.mqFetch, ms.fetchPerSec);
    }
    report.push(
      `consumer best nMsg.sec: kafka ${best.kafka.toFixed(1)}, mq ${best.mq.toFixed(1)} (mq/kafka ${(best.mq / best.kafka).toFixed(2)}); ` +
        `fetch.nMsg.sec: kafka ${best.kafkaFetch.toFixed(1)}, mq ${best.mqFetch.toFixed(1)}`,
    );
    expect(best.mq).toBeGreaterThanOrEqual(best.kafka * (1 - TOLERANCE));
  }, 300_000);
});
