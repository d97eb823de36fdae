#!/usr/bin/env node
/**
 * npm run bench:broker — throughput, memory and startup of the mq broker, driven by kcat.
 *
 * The broker runs as its own process (`node bin/mq-broker.js start`) on a temp data dir, pinned
 * to one core and kcat to the other (the measurement protocol of shared/reference
 * perf-reliability.md §6). Measured, each as the median (min–max) of several runs:
 *   - produce with kcat -P from a pre-generated file: 1 KiB and 100 B records, 1 and 6 partitions;
 *   - consume with kcat -C -e from page cache, same four topics;
 *   - idle RSS after start, peak RSS during the produce and consume runs;
 *   - spawn to the first ApiVersions answer on an empty data dir, and `node -e ''` as the floor.
 * Results go to stdout and to the Broker section of BENCHMARKS.md.
 *
 * Options: --runs N (throughput runs per cell, default 5), --start-runs N (default 10),
 * --no-pin (no taskset), --no-write (leave BENCHMARKS.md alone), --quick (1 run, small inputs:
 * a smoke test, never written), --profile (instead of measuring: run the broker under --cpu-prof
 * for one start, two 1 KiB produce runs and three consume runs, and print self time by function,
 * file and call stack; --profile-dir DIR keeps the .cpuprofile files under DIR/start, DIR/produce
 * and DIR/consume).
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { cleanupAll, makeTempDir, removeTempDir, freePort, run, spawnBroker, startBroker, REPO_ROOT } from './lib/proc.mjs';
import { waitForApiVersions, createTopic, deleteTopic } from './lib/kafka-wire.mjs';
import { readRss, readCpuSeconds, sampleRss, fmtMiB, MB } from './lib/rss.mjs';
import { median, summary, num, nowMs } from './lib/stats.mjs';
import { mdTable, machineInfo, machineLine, writeSection } from './lib/report.mjs';
import { writeRecordFile } from './lib/inputs.mjs';
import { summarizeProfile, formatSummary, startupSplit } from './lib/cpuprofile.mjs';

const { values: opt } = parseArgs({
  options: {
    runs: { type: 'string' },
    'start-runs': { type: 'string' },
    'no-pin': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    'profile-dir': { type: 'string' },
  },
});

const QUICK = opt.quick;
const RUNS = Number(opt.runs ?? (QUICK ? 1 : 5));
const START_RUNS = Number(opt['start-runs'] ?? (QUICK ? 3 : 10));
const PIN = !opt['no-pin'];
const BROKER_CPU = PIN ? '0' : undefined;
const CLIENT_CPU = PIN ? '1' : undefined;
const WRITE = !opt['no-write'] && !QUICK;

/** Record sizes (value bytes) and how many records of each the input file holds. */
const INPUTS = [
  { valueBytes: 1024, label: '1 KiB', count: QUICK ? 20_480 : 204_800 }, // 200 MiB of values
  { valueBytes: 100, label: '100 B', count: QUICK ? 100_000 : 1_000_000 }, // 100 MB of values
];
const PARTITIONS = [1, 6];

/** kcat producer settings: big batches and a deep queue, so kcat is not what limits the rate. */
const PRODUCE_X = ['linger.ms=5', 'batch.num.messages=100000', 'batch.size=1000000', 'queue.buffering.max.kbytes=2097152', 'queue.buffering.max.messages=2000000'];
const CONSUME_FORMAT = '%s\\n';
/**
 * kcat -e sees the end of a partition only from a Fetch answered empty at the high watermark,
 * which any Kafka broker holds for fetch.wait.max.ms (librdkafka default 500 ms) first; 10 ms
 * keeps that one fixed wait from dominating a sub-second run. It changes nothing while data flows.
 */
const CONSUME_X = ['fetch.wait.max.ms=10'];

const TARGETS = {
  produce1k: { mbps: 100, text: '≥ 100 MB/s (P1)' },
  produce100: { rps: 300_000, text: '≥ 300 k rec/s (P2)' },
  consume1k: { mbps: 300, text: '≥ 300 MB/s (P3)' },
  idleRss: { bytes: 80 * MB, text: '≤ 80 MB (M1)' },
  loadRss: { bytes: 200 * MB, text: '≤ 200 MB (M2)' },
  startMs: { ms: 300, text: '≤ 300 ms (S1)' },
};

