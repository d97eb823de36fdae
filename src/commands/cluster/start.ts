/**
 * Starting nodes: the first `up` (configs written, storage formatted, every node spawned) and
 * every later start of a stopped node (`up` again, `start-node N`), which reuses its config and data.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import type { Io } from '../../cli/io.js';
import { CommandError } from '../../cli/errors.js';
import { checkJava } from './java.js';
import { kafkaJars } from './fetch-jars.js';
import { clusterIdFrom, clusterPlan, formatJvmArgs, loggingConfig, nodeJvmArgs, serverProperties, type ClusterPlan } from './node-config.js';
import { spawnNode, isNodeProcess } from './processes.js';
import { readState, withNodePid, writeState, type ClusterState } from './state.js';
import { nodeDir } from './node-config.js';
import { tailLines } from './logs.js';

/** Resolves false when something already listens on 127.0.0.1:port. */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen({ port, host: '127.0.0.1', exclusive: true }, () => s.close(() => resolve(true)));
  });
}

async function checkPortsFree(plan: ClusterPlan, ids: readonly number[]): Promise<void> {
  for (const n of plan.nodes.filter((x) => ids.includes(x.id))) {
    for (const port of [n.port, n.controllerPort]) {
      if (!(await portFree(port))) {
        throw new CommandError(`Port ${port} (node ${n.id}) is already in use on 127.0.0.1: stop what listens there or choose another --base-port`);
      }
    }
  }
}

export function planOf(dir: string, state: Pick<ClusterState, 'nodes' | 'basePort'>): ClusterPlan {
  return clusterPlan({ brokers: state.nodes.length, basePort: state.basePort, clusterDir: dir });
}

/** First `up`: writes every node's files and formats its storage with one new cluster id. */
export interface NewCluster {
  brokers: number;
  basePort: number;
  kafkaVersion: string;
  heapMb: number;
}

/** `java` is the checked binary when the caller already ran checkJava. */
export async function createCluster(dir: string, o: NewCluster, io: Io, java?: string): Promise<ClusterState> {
  java ??= await checkJava(io.env);
  const plan = clusterPlan({ brokers: o.brokers, basePort: o.basePort, clusterDir: dir });
  await checkPortsFree(plan, plan.nodes.map((n) => n.id));
  const { list, jars } = await kafkaJars(o.kafkaVersion, io);
  const classpath = jars.join(delimiter);
  const clusterId = clusterIdFrom(randomBytes(16));
  const log = loggingConfig(list.logging);
  for (const node of plan.nodes) {
    // No state file, so no `up` finished here: whatever a node directory holds is an interrupted
    // set-up (kafka-storage format refuses a directory formatted already, with another cluster id).
    await rm(node.dir, { recursive: true, force: true });
    await mkdir(node.dataDir, { recursive: true });
    await writeFile(node.propertiesFile, serverProperties(plan, node, o.kafkaVersion));
    await writeFile(join(node.dir, log.file), log.text);
  }
  await Promise.all(plan.nodes.map((node) => new Promise<void>((resolve, reject) => {
    execFile(java, formatJvmArgs({ node, classpath, clusterId, logging: list.logging }), { env: io.env, timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) reject(new CommandError(`kafka-storage format failed for node ${node.id}: ${`${stderr}${stdout}`.trim().split('\n').slice(-3).join(' ')}`));
      else resolve();
    });
  })));
  const state: ClusterState = {
    version: 1,
    kafkaVersion: o.kafkaVersion,
    clusterId,
    basePort: o.basePort,
    heapMb: o.heapMb,
    createdAt: new Date().toISOString(),
    nodes: plan.nodes.map((n) => ({ id: n.id, port: n.port, controllerPort: n.controllerPort, pid: null })),
  };
  await writeState(dir, state);
  return state;
}

/**
 * Spawns the given nodes (those not already running) and records their pids. The state is
 * re-read and written per node, so a `start-node` beside a running `status` loses nothing.
 */
export async function startNodes(dir: string, state: ClusterState, ids: readonly number[], io: Io, checkedJava?: string): Promise<ClusterState> {
  const todo = state.nodes.filter((n) => ids.includes(n.id) && !isNodeProcess(n.pid, nodeDir(dir, n.id)));
  if (todo.length === 0) return state;
  const java = checkedJava ?? (await checkJava(io.env));
  const plan = planOf(dir, state);
  await checkPortsFree(plan, todo.map((n) => n.id));
  const { list, jars } = await kafkaJars(state.kafkaVersion, io);
  const classpath = jars.join(delimiter);
  let current = state;
  for (const n of todo) {
    const node = plan.nodes[n.id - 1]!;
    const pid = spawnNode(java, nodeJvmArgs({ node, classpath, heapMb: state.heapMb, logging: list.logging }), node.dir, io.env);
    current = withNodePid((await readState(dir)) ?? current, n.id, pid);
    await writeState(dir, current);
  }
  return current;
}

/** The first dead node among `ids` with the end of its logs, for a wait to fail with. */
export function deadNode(dir: string, state: ClusterState, ids: readonly number[]): string | undefined {
  for (const n of state.nodes.filter((x) => ids.includes(x.id))) {
    const d = nodeDir(dir, n.id);
    if (!isNodeProcess(n.pid, d)) {
      const tail = [...tailLines(join(d, 'console.log'), 5), ...tailLines(join(d, 'server.log'), 5)].join('\n');
      return `Kafka node ${n.id} exited while starting; its last log lines:\n${tail || '(none)'}`;
    }
  }
  return undefined;
}
