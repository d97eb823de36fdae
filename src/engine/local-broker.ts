/**
 * Finding, starting and stopping the local broker of a data directory.
 *
 * broker.json names the running broker; broker.lock (created with O_EXCL) makes sure only one
 * broker ever runs per data directory, even when two terminals auto-start one at the same moment.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync, fstatSync, readFileSync, unlinkSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BROKER_INFO_FILE,
  BROKER_LOCK_FILE,
  BROKER_LOG_FILE,
  readBrokerInfo,
  type BrokerInfo,
} from './data-dir.js';
import { nodeExecutable, ownPid, processAlive, terminate } from './os-process.js';
import { probeApiVersions } from './probe.js';
import { ReportableError } from './errors.js';

export class BrokerLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`Another mq broker (pid ${pid}) is already running for data directory ${dataDir}`);
  }
}

/** Takes the data directory's lock for this process, clearing a lock left by a dead process. */
export function acquireLock(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, BROKER_LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeFileSync(fd, String(ownPid()));
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(path, 'utf8').trim() === String(ownPid())) unlinkSync(path);
        } catch {
          /* already gone */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let owner: number;
      try {
        owner = Number(readFileSync(path, 'utf8').trim());
      } catch {
        continue;
      }
      if (Number.isInteger(owner) && owner > 0 && processAlive(owner) && owner !== ownPid()) {
        throw new BrokerLockedError(dataDir, owner);
      }
      try {
        unlinkSync(path); // stale: its process is gone
      } catch {
        /* someone else cleared it */
      }
    }
  }
  throw new Error(`could not lock ${path}`);
}

export function writeBrokerInfo(dataDir: string, info: BrokerInfo): void {
  const path = join(dataDir, BROKER_INFO_FILE);
  writeFileSync(`${path}.tmp`, JSON.stringify(info, null, 2) + '\n');
  renameSync(`${path}.tmp`, path);
}

export function removeBrokerInfo(dataDir: string): void {
  try {
    const info = JSON.parse(readFileSync(join(dataDir, BROKER_INFO_FILE), 'utf8')) as BrokerInfo;
    if (info.pid !== ownPid()) return;
    unlinkSync(join(dataDir, BROKER_INFO_FILE));
  } catch {
    /* nothing to remove */
  }
}

/** The broker running for this data directory, if its process is alive and it answers. */
export async function findRunningBroker(dataDir: string): Promise<BrokerInfo | null> {
  const info = await readBrokerInfo(dataDir);
  if (!info || !processAlive(info.pid)) return null;
  return (await probeApiVersions(info.host, info.port)) ? info : null;
}

const brokerBin = fileURLToPath(new URL('../../bin/mq-broker.js', import.meta.url));

export interface DaemonOptions {
  /** The environment the daemon inherits (the command's own). */
  env: NodeJS.ProcessEnv;
  listen?: string;
  overrides?: string[];
  config?: string;
  /** Passed on as `--log-level` (debug, info or warn). */
  logLevel?: string;
  timeoutMs?: number;
}

/**
 * Starts `mq-broker start` detached for this data directory and waits until it answers. If
 * another process won the race to start one, that broker is returned instead.
 */
export async function startDaemon(dataDir: string, opts: DaemonOptions): Promise<BrokerInfo & { startedHere: boolean }> {
  mkdirSync(dataDir, { recursive: true });
  const args = [brokerBin, 'start', '--data-dir', dataDir];
  if (opts.listen) args.push('--listen', opts.listen);
  if (opts.config) args.push('--config', opts.config);
  for (const o of opts.overrides ?? []) args.push('--override', o);
  if (opts.logLevel) args.push('--log-level', opts.logLevel);
  const logFile = join(dataDir, BROKER_LOG_FILE);
  const log = openSync(logFile, 'a');
  const logStart = fstatSync(log).size;
  const child = spawn(nodeExecutable(), args, { detached: true, stdio: ['ignore', log, log], env: { ...opts.env, MQ_DAEMON: '1' } });
  closeSync(log);
  // Widened on purpose: set by the 'exit' listener, which the compiler's flow analysis cannot see.
  let exited = null as number | null;
  child.on('exit', (code) => (exited = code ?? 1));
  child.unref();
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  while (Date.now() < deadline) {
    const info = await findRunningBroker(dataDir);
    if (info) return { ...info, startedHere: info.pid === child.pid };
    if (exited !== null) {
      // Lost a start race: the winner may still be coming up.
      const winner = await waitForBroker(dataDir, 3000);
      if (winner) return { ...winner, startedHere: false };
      // The daemon's own words (a damaged metadata file, a bad setting) belong in the terminal
      // that started it, not only in broker.log.
      const why = lastLine(readFileSync(logFile).subarray(logStart).toString('utf8'));
      throw new ReportableError(`the broker exited with code ${exited}${why ? `: ${why}` : ''} (see ${logFile})`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`the broker did not answer within ${opts.timeoutMs ?? 10_000} ms; see ${join(dataDir, BROKER_LOG_FILE)}`);
}

function lastLine(text: string): string | undefined {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  return lines[lines.length - 1];
}

export async function waitForBroker(dataDir: string, timeoutMs: number): Promise<BrokerInfo | null> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const info = await findRunningBroker(dataDir);
    if (info) return info;
    await new Promise((r) => setTimeout(r, 50));
  }
  return null;
}

/** Sends SIGTERM and waits for the process to exit. Returns the stopped broker, or null. */
export async function stopBroker(dataDir: string, timeoutMs = 15_000): Promise<BrokerInfo | null> {
  const info = await readBrokerInfo(dataDir);
  if (!info || !processAlive(info.pid)) return null;
  terminate(info.pid);
  const deadline = Date.now() + timeoutMs;
  while (processAlive(info.pid)) {
    if (Date.now() > deadline) throw new Error(`broker pid ${info.pid} did not stop within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return info;
}
