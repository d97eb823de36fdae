#!/usr/bin/env node
/**
 * npm run bench:compare — the mq broker and mq's tools side by side with Apache Kafka 4.x
 * (issue 6; shared/reference perf-reliability.md §6 and §7), in one run on one machine, with the
 * same client driving both brokers:
 *
 *   1. start: spawn to the first ApiVersions answer on an empty (for Kafka: freshly formatted) data
 *      dir, and idle RSS 3 s later; starts of the two brokers alternate;
 *   2. broker throughput, both brokers up at once, runs alternating between them:
 *      kafka-producer-perf-test and kcat -P (1 KiB and 100 B records, acks=1 and all, 1 and 6
 *      partitions), kafka-consumer-perf-test and kcat -C -e (1 KiB and 100 B, 1 and 6 partitions),
 *      with peak RSS of each broker under that load; ratios are mq/Kafka per pair of runs;
 *   3. produce latency at a fixed rate: kafka-producer-perf-test --throughput R, p50/p99/p99.9;
 *   4. tool round trips: mq-topics --list and mq-consumer-groups --describe --group g against
 *      kafka-topics / kafka-consumer-groups, each pair on the same broker;
 *   5. console tools on 1,000,000 × 100 B lines: mq-console-producer/consumer,
 *      kafka-console-producer/consumer and kcat, on both brokers.
 * Results go to stdout and to the "compare" section of BENCHMARKS.md.
 *
 * Both brokers are pinned to CPU 0 and every client to CPU 1 (taskset), as §6 asks. Kafka runs from
 * the jars of scripts/reference/fetch-kafka.sh with the JVM options its bin scripts ship
 * (broker -Xmx1G -Xms1G, G1; see bench/lib/kafka-ref.mjs).
 *
 * Options: --runs N (runs per cell, default 3), --no-pin, --no-write, --quick (or
 * MQ_BENCH_QUICK=1: small counts, 1 run, never written to BENCHMARKS.md), --only LIST
 * (comma-separated subset of start,throughput,latency,tools,console,transactions; transactions writes its
 * own section, see lib/compare-transactions.mjs), --report-from FILE (re-render
 * the report from the raw results every run saves under .tmp/bench/, without measuring).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { cleanupAll, makeTempDir, removeTempDir, run, spawnBroker, startBroker, freePort, REPO_ROOT } from './lib/proc.mjs';
import { waitForApiVersions, createTopic, deleteTopic, endOffsetSum } from './lib/kafka-wire.mjs';
import { readRss, sampleRss, fmtMiB } from './lib/rss.mjs';
import { median, summary, num, nowMs } from './lib/stats.mjs';
import { mdTable, machineInfo, machineLine, writeSection } from './lib/report.mjs';
import { writeRecordFile } from './lib/inputs.mjs';
import { measureTransactions, reportTransactions } from './lib/compare-transactions.mjs';
import { prepareKafka, spawnKafka, runKafkaTool, kafkaRelease, kafkaToolCommand, KAFKA_JVM_OPTS } from './lib/kafka-ref.mjs';

const { values: opt } = parseArgs({
  options: {
    runs: { type: 'string' },
    'no-pin': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'report-from': { type: 'string' },
  },
});

const QUICK = opt.quick || process.env.MQ_BENCH_QUICK === '1';
const RUNS = Number(opt.runs ?? (QUICK ? 1 : 3));
const PIN = !opt['no-pin'];
const BROKER_CPU = PIN ? '0' : undefined;
const CLIENT_CPU = PIN ? '1' : undefined;
const WRITE = !opt['no-write'] && !QUICK;
const PARTS = new Set((opt.only ?? 'start,throughput,latency,tools,console,transactions').split(','));

/** Record counts: each throughput run takes a few seconds on this 2-core machine. */
const SIZES = [
  { valueBytes: 1024, label: '1 KiB', count: QUICK ? 10_000 : 100_000 },
  { valueBytes: 100, label: '100 B', count: QUICK ? 50_000 : 500_000 },
];
const PARTITIONS = [1, 6];
const ACKS = ['1', 'all'];
const START_RUNS = { mq: QUICK ? 2 : 5, kafka: QUICK ? 1 : 3 };
const IDLE_WAIT_MS = 3000;
const LATENCY = { rate: 10_000, count: QUICK ? 20_000 : 100_000, valueBytes: 1024 };
const TOOL_RUNS = QUICK ? 2 : 5;
const CONSOLE = { count: QUICK ? 100_000 : 1_000_000, valueBytes: 100, runs: QUICK ? 1 : RUNS };

/** kcat settings as in bench/broker.mjs: big batches and a deep queue for the throughput runs. */
const KCAT_PRODUCE_X = ['linger.ms=5', 'batch.num.messages=100000', 'batch.size=1000000', 'queue.buffering.max.kbytes=2097152', 'queue.buffering.max.messages=2000000'];
/** Only shortens the final empty long-poll kcat -e needs to see the end (see bench/broker.mjs). */
const KCAT_CONSUME_X = ['fetch.wait.max.ms=10'];

const GOALS = { throughput: 0.8, startX: 10, rssShare: 0.2, toolX: 10 };

