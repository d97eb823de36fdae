/**
 * The mq-cluster subcommands. Lines meant for the user's shell go to stdout (`up`'s export line,
 * so `eval "$(mq-cluster up)"` works; `status`; `logs`); progress and notes go to stderr.
 */
import { existsSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Io } from '../../cli/io.js';
import { createOutput } from '../../cli/output.js';
import { CommandError, UsageError } from '../../cli/errors.js';
import { resolveKafkaVersion } from './artifacts.js';
import { clusterDir, nodeRunning, requireNode, requireState, waitForBrokers } from './context.js';
import { kafkaJars } from './fetch-jars.js';
import { checkJava } from './java.js';
import { shutdownSignal } from '../../engine/os-process.js';
import { followFile, tailLines } from './logs.js';
import { bootstrapServers, checkBasePort, checkBrokerCount, DEFAULT_BASE_PORT, DEFAULT_HEAP_MB, nodeDir } from './node-config.js';
import { killNode, stopNode } from './processes.js';
import { createCluster, deadNode, planOf, startNodes } from './start.js';
import { readState, StateFileError, withNodePid, writeState, type ClusterState } from './state.js';
import { clusterStatus, statusText } from './status.js';

export interface CommonOptions {
  dataDir?: string;
}

export interface UpOptions extends CommonOptions {
  brokers?: string;
  kafkaVersion?: string;
  basePort?: string;
  heapMb?: string;
  timeoutMs?: string;
}

function intOption(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v.trim())) throw new UsageError(`Invalid value for --${name}: '${v}' (a whole number)`);
  return Number(v);
}

function usage<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    throw err instanceof CommandError || err instanceof UsageError ? err : new UsageError((err as Error).message);
  }
}

const READY_TIMEOUT_MS = 120_000;

async function waitReady(dir: string, state: ClusterState, timeoutMs: number): Promise<void> {
  const up = state.nodes.filter((n) => nodeRunning(dir, n));
  await waitForBrokers(up.map((n) => `127.0.0.1:${n.port}`), up.length, timeoutMs, () => deadNode(dir, state, up.map((n) => n.id)));
}

export async function up(opts: UpOptions, io: Io): Promise<void> {
  const out = createOutput(io);
  const dir = clusterDir(opts.dataDir, io.env);
  const brokers = usage(() => checkBrokerCount(intOption('brokers', opts.brokers, 3)));
  const basePort = usage(() => checkBasePort(intOption('base-port', opts.basePort, DEFAULT_BASE_PORT)));
  const heapMb = intOption('heap-mb', opts.heapMb, DEFAULT_HEAP_MB);
  if (heapMb < 128) throw new UsageError(`--heap-mb must be at least 128, not ${heapMb}`);
  const timeoutMs = intOption('timeout-ms', opts.timeoutMs, READY_TIMEOUT_MS);
  const kafkaVersion = usage(() => resolveKafkaVersion(opts.kafkaVersion));
  const started = Date.now();
  let state = await readState(dir);
  let verb: string;
  if (state) {
    // An existing cluster is reused as it was set up; flags that ask for another one are refused.
    const differs: string[] = [];
    if (opts.brokers !== undefined && brokers !== state.nodes.length) differs.push(`${state.nodes.length} brokers`);
    if (opts.kafkaVersion !== undefined && kafkaVersion !== state.kafkaVersion) differs.push(`Kafka ${state.kafkaVersion}`);
    if (opts.basePort !== undefined && basePort !== state.basePort) differs.push(`base port ${state.basePort}`);
    if (differs.length) {
      throw new CommandError(`The cluster in ${dir} has ${differs.join(', ')}: remove it first with \`mq-cluster down --purge\` (its topics are lost), or pass another --data-dir`);
    }
    const down = state.nodes.filter((n) => !nodeRunning(dir, n)).map((n) => n.id);
    verb = down.length === 0 ? 'already running' : down.length === state.nodes.length ? 'started' : `running again (started node${down.length > 1 ? 's' : ''} ${down.join(', ')})`;
    state = await startNodes(dir, state, down, io);
  } else {
    const java = await checkJava(io.env);
    out.status(`Creating a ${brokers}-node Apache Kafka ${kafkaVersion} cluster (KRaft, combined broker+controller nodes) in ${dir}`);
    state = await createCluster(dir, { brokers, basePort, kafkaVersion, heapMb }, io, java);
    state = await startNodes(dir, state, state.nodes.map((n) => n.id), io, java);
    verb = 'started';
  }
  await out.spin(`waiting for ${state.nodes.length} brokers to register`, waitReady(dir, state, timeoutMs));
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  const plan = planOf(dir, state);
  out.status(`Kafka ${state.kafkaVersion} cluster of ${state.nodes.length} nodes ${verb}: every broker answers Metadata (${verb === 'already running' ? 'checked' : 'ready'} in ${secs} s)`);
  out.status('Point the mq tools at it with:');
  out.line(`export MQ_BOOTSTRAP_SERVER=${bootstrapServers(plan)}`);
}

export async function status(opts: CommonOptions & { output?: string }, io: Io): Promise<void> {
  const dir = clusterDir(opts.dataDir, io.env);
  const state = await readState(dir);
  const out = createOutput(io, { format: opts.output === 'json' ? 'json' : 'text' });
  if (!state) {
    if (out.json) out.document({ nodes: [] });
    throw new CommandError(out.json ? '' : `No mq-cluster in ${dir}: start one with \`mq-cluster up\``, 3);
  }
  const s = await clusterStatus(dir, state);
  if (out.json) out.document(s);
  else out.lines(statusText(s));
}

