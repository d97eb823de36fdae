/**
 * Processes and temporary files for the bench scripts: run a command with its stdin from a file
 * and time it, start the mq broker as a child and wait until it says it is listening, and make
 * sure everything started here is stopped and every temp dir removed on exit or Ctrl-C.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nowMs } from './stats.mjs';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BROKER_BIN = path.join(REPO_ROOT, 'bin', 'mq-broker.js');

const children = new Set();
const tempDirs = new Set();

/** Kills every child still running and removes every temp dir made with makeTempDir(). */
export function cleanupAll() {
  for (const c of children) {
    try {
      c.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }
  children.clear();
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
  tempDirs.clear();
}

let hooked = false;
function hookExit() {
  if (hooked) return;
  hooked = true;
  process.on('exit', cleanupAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      cleanupAll();
      process.exit(130);
    });
  }
}

/** Registers a child spawned elsewhere so that cleanupAll() (exit, Ctrl-C) kills it too. */
export function track(child) {
  hookExit();
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** A fresh directory under os.tmpdir(), removed by removeTempDir() or at exit. */
export function makeTempDir(prefix = 'mq-bench-') {
  hookExit();
  const d = mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(d);
  return d;
}

export function removeTempDir(d) {
  rmSync(d, { recursive: true, force: true });
  tempDirs.delete(d);
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Prefixes argv with `taskset -c <cpus>` when cpus is given (string like "0" or "1"). */
export function pinned(cpus, cmd, args) {
  return cpus == null ? [cmd, args] : ['taskset', ['-c', String(cpus), cmd, ...args]];
}

/**
 * Runs cmd to completion. Options: stdinFile (path fed as stdin), stdout ('ignore' or 'pipe';
 * 'ignore' is /dev/null), cpus (taskset list), env, timeoutMs. Resolves
 * { code, signal, ms, stdout, stderr } where ms runs from spawn() to exit.
 */
export function run(cmd, args, opts = {}) {
  const [c, a] = pinned(opts.cpus, cmd, args);
  const stdinFd = opts.stdinFile ? openSync(opts.stdinFile, 'r') : 'ignore';
  return new Promise((resolve, reject) => {
    const t0 = nowMs();
    let child;
    try {
      child = track(spawn(c, a, { stdio: [stdinFd, opts.stdout ?? 'ignore', 'pipe'], env: opts.env ?? process.env }));
    } catch (err) {
      if (typeof stdinFd === 'number') closeSync(stdinFd);
      reject(err);
      return;
    }
    if (typeof stdinFd === 'number') closeSync(stdinFd);
    const out = [];
    const err = [];
    child.stdout?.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : null;
    child.once('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      const ms = nowMs() - t0;
      if (timer) clearTimeout(timer);
      resolve({ code, signal, ms, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
  });
}

/**
 * Spawns `node bin/mq-broker.js start --data-dir <dataDir> --listen 127.0.0.1:<port>` without
 * waiting. Options: port (required here), cpus (taskset), nodeArgs (e.g. ['--cpu-prof',
 * '--cpu-prof-dir', dir]), overrides (['key=value']), readyTimeoutMs. Returns
 * { pid, port, address, child, spawnedAt, ready, isDead(), stderr(), stop() } where `ready`
 * resolves (nowMs clock) when "listening on" appears on the broker's stderr.
 */
export function spawnBroker(dataDir, opts) {
  const port = opts.port;
  const args = [...(opts.nodeArgs ?? []), BROKER_BIN, 'start', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`];
  for (const o of opts.overrides ?? []) args.push('--override', o);
  const [c, a] = pinned(opts.cpus, process.execPath, args);
  const spawnedAt = nowMs();
  const child = track(spawn(c, a, { stdio: ['ignore', 'ignore', 'pipe'], cwd: REPO_ROOT }));
  let log = '';
  const exited = new Promise((res) => child.once('exit', (code, signal) => res({ code, signal })));
  const readyTimeoutMs = opts.readyTimeoutMs ?? 15000;
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`broker did not say "listening on" within ${readyTimeoutMs} ms:\n${log}`)), readyTimeoutMs);
    child.stderr.on('data', (d) => {
      log += d.toString();
      if (log.includes('listening on')) {
        clearTimeout(timer);
        resolve(nowMs());
      }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`broker exited (${signal ?? code}) before listening:\n${log}`));
    });
  });
  ready.catch(() => {});
  const isDead = () => child.exitCode !== null || child.signalCode !== null;
  return {
    pid: child.pid,
    port,
    address: `127.0.0.1:${port}`,
    child,
    spawnedAt,
    ready,
    isDead,
    stderr: () => log,
    /** SIGTERM, then SIGKILL after graceMs; resolves with the exit status. */
    async stop(graceMs = 5000) {
      if (isDead()) return exited;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const r = await exited;
      clearTimeout(t);
      return r;
    },
  };
}

/** spawnBroker on a free port (unless opts.port), then waits for "listening on"; adds readyMs. */
export async function startBroker(dataDir, opts = {}) {
  const port = opts.port ?? (await freePort());
  const b = spawnBroker(dataDir, { ...opts, port });
  try {
    const at = await b.ready;
    return { ...b, readyMs: at - b.spawnedAt };
  } catch (err) {
    await b.stop();
    throw err;
  }
}