const log = (msg) => process.stderr.write(`[bench:compare] ${msg}\n`);
const xargs = (xs) => xs.flatMap((x) => ['-X', x]);
const yes = (ok) => (ok ? 'yes' : '**no**');
const ratio = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : 'n/a');
const ms = (x) => `${num(x)} ms`;
const MQ_BIN = (tool) => path.join(REPO_ROOT, 'bin', `mq-${tool}.js`);

function pinSelf() {
  if (!PIN) return;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', CLIENT_CPU, String(process.pid)], { stdio: 'ignore' });
  } catch {
    log('taskset failed: running unpinned');
  }
}

// ---------------------------------------------------------------------------------------------
// The two brokers behind one interface

/** mq broker on a fresh data dir under `dir`; CreateTopics/DeleteTopics v0. */
async function startMq(dir) {
  const b = await startBroker(path.join(dir, 'mq-data'), { cpus: BROKER_CPU });
  return {
    name: 'mq',
    pid: b.pid,
    port: b.port,
    address: b.address,
    create: (t, p) => createTopic('127.0.0.1', b.port, t, p),
    del: (t) => deleteTopic('127.0.0.1', b.port, t),
    stop: () => b.stop(),
    diag: () => b.stderr().slice(-2000),
  };
}

/** Kafka single node on a freshly formatted dir under `dir`; CreateTopics v2/DeleteTopics v1. */
async function startKafkaBroker(dir) {
  const prepared = await prepareKafka(path.join(dir, 'kafka'));
  const k = spawnKafka(prepared, { cpus: BROKER_CPU });
  try {
    await waitForApiVersions('127.0.0.1', k.port, 120_000, k.isDead, 10);
  } catch (err) {
    await k.stop();
    throw new Error(`${err.message}\n${k.logTail()}`, { cause: err });
  }
  return {
    name: 'kafka',
    pid: k.pid,
    port: k.port,
    address: k.address,
    create: async (t, p) => {
      // Right after start the controller may still refuse; retry briefly.
      for (let i = 0; ; i++) {
        try {
          return await createTopic('127.0.0.1', k.port, t, p, 10_000, 2);
        } catch (err) {
          if (i >= 20) throw err;
          await sleep(250);
        }
      }
    },
    del: (t) => deleteTopic('127.0.0.1', k.port, t, 10_000, 1),
    stop: () => k.stop(),
    diag: () => k.logTail(20),
  };
}

/** Runs `fn` while sampling the broker's RSS; pushes the peak into broker.peaks. */
async function underLoad(broker, fn) {
  const s = sampleRss(broker.pid, 100);
  try {
    return await fn();
  } finally {
    (broker.peaks ??= []).push(s.stop().peak);
  }
}

async function checkCount(broker, topic, partitions, want, what) {
  const got = await endOffsetSum('127.0.0.1', broker.port, topic, partitions);
  if (got !== want) throw new Error(`${what} on ${broker.name}: topic ${topic} holds ${got} records, expected ${want}`);
}

function must(r, what, broker) {
  if (r.code !== 0) throw new Error(`${what} on ${broker?.name ?? '?'} exited ${r.signal ?? r.code}:\n${r.stderr.slice(-2000)}\n${r.stdout?.slice(-1000) ?? ''}`);
  return r;
}

// ---------------------------------------------------------------------------------------------
// 1. Start and idle memory

async function measureStart(dir) {
  const res = { mq: { start: [], idle: [] }, kafka: { start: [], idle: [], format: [] } };
  const n = Math.max(START_RUNS.mq, START_RUNS.kafka);
  for (let i = 0; i < n; i++) {
    if (i < START_RUNS.mq) {
      const d = path.join(dir, `start-mq-${i}`);
      const port = await freePort();
      const b = spawnBroker(path.join(d, 'data'), { port, cpus: BROKER_CPU });
      try {
        const at = await waitForApiVersions('127.0.0.1', port, 30_000, b.isDead);
        res.mq.start.push(at - b.spawnedAt);
        await sleep(IDLE_WAIT_MS);
        res.mq.idle.push(readRss(b.pid));
      } finally {
        await b.stop();
      }
      log(`start mq ${i + 1}/${START_RUNS.mq}: ${ms(res.mq.start.at(-1))}, idle ${fmtMiB(res.mq.idle.at(-1))}`);
    }
    if (i < START_RUNS.kafka) {
      const prepared = await prepareKafka(path.join(dir, `start-kafka-${i}`));
      res.kafka.format.push(prepared.formatMs);
      const k = spawnKafka(prepared, { cpus: BROKER_CPU });
      try {
        // 1 ms polling as for mq; the poller runs on the other core.
        const at = await waitForApiVersions('127.0.0.1', k.port, 120_000, k.isDead);
        res.kafka.start.push(at - k.spawnedAt);
        await sleep(IDLE_WAIT_MS);
        res.kafka.idle.push(readRss(k.pid));
      } finally {
        await k.stop();
      }
      log(`start kafka ${i + 1}/${START_RUNS.kafka}: ${ms(res.kafka.start.at(-1))}, idle ${fmtMiB(res.kafka.idle.at(-1))} (format ${ms(prepared.formatMs)}, not counted)`);
    }
  }
  return res;
}

// ---------------------------------------------------------------------------------------------
// 2. Broker throughput