const log = (msg) => process.stderr.write(`[bench:broker] ${msg}\n`);
const xargs = (xs) => xs.flatMap((x) => ['-X', x]);
const yes = (ok) => (ok ? 'yes' : '**no**');

function pinSelf() {
  if (!PIN) return;
  try {
    // This process (the ApiVersions poller, the RSS sampler) stays off the broker's core.
    execFileSync('taskset', ['-a', '-p', '-c', CLIENT_CPU, String(process.pid)], { stdio: 'ignore' });
  } catch {
    log('taskset failed: running unpinned');
  }
}

function kcatCpuSeconds(stderr) {
  const m = /MQBENCH-CPU ([\d.]+) ([\d.]+)/.exec(stderr);
  return m ? Number(m[1]) + Number(m[2]) : NaN;
}

/** Sum over partitions of the end offsets kcat reports with -e ("Reached end of topic T [p] at offset N"). */
function consumedEndOffsets(stderr) {
  const ends = new Map();
  for (const m of stderr.matchAll(/Reached end of topic \S+ \[(\d+)\] at offset (\d+)/g)) ends.set(m[1], Math.max(ends.get(m[1]) ?? 0, Number(m[2])));
  return [...ends.values()].reduce((a, b) => a + b, 0);
}

async function produceOnce(broker, topic, input) {
  const cpu0 = readCpuSeconds(broker.pid);
  const rss = sampleRss(broker.pid, 50);
  const r = await run('/usr/bin/time', ['-f', 'MQBENCH-CPU %U %S', 'kcat', '-P', '-b', broker.address, '-t', topic, ...xargs(PRODUCE_X)], {
    stdinFile: input.file,
    cpus: CLIENT_CPU,
    timeoutMs: 180_000,
  });
  const { peak } = rss.stop();
  const brokerCpu = readCpuSeconds(broker.pid) - cpu0;
  const problems = r.stderr.split('\n').filter((l) => /error|fail/i.test(l) && !l.startsWith('MQBENCH-CPU'));
  if (r.code !== 0 || problems.length) throw new Error(`kcat -P to ${topic} exited ${r.signal ?? r.code}:\n${problems.slice(0, 10).join('\n') || r.stderr.slice(-2000)}`);
  const s = r.ms / 1000;
  return {
    s,
    rps: input.count / s,
    mbps: (input.count * input.valueBytes) / 1e6 / s,
    brokerCpu: brokerCpu / s,
    kcatCpu: kcatCpuSeconds(r.stderr) / s,
    peakRss: peak,
  };
}

async function consumeOnce(broker, topic, input) {
  const cpu0 = readCpuSeconds(broker.pid);
  const rss = sampleRss(broker.pid, 50);
  const r = await run('/usr/bin/time', ['-f', 'MQBENCH-CPU %U %S', 'kcat', '-C', '-b', broker.address, '-t', topic, '-o', 'beginning', '-e', '-f', CONSUME_FORMAT, ...xargs(CONSUME_X)], {
    stdout: 'ignore',
    cpus: CLIENT_CPU,
    timeoutMs: 180_000,
  });
  const { peak } = rss.stop();
  const brokerCpu = readCpuSeconds(broker.pid) - cpu0;
  const got = consumedEndOffsets(r.stderr);
  if (r.code !== 0 || got !== input.count) throw new Error(`kcat -C from ${topic} exited ${r.signal ?? r.code} after end offsets summing to ${got} (expected ${input.count}):\n${r.stderr.slice(-2000)}`);
  const s = r.ms / 1000;
  return {
    s,
    rps: input.count / s,
    mbps: (input.count * input.valueBytes) / 1e6 / s,
    brokerCpu: brokerCpu / s,
    kcatCpu: kcatCpuSeconds(r.stderr) / s,
    peakRss: peak,
  };
}

