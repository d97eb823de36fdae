/**
 * One running dashboard: the sampler, its history (loaded from and saved to the data directory
 * every SAVE_MS and on stop), the HTTP server (listening before the first round), and the events the page listens to ("sample"
 * after each round, "status" when the cluster is lost and found again). The tests start this
 * in-process; run.ts adds the command line around it.
 */
import type { Cluster } from '../../engine/client/cluster.js';
import { History, historyFile, loadHistory, saveHistory } from './history.js';
import type { Ring } from './ring.js';
import { Sampler } from './sampler.js';
import { startServer, type DashboardServer } from './server.js';
import type { AuthSpec } from './auth.js';

/** How often the history is written. */
export const SAVE_MS = 30_000;

export interface DashboardOptions {
  host: string;
  port: number;
  portFallback?: boolean;
  auth: AuthSpec;
  readOnly: boolean;
  refreshMs: number;
  assetsDir: string;
  /** Where mq keeps its state: the history goes to <dataDir>/dashboard/<clusterId>/. */
  dataDir: string;
  target: { kind: 'local' | 'remote'; bootstrap: string };
  /** The cluster to sample; called again after a failed round, so it may reconnect. */
  cluster(): Promise<Cluster>;
  /** Warnings (a history file that cannot be written). */
  warn?: (line: string) => void;
}

export interface Dashboard {
  readonly server: DashboardServer;
  readonly sampler: Sampler;
  /** Resolves once the first round has finished and the saved history (if any) is loaded. */
  ready(): Promise<void>;
  /** Writes the history now. */
  save(): Promise<void>;
  stop(): Promise<void>;
}

export async function startDashboard(o: DashboardOptions): Promise<Dashboard> {
  const history = new History({ refreshMs: o.refreshMs });
  const box: { server?: DashboardServer } = {};
  let wasConnected: boolean | undefined;
  // The history file is named by the cluster id, known after the first round's Metadata.
  let file: string | undefined;
  const clusterFile = (): string | undefined => {
    const id = sampler.snapshot?.clusterId;
    if (file === undefined && id !== undefined) file = historyFile(o.dataDir, id ?? 'unknown');
    return file;
  };
  let loading: Promise<void> | undefined;
  let historyLoaded = false;
  const firstLoad = async (): Promise<void> => {
    if (!loading) {
      const f = clusterFile();
      if (!f) return;
      loading = loadInto(f, history, o.refreshMs).finally(() => {
        historyLoaded = true;
      });
    }
    await loading;
  };
  const sampler: Sampler = new Sampler(() => o.cluster(), {
    refreshMs: o.refreshMs,
    onRound: (r) => {
      if (r.connected) {
        if (wasConnected === false) box.server?.broadcast('status', { connected: true });
        box.server?.broadcast('sample', { sampledAt: r.sampledAt, connected: true });
        // The cluster id is known from the first round's early snapshot on: load the saved hour.
        void firstLoad();
      } else if (wasConnected !== false) box.server?.broadcast('status', { connected: false, error: r.error });
      wasConnected = r.connected;
    },
  }, history);
  // Listen first: the API answers at once (503 LOADING until the first round has published its
  // snapshot), so the page paints as soon as the first round has what it shows.
  const server = await startServer({
    host: o.host,
    port: o.port,
    portFallback: o.portFallback ?? true,
    auth: o.auth,
    assetsDir: o.assetsDir,
    api: { sampler, cluster: () => o.cluster(), readOnly: o.readOnly, refreshMs: o.refreshMs, target: o.target, historyLoaded: () => historyLoaded },
  });
  box.server = server;
  sampler.start();
  const saveNow = async () => {
    await firstLoad();
    const f = clusterFile();
    if (!f) return;
    try {
      await saveHistory(f, history);
    } catch (err) {
      o.warn?.(`Could not write the dashboard history to ${f}: ${(err as Error).message}`);
    }
  };
  // One save at a time: the timer's and stop()'s saves share the temporary file, and the second
  // rename failed (ENOENT) when they overlapped.
  let saving: Promise<void> = Promise.resolve();
  const save = (): Promise<void> => (saving = saving.then(saveNow));
  const saver = setInterval(() => void save(), SAVE_MS);
  saver.unref();
  return {
    server,
    sampler,
    save,
    async ready() {
      await sampler.ready();
      await firstLoad();
    },
    async stop() {
      clearInterval(saver);
      sampler.stop();
      await sampler.idle();
      await save();
      await server.close();
    },
  };
}

/** The file's hour first, then what this run sampled before the cluster id was known. */
async function loadInto(file: string, history: History, refreshMs: number): Promise<void> {
  const fresh = new History({ refreshMs });
  if (!(await loadHistory(file, fresh))) return;
  for (const [k, r] of fresh.groups) history.groups.set(k, mergeRing(r, history.groups.get(k)));
  for (const [k, r] of fresh.partitions) history.partitions.set(k, mergeRing(r, history.partitions.get(k)));
  for (const [k, r] of fresh.topics) history.topics.set(k, mergeRing(r, history.topics.get(k)));
}

/** The samples of `older` followed by those of `newer` taken after them, in a ring of `older`'s capacity. */
function mergeRing(older: Ring, newer: Ring | undefined): Ring {
  if (!newer) return older;
  const last = older.lastT;
  const { t, cols } = newer.since(last + 1);
  for (let i = 0; i < t.length; i++) older.push(t[i]!, cols.map((c) => c[i]!));
  return older;
}
