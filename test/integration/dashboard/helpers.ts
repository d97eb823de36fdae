/**
 * The dashboard in-process against the test broker, and HTTP helpers that send what the page
 * sends (the CSRF header from /api/session, JSON bodies).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from '../../../src/engine/client/cluster.js';
import { startDashboard, type Dashboard, type DashboardOptions } from '../../../src/commands/dashboard/dashboard.js';

/** What JSON.parse answers: the tests' expect() checks its shape. */
type Json = ReturnType<typeof JSON.parse>;

export interface TestDashboard {
  dash: Dashboard;
  cluster: Cluster;
  base: string;
  dataDir: string;
  csrf: string;
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; body: Json; text: string; headers: Headers }>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: Json; text: string }>;
  stop(opts?: { keepDir?: boolean }): Promise<void>;
}

export async function startTestDashboard(bootstrap: string, o: Partial<DashboardOptions> & { dataDir?: string; token?: string } = {}): Promise<TestDashboard> {
  const dataDir = o.dataDir ?? (await mkdtemp(join(tmpdir(), 'mq-dash-')));
  const cluster = await Cluster.connect([bootstrap], { clientId: 'mq-dashboard' });
  const dash = await startDashboard({
    host: '127.0.0.1',
    port: 0,
    auth: { kind: 'none' },
    readOnly: false,
    refreshMs: 500,
    assetsDir: join(dataDir, 'no-assets'),
    dataDir,
    target: { kind: 'remote', bootstrap },
    cluster: async () => cluster,
    ...o,
  });
  // The server answers at once (503 LOADING); these tests start from the first round's figures.
  await dash.ready();
  const base = dash.server.url.replace(/\/$/, '');
  const auth: Record<string, string> = o.token ? { Authorization: `Bearer ${o.token}` } : {};
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const r = await fetch(base + path, { headers: { ...auth, ...headers } });
    const text = await r.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: r.status, body: body as Json, text, headers: r.headers };
  };
  const session = await get('/api/session');
  const csrf = (session.body as { csrfToken: string }).csrfToken;
  return {
    dash,
    cluster,
    base,
    dataDir,
    csrf,
    get,
    async post(path, body, headers = {}) {
      const r = await fetch(base + path, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-MQ-CSRF': csrf, ...auth, ...headers }, body: JSON.stringify(body) });
      const text = await r.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return { status: r.status, body: parsed as Json, text };
    },
    async stop({ keepDir = false } = {}) {
      await dash.stop();
      await cluster.close();
      if (!keepDir && o.dataDir === undefined) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