const PERF_SUMMARY = /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, ([\d.]+) ms 50th, ([\d.]+) ms 95th, ([\d.]+) ms 99th, ([\d.]+) ms 99\.9th/;

/** kafka-producer-perf-test; resolves its summary line's figures. */
async function perfProduce(broker, topic, size, count, acks, throughput = -1, extra = []) {
  const r = must(
    await runKafkaTool(
      'kafka-producer-perf-test',
      ['--topic', topic, '--num-records', String(count), '--record-size', String(size), '--throughput', String(throughput), ...extra, '--producer-props', `bootstrap.servers=${broker.address}`, `acks=${acks}`],
      { stdout: 'pipe', cpus: CLIENT_CPU, timeoutMs: 300_000 },
    ),
    'kafka-producer-perf-test',
    broker,
  );
  const m = PERF_SUMMARY.exec(r.stdout);
  if (!m || Number(m[1]) !== count) throw new Error(`kafka-producer-perf-test on ${broker.name}: no summary for ${count} records:\n${r.stdout.slice(-1500)}`);
  return { rps: Number(m[2]), avg: Number(m[4]), max: Number(m[5]), p50: Number(m[6]), p95: Number(m[7]), p99: Number(m[8]), p999: Number(m[9]) };
}

/** kafka-consumer-perf-test; resolves fetch.nMsg.sec (excludes the group join) and nMsg.sec. */
async function perfConsume(broker, topic, count, group, consumerConfig) {
  const config = consumerConfig ? ['--consumer.config', consumerConfig] : [];
  const r = must(
    await runKafkaTool('kafka-consumer-perf-test', ['--bootstrap-server', broker.address, '--topic', topic, '--num-records', String(count), '--group', group, '--timeout', '30000', ...config], {
      stdout: 'pipe',
      cpus: CLIENT_CPU,
      timeoutMs: 300_000,
    }),
    'kafka-consumer-perf-test',
    broker,
  );
  const lines = r.stdout.split('\n').map((l) => l.trim());
  const hi = lines.findIndex((l) => l.startsWith('start.time'));
  if (hi < 0 || !lines[hi + 1]) throw new Error(`kafka-consumer-perf-test on ${broker.name}: no result:\n${r.stdout}\n${r.stderr.slice(-1000)}`);
  const keys = lines[hi].split(',').map((s) => s.trim());
  const vals = lines[hi + 1].split(',').map((s) => s.trim());
  const get = (k) => Number(vals[keys.indexOf(k)]);
  // The tool stops after the poll that reaches --num-records, so on a topic holding more (the warm-up topic) it
  // counts the rest of that poll too: fewer is a failure, more is not.
  if (!(get('data.consumed.in.nMsg') >= count)) throw new Error(`kafka-consumer-perf-test on ${broker.name}: consumed ${get('data.consumed.in.nMsg')} of ${count}`);
  return { rps: get('fetch.nMsg.sec'), totalRps: get('nMsg.sec'), rebalanceMs: get('rebalance.time.ms') };
}

/** kcat -P from the input file, wall time (kcat starts in ~1 ms and waits for every delivery report). */
async function kcatProduce(broker, topic, input, acks, extra = KCAT_PRODUCE_X) {
  const r = must(
    await run('kcat', ['-P', '-b', broker.address, '-t', topic, ...xargs([...extra, `acks=${acks}`])], { stdinFile: input.file, cpus: CLIENT_CPU, timeoutMs: 300_000 }),
    'kcat -P',
    broker,
  );
  const problems = r.stderr.split('\n').filter((l) => /error|fail/i.test(l));
  if (problems.length) throw new Error(`kcat -P on ${broker.name}: ${problems.slice(0, 5).join('\n')}`);
  return { rps: input.count / (r.ms / 1000), s: r.ms / 1000 };
}

/** kcat -C -e from the beginning to /dev/null; checks the end offsets kcat reports. */
async function kcatConsume(broker, topic, count) {
  const r = must(
    await run('kcat', ['-C', '-b', broker.address, '-t', topic, '-o', 'beginning', '-e', '-f', '%s\\n', ...xargs(KCAT_CONSUME_X)], { stdout: 'ignore', cpus: CLIENT_CPU, timeoutMs: 300_000 }),
    'kcat -C',
    broker,
  );
  let got = 0;
  const ends = new Map();
  for (const m of r.stderr.matchAll(/Reached end of topic \S+ \[(\d+)\] at offset (\d+)/g)) ends.set(m[1], Math.max(ends.get(m[1]) ?? 0, Number(m[2])));
  for (const v of ends.values()) got += v;
  if (got !== count) throw new Error(`kcat -C on ${broker.name}: end offsets sum to ${got}, expected ${count}`);
  return { rps: count / (r.ms / 1000), s: r.ms / 1000 };
}

async function warmUp(brokers, inputs) {
  // Not counted: JIT of both brokers and of the Java client, page cache of the inputs, Kafka's
  // __consumer_offsets creation on the first group.
  for (const b of brokers) {
    log(`warm-up ${b.name}`);
    await b.create('warmup', 1);
    await perfProduce(b, 'warmup', 1024, SIZES[0].count, '1');
    for (const input of inputs) await kcatProduce(b, 'warmup', input, '1');
    await perfConsume(b, 'warmup', SIZES[0].count, 'warmup-group');
    await kcatConsume(b, 'warmup', SIZES[0].count + inputs.reduce((a, i) => a + i.count, 0));
    await b.del('warmup');
  }
}

