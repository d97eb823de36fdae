/**
 * The cluster's state file, <data-dir>/cluster/cluster.json: what `up` started (version, ports,
 * each node's pid), so `status`, `stop-node` and `down` work from any shell. Parsing is strict: a
 * file that does not read as a state is reported, never half-used.
 *
 *   const state = parseState(JSON.parse(text));
 *   await writeState(dir, withNodePid(state, 2, null));
 */
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { writeJsonAtomic } from '../../engine/log/atomic-file.js';
import { CommandError } from '../../cli/errors.js';

export const STATE_FILE = 'cluster.json';

export interface NodeState {
  id: number;
  port: number;
  controllerPort: number;
  /** The JVM's pid while `up`/`start-node` believe it runs; null once stopped. */
  pid: number | null;
}

export interface ClusterState {
  version: 1;
  kafkaVersion: string;
  clusterId: string;
  basePort: number;
  heapMb: number;
  createdAt: string;
  nodes: NodeState[];
}

/** A CommandError: cli/run.ts prints its message as the one line. */
export class StateFileError extends CommandError {}

function bad(file: string, what: string): never {
  throw new StateFileError(`${file} is not an mq-cluster state file (${what}); remove it or run \`mq-cluster down --purge\``);
}

const isPort = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0 && v < 65536;

export function parseState(doc: unknown, file = STATE_FILE): ClusterState {
  if (typeof doc !== 'object' || doc === null) bad(file, 'not an object');
  const d = doc as Record<string, unknown>;
  if (d.version !== 1) bad(file, `version ${String(d.version)}`);
  if (typeof d.kafkaVersion !== 'string' || !/^\d+\.\d+\.\d+$/.test(d.kafkaVersion)) bad(file, 'kafkaVersion');
  if (typeof d.clusterId !== 'string' || !/^[A-Za-z0-9_-]{22}$/.test(d.clusterId)) bad(file, 'clusterId');
  if (!isPort(d.basePort)) bad(file, 'basePort');
  if (typeof d.heapMb !== 'number' || !Number.isInteger(d.heapMb) || d.heapMb < 64) bad(file, 'heapMb');
  if (typeof d.createdAt !== 'string') bad(file, 'createdAt');
  if (!Array.isArray(d.nodes) || d.nodes.length === 0) bad(file, 'nodes');
  const nodes = d.nodes.map((n: unknown, i): NodeState => {
    const r = (typeof n === 'object' && n !== null ? n : {}) as Record<string, unknown>;
    if (r.id !== i + 1) bad(file, `node ${i + 1}'s id`);
    if (!isPort(r.port) || !isPort(r.controllerPort)) bad(file, `node ${i + 1}'s ports`);
    if (r.pid !== null && !(typeof r.pid === 'number' && Number.isInteger(r.pid) && r.pid > 1)) bad(file, `node ${i + 1}'s pid`);
    return { id: r.id, port: r.port, controllerPort: r.controllerPort, pid: r.pid };
  });
  return { version: 1, kafkaVersion: d.kafkaVersion, clusterId: d.clusterId, basePort: d.basePort, heapMb: d.heapMb, createdAt: d.createdAt, nodes };
}

export function withNodePid(state: ClusterState, id: number, pid: number | null): ClusterState {
  return { ...state, nodes: state.nodes.map((n) => (n.id === id ? { ...n, pid } : n)) };
}

/** The state, or undefined when no cluster was set up in this directory. */
export async function readState(clusterDir: string): Promise<ClusterState | undefined> {
  const file = join(clusterDir, STATE_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    bad(file, 'not JSON');
  }
  return parseState(doc, file);
}

/** Replaced atomically: a crash mid-write leaves the old state, never a torn file. */
export async function writeState(clusterDir: string, state: ClusterState): Promise<void> {
  await writeJsonAtomic(join(clusterDir, STATE_FILE), state);
}