async function measureStartup() {
  // node -e '' and the broker alternate, so both see the same background load and each broker
  // start can be set against the node start just before it.
  const node = [];
  const start = [];
  const overNode = [];
  const listening = [];
  const idle = [];
  for (let i = 0; i < START_RUNS; i++) {
    const floor = (await run(process.execPath, ['-e', ''], { cpus: BROKER_CPU })).ms;
    node.push(floor);
    const dir = makeTempDir('mq-bench-start-');
    const port = await freePort();
    const b = spawnBroker(path.join(dir, 'data'), { port, cpus: BROKER_CPU });
    try {
      const answered = await waitForApiVersions('127.0.0.1', port, 15_000, b.isDead);
      start.push(answered - b.spawnedAt);
      overNode.push(answered - b.spawnedAt - floor);
      listening.push((await b.ready) - b.spawnedAt);
      await sleep(1000);
      idle.push(readRss(b.pid));
    } finally {
      await b.stop();
      removeTempDir(dir);
    }
  }

  // The floor for idle RSS: an empty Node process with a timer keeping it alive, read 1 s after
  // it says it is up (as the broker's is read 1 s after it answers).
  const nodeIdle = [];
  for (let i = 0; i < 3; i++) {
    const c = spawn(process.execPath, ['-e', 'process.stdout.write("up"); setInterval(() => {}, 1000)'], { stdio: ['ignore', 'pipe', 'ignore'] });
    await new Promise((r) => c.stdout.once('data', r));
    await sleep(1000);
    nodeIdle.push(readRss(c.pid));
    c.kill('SIGKILL');
    await new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', r)));
  }
  return { node, start, overNode, listening, idle, nodeIdle };
}

async function measureThroughput(inputs) {
  const dir = makeTempDir('mq-bench-data-');
  const broker = await startBroker(path.join(dir, 'data'), { cpus: BROKER_CPU });
  const cells = [];
  for (const input of inputs) for (const p of PARTITIONS) cells.push({ input, partitions: p, produce: [], consume: [], topic: null });
  const produceRss = [];
  const consumeRss = [];
  try {
    // Warm-up, not counted: JIT, page cache of the input file, first segment files.
    log('warm-up');
    await createTopic('127.0.0.1', broker.port, 'warmup', 1);
    await produceOnce(broker, 'warmup', inputs[0]);
    await consumeOnce(broker, 'warmup', inputs[0]);
    await deleteTopic('127.0.0.1', broker.port, 'warmup');

    for (let r = 0; r < RUNS; r++) {
      for (const cell of cells) {
        const topic = `produce-${cell.input.valueBytes}-${cell.partitions}p-r${r}`;
        await createTopic('127.0.0.1', broker.port, topic, cell.partitions);
        const res = await produceOnce(broker, topic, cell.input);
        cell.produce.push(res);
        produceRss.push(res.peakRss);
        // The first topic of each cell is kept for the consume runs; the others are deleted at
        // once, so gigabytes of dirty pages do not pile up and trigger writeback mid-run.
        if (cell.topic === null) cell.topic = topic;
        else await deleteTopic('127.0.0.1', broker.port, topic);
        log(`produce ${cell.input.label} ${cell.partitions}p run ${r + 1}/${RUNS}: ${num(res.rps)} rec/s, ${num(res.mbps, 1)} MB/s`);
      }
    }
    const afterProduceRss = readRss(broker.pid);
    for (let r = 0; r < RUNS; r++) {
      for (const cell of cells) {
        const res = await consumeOnce(broker, cell.topic, cell.input);
        cell.consume.push(res);
        consumeRss.push(res.peakRss);
        log(`consume ${cell.input.label} ${cell.partitions}p run ${r + 1}/${RUNS}: ${num(res.rps)} rec/s, ${num(res.mbps, 1)} MB/s`);
      }
    }
    const afterConsumeRss = readRss(broker.pid);
    return { cells, produceRss, consumeRss, afterProduceRss, afterConsumeRss };
  } finally {
    const st = await broker.stop();
    if (st.code !== 0) log(`broker exited with ${st.signal ?? st.code}:\n${broker.stderr().slice(-2000)}`);
    removeTempDir(dir);
  }
}

/**
 * --profile: the broker under --cpu-prof for a start on an empty data dir (until the first
 * ApiVersions answer), then for two 1 KiB produce runs, then for three consume runs.
 */