async function measureThroughput(brokers, inputs) {
  const cells = [];
  const source = new Map(); // `${size}-${p}` -> topic kept for the consume runs, per broker
  for (const client of ['perf-test', 'kcat']) {
    for (const input of inputs) {
      for (const p of PARTITIONS) {
        for (const acks of ACKS) {
          const cell = { kind: 'produce', client, input, partitions: p, acks, runs: { mq: [], kafka: [] } };
          cells.push(cell);
          for (let r = 0; r < RUNS; r++) {
            for (const b of brokers) {
              const topic = `p-${client}-${input.valueBytes}-${p}p-a${acks}-r${r}`;
              await b.create(topic, p);
              const res = await underLoad(b, () => (client === 'perf-test' ? perfProduce(b, topic, input.valueBytes, input.count, acks) : kcatProduce(b, topic, input, acks)));
              await checkCount(b, topic, p, input.count, `${client} produce`);
              cell.runs[b.name].push(res);
              const key = `${b.name}-${input.valueBytes}-${p}`;
              if (client === 'perf-test' && acks === 'all' && !source.has(key)) source.set(key, topic);
              else await b.del(topic);
              log(`produce ${client} ${input.label} ${p}p acks=${acks} run ${r + 1}/${RUNS} ${b.name}: ${num(res.rps)} rec/s`);
            }
          }
        }
      }
    }
  }
  for (const client of ['perf-test', 'kcat']) {
    for (const input of inputs) {
      for (const p of PARTITIONS) {
        const cell = { kind: 'consume', client, input, partitions: p, acks: '–', runs: { mq: [], kafka: [] } };
        cells.push(cell);
        for (let r = 0; r < RUNS; r++) {
          for (const b of brokers) {
            const topic = source.get(`${b.name}-${input.valueBytes}-${p}`);
            const res = await underLoad(b, () => (client === 'perf-test' ? perfConsume(b, topic, input.count, `perf-${input.valueBytes}-${p}-r${r}`) : kcatConsume(b, topic, input.count)));
            cell.runs[b.name].push(res);
            log(`consume ${client} ${input.label} ${p}p run ${r + 1}/${RUNS} ${b.name}: ${num(res.rps)} rec/s${res.rebalanceMs !== undefined ? ` (group join ${num(res.rebalanceMs)} ms)` : ''}`);
          }
        }
      }
    }
  }
  for (const b of brokers) for (const t of new Set([...source].filter(([k]) => k.startsWith(`${b.name}-`)).map(([, t]) => t))) await b.del(t);
  return cells;
}

// ---------------------------------------------------------------------------------------------
// 3. Latency at a fixed rate

async function measureLatency(brokers) {
  const res = { mq: [], kafka: [] };
  for (let r = 0; r < RUNS; r++) {
    for (const b of brokers) {
      const topic = `lat-r${r}`;
      await b.create(topic, 1);
      const x = await perfProduce(b, topic, LATENCY.valueBytes, LATENCY.count, 'all', LATENCY.rate);
      res[b.name].push(x);
      await b.del(topic);
      log(`latency run ${r + 1}/${RUNS} ${b.name}: p50 ${x.p50} ms, p99 ${x.p99} ms, p99.9 ${x.p999} ms, ${num(x.rps)} rec/s`);
    }
  }
  return res;
}

// ---------------------------------------------------------------------------------------------
// 4. Tool round trips

async function measureTools(brokers) {
  const res = {};
  const add = (k, b, v) => ((res[k] ??= { mq: [], kafka: [] })[b.name].push(v));
  for (const b of brokers) {
    // A group with committed offsets and no members, for --describe.
    await b.create('tools-topic', 1);
    must(await run('kcat', ['-P', '-b', b.address, '-t', 'tools-topic'], { stdinFile: SMALL_INPUT.file, cpus: CLIENT_CPU, timeoutMs: 60_000 }), 'kcat -P', b);
    must(await run(process.execPath, [MQ_BIN('console-consumer'), '--bootstrap-server', b.address, '--topic', 'tools-topic', '--group', 'g', '--from-beginning', '--max-messages', '10'], { cpus: CLIENT_CPU, timeoutMs: 60_000 }), 'mq-console-consumer --group g', b);
  }
  const tools = [
    { key: 'mq-topics --list', cmd: (b) => [process.execPath, [MQ_BIN('topics'), '--bootstrap-server', b.address, '--list']], expect: 'tools-topic' },
    { key: 'kafka-topics --list', cmd: (b) => kafkaToolCommand('kafka-topics', ['--bootstrap-server', b.address, '--list']), expect: 'tools-topic' },
    { key: 'mq-consumer-groups --describe --group g', cmd: (b) => [process.execPath, [MQ_BIN('consumer-groups'), '--bootstrap-server', b.address, '--describe', '--group', 'g']], expect: 'tools-topic' },
    { key: 'kafka-consumer-groups --describe --group g', cmd: (b) => kafkaToolCommand('kafka-consumer-groups', ['--bootstrap-server', b.address, '--describe', '--group', 'g']), expect: 'tools-topic' },
  ];
  for (let r = 0; r < TOOL_RUNS; r++) {
    for (const b of brokers) {
      for (const t of tools) {
        const [c, a] = t.cmd(b);
        const x = must(await run(c, a, { stdout: 'pipe', cpus: CLIENT_CPU, timeoutMs: 60_000 }), t.key, b);
        if (!x.stdout.includes(t.expect)) throw new Error(`${t.key} on ${b.name}: output lacks ${t.expect}:\n${x.stdout}`);
        add(t.key, b, x.ms);
      }
    }
    log(`tools run ${r + 1}/${TOOL_RUNS}: ${Object.entries(res).map(([k, v]) => `${k} ${ms(v.mq.at(-1))}/${ms(v.kafka.at(-1))}`).join(', ')}`);
  }
  for (const b of brokers) await b.del('tools-topic');
  return res;
}

