#!/usr/bin/env node
/**
 * npm run bench:dashboard — mq-dashboard's server-side cost (issue 11's quality bars) against a local broker
 * (`mq-broker start` on a scratch data dir) holding TOPICS topics x 6 partitions with a few records in each and
 * GROUPS groups with committed offsets (one OffsetCommit per group through mq's client). The dashboard runs in its
 * own process (bin/mq-dashboard.js --refresh-ms 2000). Measured:
 *   - time from spawn to the first 200 of /api/cluster and of /api/topics;
 *   - dashboard CPU per refresh round: /proc/<pid>/stat utime+stime over ROUNDS rounds (counted by `sample`
 *     events on /api/events), divided by the rounds;
 *   - dashboard RSS (/proc/<pid>/status VmRSS) after the rounds;
 *   - broker CPU % of one core over the same length of time without and with the dashboard running;
 *   - requests per round, by API: one Sampler round run in this process against the same broker, counted where
 *     every request leaves mq's client (ProtocolConnection.request), as test/integration/dashboard/sampling.test.ts does.
 * Prints a table; --write puts it with the command into docs/readme-drafts/dash-bench.md.
 *
 * Options: --topics N (default 1000), --groups N (default 200), --rounds N (default 10), --write.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { cleanupAll, freePort, makeTempDir, removeTempDir, startBroker, track, REPO_ROOT } from './lib/proc.mjs';
import { readCpuSeconds, readRss, fmtMiB } from './lib/rss.mjs';
import { machineInfo, machineLine, mdTable } from './lib/report.mjs';
import { nowMs } from './lib/stats.mjs';

const { values: opt } = parseArgs({ options: { topics: { type: 'string' }, groups: { type: 'string' }, rounds: { type: 'string' }, write: { type: 'boolean' } } });
const TOPICS = Number(opt.topics ?? 1000);
const GROUPS = Number(opt.groups ?? 200);
const ROUNDS = Number(opt.rounds ?? 10);
const PARTITIONS = 6;
const REFRESH_MS = 2000;
/** Each group commits offsets for this many topics (all their partitions), half-way through each partition's records. */
const TOPICS_PER_GROUP = 5;
const RECORDS_PER_PARTITION = 4;