export async function stopNodeAction(id: string, opts: CommonOptions, io: Io): Promise<void> {
  const dir = clusterDir(opts.dataDir, io.env);
  const state = await requireState(dir);
  const n = requireNode(state, id);
  const out = createOutput(io);
  if (n.pid === null || !nodeRunning(dir, n)) {
    out.status(`Node ${n.id} is not running`);
  } else {
    const how = await stopNode(n.pid, nodeDir(dir, n.id), 30_000);
    out.status(how === 'killed' ? `Node ${n.id} did not stop within 30 s and was killed` : `Node ${n.id} stopped (controlled shutdown)`);
  }
  await writeState(dir, withNodePid((await readState(dir)) ?? state, n.id, null));
}

export async function killNodeAction(id: string, opts: CommonOptions, io: Io): Promise<void> {
  const dir = clusterDir(opts.dataDir, io.env);
  const state = await requireState(dir);
  const n = requireNode(state, id);
  const killed = n.pid !== null && (await killNode(n.pid, nodeDir(dir, n.id)));
  createOutput(io).status(killed ? `Node ${n.id} killed (SIGKILL, pid ${n.pid})` : `Node ${n.id} is not running`);
  await writeState(dir, withNodePid((await readState(dir)) ?? state, n.id, null));
}

export async function startNodeAction(id: string, opts: CommonOptions & { timeoutMs?: string }, io: Io): Promise<void> {
  const dir = clusterDir(opts.dataDir, io.env);
  let state = await requireState(dir);
  const n = requireNode(state, id);
  const out = createOutput(io);
  if (nodeRunning(dir, n)) {
    out.status(`Node ${n.id} is already running (pid ${n.pid})`);
    return;
  }
  const started = Date.now();
  state = await startNodes(dir, state, [n.id], io);
  const node = state.nodes[n.id - 1]!;
  await out.spin(`waiting for node ${n.id} to register`, waitForBrokers(
    [`127.0.0.1:${node.port}`], 1, intOption('timeout-ms', opts.timeoutMs, READY_TIMEOUT_MS),
    () => deadNode(dir, state, [n.id]),
  ).then(async (ids) => {
    // Its own answer lists it only once it registered with the controller and was unfenced.
    if (!ids.includes(n.id)) await waitReady(dir, state, READY_TIMEOUT_MS);
  }));
  out.status(`Node ${n.id} started (pid ${node.pid}, localhost:${node.port}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

export async function logs(id: string, opts: CommonOptions & { tail?: string; follow?: boolean }, io: Io, signal?: AbortSignal): Promise<void> {
  const dir = clusterDir(opts.dataDir, io.env);
  const state = await requireState(dir);
  const n = requireNode(state, id);
  const count = opts.tail === undefined || opts.tail === 'all' ? Infinity : intOption('tail', opts.tail, 0);
  const d = nodeDir(dir, n.id);
  const lines = [...tailLines(join(d, 'console.log'), 200), ...tailLines(join(d, 'server.log'), Number.isFinite(count) ? count : 1e9)];
  const out = createOutput(io);
  out.lines(Number.isFinite(count) ? lines.slice(-count) : lines);
  if (opts.follow) {
    const file = join(d, 'server.log');
    // From the end just printed: the size now, or 0 while the node has not logged yet.
    const from = existsSync(file) ? statSync(file).size : 0;
    // Only while following does a signal end the command quietly; every other action dies of it as usual.
    let stop = signal;
    if (!stop) {
      const ac = new AbortController();
      void shutdownSignal().then(() => ac.abort());
      stop = ac.signal;
    }
    await followFile(file, from, (chunk) => out.write(chunk), stop);
  }
}

export async function down(opts: CommonOptions & { purge?: boolean }, io: Io): Promise<void> {
  const dir = clusterDir(opts.dataDir, io.env);
  const out = createOutput(io);
  let state: ClusterState | undefined;
  try {
    state = await readState(dir);
  } catch (err) {
    // The way out the error itself names: --purge still removes a directory whose state is unreadable.
    if (!(opts.purge && err instanceof StateFileError)) throw err;
    out.warn(`${err.message.replace(/; remove it.*$/, '')}: no node can be stopped from it, so check for java processes left running`);
  }
  if (state) {
    const running = state.nodes.filter((n) => n.pid !== null && nodeRunning(dir, n));
    // All at once: stopping one by one would move every leadership twice.
    const results = await Promise.all(running.map(async (n) => [n.id, await stopNode(n.pid!, nodeDir(dir, n.id), 30_000)] as const));
    let next = state;
    for (const n of state.nodes) next = withNodePid(next, n.id, null);
    if (!opts.purge) await writeState(dir, next);
    const killed = results.filter(([, r]) => r === 'killed').map(([id]) => id);
    out.status(running.length === 0 ? 'No node was running' : `Stopped ${running.length} node${running.length > 1 ? 's' : ''}${killed.length ? ` (killed after 30 s: ${killed.join(', ')})` : ''}`);
  } else if (!opts.purge) {
    out.status(`No mq-cluster in ${dir}`);
  }
  if (opts.purge) {
    await rm(dir, { recursive: true, force: true });
    out.status(`Removed ${dir} (configs, data and logs of every node); downloaded jars stay cached`);
  } else if (state) {
    out.status(`Data kept in ${dir}: \`mq-cluster up\` starts the same cluster again, \`mq-cluster down --purge\` removes it`);
  }
}

export async function fetchAction(opts: { kafkaVersion?: string }, io: Io): Promise<void> {
  const version = usage(() => resolveKafkaVersion(opts.kafkaVersion));
  const { jars } = await kafkaJars(version, io);
  createOutput(io).status(`Apache Kafka ${version}: ${jars.length} jars verified in the cache`);
}
