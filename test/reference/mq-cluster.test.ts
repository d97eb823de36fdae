// mq-cluster (issue 16): a real three-node Apache Kafka on loopback, started and driven through the built bins, then
// the user's walkthrough verbatim with the mq tools (meuTopico, RF 3, keyed produce with acks=all, consumers alone and
// in a group of two, kill-node 2, ISR shrink and leaders moved, nothing acknowledged lost, start-node 2, ISR back).
// Also: the download's checksum mismatch and cut transfer through the CLI (a loopback server standing in for Maven
// Central, serving the jars scripts/reference/fetch-kafka.sh put in ~/.m2), the watchdog that kills a node whose
// owning test process died, and `down --purge` leaving nothing. Skipped unless MQ_REFERENCE=1; run alone with
//   npm run build && MQ_REFERENCE=1 npx vitest run -c vitest.reference.config.ts test/reference/mq-cluster.test.ts
// The walkthrough's jars are downloaded from Maven Central once into .tmp/mq-cluster-cache and reused.

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run, start, type RunResult } from '../helpers/proc.js';
import { waitFor } from '../helpers/wait.js';
import { REPO_ROOT } from './kafka.js';

const scratch = mkdtempSync(join(tmpdir(), 'mq-cluster-ref-'));
const CACHE = join(REPO_ROOT, '.tmp', 'mq-cluster-cache');
const baseEnv = {
  MQ_DATA_DIR: join(scratch, 'data'),
  XDG_CACHE_HOME: CACHE,
  XDG_CONFIG_HOME: join(scratch, 'config'),
  XDG_STATE_HOME: join(scratch, 'state'),
  // The nodes die with this test process even if it is SIGKILLed (src/cli/cluster-watchdog.ts).
  MQ_CLUSTER_OWNER_PID: String(process.pid),
  MQ_BOOTSTRAP_SERVER: undefined,
  MQ_CONTEXT: undefined,
  MQ_MAVEN_REPO: undefined,
  NO_COLOR: '1',
};