// ---------------------------------------------------------------------------------------------
// 5. Console tools

async function measureConsole(brokers, input) {
  const n = input.count;
  const producers = [
    { key: 'mq-console-producer', cmd: (b, t) => [process.execPath, [MQ_BIN('console-producer'), '--bootstrap-server', b.address, '--topic', t]] },
    { key: 'kafka-console-producer', cmd: (b, t) => kafkaToolCommand('kafka-console-producer', ['--bootstrap-server', b.address, '--topic', t]) },
    { key: 'kcat -P', cmd: (b, t) => ['kcat', ['-P', '-b', b.address, '-t', t]] },
  ];
  const consumers = [
    { key: 'mq-console-consumer', cmd: (b, t) => [process.execPath, [MQ_BIN('console-consumer'), '--bootstrap-server', b.address, '--topic', t, '--from-beginning', '--max-messages', String(n)]], check: (r) => r.stderr.includes(`Processed a total of ${n} messages`) },
    { key: 'kafka-console-consumer', cmd: (b, t) => kafkaToolCommand('kafka-console-consumer', ['--bootstrap-server', b.address, '--topic', t, '--from-beginning', '--max-messages', String(n)]), check: (r) => r.stderr.includes(`Processed a total of ${n} messages`) },
    {
      key: 'kcat -C -e',
      cmd: (b, t) => ['kcat', ['-C', '-b', b.address, '-t', t, '-o', 'beginning', '-e', '-f', '%s\\n']],
      check: (r) => new RegExp(`Reached end of topic \\S+ \\[0\\] at offset ${n}\\b`).test(r.stderr),
    },
  ];
  const res = {};
  const add = (k, b, v) => ((res[k] ??= { mq: [], kafka: [] })[b.name].push(v));
  const source = new Map();
  for (let r = 0; r < CONSOLE.runs; r++) {
    for (const b of brokers) {
      for (const p of producers) {
        const topic = `console-${p.key.split(' ')[0]}-r${r}`;
        await b.create(topic, 1);
        const [c, a] = p.cmd(b, topic);
        const x = await underLoad(b, async () => must(await run(c, a, { stdinFile: input.file, cpus: CLIENT_CPU, timeoutMs: 600_000 }), p.key, b));
        await checkCount(b, topic, 1, n, p.key);
        add(p.key, b, x.ms);
        if (!source.has(b.name)) source.set(b.name, topic);
        else await b.del(topic);
        log(`console ${p.key} run ${r + 1}/${CONSOLE.runs} ${b.name}: ${ms(x.ms)}`);
      }
    }
  }
  for (let r = 0; r < CONSOLE.runs; r++) {
    for (const b of brokers) {
      for (const q of consumers) {
        const [c, a] = q.cmd(b, source.get(b.name));
        const x = await underLoad(b, async () => must(await run(c, a, { stdout: 'ignore', cpus: CLIENT_CPU, timeoutMs: 600_000 }), q.key, b));
        if (!q.check(x)) throw new Error(`${q.key} on ${b.name}: did not report ${n} records:\n${x.stderr.slice(-1500)}`);
        add(q.key, b, x.ms);
        log(`console ${q.key} run ${r + 1}/${CONSOLE.runs} ${b.name}: ${ms(x.ms)}`);
      }
    }
  }
  for (const b of brokers) await b.del(source.get(b.name));
  return res;
}

// ---------------------------------------------------------------------------------------------
// Report

/** Median over paired runs of a/b, so a load spike hits both sides of a ratio alike. */
function pairedRatio(as, bs) {
  const rs = [];
  for (let i = 0; i < Math.min(as.length, bs.length); i++) rs.push(as[i] / bs[i]);
  return median(rs);
}