async function profile(inputs) {
  const input = inputs[0];
  const dir = makeTempDir('mq-bench-prof-');
  const out = [];
  const summarize = (profDir, title, split = false) => {
    const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) return `${title}: no profile written`;
    const prof = JSON.parse(readFileSync(path.join(profDir, file), 'utf8'));
    let head = '';
    if (split) {
      const { total, split: parts } = startupSplit(prof);
      head = `${parts.map((p) => `${num(p.ms).padStart(6)} ms  ${p.category}`).join('\n')}\n(of ${num(total)} ms sampled after V8 started)\n\n`;
    }
    return `=== broker CPU profile, ${title} ===\n${head}${formatSummary(summarizeProfile(prof, { root: REPO_ROOT }), 30)}`;
  };
  const profDirOf = (phase) => (opt['profile-dir'] ? path.resolve(opt['profile-dir'], phase) : path.join(dir, `prof-${phase}`));
  {
    const profDir = profDirOf('start');
    const port = await freePort();
    const b = spawnBroker(path.join(dir, 'empty'), { port, cpus: BROKER_CPU, nodeArgs: ['--cpu-prof', '--cpu-prof-dir', profDir, '--cpu-prof-interval', '200'] });
    try {
      const at = await waitForApiVersions('127.0.0.1', port, 15_000, b.isDead);
      out.push(`start on an empty data dir: ${num(at - b.spawnedAt)} ms to the first ApiVersions answer (with the profiler on)`);
    } finally {
      await b.stop();
    }
    out.push(summarize(profDir, 'start on an empty data dir (spawn to ApiVersions, then SIGTERM)', true));
  }
  for (const phase of ['produce', 'consume']) {
    const profDir = profDirOf(phase);
    const broker = await startBroker(path.join(dir, 'data'), { cpus: BROKER_CPU, nodeArgs: ['--cpu-prof', '--cpu-prof-dir', profDir] });
    try {
      if (phase === 'produce') {
        await createTopic('127.0.0.1', broker.port, 'prof', 1);
        for (let i = 0; i < 2; i++) await produceOnce(broker, 'prof', input);
      } else {
        for (let i = 0; i < 3; i++) await consumeOnce(broker, 'prof', { ...input, count: input.count * 2 });
      }
    } finally {
      await broker.stop();
    }
    out.push(summarize(profDir, `${phase} 1 KiB records, 1 partition`));
  }
  removeTempDir(dir);
  return out.join('\n\n');
}

