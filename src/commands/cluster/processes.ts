/**
 * The nodes' JVMs as operating-system processes: started detached (their own session and
 * process group, so they outlive the shell that ran `up`), found again by pid from the state file,
 * stopped with SIGTERM (Kafka's controlled shutdown) and, past the grace, SIGKILL.
 *
 * A pid in the state file is only believed while /proc says that process is the node's JVM
 * (its command line names the node's directory): a reused pid is never signalled.
 *
 * MQ_CLUSTER_OWNER_PID (tests, benchmarks): each node also gets a small watcher process
 * (src/cli/cluster-watchdog.ts) that kills the JVM when that pid is gone, so a harness killed with
 * SIGKILL leaves no JVM behind. Users never set it, and their clusters run until `down`.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeExecutable, processAlive, signalGroup } from '../../engine/os-process.js';

export const CONSOLE_FILE = 'console.log';

/** Whether `pid` is alive and (where /proc exists) is the JVM of the node in `dir`. */
export function isNodeProcess(pid: number | null, dir: string): boolean {
  if (pid === null || !processAlive(pid)) return false;
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    // No /proc (macOS): the pid being alive is all there is to go on.
    return true;
  }
  return cmdline.split('\0').includes(`-Dmq.cluster.node=${dir}`);
}

/**
 * Starts `java args` detached with stdout/stderr appended to <dir>/console.log (the JVM's own
 * messages before logging starts: a bad option, a port in use). Returns its pid.
 */
export function spawnNode(java: string, args: readonly string[], dir: string, env: NodeJS.ProcessEnv): number {
  const out = openSync(join(dir, CONSOLE_FILE), 'a');
  try {
    const child = spawn(java, args, { cwd: dir, detached: true, stdio: ['ignore', out, out], env });
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${java}`);
    const owner = Number(env.MQ_CLUSTER_OWNER_PID);
    if (Number.isInteger(owner) && owner > 1) startWatchdog(owner, child.pid, env);
    return child.pid;
  } finally {
    closeSync(out);
  }
}

function startWatchdog(owner: number, pid: number, env: NodeJS.ProcessEnv): void {
  const script = fileURLToPath(new URL('../../cli/cluster-watchdog.js', import.meta.url));
  const w = spawn(nodeExecutable(), [script, String(owner), String(pid)], { detached: true, stdio: 'ignore', env });
  w.unref();
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits until the node's process is gone; false if it is still there after `ms`. */
export async function waitGone(pid: number, dir: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isNodeProcess(pid, dir)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

/**
 * SIGTERM, then SIGKILL after `graceMs`: Kafka shuts down in a few seconds when it can hand its
 * leaderships over, and can hang when the last controller quorum member is gone.
 */
export async function stopNode(pid: number, dir: string, graceMs: number): Promise<'stopped' | 'killed' | 'not-running'> {
  if (!isNodeProcess(pid, dir)) return 'not-running';
  signalGroup(pid, 'SIGTERM');
  if (await waitGone(pid, dir, graceMs)) return 'stopped';
  signalGroup(pid, 'SIGKILL');
  await waitGone(pid, dir, 10_000);
  return 'killed';
}

/** SIGKILL at once: a crash, for watching the others take over. */
export async function killNode(pid: number, dir: string): Promise<boolean> {
  if (!isNodeProcess(pid, dir)) return false;
  signalGroup(pid, 'SIGKILL');
  await waitGone(pid, dir, 10_000);
  return true;
}
