/**
 * mq-cluster through its built bin, where no JVM is started: the Java check's one line (no java,
 * an old one, through a stand-in `java` script in JAVA_HOME), bad flags, and the commands that need
 * a cluster when there is none. The cluster itself runs in test/reference/mq-cluster.test.ts.
 */
import { appendFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run, start } from '../helpers/proc.js';
import { waitFor } from '../helpers/wait.js';

const scratch = mkdtempSync(join(tmpdir(), 'mq-cluster-cli-'));
const env = { MQ_DATA_DIR: join(scratch, 'data'), XDG_CACHE_HOME: join(scratch, 'cache'), MQ_BOOTSTRAP_SERVER: undefined, MQ_CLUSTER_OWNER_PID: undefined, NO_COLOR: '1' };
const mqCluster = (args: string[], extra: Record<string, string | undefined> = {}) =>
  run(process.execPath, [resolve('bin', 'mq-cluster.js'), ...args], { env: { ...env, ...extra } });

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A JAVA_HOME whose bin/java prints `version` as `java -version` does (to stderr). */
function fakeJavaHome(versionLine: string): string {
  const home = mkdtempSync(join(scratch, 'jdk-'));
  mkdirSync(join(home, 'bin'));
  writeFileSync(join(home, 'bin', 'java'), `#!/bin/sh\necho '${versionLine}' >&2\n`);
  chmodSync(join(home, 'bin', 'java'), 0o755);
  return home;
}

describe('mq-cluster without a usable Java', () => {
  it('no java at JAVA_HOME: one line saying what to install', async () => {
    const r = await mqCluster(['up'], { JAVA_HOME: join(scratch, 'no-such-jdk') });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `mq-cluster needs Java 17+ to run Apache Kafka, and ${join(scratch, 'no-such-jdk', 'bin', 'java')} does not exist: install a JDK 17 or newer (e.g. \`sudo apt install openjdk-17-jre-headless\`, \`brew install openjdk@17\`, or https://adoptium.net) or set JAVA_HOME\n`,
    );
  });

  it('Java 11: one line naming the version found, and nothing downloaded', async () => {
    const home = fakeJavaHome('openjdk version "11.0.22" 2024-01-16');
    const r = await mqCluster(['up', '--brokers', '1'], { JAVA_HOME: home });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^mq-cluster needs Java 17\\+ to run Apache Kafka, and ${join(home, 'bin', 'java')} is Java 11: install a JDK 17 or newer .* or set JAVA_HOME\\n$`));
    expect(r.stderr).not.toContain('Downloading');
  });
});

describe('mq-cluster usage', () => {
  it.each([
    [['up', '--brokers', '0'], "mq-cluster: --brokers must be 1-9, not 0\nSee 'mq-cluster --help'.\n"],
    [['up', '--brokers', 'three'], "mq-cluster: Invalid value for --brokers: 'three' (a whole number)\nSee 'mq-cluster --help'.\n"],
    [['up', '--kafka-version', '2.8'], "mq-cluster: Kafka 2.8 is not one mq-cluster knows: it ships checksums for 3.9.2, 4.4.0 (--kafka-version 3.9 or 4 picks the newest of that line)\nSee 'mq-cluster --help'.\n"],
    [['up', '--base-port', '80'], "mq-cluster: --base-port must be 1024-65426, not 80\nSee 'mq-cluster --help'.\n"],
  ])('%j', async (args, stderr) => {
    const r = await mqCluster(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(stderr);
  });

  it('status without a cluster exits 3 and says how to start one; the node commands say the same', async () => {
    const dir = join(scratch, 'data', 'cluster');
    const s = await mqCluster(['status']);
    expect(s.code).toBe(3);
    expect(s.stderr).toBe(`No mq-cluster in ${dir}: start one with \`mq-cluster up\`\n`);
    for (const cmd of [['stop-node', '1'], ['start-node', '1'], ['kill-node', '1'], ['logs', '1']]) {
      const r = await mqCluster(cmd);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`No mq-cluster in ${dir}: start one with \`mq-cluster up\`\n`);
    }
    const d = await mqCluster(['down']);
    expect(d.code).toBe(0);
    expect(d.stderr).toBe(`No mq-cluster in ${dir}\n`);
  });

  it('--help lists every subcommand', async () => {
    const r = await mqCluster(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['up', 'status', 'stop-node', 'start-node', 'kill-node', 'logs', 'down', 'fetch']) expect(r.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
  });
});

