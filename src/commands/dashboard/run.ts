/**
 * mq-dashboard's run: checks the options, opens the session every tool opens (which may start the
 * local broker), starts the dashboard (dashboard.ts), prints the URL on stdout, opens the browser
 * with --open, and stops cleanly (the history saved) on SIGINT/SIGTERM.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { platform } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Io } from '../../cli/io.js';
import { UsageError } from '../../cli/errors.js';
import { Session, openSession, validateBootstrapServer } from '../../engine/client/connect.js';
import type { Cluster } from '../../engine/client/cluster.js';
import { parseHostPort } from '../../engine/client/cluster.js';
import { resolveDataDir } from '../../engine/data-dir.js';
import { sessionOptions, type ConnectionFlags } from '../shared/options.js';
import { isLoopback, parseAuth } from './auth.js';
import { startDashboard } from './dashboard.js';

export interface DashboardCliOptions extends ConnectionFlags {
  listen: string;
  open?: boolean;
  readOnly?: boolean;
  refreshMs: string;
  auth?: string;
}

/** The package's dist/web (the page's build), found from this file: dist/commands/dashboard -> dist/web. */
export function defaultAssetsDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'dist', 'web');
    dir = path.dirname(dir);
  }
  return path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'web');
}

/** HOST:PORT; port 0 asks the system for any free port (the printed URL says which). */
export function parseListen(value: string): { host: string; port: number } {
  const any = /^(.*):0$/.exec(value.trim());
  if (any && any[1]) return { host: any[1].replace(/^\[(.*)\]$/, '$1'), port: 0 };
  try {
    const { host, port } = parseHostPort(value);
    return { host, port };
  } catch {
    throw new UsageError(`--listen must be HOST:PORT (e.g. 127.0.0.1:8080), not '${value}'`);
  }
}

export function parseRefreshMs(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 100 || n > 3_600_000) throw new UsageError(`--refresh-ms must be an integer from 100 to 3600000 (milliseconds), not '${value}'`);
  return n;
}

function openBrowser(url: string, io: Io): void {
  const os = platform();
  const cmd = os === 'darwin' ? 'open' : os === 'win32' ? 'explorer' : 'xdg-open';
  const warn = (why: string) => io.stderr.write(`Warning: could not open a browser (${cmd}: ${why}); open ${url} yourself\n`);
  try {
    const child = spawn(cmd, [url], { stdio: 'ignore', detached: true });
    child.once('error', (e) => warn(e.message));
    child.once('exit', (code) => {
      if (code !== 0 && code !== null) warn(`exit code ${code}`);
    });
    child.unref();
  } catch (e) {
    warn((e as Error).message);
  }
}

export async function runDashboard(opts: DashboardCliOptions, io: Io, signal: AbortSignal): Promise<void> {
  const { host, port } = parseListen(opts.listen);
  const refreshMs = parseRefreshMs(opts.refreshMs);
  const auth = parseAuth(opts.auth);
  if (opts.auth !== undefined && opts.auth.trim() === '') throw new UsageError('--auth needs a token or user:password');
  if (!isLoopback(host) && auth.kind === 'none') {
    throw new UsageError(`Listening on ${host} (beyond loopback) needs --auth TOKEN or --auth USER:PASSWORD`);
  }
  if (opts.bootstrapServer !== undefined) validateBootstrapServer(opts.bootstrapServer);
  const sopts = sessionOptions(opts, 'mq-dashboard');
  const first = await openSession(sopts, io);
  let session: Session = first;
  let cluster: Promise<Cluster> | undefined;
  // A failed round drops the connections; the next one connects again (a broker back up).
  const getCluster = async (): Promise<Cluster> => {
    if (cluster) {
      const c = await cluster.catch(() => undefined);
      if (c && !c.isClosed) return c;
    }
    const s = cluster ? new Session(first.target, sopts, io) : session;
    if (cluster) {
      await session.close();
      session = s;
    }
    cluster = s.cluster();
    return cluster;
  };
  const sampled = async (): Promise<Cluster> => {
    try {
      return await getCluster();
    } catch (err) {
      cluster = Promise.reject(err instanceof Error ? err : new Error(String(err)));
      cluster.catch(() => undefined);
      throw session.error(err);
    }
  };
  const dataDir = first.target.local?.dataDir ?? resolveDataDir(opts.dataDir, io.env);
  const dash = await startDashboard({
    host,
    port,
    portFallback: true,
    auth,
    readOnly: Boolean(opts.readOnly),
    refreshMs,
    assetsDir: io.env.MQ_DASHBOARD_ASSETS ?? defaultAssetsDir(),
    dataDir,
    target: { kind: first.target.remote ? 'remote' : 'local', bootstrap: first.target.brokers.join(',') },
    cluster: sampled,
    warn: (line) => io.stderr.write(`${line}\n`),
  });
  if (dash.server.port !== port && port !== 0) io.stderr.write(`Port ${port} is taken; listening on ${dash.server.port} instead\n`);
  io.stdout.write(`mq-dashboard is serving ${first.target.remote ? first.target.brokers.join(',') : 'the local mq broker'} at ${dash.server.openUrl}\n`);
  io.stderr.write('Press Ctrl-C to stop.\n');
  void dash.sampler.ready().then(() => {
    if (!dash.sampler.connected) io.stderr.write(`Warning: the cluster cannot be reached yet (${dash.sampler.lastError}); the dashboard keeps trying\n`);
  });
  if (opts.open) openBrowser(dash.server.openUrl, io);
  if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  await dash.stop();
  await session.close();
}