function report(m, t) {
  const date = new Date().toISOString().replace('T', ' ').replace(/:\d\d\.\d+Z$/, ' UTC');
  const release = kafkaRelease();
  const verdicts = [];
  const sections = [];
  const pinText = PIN ? `both brokers pinned to CPU ${BROKER_CPU} and every client to CPU ${CLIENT_CPU} (\`taskset\`)` : 'no CPU pinning';

  if (t.start) {
    const s = t.start;
    const startX = median(s.kafka.start) / median(s.mq.start);
    const idleShare = median(s.mq.idle) / median(s.kafka.idle);
    const peak = (name) => Math.max(...(t.brokers?.find((b) => b.name === name)?.peaks ?? [NaN]).filter(Number.isFinite));
    const loadShare = peak('mq') / peak('kafka');
    const rows = [
      ['Spawn to first ApiVersions answer', summary(s.mq.start, ms), summary(s.kafka.start, ms), `Kafka/mq ${ratio(startX)}`, `mq ≥ ${GOALS.startX}× faster`, yes(startX >= GOALS.startX)],
      [`Idle RSS, ${IDLE_WAIT_MS / 1000} s after the first answer`, summary(s.mq.idle, fmtMiB), summary(s.kafka.idle, fmtMiB), `mq/Kafka ${ratio(idleShare)}`, `≤ ${GOALS.rssShare}×`, yes(idleShare <= GOALS.rssShare)],
    ];
    if (Number.isFinite(loadShare)) rows.push(['Peak RSS under the load runs below', fmtMiB(peak('mq')), fmtMiB(peak('kafka')), `mq/Kafka ${ratio(loadShare)}`, `≤ ${GOALS.rssShare}×`, yes(loadShare <= GOALS.rssShare)]);
    verdicts.push(`start ${ratio(startX)}: ${startX >= GOALS.startX ? 'met' : 'MISSED'}`, `idle RSS ${ratio(idleShare)}: ${idleShare <= GOALS.rssShare ? 'met' : 'MISSED'}`);
    if (Number.isFinite(loadShare)) verdicts.push(`RSS under load ${ratio(loadShare)}: ${loadShare <= GOALS.rssShare ? 'met' : 'MISSED'}`);
    sections.push(`### Start and memory

mq: \`node bin/mq-broker.js start --data-dir <empty dir> --listen 127.0.0.1:<port>\`; Kafka: \`java -Xmx1G -Xms1G ${KAFKA_JVM_OPTS.join(' ')} -cp <jars> kafka.Kafka server.properties\`
on a directory formatted just before with \`kafka-storage format\` (a separate JVM, ${summary(s.kafka.format, ms)}, not counted).
Time from spawn to the first answer to ApiVersions v0 (polled every 1 ms from the other core);
${START_RUNS.mq} mq and ${START_RUNS.kafka} Kafka starts, alternating. RSS is VmRSS in MiB.

${mdTable(['Measure', 'mq', `Kafka ${release}`, 'Ratio', 'Goal', 'Met'], rows, ['l', 'r', 'r', 'r', 'l', 'l'])}`);
  }

  if (t.throughput) {
    const rows = [];
    for (const c of t.throughput) {
      const mq = c.runs.mq.map((x) => x.rps);
      const kf = c.runs.kafka.map((x) => x.rps);
      const r = pairedRatio(mq, kf);
      const ok = r >= GOALS.throughput;
      verdicts.push(`${c.kind} ${c.client} ${c.input.label} ${c.partitions}p${c.kind === 'produce' ? ` acks=${c.acks}` : ''} ${ratio(r)}: ${ok ? 'met' : 'MISSED'}`);
      rows.push([c.kind, c.client, c.input.label, c.partitions, c.acks, summary(mq, (x) => num(x)), summary(kf, (x) => num(x)), ratio(r), yes(ok)]);
    }
    const joins = t.throughput.filter((c) => c.kind === 'consume' && c.client === 'perf-test');
    const join = (name) => summary(joins.flatMap((c) => c.runs[name].map((x) => x.rebalanceMs)), ms);
    sections.push(`### Broker throughput

Both brokers up at the same time, ${pinText}; each cell runs ${RUNS}× alternating mq, Kafka, mq, …
on a fresh topic (RF 1), after one uncounted warm-up per broker. Records/s, median (min–max); the
ratio is the median of the per-pair mq/Kafka ratios; goal ≥ ${GOALS.throughput}× (perf-reliability.md §6, P1–P3).
- perf-test produce: \`kafka-producer-perf-test --topic <t> --num-records N --record-size S --throughput -1 --producer-props bootstrap.servers=<addr> acks=<1|all>\` (Kafka's producer defaults otherwise: batch.size 16384, linger.ms 5); its summary's records/sec.
- kcat produce: \`kcat -P -b <addr> -t <t> ${xargs(KCAT_PRODUCE_X).join(' ')} -X acks=<1|all> < <file>\`, wall time.
- perf-test consume: \`kafka-consumer-perf-test --bootstrap-server <addr> --topic <t> --num-records N --group <new group>\` of the acks=all topic; fetch.nMsg.sec, i.e. without the group join (join time: mq ${join('mq')}, Kafka ${join('kafka')}).
- kcat consume: \`kcat -C -b <addr> -t <t> -o beginning -e -f '%s\\n' ${xargs(KCAT_CONSUME_X).join(' ')} > /dev/null\`, wall time.
- N = ${SIZES.map((s) => `${num(s.count)} × ${s.label}`).join(', ')}; every produce run is checked with ListOffsets, every consume run by the record count the client reports.

${mdTable(['Test', 'Client', 'Record', 'Partitions', 'acks', 'mq records/s', `Kafka ${release} records/s`, 'mq/Kafka', 'Met'], rows, ['l', 'l', 'r', 'r', 'l', 'r', 'r', 'r', 'l'])}`);
  }

  if (t.latency) {
    const row = (name) => {
      const xs = t.latency[name];
      return [name === 'mq' ? 'mq' : `Kafka ${release}`, summary(xs.map((x) => x.p50), ms), summary(xs.map((x) => x.p99), ms), summary(xs.map((x) => x.p999), ms), summary(xs.map((x) => x.avg), (x) => `${x.toFixed(1)} ms`), summary(xs.map((x) => x.rps), (x) => num(x))];
    };
    const p99 = (name) => median(t.latency[name].map((x) => x.p99));
    const ok = p99('mq') <= 5 && p99('mq') <= 2 * p99('kafka');
    verdicts.push(`latency p99 mq ${p99('mq')} ms vs Kafka ${p99('kafka')} ms: ${ok ? 'met' : 'MISSED'}`);
    sections.push(`### Produce latency at a fixed rate

\`kafka-producer-perf-test --num-records ${num(LATENCY.count).replace(/,/g, '')} --record-size ${LATENCY.valueBytes} --throughput ${LATENCY.rate} --producer-props bootstrap.servers=<addr> acks=all\`,
1 partition, ${RUNS} runs per broker alternating; percentiles from the tool's summary (send to
acknowledgement, whole ms). Goal (P4): p99 ≤ 5 ms and ≤ 2× Kafka's — ${ok ? 'met' : '**missed**'}.

${mdTable(['Broker', 'p50', 'p99', 'p99.9', 'avg', 'records/s'], [row('mq'), row('kafka')], ['l', 'r', 'r', 'r', 'r', 'r'])}`);
  }

  if (t.tools) {
    const pairs = [
      ['mq-topics --list', 'kafka-topics --list'],
      ['mq-consumer-groups --describe --group g', 'kafka-consumer-groups --describe --group g'],
    ];
    const rows = [];
    for (const [mqk, kk] of pairs) {
      for (const bn of ['mq', 'kafka']) {
        const a = t.tools[mqk][bn];
        const b = t.tools[kk][bn];
        const x = pairedRatio(b, a);
        verdicts.push(`${mqk} vs ${kk} on ${bn} ${ratio(x)}: ${x >= GOALS.toolX ? 'met' : 'MISSED'}`);
        rows.push([`${mqk.replace(/^mq-/, '')}`, bn === 'mq' ? 'mq' : `Kafka ${release}`, summary(a, ms), summary(b, ms), ratio(x), yes(x >= GOALS.toolX)]);
      }
    }
    sections.push(`### Tool round trips

Spawn to exit of one invocation against a broker holding a topic and a group \`g\` with committed
offsets and no members; ${TOOL_RUNS} runs each, alternating, client on CPU ${CLIENT_CPU ?? 'any'}. mq:
\`node bin/mq-<tool>.js --bootstrap-server <addr> …\`; Kafka: \`java -Xmx256M ${KAFKA_JVM_OPTS.join(' ')} -cp <jars> <main class> --bootstrap-server <addr> …\`
(as \`bin/kafka-topics.sh\` and \`bin/kafka-consumer-groups.sh\` run them; no class-data-sharing archive). Goal: mq ≥ ${GOALS.toolX}× faster on the same broker.

${mdTable(['Command', 'Broker', 'mq tool', 'Kafka tool', 'Kafka/mq', 'Met'], rows, ['l', 'l', 'r', 'r', 'r', 'l'])}`);
  }

  if (t.console) {
    const rows = [];
    for (const [k, base] of [
      ['mq-console-producer', 'kcat -P'],
      ['kafka-console-producer', 'kcat -P'],
      ['kcat -P', 'kcat -P'],
      ['mq-console-consumer', 'kcat -C -e'],
      ['kafka-console-consumer', 'kcat -C -e'],
      ['kcat -C -e', 'kcat -C -e'],
    ]) {
      const cells = [k];
      for (const bn of ['mq', 'kafka']) {
        const xs = t.console[k][bn];
        cells.push(summary(xs, ms), summary(xs.map((x) => CONSOLE.count / (x / 1000)), (x) => num(x)), k === base ? '1×' : ratio(pairedRatio(t.console[base][bn], xs)));
      }
      rows.push(cells);
    }
    const goal = (k, base, g) => ['mq', 'kafka'].map((bn) => {
      const x = pairedRatio(t.console[base][bn], t.console[k][bn]);
      verdicts.push(`${k} on ${bn} ${ratio(x)} of ${base}: ${x >= g ? 'met' : 'MISSED'}`);
      return x;
    });
    goal('mq-console-producer', 'kcat -P', 0.4);
    goal('mq-console-consumer', 'kcat -C -e', 0.5);
    sections.push(`### Console tools

${num(CONSOLE.count)} lines of ${CONSOLE.valueBytes} B, spawn to exit (JVM or Node start included), ${CONSOLE.runs} runs per tool and
broker, alternating. Producers read the file on stdin into a fresh 1-partition topic (count checked
with ListOffsets), each with its default settings (acks=all for all three); consumers read one of those
topics \`--from-beginning --max-messages ${CONSOLE.count}\` (kcat: \`-C -o beginning -e -f '%s\\n'\`) to /dev/null. The ratio is
kcat's time over the tool's (so rate relative to kcat), median of paired runs; goals: mq-console-producer ≥ 0.4×,
mq-console-consumer ≥ 0.5× of kcat (P5, P6).

${mdTable(['Tool', 'on mq: time', 'records/s', 'vs kcat', `on Kafka ${release}: time`, 'records/s', 'vs kcat'], rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r'])}`);
  }

  const md = `## mq vs Apache Kafka

\`npm run bench:compare\` (bench/compare.mjs), ${date}.
Machine: ${machineLine(m)}; Kafka ${release} from Maven Central (scripts/reference/fetch-kafka.sh) on ${(spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr ?? '').split('\n')[0] || 'java'}.
Load average (1/5/15 min) at the start: ${m.loadavg}; at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}. Total time ${num(t.elapsedS)} s.

${sections.join('\n\n')}
`;
  return { md, verdicts };
}