const log = (line) => process.stderr.write(`${line}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const topicName = (i) => `bench-${String(i).padStart(4, '0')}`;

async function populate(bootstrap) {
  const kafka = new Kafka({ clientId: 'bench-dashboard', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const t0 = nowMs();
  for (let i = 0; i < TOPICS; i += 100) {
    const batch = Array.from({ length: Math.min(100, TOPICS - i) }, (_, j) => ({ topic: topicName(i + j), numPartitions: PARTITIONS, replicationFactor: 1 }));
    await admin.createTopics({ topics: batch, waitForLeaders: false, timeout: 30_000 });
  }
  log(`${TOPICS} topics x ${PARTITIONS} partitions created in ${Math.round(nowMs() - t0)} ms`);
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const t1 = nowMs();
  for (let i = 0; i < TOPICS; i += 100) {
    const topicMessages = [];
    for (let t = i; t < Math.min(TOPICS, i + 100); t++) {
      const messages = [];
      for (let p = 0; p < PARTITIONS; p++) for (let r = 0; r < RECORDS_PER_PARTITION; r++) messages.push({ partition: p, value: `record ${r} of ${topicName(t)}/${p}` });
      topicMessages.push({ topic: topicName(t), messages });
    }
    await producer.sendBatch({ topicMessages, acks: 1 });
  }
  await producer.disconnect();
  log(`${TOPICS * PARTITIONS * RECORDS_PER_PARTITION} records produced in ${Math.round(nowMs() - t1)} ms`);
  await admin.disconnect();
  // One OffsetCommit per group (generation -1, as kafka-consumer-groups --reset-offsets commits), through mq's client.
  const { Cluster } = await import(path.join(REPO_ROOT, 'dist', 'engine', 'client', 'cluster.js'));
  const { commitOffsets } = await import(path.join(REPO_ROOT, 'dist', 'engine', 'client', 'group-offsets.js'));
  const cluster = await Cluster.connect([bootstrap], { clientId: 'bench-dashboard-commit' });
  const t2 = nowMs();
  try {
    const commit = async (g) => {
      const offsets = [];
      for (let k = 0; k < TOPICS_PER_GROUP; k++) {
        const topic = topicName((g * TOPICS_PER_GROUP + k) % TOPICS);
        for (let p = 0; p < PARTITIONS; p++) offsets.push({ topic, partition: p, offset: RECORDS_PER_PARTITION / 2 });
      }
      const errors = await commitOffsets(cluster, `bench-group-${String(g).padStart(3, '0')}`, offsets);
      if ([...errors.values()].some((e) => e !== 0)) throw new Error(`OffsetCommit of group ${g} failed: ${JSON.stringify([...errors])}`);
    };
    for (let g = 0; g < GROUPS; g += 20) await Promise.all(Array.from({ length: Math.min(20, GROUPS - g) }, (_, j) => commit(g + j)));
  } finally {
    await cluster.close();
  }
  log(`${GROUPS} groups x ${TOPICS_PER_GROUP * PARTITIONS} committed offsets in ${Math.round(nowMs() - t2)} ms`);
}

/** Requests of one sampler round against the broker, by API name. */
async function requestsPerRound(bootstrap) {
  const dist = (p) => path.join(REPO_ROOT, 'dist', p);
  const { Cluster } = await import(dist('engine/client/cluster.js'));
  const { Sampler } = await import(dist('commands/dashboard/sampler.js'));
  const { ProtocolConnection } = await import(dist('engine/client/connection.js'));
  const { apiName } = await import(dist('engine/protocol/api-keys.js'));
  const cluster = await Cluster.connect([bootstrap], { clientId: 'bench-dashboard-count' });
  const sampler = new Sampler(async () => cluster, { refreshMs: REFRESH_MS });
  const count = async (full) => {
    const counts = {};
    const real = ProtocolConnection.prototype.request;
    ProtocolConnection.prototype.request = function (schema, ...rest) {
      const name = apiName(schema.apiKey);
      counts[name] = (counts[name] ?? 0) + 1;
      return real.call(this, schema, ...rest);
    };
    try {
      await sampler.refresh({ full });
    } finally {
      ProtocolConnection.prototype.request = real;
    }
    return counts;
  };
  try {
    await sampler.refresh(); // the first round also finds the coordinators
    const full = await count(true);
    const plain = await count(false);
    return { full, plain };
  } finally {
    await cluster.close();
  }
}

/** Opens /api/events and counts `sample` events. */
function sampleCounter(base) {
  const ac = new AbortController();
  const state = { samples: 0, waiters: [] };
  const done = (async () => {
    const r = await fetch(`${base}/api/events`, { signal: ac.signal, headers: { Accept: 'text/event-stream' } });
    let buf = '';
    const dec = new TextDecoder();
    for await (const chunk of r.body) {
      buf += dec.decode(chunk, { stream: true });
      let end;
      while ((end = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        if (/^event: sample$/m.test(block)) {
          state.samples++;
          for (const w of state.waiters.splice(0)) w();
        }
      }
    }
  })().catch((e) => {
    if (!ac.signal.aborted) throw e;
  });
  return {
    get samples() {
      return state.samples;
    },
    async until(n) {
      while (state.samples < n) await new Promise((r) => state.waiters.push(r));
    },
    async close() {
      ac.abort();
      await done;
    },
  };
}

async function firstOk(url, t0) {
  for (;;) {
    try {
      const r = await fetch(url);
      await r.arrayBuffer();
      if (r.status === 200) return nowMs() - t0;
    } catch {
      /* not listening yet */
    }
    await sleep(5);
  }
}

const dir = makeTempDir('mq-bench-dash-');
const broker = await startBroker(path.join(dir, 'data'));
let dashboard;
try {
  await populate(broker.address);
  const counted = await requestsPerRound(broker.address);

  // The broker alone, for as long as the measured rounds take.
  const windowMs = ROUNDS * REFRESH_MS;
  await sleep(1000);
  const idle0 = readCpuSeconds(broker.pid);
  await sleep(windowMs);
  const brokerIdlePct = ((readCpuSeconds(broker.pid) - idle0) / (windowMs / 1000)) * 100;

  const port = await freePort();
  const t0 = nowMs();
  dashboard = track(spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'mq-dashboard.js'), '--bootstrap-server', broker.address, '--listen', `127.0.0.1:${port}`, '--refresh-ms', String(REFRESH_MS), '--data-dir', path.join(dir, 'dash')],
    { stdio: ['ignore', 'pipe', 'pipe'] }));
  let printed = '';
  dashboard.stdout.on('data', (d) => (printed += d));
  dashboard.stderr.on('data', (d) => (printed += d));
  dashboard.once('exit', (code) => {
    if (code !== 0 && code !== null) log(`mq-dashboard exited ${code}:\n${printed}`);
  });
  const base = `http://127.0.0.1:${port}`;
  const [clusterMs, topicsMs] = await Promise.all([firstOk(`${base}/api/cluster`, t0), firstOk(`${base}/api/topics`, t0)]);

  // Warm up two rounds, then measure ROUNDS rounds of the dashboard and the same window of the broker.
  const events = sampleCounter(base);
  await events.until(2);
  const dash0 = readCpuSeconds(dashboard.pid);
  const brk0 = readCpuSeconds(broker.pid);
  const w0 = nowMs();
  await events.until(2 + ROUNDS);
  const dashCpu = readCpuSeconds(dashboard.pid) - dash0;
  const brkCpu = readCpuSeconds(broker.pid) - brk0;
  const wall = (nowMs() - w0) / 1000;
  const rss = readRss(dashboard.pid);
  await events.close();
  const brokerWithPct = (brkCpu / wall) * 100;

  const reqs = (c) => Object.entries(c).sort().map(([k, v]) => `${k} ${v}`).join(', ');
  const total = (c) => Object.values(c).reduce((a, b) => a + b, 0);
  const rows = [
    ['first 200 of /api/cluster after spawn', `${Math.round(clusterMs)} ms`, '< 1000 ms', clusterMs < 1000 ? 'yes' : 'no'],
    ['first 200 of /api/topics after spawn', `${Math.round(topicsMs)} ms`, '< 1000 ms', topicsMs < 1000 ? 'yes' : 'no'],
    [`dashboard CPU per round (${ROUNDS} rounds)`, `${Math.round((dashCpu / ROUNDS) * 1000)} ms`, '< 200 ms', dashCpu / ROUNDS < 0.2 ? 'yes' : 'no'],
    ['dashboard RSS after the rounds', fmtMiB(rss), '< 150 MB', rss < 150 * 1024 * 1024 ? 'yes' : 'no'],
    ['broker CPU without the dashboard', `${brokerIdlePct.toFixed(1)} %`, '', ''],
    ['broker CPU with the dashboard', `${brokerWithPct.toFixed(1)} %`, '', ''],
    ['broker overhead of the dashboard', `${(brokerWithPct - brokerIdlePct).toFixed(1)} % of a core`, '< 5 %', brokerWithPct - brokerIdlePct < 5 ? 'yes' : 'no'],
    ['requests per round', `${total(counted.plain)} (${reqs(counted.plain)})`, '', ''],
    ['requests per full round (every 5th)', `${total(counted.full)} (${reqs(counted.full)})`, '', ''],
  ];
  const table = mdTable(['measure', 'value', 'target', 'met'], rows);
  const command = `npm run bench:dashboard${opt.topics || opt.groups || opt.rounds ? ` -- ${[opt.topics && `--topics ${TOPICS}`, opt.groups && `--groups ${GROUPS}`, opt.rounds && `--rounds ${ROUNDS}`].filter(Boolean).join(' ')}` : ''}`;
  process.stdout.write(`mq-dashboard, ${TOPICS} topics x ${PARTITIONS} partitions, ${GROUPS} groups, --refresh-ms ${REFRESH_MS}\n${table}\n`);
  if (opt.write) {
    writeFileSync(path.join(REPO_ROOT, 'docs', 'readme-drafts', 'dash-bench.md'), `### mq-dashboard's sampling cost (benchmark)\n\n\`${command}\` (bench/dashboard.mjs), ${machineLine()}, load average ${machineInfo().loadavg} at the start:\n${TOPICS} topics x ${PARTITIONS} partitions with ${RECORDS_PER_PARTITION} records each, ${GROUPS} groups committing ${TOPICS_PER_GROUP * PARTITIONS} offsets each, the dashboard in its own process.\n\n${table}\n`);
    log('written to docs/readme-drafts/dash-bench.md');
  }
} finally {
  dashboard?.kill('SIGTERM');
  await broker.stop();
  cleanupAll();
  removeTempDir(dir);
}
