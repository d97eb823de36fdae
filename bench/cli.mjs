#!/usr/bin/env node
/**
 * npm run bench:cli — how fast mq's command-line tools are (issue 5; perf-reliability.md §6 S2,
 * S3, P5, P6):
 *
 *   1. `--version` and `--help` of every bin/mq-*.js, spawn to exit, many runs each (round robin
 *      over the tools, with `node -e ''` as the floor in every round); target ≤ 100 ms median (S2);
 *      plus which modules each `--help` loads (an ESM loader hook lists them), to catch eager imports;
 *   2. `mq-topics --list` against a running local mq broker holding a few topics; target ≤ 200 ms (S3);
 *   3. 1,000,000 lines of 100 B piped through mq-console-producer, and read back with
 *      `mq-console-consumer --from-beginning --max-messages 1000000`, each as a ratio to kcat
 *      (`kcat -P` / `kcat -C -e`) on the same broker in the same run, runs alternating;
 *      targets producer ≥ 0.4× and consumer ≥ 0.5× of kcat's rate (P5, P6).
 * When a console tool misses its target, one more run of it goes under `node --cpu-prof` and the
 * section lists where its CPU time goes (self time by file and by function).
 * Results go to stdout and to the "cli" section of BENCHMARKS.md.
 *
 * The broker is pinned to CPU 0 and the clients of parts 2–3 to CPU 1 (taskset); the start-time
 * runs of part 1 are not pinned (a user's shell does not pin either).
 *
 * Options: --runs N (start-time runs per tool and flag, default 20), --tp-runs N (console runs,
 * default 5), --no-pin, --no-write, --no-profile, --quick (or MQ_BENCH_QUICK=1: few runs, 100,000
 * lines, never written), --profile (only profile the console tools and --help, print, write nothing).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cleanupAll, makeTempDir, removeTempDir, run, startBroker, REPO_ROOT } from './lib/proc.mjs';
import { createTopic, deleteTopic, endOffsetSum } from './lib/kafka-wire.mjs';
import { median, summary, num, nowMs } from './lib/stats.mjs';
import { mdTable, machineInfo, machineLine, writeSection } from './lib/report.mjs';
import { writeRecordFile } from './lib/inputs.mjs';
import { summarizeProfile, startupSplit } from './lib/cpuprofile.mjs';

const { values: opt } = parseArgs({
  options: {
    runs: { type: 'string' },
    'tp-runs': { type: 'string' },
    'no-pin': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
    'no-profile': { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
  },
});

const QUICK = opt.quick || process.env.MQ_BENCH_QUICK === '1';
const RUNS = Number(opt.runs ?? (QUICK ? 3 : 20));
const TP_RUNS = Number(opt['tp-runs'] ?? (QUICK ? 1 : 5));
const PIN = !opt['no-pin'];
const BROKER_CPU = PIN ? '0' : undefined;
const CLIENT_CPU = PIN ? '1' : undefined;
const WRITE = !opt['no-write'] && !QUICK && !opt.profile;
const LINES = QUICK ? 100_000 : 1_000_000;
const LINE_BYTES = 100;

const TOOLS = readdirSync(path.join(REPO_ROOT, 'bin'))
  .filter((f) => /^mq-.*\.js$/.test(f))
  .map((f) => f.replace(/\.js$/, ''))
  .sort();
const BIN = (tool) => path.join(REPO_ROOT, 'bin', `${tool}.js`);
const TARGETS = { startMs: 100, listMs: 200, producer: 0.4, consumer: 0.5 };

const log = (msg) => process.stderr.write(`[bench:cli] ${msg}\n`);
const ms = (x) => `${num(x)} ms`;
const yes = (ok) => (ok ? 'yes' : '**no**');
const ratio = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : 'n/a');

function pinSelf() {
  if (!PIN) return;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', CLIENT_CPU, String(process.pid)], { stdio: 'ignore' });
  } catch {
    log('taskset failed: running unpinned');
  }
}

async function mustRun(cmd, args, opts, what) {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${what} exited ${r.signal ?? r.code}:\n${r.stderr.slice(-2000)}`);
  return r;
}

// ---------------------------------------------------------------------------------------------
// 1. --version / --help

async function measureStartTimes() {
  const res = { floor: [] };
  for (const t of TOOLS) res[t] = { '--version': [], '--help': [] };
  for (let i = 0; i < RUNS; i++) {
    res.floor.push((await run(process.execPath, ['-e', ''])).ms);
    for (const t of TOOLS) {
      for (const flag of ['--version', '--help']) {
        const r = await mustRun(process.execPath, [BIN(t), flag], { stdout: 'pipe' }, `${t} ${flag}`);
        if (!r.stdout.trim()) throw new Error(`${t} ${flag} printed nothing`);
        res[t][flag].push(r.ms);
      }
    }
    if ((i + 1) % 5 === 0 || i + 1 === RUNS) log(`start times: round ${i + 1}/${RUNS}`);
  }
  return res;
}

/**
 * The modules `<tool> --help` loads, listed by an ESM loader hook (CommonJS files that an ESM
 * module requires, such as commander's index.js, appear through their ESM wrapper only).
 */