// ---------------------------------------------------------------------------------------------

let SMALL_INPUT;

async function main() {
  pinSelf();
  const m = machineInfo();
  log(`${machineLine(m)}; Kafka ${kafkaRelease()}${QUICK ? '; QUICK mode (not written)' : ''}`);
  const t0 = nowMs();
  const dir = makeTempDir('mq-bench-compare-');
  const inputs = SIZES.map((s) => ({ ...s, file: writeRecordFile(path.join(dir, `records-${s.valueBytes}-${s.count}.txt`), s.count, s.valueBytes) }));
  const consoleInput = { ...CONSOLE, file: writeRecordFile(path.join(dir, `console-${CONSOLE.count}.txt`), CONSOLE.count, CONSOLE.valueBytes) };
  SMALL_INPUT = { count: 100, file: writeRecordFile(path.join(dir, 'small.txt'), 100, 100) };
  const t = {};
  try {
    if (PARTS.has('start')) t.start = await measureStart(dir);
    if (['throughput', 'latency', 'tools', 'console', 'transactions'].some((p) => PARTS.has(p))) {
      const brokers = [await startMq(dir), await startKafkaBroker(dir)];
      t.brokers = brokers;
      try {
        if (PARTS.has('throughput')) {
          await warmUp(brokers, inputs);
          t.throughput = await measureThroughput(brokers, inputs);
        }
        if (PARTS.has('latency')) t.latency = await measureLatency(brokers);
        if (PARTS.has('tools')) t.tools = await measureTools(brokers);
        if (PARTS.has('console')) t.console = await measureConsole(brokers, consoleInput);
        if (PARTS.has('transactions')) {
          t.transactions = await measureTransactions({ brokers, runs: RUNS, input: SIZES[0], perfProduce, perfConsume, log, dir });
        }
      } catch (err) {
        for (const b of brokers) log(`${b.name} broker log tail:\n${b.diag()}`);
        throw err;
      } finally {
        for (const b of brokers) await b.stop();
      }
    }
  } finally {
    removeTempDir(dir);
  }
  t.elapsedS = (nowMs() - t0) / 1000;
  saveRaw(m, t);
  render(m, t);
}