describe('a cluster whose nodes are not running (a state file written as up leaves it)', () => {
  const dataDir = join(scratch, 'stopped');
  const dir = join(dataDir, 'cluster');
  const extra = { MQ_DATA_DIR: dataDir };
  // Node 1's pid is this test process: alive, but not that node's JVM, so it must never be taken for one (a reused pid).
  const state = {
    version: 1, kafkaVersion: '4.4.0', clusterId: 'NhO-0ycFcwJnYcyoxDTCmQ', basePort: 29092, heapMb: 256, createdAt: '2026-12-06T21:00:00.000Z',
    nodes: [
      { id: 1, port: 29092, controllerPort: 29192, pid: process.pid },
      { id: 2, port: 29093, controllerPort: 29193, pid: null },
    ],
  };

  it('status shows every node down (a live pid that is not the node is not believed), as JSON too', async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'cluster.json'), JSON.stringify(state));
    const r = await mqCluster(['status'], extra);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Kafka 4\.4\.0 cluster NhO-0ycFcwJnYcyoxDTCmQ: 0 of 2 nodes up\nNODE +STATE +PID +ADDRESS +CONTROLLER\n1 +down +- +localhost:29092\n2 +down +- +localhost:29093\n/);
    expect(r.stdout).toContain('Under-replicated partitions: unknown (no node answered); offline partitions: unknown (no node answered)\n');
    const j = JSON.parse((await mqCluster(['status', '--output', 'json'], extra)).stdout) as { nodes: { state: string; pid: number | null }[]; controller: number | null };
    expect(j.nodes).toEqual([expect.objectContaining({ state: 'down', pid: null }), expect.objectContaining({ state: 'down', pid: null })]);
    expect(j.controller).toBeNull();
  });

  it('kill-node and stop-node of a node that is not running say so and signal nothing', async () => {
    const k = await mqCluster(['kill-node', '1'], extra);
    expect(k.code).toBe(0);
    expect(k.stderr).toBe('Node 1 is not running\n');
    const s = await mqCluster(['stop-node', '2'], extra);
    expect(s.stderr).toBe('Node 2 is not running\n');
  });

  it('logs prints the node\'s log, --tail its end, --follow what is appended until SIGTERM', async () => {
    const log = join(dir, 'node-1', 'server.log');
    mkdirSync(join(dir, 'node-1'), { recursive: true });
    writeFileSync(log, 'line 1\nline 2\nline 3\n');
    expect((await mqCluster(['logs', '1'], extra)).stdout).toBe('line 1\nline 2\nline 3\n');
    expect((await mqCluster(['logs', '1', '--tail', '1'], extra)).stdout).toBe('line 3\n');
    const f = start(process.execPath, [resolve('bin', 'mq-cluster.js'), 'logs', '1', '--tail', '1', '--follow'], { env: { ...env, ...extra } });
    await waitFor(() => f.stdout === 'line 3\n', { message: 'the last line' });
    appendFileSync(log, 'line 4\n');
    await waitFor(() => f.stdout === 'line 3\nline 4\n', { message: 'the appended line' });
    f.kill('SIGTERM');
    const r = await f.done;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('line 3\nline 4\n');
  });

  it('a node number the cluster does not have', async () => {
    for (const n of ['3', '0', 'x']) {
      const r = await mqCluster(['logs', n], extra);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`There is no node ${n}: this cluster has nodes 1-2\n`);
    }
  });

  it('up asking for another cluster than the one there is refused with what to do', async () => {
    const r = await mqCluster(['up', '--brokers', '3', '--kafka-version', '3.9'], extra);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`The cluster in ${dir} has 2 brokers, Kafka 4.4.0: remove it first with \`mq-cluster down --purge\` (its topics are lost), or pass another --data-dir\n`);
  });

  it('a damaged state file is reported, never used', async () => {
    writeFileSync(join(dir, 'cluster.json'), '{"version":1,');
    const r = await mqCluster(['status'], extra);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`${join(dir, 'cluster.json')} is not an mq-cluster state file (not JSON); remove it or run \`mq-cluster down --purge\`\n`);
  });

  it('down --purge still removes a directory whose state file is damaged, with a warning', async () => {
    const r = await mqCluster(['down', '--purge'], extra);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      `${join(dir, 'cluster.json')} is not an mq-cluster state file (not JSON): no node can be stopped from it, so check for java processes left running\n` +
        `Removed ${dir} (configs, data and logs of every node); downloaded jars stay cached\n`,
    );
    expect(existsSync(dir)).toBe(false);
  });

  it('down --purge removes the directory', async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'cluster.json'), JSON.stringify(state));
    const r = await mqCluster(['down', '--purge'], extra);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`No node was running\nRemoved ${dir} (configs, data and logs of every node); downloaded jars stay cached\n`);
    expect(existsSync(dir)).toBe(false);
  });
});
