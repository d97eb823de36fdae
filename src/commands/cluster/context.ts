/**
 * Where a cluster lives and what every action needs first: <data-dir>/cluster (the state file and
 * one directory per node), the jar cache, the pinned artifact list of a version, the readiness wait.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { resolveDataDir } from '../../engine/data-dir.js';
import { Cluster } from '../../engine/client/cluster.js';
import { CommandError } from '../../cli/errors.js';
import { checkRepoUrl, parseArtifactList, type ArtifactList } from './artifacts.js';
import { nodeDir } from './node-config.js';
import { readState, type ClusterState, type NodeState } from './state.js';
import { isNodeProcess } from './processes.js';

export function clusterDir(dataDirFlag: string | undefined, env: NodeJS.ProcessEnv): string {
  return join(resolveDataDir(dataDirFlag, env), 'cluster');
}

/** $XDG_CACHE_HOME/mq or ~/.cache/mq; jars under maven/ in Maven's layout. */
export function cacheDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache');
  return join(base, 'mq', 'maven');
}

export function mavenRepo(env: NodeJS.ProcessEnv): string | undefined {
  if (!env.MQ_MAVEN_REPO) return undefined;
  try {
    return checkRepoUrl(env.MQ_MAVEN_REPO);
  } catch (err) {
    throw new CommandError((err as Error).message);
  }
}

export async function loadArtifactList(version: string): Promise<ArtifactList> {
  const text = await readFile(new URL(`./artifacts/kafka-${version}.json`, import.meta.url), 'utf8');
  const list = parseArtifactList(JSON.parse(text));
  if (list.kafka !== version) throw new Error(`artifacts/kafka-${version}.json lists Kafka ${list.kafka}`);
  return list;
}

export async function requireState(dir: string): Promise<ClusterState> {
  const state = await readState(dir);
  if (!state) throw new CommandError(`No mq-cluster in ${dir}: start one with \`mq-cluster up\``);
  return state;
}

export function requireNode(state: ClusterState, arg: string): NodeState {
  const id = Number(arg);
  const node = state.nodes.find((n) => n.id === id);
  if (!node || !/^\d+$/.test(arg)) {
    throw new CommandError(`There is no node ${arg}: this cluster has nodes 1-${state.nodes.length}`);
  }
  return node;
}

export function nodeRunning(dir: string, n: NodeState): boolean {
  return isNodeProcess(n.pid, nodeDir(dir, n.id));
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Waits until Metadata, asked through mq's own client on any running node, lists `want` brokers.
 * `alive` is polled too, so a JVM that died during start fails the wait at once.
 */
export async function waitForBrokers(
  addresses: readonly string[],
  want: number,
  timeoutMs: number,
  alive: () => string | undefined,
): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no node answered';
  while (Date.now() < deadline) {
    const dead = alive();
    if (dead) throw new CommandError(dead);
    let cluster: Cluster | undefined;
    try {
      cluster = await Cluster.connect(addresses, { connectTimeoutMs: 2000, setupTimeoutMs: 3000, requestTimeoutMs: 5000, clientId: 'mq-cluster' });
      const md = await cluster.metadata([]);
      const ids = md.brokers.map((b) => b.nodeId).sort((a, b) => a - b);
      if (ids.length >= want) return ids;
      last = `Metadata lists broker(s) ${ids.join(', ') || 'none'}`;
    } catch (err) {
      last = (err as Error).message;
    } finally {
      await cluster?.close().catch(() => undefined);
    }
    await sleep(250);
  }
  throw new CommandError(`The cluster did not answer with ${want} broker(s) within ${Math.round(timeoutMs / 1000)} s (${last}); see \`mq-cluster logs N\``);
}