/** Raw results (machine info included) under .tmp/bench/, so a report can be re-rendered. */
function saveRaw(m, t) {
  const dir = path.join(REPO_ROOT, '.tmp', 'bench');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `compare-${new Date().toISOString().replace(/[:.]/g, '-')}${QUICK ? '-quick' : ''}.json`);
  const { brokers, ...rest } = t;
  const raw = { m, quick: QUICK, ...rest, peaks: Object.fromEntries((brokers ?? []).map((b) => [b.name, b.peaks ?? []])) };
  writeFileSync(file, JSON.stringify(raw, null, 1));
  log(`raw results in ${path.relative(REPO_ROOT, file)}`);
}

function render(m, t) {
  const { transactions, ...rest } = t;
  if (Object.keys(rest).some((k) => ['start', 'throughput', 'latency', 'tools', 'console'].includes(k))) {
    const { md, verdicts } = report(m, rest);
    process.stdout.write(`\n${md}\nGoals: ${verdicts.join('; ')}\n`);
    if (WRITE && !t.quick) {
      writeSection('compare', md);
      log('wrote the compare section of BENCHMARKS.md');
    }
  }
  if (transactions) {
    const date = new Date().toISOString().replace('T', ' ').replace(/:\d\d\.\d+Z$/, ' UTC');
    const pinText = PIN ? `both brokers pinned to CPU ${BROKER_CPU} and every client to CPU ${CLIENT_CPU}` : 'no CPU pinning';
    const { md, verdicts } = reportTransactions(transactions, { release: kafkaRelease(), runs: RUNS, pinText, date, machine: machineLine(m) });
    process.stdout.write(`\n${md}\nGoals: ${verdicts.join('; ')}\n`);
    if (WRITE && !t.quick) {
      writeSection('compare-transactions', md);
      log('wrote the compare-transactions section of BENCHMARKS.md');
    }
  }
  log(`done in ${num(t.elapsedS)} s`);
}

try {
  if (opt['report-from']) {
    const raw = JSON.parse(readFileSync(opt['report-from'], 'utf8'));
    const { m, peaks, ...t } = raw;
    t.brokers = Object.entries(peaks ?? {}).map(([name, p]) => ({ name, peaks: p }));
    render(m, t);
  } else await main();
} catch (err) {
  process.stderr.write(`[bench:compare] failed: ${err.stack ?? err}\n`);
  process.exitCode = 1;
} finally {
  cleanupAll();
}