const bin = (tool: string) => join(REPO_ROOT, 'bin', `${tool}.js`);
function mq(tool: string, args: string[], o: { env?: Record<string, string | undefined>; stdin?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return run(process.execPath, [bin(tool), ...args], { env: { ...baseEnv, ...o.env }, stdin: o.stdin, timeoutMs: o.timeoutMs ?? 60_000 });
}
async function mqOk(tool: string, args: string[], o: Parameters<typeof mq>[2] = {}): Promise<RunResult> {
  const r = await mq(tool, args, o);
  if (r.code !== 0) throw new Error(`${tool} ${args.join(' ')} exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  return r;
}

/** A base port whose three broker and three controller ports are free (four engineers share this machine). */
async function freeBase(): Promise<number> {
  const free = (port: number) => new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen({ port, host: '127.0.0.1', exclusive: true }, () => s.close(() => resolve(true)));
  });
  for (let tries = 0; tries < 50; tries++) {
    const base = 30000 + Math.floor(Math.random() * 9000);
    const ports = [0, 1, 2, 100, 101, 102].map((d) => base + d);
    if ((await Promise.all(ports.map(free))).every(Boolean)) return base;
  }
  throw new Error('no free base port');
}

/** Live (not zombie) JVMs whose command line names a directory under `root`. */
function jvmsUnder(root: string): number[] {
  const pids: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const cmd = readFileSync(`/proc/${e}/cmdline`, 'utf8');
      const state = /^State:\s+(\S)/m.exec(readFileSync(`/proc/${e}/status`, 'utf8'))?.[1];
      if (state !== 'Z' && cmd.includes('-Dmq.cluster.node=') && cmd.includes(root)) pids.push(Number(e));
    } catch {
      /* exited meanwhile */
    }
  }
  return pids;
}

interface Row { partition: number; leader: number; replicas: number[]; isr: number[] }
function partitions(describe: string): Row[] {
  const ids = (s: string) => s.split(',').filter(Boolean).map(Number);
  return [...describe.matchAll(/\tPartition: (\d+)\tLeader: (-?\d+|none)\tReplicas: ([\d,]*)\tIsr: ([\d,]*)/g)].map((m) => ({
    partition: Number(m[1]), leader: m[2] === 'none' ? -1 : Number(m[2]), replicas: ids(m[3]!), isr: ids(m[4]!),
  }));
}

/** Long-running mq tools a test started; a failed test's are stopped in afterAll. */
const running = new Set<ReturnType<typeof start>>();
function startMq(tool: string, args: string[], env: Record<string, string | undefined>): ReturnType<typeof start> {
  const p = start(process.execPath, [bin(tool), ...args], { env: { ...baseEnv, ...env }, timeoutMs: 170_000 });
  running.add(p);
  void p.done.then(() => running.delete(p));
  return p;
}

afterAll(async () => {
  for (const p of running) p.kill('SIGKILL');
  await Promise.all([...running].map((p) => p.done));
  // Whatever a failed test left: down (it waits for the JVMs), then the scratch directory.
  for (const d of [join(scratch, 'data'), join(scratch, 'owner-data')]) {
    if (existsSync(join(d, 'cluster'))) await mq('mq-cluster', ['down', '--purge'], { env: { MQ_DATA_DIR: d }, timeoutMs: 90_000 });
  }
  rmSync(scratch, { recursive: true, force: true });
});

describe.skipIf(!process.env.MQ_REFERENCE)('mq-cluster', () => {
  it('downloads through a flaky repository: a checksum mismatch and a cut transfer are retried, then the cache works offline', async () => {
    const m2 = join(homedir(), '.m2', 'repository');
    const hits = new Map<string, number>();
    // The first answer for kafka-clients has a flipped byte; the first for kafka_2.13 stops halfway.
    const server: Server = createHttpServer((req, res) => {
      const path = decodeURIComponent((req.url ?? '').replace(/^\/maven2\//, ''));
      const file = join(m2, path);
      if (path.includes('..') || !existsSync(file)) {
        res.writeHead(404).end();
        return;
      }
      const n = (hits.get(path) ?? 0) + 1;
      hits.set(path, n);
      const bytes = readFileSync(file);
      res.writeHead(200, { 'content-length': bytes.length });
      if (n === 1 && path.endsWith('/kafka-clients-3.9.2.jar')) {
        bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0x01;
        res.end(bytes);
      } else if (n === 1 && path.endsWith('/kafka_2.13-3.9.2.jar')) {
        res.write(bytes.subarray(0, bytes.length >> 1), () => res.socket?.destroy());
      } else createReadStream(file).pipe(res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const repo = `http://127.0.0.1:${(server.address() as AddressInfo).port}/maven2`;
    const cache = join(scratch, 'flaky-cache');
    try {
      const r = await mqOk('mq-cluster', ['fetch', '--kafka-version', '3.9'], { env: { MQ_MAVEN_REPO: repo, XDG_CACHE_HOME: cache }, timeoutMs: 120_000 });
      expect(r.stderr).toMatch(new RegExp(`^Downloading Apache Kafka 3\\.9\\.2 from ${repo}: 63 jars, 48\\.6 MB, into ${cache}/mq/maven\\n`));
      expect(r.stderr).toMatch(/Retrying kafka-clients-3\.9\.2\.jar: .*kafka-clients-3\.9\.2\.jar: checksum mismatch \(SHA-256 [0-9a-f]{64}, expected [0-9a-f]{64}\)\n/);
      expect(r.stderr).toMatch(/Retrying kafka_2\.13-3\.9\.2\.jar: .*kafka_2\.13-3\.9\.2\.jar/);
      expect(r.stderr).toMatch(/Downloaded and verified 63 jars \(48\.6 MB\) in [\d.]+ s\nApache Kafka 3\.9\.2: 63 jars verified in the cache\n$/);
      const parts = readdirSync(cache, { recursive: true }).map(String).filter((f) => f.endsWith('.part'));
      expect(parts).toEqual([]);
      // Offline now: a repository that answers nothing is never asked.
      const again = await mqOk('mq-cluster', ['fetch', '--kafka-version', '3.9.2'], { env: { MQ_MAVEN_REPO: 'http://127.0.0.1:1/none', XDG_CACHE_HOME: cache } });
      expect(again.stderr).toBe('Apache Kafka 3.9.2: 63 jars verified in the cache\n');
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('a node whose owning process died is killed by its watchdog, and a remote plain-http repository is refused', async () => {
    const owner = start(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { timeoutMs: 170_000 });
    running.add(owner);
    const dataDir = join(scratch, 'owner-data');
    const refused = await mq('mq-cluster', ['fetch'], { env: { MQ_MAVEN_REPO: 'http://mirror.example/maven2' } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe("MQ_MAVEN_REPO must be an https:// URL (plain http only on localhost): 'http://mirror.example/maven2'\n");
    // The owner here is a child we can SIGKILL, standing in for a vitest worker killed before its afterAll.
    const pid = await waitFor(() => owner.pid, { message: 'owner pid' });
    const base = await freeBase();
    await mqOk('mq-cluster', ['up', '--brokers', '1', '--base-port', String(base)], {
      env: { MQ_DATA_DIR: dataDir, MQ_CLUSTER_OWNER_PID: String(pid) }, timeoutMs: 150_000,
    });
    expect(jvmsUnder(dataDir)).toHaveLength(1);
    owner.kill('SIGKILL');
    await waitFor(() => jvmsUnder(dataDir).length === 0, { timeoutMs: 20_000, message: 'the orphaned node to be killed' });
    const status = await mq('mq-cluster', ['status', '--output', 'json'], { env: { MQ_DATA_DIR: dataDir } });
    expect((JSON.parse(status.stdout) as { nodes: { state: string }[] }).nodes.map((n) => n.state)).toEqual(['down']);
    await mqOk('mq-cluster', ['down', '--purge'], { env: { MQ_DATA_DIR: dataDir } });
    expect(existsSync(join(dataDir, 'cluster'))).toBe(false);
  });

  it("the user's walkthrough on three nodes: replication, a node killed, nothing acknowledged lost, the node back", async () => {
    const base = await freeBase();
    const boot = `localhost:${base}`;
    const all = [0, 1, 2].map((i) => `localhost:${base + i}`).join(',');

    const upR = await mqOk('mq-cluster', ['up', '--brokers', '3', '--base-port', String(base)], { timeoutMs: 170_000 });
    expect(upR.stdout).toBe(`export MQ_BOOTSTRAP_SERVER=${all}\n`);
    expect(upR.stderr).toMatch(/Kafka 4\.4\.0 cluster of 3 nodes started: every broker answers Metadata \(ready in [\d.]+ s\)\n/);
    const again = await mqOk('mq-cluster', ['up']);
    expect(again.stderr).toMatch(/cluster of 3 nodes already running/);
    expect(again.stdout).toBe(upR.stdout);

    // "create meuTopico with 3 partitions and replication factor 3 on localhost:29092"
    const created = await mqOk('mq-topics', ['--bootstrap-server', boot, '--create', '--topic', 'meuTopico', '--partitions', '3', '--replication-factor', '3']);
    expect(created.stdout).toBe('Created topic meuTopico.\n');
    const described = await waitFor(async () => {
      const rows = partitions((await mqOk('mq-topics', ['--bootstrap-server', boot, '--describe', '--topic', 'meuTopico'])).stdout);
      return rows.length === 3 && rows.every((p) => p.isr.length === 3) ? rows : false;
    }, { timeoutMs: 30_000, message: 'meuTopico with an ISR of 3' });
    // Leaders spread over the brokers: one partition led by each.
    expect(new Set(described.map((p) => p.leader))).toEqual(new Set([1, 2, 3]));
    expect(described.every((p) => [...p.replicas].sort().join() === '1,2,3')).toBe(true);

    const env = { MQ_BOOTSTRAP_SERVER: all };
    const produce = async (from: number, to: number) => {
      const lines = Array.from({ length: to - from }, (_, i) => `chave-${(from + i) % 7}:valor-${from + i}`).join('\n') + '\n';
      const r = await mqOk('mq-console-producer', ['--topic', 'meuTopico', '--property', 'parse.key=true', '--property', 'key.separator=:', '--producer-property', 'acks=all'], { env, stdin: lines });
      expect(r.stderr).toBe('');
    };
    const consumeAll = async (n: number) => {
      const r = await mqOk('mq-console-consumer', ['--topic', 'meuTopico', '--from-beginning', '--max-messages', String(n), '--property', 'print.key=true', '--timeout-ms', '30000'], { env, timeoutMs: 60_000 });
      return r.stdout.split('\n').filter(Boolean);
    };
    await produce(0, 60);
    const first = await consumeAll(60);
    expect(first.map((l) => l.split('\t')[1]).sort()).toEqual(Array.from({ length: 60 }, (_, i) => `valor-${i}`).sort());
    expect(first).toContain('chave-3\tvalor-3');

    // A group of two consumers shares the three partitions.
    const members = [0, 1].map(() => startMq('mq-console-consumer', ['--topic', 'meuTopico', '--group', 'grupoDois', '--from-beginning'], env));
    try {
      const groupRows = await waitFor(async () => {
        const r = await mq('mq-consumer-groups', ['--describe', '--group', 'grupoDois', '--members'], { env });
        // GROUP CONSUMER-ID HOST CLIENT-ID #PARTITIONS; until the rebalance settles, one member may still hold all three.
        const counts = r.stdout.split('\n').filter((l) => l.startsWith('grupoDois')).map((l) => Number(l.trim().split(/\s+/)[4]));
        return counts.length === 2 && counts.sort().join() === '1,2' ? counts : false;
      }, { timeoutMs: 60_000, intervalMs: 500, message: 'two members sharing meuTopico\'s 3 partitions in grupoDois' });
      expect(groupRows).toEqual([1, 2]);
      await waitFor(() => members[0]!.stdout.split('\n').length + members[1]!.stdout.split('\n').length - 2 >= 60, { timeoutMs: 30_000, message: 'the group to read all 60' });
    } finally {
      members.forEach((m) => m.kill('SIGTERM'));
      await Promise.all(members.map((m) => m.done));
    }

    // The dashboard's cluster view (its JSON API) on the same cluster: three reachable brokers.
    const dash = startMq('mq-dashboard', ['--listen', '127.0.0.1:0', '--refresh-ms', '500'], env);
    const dashUrl = await waitFor(() => /http:\/\/127\.0\.0\.1:\d+/.exec(dash.stdout)?.[0], { timeoutMs: 30_000, message: 'the dashboard address' });
    const brokersSeen = async () => {
      const doc = (await (await fetch(`${dashUrl}/api/cluster`)).json()) as { brokers: { id: number; reachable: boolean }[] };
      return doc.brokers.filter((b) => b.reachable).map((b) => b.id).sort().join();
    };
    await waitFor(async () => (await brokersSeen()) === '1,2,3', { timeoutMs: 30_000, intervalMs: 500, message: 'the dashboard to show 3 brokers' });

    // kill-node 2: producing and consuming go on; the ISR shrinks and node 2 leads nothing.
    const killed = await mqOk('mq-cluster', ['kill-node', '2']);
    expect(killed.stderr).toMatch(/^Node 2 killed \(SIGKILL, pid \d+\)\n$/);
    await produce(60, 120);
    const shrunk = await waitFor(async () => {
      const rows = partitions((await mqOk('mq-topics', ['--describe', '--topic', 'meuTopico'], { env })).stdout);
      return rows.length === 3 && rows.every((p) => !p.isr.includes(2) && p.leader !== 2) ? rows : false;
    }, { timeoutMs: 60_000, intervalMs: 1000, message: 'ISR without node 2 and leaders moved' });
    expect(shrunk.every((p) => p.isr.length === 2 && p.replicas.length === 3)).toBe(true);
    const st = JSON.parse((await mqOk('mq-cluster', ['status', '--output', 'json'])).stdout) as { nodes: { id: number; state: string }[]; underReplicatedPartitions: number; offlinePartitions: number };
    expect(st.nodes.map((n) => n.state)).toEqual(['up', 'down', 'up']);
    expect(st.underReplicatedPartitions).toBeGreaterThanOrEqual(3);
    expect(st.offlinePartitions).toBe(0);
    const text = (await mqOk('mq-cluster', ['status'])).stdout;
    expect(text).toMatch(/^2\s+down\s+-\s+localhost:\d+/m);

    await waitFor(async () => (await brokersSeen()) === '1,3', { timeoutMs: 30_000, intervalMs: 500, message: 'the dashboard to show node 2 down' });

    // Every record acknowledged with acks=all, before and during the outage, reads back.
    const after = await consumeAll(120);
    expect(after.map((l) => l.split('\t')[1]).sort()).toEqual(Array.from({ length: 120 }, (_, i) => `valor-${i}`).sort());

    // start-node 2: the ISR grows back to three.
    const back = await mqOk('mq-cluster', ['start-node', '2'], { timeoutMs: 150_000 });
    expect(back.stderr).toMatch(/^Node 2 started \(pid \d+, localhost:\d+\) in [\d.]+ s\n$/);
    await waitFor(async () => {
      const rows = partitions((await mqOk('mq-topics', ['--describe', '--topic', 'meuTopico'], { env })).stdout);
      return rows.length === 3 && rows.every((p) => p.isr.length === 3);
    }, { timeoutMs: 60_000, intervalMs: 1000, message: 'ISR of 3 again' });
    await waitFor(async () => (await brokersSeen()) === '1,2,3', { timeoutMs: 30_000, intervalMs: 500, message: 'the dashboard to show node 2 up again' });
    dash.kill('SIGTERM');
    await dash.done;
    expect((await mqOk('mq-cluster', ['logs', '2', '--tail', '5'])).stdout.split('\n').filter(Boolean)).toHaveLength(5);

    // down --purge: no JVM, no directory.
    const dataDir = join(scratch, 'data');
    expect(jvmsUnder(dataDir)).toHaveLength(3);
    const downR = await mqOk('mq-cluster', ['down', '--purge'], { timeoutMs: 90_000 });
    expect(downR.stderr).toMatch(/^Stopped 3 nodes\nRemoved .*cluster \(configs, data and logs of every node\); downloaded jars stay cached\n$/);
    expect(jvmsUnder(dataDir)).toEqual([]);
    expect(existsSync(join(dataDir, 'cluster'))).toBe(false);
    const none = await mq('mq-cluster', ['status']);
    expect(none.code).toBe(3);
    expect(none.stderr).toBe(`No mq-cluster in ${join(dataDir, 'cluster')}: start one with \`mq-cluster up\`\n`);
  });
});