function report(m, startup, tp) {
  const date = new Date().toISOString().replace('T', ' ').replace(/:\d\d\.\d+Z$/, ' UTC');
  const pct = (x) => `${num(100 * x)}%`;
  const rows = [];
  const verdicts = [];
  for (const kind of ['produce', 'consume']) {
    for (const cell of tp.cells) {
      const rs = cell[kind];
      const mbps = median(rs.map((x) => x.mbps));
      const rps = median(rs.map((x) => x.rps));
      let target = '–';
      let met = '';
      const t = kind === 'produce' ? (cell.input.valueBytes === 1024 ? TARGETS.produce1k : TARGETS.produce100) : cell.input.valueBytes === 1024 ? TARGETS.consume1k : null;
      if (t) {
        target = t.text;
        const ok = t.mbps ? mbps >= t.mbps : rps >= t.rps;
        met = yes(ok);
        verdicts.push(`${kind} ${cell.input.label} ${cell.partitions}p: ${ok ? 'met' : 'MISSED'}`);
      }
      rows.push([
        kind,
        cell.input.label,
        cell.partitions,
        num(cell.input.count),
        summary(rs.map((x) => x.rps), (x) => num(x)),
        summary(rs.map((x) => x.mbps), (x) => num(x, 1)),
        pct(median(rs.map((x) => x.brokerCpu))),
        pct(median(rs.map((x) => x.kcatCpu))),
        target,
        met,
      ]);
    }
  }
  const tpTable = mdTable(['Test', 'Record', 'Partitions', 'Records', 'records/s', 'MB/s', 'Broker CPU', 'kcat CPU', 'Target', 'Met'], rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'l']);

  const startMed = median(startup.start);
  const idleMed = median(startup.idle);
  const prodPeak = Math.max(...tp.produceRss);
  const consPeak = Math.max(...tp.consumeRss);
  const ms = (x) => `${num(x)} ms`;
  const memRows = [
    ['Spawn to first ApiVersions answer (polled every 1 ms), empty data dir', summary(startup.start, ms), TARGETS.startMs.text, yes(startMed <= TARGETS.startMs.ms)],
    ['Spawn to "listening on" on stderr', summary(startup.listening, ms), '–', ''],
    ["`node -e ''` spawn to exit (floor), run just before each start", summary(startup.node, ms), '–', ''],
    ["Start minus the `node -e ''` run before it", summary(startup.overNode, ms), '–', ''],
    ['Idle RSS, 1 s after start, no topics, no clients', summary(startup.idle, fmtMiB), TARGETS.idleRss.text, yes(idleMed <= TARGETS.idleRss.bytes)],
    ['Idle `node -e` process RSS (floor)', summary(startup.nodeIdle, fmtMiB), '–', ''],
    ['Peak RSS during the produce runs', fmtMiB(prodPeak), TARGETS.loadRss.text, yes(prodPeak <= TARGETS.loadRss.bytes)],
    ['Peak RSS during the consume runs', fmtMiB(consPeak), TARGETS.loadRss.text, yes(consPeak <= TARGETS.loadRss.bytes)],
    ['RSS after all produce runs / after all consume runs', `${fmtMiB(tp.afterProduceRss)} / ${fmtMiB(tp.afterConsumeRss)}`, '–', ''],
  ];
  verdicts.push(`start: ${startMed <= TARGETS.startMs.ms ? 'met' : 'MISSED'}`, `idle RSS: ${idleMed <= TARGETS.idleRss.bytes ? 'met' : 'MISSED'}`, `RSS under load: ${Math.max(prodPeak, consPeak) <= TARGETS.loadRss.bytes ? 'met' : 'MISSED'}`);
  const memTable = mdTable(['Measure', 'Result', 'Target', 'Met'], memRows, ['l', 'r', 'l', 'l']);

  const pinText = PIN ? `broker pinned to CPU ${BROKER_CPU} and kcat to CPU ${CLIENT_CPU} with \`taskset\`` : 'no CPU pinning';
  const md = `## Broker

\`npm run bench:broker\` (bench/broker.mjs), ${date}.
Machine: ${machineLine(m)}.
Load average (1/5/15 min) at the start: ${m.loadavg}; at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} (other work on the
same 2 cores widens the min–max ranges).

The broker is a separate process, \`node bin/mq-broker.js start --data-dir <tmp> --listen 127.0.0.1:<port>\`,
with default settings (page-cache mode, no fsync) on a fresh data dir under the temp dir; ${pinText}.
Produce: \`kcat -P -b <addr> -t <topic> ${xargs(PRODUCE_X).join(' ')} < <file>\`,
timed from spawn to exit (kcat -P waits for every delivery report); acks=all (librdkafka's default),
no compression, a fresh topic per run created with that many partitions (and deleted after the
run, except the first of each cell, which the consume runs read); input files of
${INPUTS.map((i) => `${num(i.count)} × ${i.label}`).join(' and ')} lines made once per bench run.
Consume: \`kcat -C -b <addr> -t <topic> -o beginning -e -f '${CONSUME_FORMAT}' ${xargs(CONSUME_X).join(' ')} > /dev/null\`
of a topic just written (page cache warm), with the end offsets kcat reports checked against the
record count; the short fetch wait only shortens the final empty long-poll that -e needs to see the end.
One uncounted warm-up produce and consume first; then ${RUNS} runs per cell, median (min–max).
MB = 10^6 bytes of record values; RSS (VmRSS from /proc) in MiB. Broker and kcat CPU are user +
system time over wall time (100% = one core).

${tpTable}

${memTable}
`;
  return { md, verdicts };
}

async function main() {
  pinSelf();
  const m = machineInfo();
  log(machineLine(m));
  const t0 = nowMs();
  const inDir = makeTempDir('mq-bench-input-');
  const inputs = INPUTS.map((i) => ({ ...i, file: writeRecordFile(path.join(inDir, `records-${i.valueBytes}.txt`), i.count, i.valueBytes) }));
  log(`inputs ready in ${num(nowMs() - t0)} ms`);
  if (opt.profile) {
    process.stdout.write(`${await profile(inputs)}\n`);
    removeTempDir(inDir);
    return;
  }

  log(`startup: ${START_RUNS} runs`);
  const startup = await measureStartup();
  log(`startup median ${num(median(startup.start))} ms, idle RSS ${fmtMiB(median(startup.idle))}`);

  const tp = await measureThroughput(inputs);
  const { md, verdicts } = report(m, startup, tp);
  process.stdout.write(`\n${md}\nTargets: ${verdicts.join('; ')}\n`);
  if (WRITE) {
    writeSection('broker', md);
    log('wrote the Broker section of BENCHMARKS.md');
  }
  removeTempDir(inDir);
  log(`done in ${num((nowMs() - t0) / 1000, 1)} s`);
}

try {
  await main();
} catch (err) {
  process.stderr.write(`[bench:broker] failed: ${err.stack ?? err}\n`);
  process.exitCode = 1;
} finally {
  cleanupAll();
}
