/**
 * npm run bench:cluster -- [--runs N] [--no-write]
 *
 * mq-cluster's start-up and footprint: the time from `mq-cluster up --brokers 3` to a cluster
 * whose Metadata lists all three brokers (what `up` waits for), with the jars already cached
 * (warm cache: nothing downloaded), and the total RSS of the three JVMs once ready and after a
 * 10 s settle. Two cases per run: a new cluster (configs written, storage formatted) and the same
 * cluster started again after `down` (data kept). Each run uses a fresh data dir; the nodes carry
 * MQ_CLUSTER_OWNER_PID so none outlives this script. Results go to stdout and to the "cluster"
 * section of BENCHMARKS.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './lib/proc.mjs';
import { machineInfo, machineLine, mdTable, writeSection } from './lib/report.mjs';
import { readRss, MB } from './lib/rss.mjs';
import { summary, num } from './lib/stats.mjs';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 3;
const write = !args.includes('--no-write');
const bin = path.join(REPO_ROOT, 'bin', 'mq-cluster.js');
const cache = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
const log = (s) => process.stderr.write(`[bench:cluster] ${s}\n`);

function mqCluster(argv, env) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [bin, ...argv], { env: { ...process.env, ...env, MQ_CLUSTER_OWNER_PID: String(process.pid) }, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`mq-cluster ${argv.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return { ms: performance.now() - t0, stdout: r.stdout, stderr: r.stderr };
}

async function freeBase() {
  const free = (port) => new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen({ port, host: '127.0.0.1', exclusive: true }, () => s.close(() => resolve(true)));
  });
  for (let i = 0; i < 50; i++) {
    const base = 40000 + Math.floor(Math.random() * 9000);
    if ((await Promise.all([0, 1, 2, 100, 101, 102].map((d) => free(base + d)))).every(Boolean)) return base;
  }
  throw new Error('no free base port');
}

function nodePids(dataDir) {
  const state = JSON.parse(readFileSync(path.join(dataDir, 'cluster', 'cluster.json'), 'utf8'));
  return state.nodes.map((n) => n.pid);
}
const totalRss = (pids) => pids.reduce((s, p) => s + readRss(p), 0);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Warm the cache once (and check Java) outside the timed runs.
const version = /Apache Kafka (\S+):/.exec(mqCluster(['fetch'], {}).stderr)?.[1] ?? '?';
const m = machineInfo();
const java = (spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr.split('\n')[0] ?? '').trim();
const fresh = { ms: [], rssReady: [], rssSettled: [] };
const again = { ms: [], rssReady: [], rssSettled: [] };
for (let i = 0; i < runs; i++) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mq-bench-cluster-'));
  const env = { MQ_DATA_DIR: dataDir };
  try {
    const base = await freeBase();
    for (const [label, acc] of [['new', fresh], ['restart', again]]) {
      const r = mqCluster(['up', '--brokers', '3', '--base-port', String(base)], env);
      const pids = nodePids(dataDir);
      acc.ms.push(r.ms);
      acc.rssReady.push(totalRss(pids));
      await sleep(10_000);
      acc.rssSettled.push(totalRss(pids));
      log(`run ${i + 1} ${label}: ready in ${(r.ms / 1000).toFixed(1)} s, RSS ${num(acc.rssReady.at(-1) / MB)} MiB, after 10 s ${num(acc.rssSettled.at(-1) / MB)} MiB`);
      mqCluster(['down'], env);
    }
  } finally {
    try {
      mqCluster(['down', '--purge'], env);
    } catch {
      /* already down */
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const secs = (x) => `${(x / 1000).toFixed(1)} s`;
const mib = (x) => `${num(x / MB)} MiB`;
const goalTime = (xs) => (Math.max(...xs) < 15_000 ? 'yes' : 'no');
const goalRss = (xs) => (Math.max(...xs) < 1.5 * 1024 * MB ? 'yes' : 'no');
const rows = [
  ['new cluster (write configs, kafka-storage format, start)', summary(fresh.ms, secs), summary(fresh.rssReady, mib), summary(fresh.rssSettled, mib), goalTime(fresh.ms), goalRss(fresh.rssSettled)],
  ['same cluster again after `down` (data kept)', summary(again.ms, secs), summary(again.rssReady, mib), summary(again.rssSettled, mib), goalTime(again.ms), goalRss(again.rssSettled)],
];
const table = mdTable(['Case', 'up → every broker in Metadata', 'RSS of 3 nodes, ready', 'RSS, 10 s later', '< 15 s', '< 1.5 GB'], rows, ['l', 'r', 'r', 'r', 'l', 'l']);
const now = new Date().toISOString().slice(0, 16).replace('T', ' ');
const body = `## mq-cluster

\`npm run bench:cluster\` (bench/cluster.mjs), ${now} UTC, ${runs} run(s), median (min–max).
Machine: ${machineLine(m)}; ${java}.

\`mq-cluster up --brokers 3\` of Apache Kafka ${version} (combined broker+controller KRaft nodes, -Xmx256m and the serial
collector each), timed from spawning \`mq-cluster up\` to its exit, which waits until Metadata through mq's client lists
all three brokers; the jars were already in the cache (${cache}/mq/maven), so nothing was downloaded. RSS is the sum of the
three JVMs' VmRSS. Goal (issue 16): ready in under 15 s on a laptop and under 1.5 GB for three nodes, against the few
tens of seconds and several GB docker-compose users report for the same cluster.

${table}
`;
process.stdout.write(body);
if (write) {
  writeSection('cluster', body);
  log('wrote the cluster section of BENCHMARKS.md');
}