async function helpModules(dir) {
  const hook = path.join(dir, 'list-modules.mjs');
  writeFileSync(
    hook,
    `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`export async function load(url, context, next) {
  if (url.startsWith('file:')) process._rawDebug('MQBENCH-MODULE ' + url);
  return next(url, context);
}\`));
`,
  );
  const out = {};
  for (const t of TOOLS) {
    const r = await mustRun(process.execPath, ['--import', hook, BIN(t), '--help'], { stdout: 'ignore' }, `${t} --help (module list)`);
    const files = [...r.stderr.matchAll(/MQBENCH-MODULE file:\/\/(\S+)/g)].map((m) => path.relative(REPO_ROOT, m[1]));
    const pkgs = [...new Set(files.filter((f) => f.includes('node_modules/')).map((f) => f.replace(/^.*node_modules\/((@[^/]+\/)?[^/]+).*$/, '$1')))];
    out[t] = { count: files.length, own: files.filter((f) => !f.includes('node_modules/')).length, pkgs };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// 2. and 3. Against a running broker

async function measureList(broker) {
  for (const t of ['cli-a', 'cli-b', 'cli-c']) await createTopic('127.0.0.1', broker.port, t, 3);
  const list = [];
  const floor = [];
  for (let i = 0; i < RUNS; i++) {
    floor.push((await run(process.execPath, ['-e', ''], { cpus: CLIENT_CPU })).ms);
    const r = await mustRun(process.execPath, [BIN('mq-topics'), '--bootstrap-server', broker.address, '--list'], { stdout: 'pipe', cpus: CLIENT_CPU }, 'mq-topics --list');
    if (!/cli-a\ncli-b\ncli-c/.test(r.stdout)) throw new Error(`mq-topics --list printed:\n${r.stdout}`);
    list.push(r.ms);
  }
  log(`mq-topics --list: ${ms(median(list))}`);
  return { list, floor };
}

const producers = {
  mq: (b, topic) => [process.execPath, [BIN('mq-console-producer'), '--bootstrap-server', b.address, '--topic', topic]],
  kcat: (b, topic) => ['kcat', ['-P', '-b', b.address, '-t', topic]],
};
const consumers = {
  mq: (b, topic) => [process.execPath, [BIN('mq-console-consumer'), '--bootstrap-server', b.address, '--topic', topic, '--from-beginning', '--max-messages', String(LINES)]],
  kcat: (b, topic) => ['kcat', ['-C', '-b', b.address, '-t', topic, '-o', 'beginning', '-e', '-f', '%s\\n']],
};
const consumedAll = {
  mq: (r) => r.stderr.includes(`Processed a total of ${LINES} messages`),
  kcat: (r) => new RegExp(`Reached end of topic \\S+ \\[0\\] at offset ${LINES}\\b`).test(r.stderr),
};

async function measureConsole(broker, input) {
  const res = { produce: { mq: [], kcat: [] }, consume: { mq: [], kcat: [] } };
  let source = null;
  for (let i = 0; i < TP_RUNS; i++) {
    // Alternate which tool goes first, so neither always runs on the warmer machine.
    for (const who of i % 2 ? ['kcat', 'mq'] : ['mq', 'kcat']) {
      const topic = `console-${who}-r${i}`;
      await createTopic('127.0.0.1', broker.port, topic, 1);
      const [c, a] = producers[who](broker, topic);
      const r = await mustRun(c, a, { stdinFile: input, cpus: CLIENT_CPU, timeoutMs: 600_000 }, `${who} produce`);
      const got = await endOffsetSum('127.0.0.1', broker.port, topic, 1);
      if (got !== LINES) throw new Error(`${who} produced ${got} records, expected ${LINES}`);
      res.produce[who].push(r.ms);
      if (source === null) source = topic;
      else await deleteTopic('127.0.0.1', broker.port, topic);
      log(`produce ${who} run ${i + 1}/${TP_RUNS}: ${ms(r.ms)}`);
    }
  }
  for (let i = 0; i < TP_RUNS; i++) {
    for (const who of i % 2 ? ['kcat', 'mq'] : ['mq', 'kcat']) {
      const [c, a] = consumers[who](broker, source);
      const r = await mustRun(c, a, { stdout: 'ignore', cpus: CLIENT_CPU, timeoutMs: 600_000 }, `${who} consume`);
      if (!consumedAll[who](r)) throw new Error(`${who} consume did not report ${LINES} records:\n${r.stderr.slice(-1500)}`);
      res.consume[who].push(r.ms);
      log(`consume ${who} run ${i + 1}/${TP_RUNS}: ${ms(r.ms)}`);
    }
  }
  return { ...res, source };
}

/** One run of a console tool under --cpu-prof; resolves a short text of where its time goes. */
async function profileTool(kind, broker, input, source, dir) {
  const profDir = path.join(dir, `prof-${kind}`);
  mkdirSync(profDir, { recursive: true });
  let topic = source;
  if (kind === 'produce') {
    topic = 'console-prof';
    await createTopic('127.0.0.1', broker.port, topic, 1);
  }
  const [c, a] = (kind === 'produce' ? producers : consumers).mq(broker, topic);
  const r = await mustRun(c, ['--cpu-prof', '--cpu-prof-dir', profDir, ...a], { stdinFile: kind === 'produce' ? input : undefined, stdout: 'ignore', cpus: CLIENT_CPU, timeoutMs: 600_000 }, `profiled ${kind}`);
  if (kind === 'produce') await deleteTopic('127.0.0.1', broker.port, topic);
  const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  const prof = JSON.parse(readFileSync(path.join(profDir, file), 'utf8'));
  const s = summarizeProfile(prof, { root: REPO_ROOT });
  const pct = (x) => `${x.pct.toFixed(1)}%`;
  return {
    wallMs: r.ms,
    totalMs: s.totalMs,
    byFile: s.byFile.slice(0, 8).map((f) => [f.file, ms(f.selfMs), pct(f)]),
    byFunction: s.byFunction.slice(0, 12).map((f) => [`\`${f.name}\` ${f.where}`, ms(f.selfMs), pct(f)]),
    byStack: s.byStack.slice(0, 6).map((f) => [f.stack, ms(f.selfMs), pct(f)]),
  };
}

/** `<tool> --help` under --cpu-prof: module loading vs the rest. */
async function profileHelp(dir, tool = 'mq-topics') {
  const profDir = path.join(dir, 'prof-help');
  mkdirSync(profDir, { recursive: true });
  await mustRun(process.execPath, ['--cpu-prof', '--cpu-prof-dir', profDir, '--cpu-prof-interval', '100', BIN(tool), '--help'], { stdout: 'ignore' }, `${tool} --help (profiled)`);
  const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  const prof = JSON.parse(readFileSync(path.join(profDir, file), 'utf8'));
  return { tool, ...startupSplit(prof), top: summarizeProfile(prof, { root: REPO_ROOT }).byFile.slice(0, 8) };
}

// ---------------------------------------------------------------------------------------------
// Report

function pairedRatio(as, bs) {
  const rs = [];
  for (let i = 0; i < Math.min(as.length, bs.length); i++) rs.push(as[i] / bs[i]);
  return median(rs);
}

function report(m, t) {
  const date = new Date().toISOString().replace('T', ' ').replace(/:\d\d\.\d+Z$/, ' UTC');
  const verdicts = [];
  const startRows = [];
  for (const tool of TOOLS) {
    const v = t.start[tool]['--version'];
    const h = t.start[tool]['--help'];
    const ok = median(v) <= TARGETS.startMs && median(h) <= TARGETS.startMs;
    verdicts.push(`${tool} --version/--help ${num(median(v))}/${num(median(h))} ms: ${ok ? 'met' : 'MISSED'}`);
    const mods = t.modules[tool];
    startRows.push([tool, summary(v, ms), summary(h, ms), `${mods.count} (${mods.own} own; ${mods.pkgs.join(', ') || 'no packages'})`, yes(ok)]);
  }
  startRows.push(["`node -e ''` (floor)", summary(t.start.floor, ms), '', '', '']);

  const listOk = median(t.list.list) <= TARGETS.listMs;
  verdicts.push(`mq-topics --list ${num(median(t.list.list))} ms: ${listOk ? 'met' : 'MISSED'}`);
  const c = t.console;
  const rate = (xs) => summary(xs.map((x) => LINES / (x / 1000)), (x) => num(x));
  const prodRatio = pairedRatio(c.produce.kcat, c.produce.mq);
  const consRatio = pairedRatio(c.consume.kcat, c.consume.mq);
  verdicts.push(`mq-console-producer ${ratio(prodRatio)} of kcat: ${prodRatio >= TARGETS.producer ? 'met' : 'MISSED'}`);
  verdicts.push(`mq-console-consumer ${ratio(consRatio)} of kcat: ${consRatio >= TARGETS.consumer ? 'met' : 'MISSED'}`);
  const tpRows = [
    ['mq-topics --list (3 topics)', summary(t.list.list, ms), '', '', `≤ ${TARGETS.listMs} ms (S3)`, yes(listOk)],
    ["`node -e ''` on the client core (floor)", summary(t.list.floor, ms), '', '', '', ''],
    ['mq-console-producer', summary(c.produce.mq, ms), rate(c.produce.mq), ratio(prodRatio), `≥ ${TARGETS.producer}× kcat (P5)`, yes(prodRatio >= TARGETS.producer)],
    ['kcat -P', summary(c.produce.kcat, ms), rate(c.produce.kcat), '1×', '', ''],
    ['mq-console-consumer', summary(c.consume.mq, ms), rate(c.consume.mq), ratio(consRatio), `≥ ${TARGETS.consumer}× kcat (P6)`, yes(consRatio >= TARGETS.consumer)],
    ['kcat -C -e', summary(c.consume.kcat, ms), rate(c.consume.kcat), '1×', '', ''],
  ];

  const profiles = [];
  for (const [kind, p] of Object.entries(t.profiles ?? {})) {
    profiles.push(`#### Where mq-console-${kind === 'produce' ? 'producer' : 'consumer'}'s time goes

One more run under \`node --cpu-prof\`: ${ms(p.wallMs)} wall, ${ms(p.totalMs)} sampled on the main thread.

${mdTable(['File (self time)', 'ms', 'share'], p.byFile, ['l', 'r', 'r'])}

${mdTable(['Function (self time)', 'ms', 'share'], p.byFunction, ['l', 'r', 'r'])}

${mdTable(['Call stack (function < caller < …)', 'ms', 'share'], p.byStack, ['l', 'r', 'r'])}`);
  }

  const md = `## CLI tools

\`npm run bench:cli\` (bench/cli.mjs), ${date}.
Machine: ${machineLine(m)}.
Load average (1/5/15 min) at the start: ${m.loadavg}; at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}.

### Start time

\`node bin/<tool>.js --version\` and \`--help\`, spawn to exit with stdout read, ${RUNS} runs each, round
robin over the tools with \`node -e ''\` in every round; not pinned. Median (min–max). Target ≤ ${TARGETS.startMs} ms (S2).
"Modules" counts the files the ESM loader loads for \`--help\` (own = bin/ and dist/), from a loader hook.

${mdTable(['Tool', '--version', '--help', 'Modules for --help', 'Met'], startRows, ['l', 'r', 'r', 'l', 'l'])}

### Against a local broker

\`node bin/mq-broker.js start\` on a fresh data dir, pinned to CPU ${BROKER_CPU ?? 'any'}, clients on CPU ${CLIENT_CPU ?? 'any'}.
\`mq-topics --bootstrap-server <addr> --list\`: ${RUNS} runs. Console tools: ${num(LINES)} lines of ${LINE_BYTES} B
(\`mq-console-producer --bootstrap-server <addr> --topic <t> < file\` vs \`kcat -P -b <addr> -t <t> < file\`, both with
default settings, a fresh 1-partition topic per run, count checked with ListOffsets;
\`mq-console-consumer --bootstrap-server <addr> --topic <t> --from-beginning --max-messages ${LINES} > /dev/null\` vs
\`kcat -C -b <addr> -t <t> -o beginning -e -f '%s\\n' > /dev/null\`), ${TP_RUNS} runs each alternating, spawn to exit.
The ratio is kcat's time over mq's (rate relative to kcat), median over paired runs.

${mdTable(['Command', 'Time', 'records/s', 'vs kcat', 'Target', 'Met'], tpRows, ['l', 'r', 'r', 'r', 'l', 'l'])}
${profiles.length ? `\n${profiles.join('\n\n')}\n` : ''}`;
  return { md, verdicts };
}

// ---------------------------------------------------------------------------------------------

async function main() {
  pinSelf();
  const m = machineInfo();
  log(`${machineLine(m)}${QUICK ? '; QUICK mode (not written)' : ''}`);
  const t0 = nowMs();
  const dir = makeTempDir('mq-bench-cli-');
  const input = writeRecordFile(path.join(dir, `lines-${LINES}.txt`), LINES, LINE_BYTES);
  const t = {};
  try {
    if (opt.profile) {
      const h = await profileHelp(dir);
      process.stdout.write(`${h.tool} --help: ${h.split.map((p) => `${num(p.ms)} ms ${p.category}`).join('; ')} (of ${num(h.total)} ms sampled)\n`);
      process.stdout.write(`${h.top.map((f) => `  ${f.pct.toFixed(1)}% ${num(f.selfMs)} ms ${f.file}`).join('\n')}\n`);
    } else {
      log(`start times: ${TOOLS.length} tools × 2 flags × ${RUNS} runs`);
      t.start = await measureStartTimes();
      t.modules = await helpModules(dir);
    }
    const broker = await startBroker(path.join(dir, 'data'), { cpus: BROKER_CPU });
    try {
      if (opt.profile) {
        await createTopic('127.0.0.1', broker.port, 'console-src', 1);
        await mustRun('kcat', ['-P', '-b', broker.address, '-t', 'console-src'], { stdinFile: input, cpus: CLIENT_CPU }, 'kcat -P');
        for (const kind of ['produce', 'consume']) {
          const p = await profileTool(kind, broker, input, 'console-src', dir);
          process.stdout.write(`\n=== mq-console-${kind === 'produce' ? 'producer' : 'consumer'}: ${ms(p.wallMs)} wall, ${ms(p.totalMs)} sampled ===\n`);
          for (const rows of [p.byFile, p.byFunction, p.byStack]) process.stdout.write(`${rows.map((r) => `  ${r[2].padStart(6)} ${r[1].padStart(9)}  ${r[0]}`).join('\n')}\n\n`);
        }
        return;
      }
      t.list = await measureList(broker);
      t.console = await measureConsole(broker, input);
      if (!opt['no-profile']) {
        t.profiles = {};
        if (pairedRatio(t.console.produce.kcat, t.console.produce.mq) < TARGETS.producer) t.profiles.produce = await profileTool('produce', broker, input, t.console.source, dir);
        if (pairedRatio(t.console.consume.kcat, t.console.consume.mq) < TARGETS.consumer) t.profiles.consume = await profileTool('consume', broker, input, t.console.source, dir);
      }
    } finally {
      await broker.stop();
    }
  } finally {
    removeTempDir(dir);
  }
  const { md, verdicts } = report(m, t);
  process.stdout.write(`\n${md}\nTargets: ${verdicts.join('; ')}\n`);
  if (WRITE) {
    writeSection('cli', md);
    log('wrote the cli section of BENCHMARKS.md');
  }
  log(`done in ${num((nowMs() - t0) / 1000, 1)} s`);
}

try {
  await main();
} catch (err) {
  process.stderr.write(`[bench:cli] failed: ${err.stack ?? err}\n`);
  process.exitCode = 1;
} finally {
  cleanupAll();
}
