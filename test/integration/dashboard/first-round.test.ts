/**
 * mq-dashboard listens before its first sampling round: while the round runs, snapshot routes
 * answer 503 LOADING with Retry-After (the page shows "loading" and asks again), the session
 * answers at once, and the figures come as soon as the round has them. The first round publishes
 * the topics before it reads the groups. Against the real broker over real HTTP; the first round
 * is held back by holding the cluster the sampler asks for, not by a timer.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { waitFor } from '../../helpers/wait.js';
import { Cluster } from '../../../src/engine/client/cluster.js';
import { createTopic } from '../../../src/engine/client/admin/topics.js';
import { commitOffsets } from '../../../src/engine/client/group-offsets.js';
import { startDashboard, type Dashboard } from '../../../src/commands/dashboard/dashboard.js';
import { Sampler } from '../../../src/commands/dashboard/sampler.js';

let tb: TestBroker;
let admin: Cluster;
let dataDir: string;
beforeAll(async () => {
  tb = await startTestBroker();
  admin = await Cluster.connect([tb.bootstrap]);
  expect((await createTopic(admin.any(), { name: 'first', partitions: 2, configs: new Map() })).errorCode).toBe(0);
  expect([...(await commitOffsets(admin, 'early', [{ topic: 'first', partition: 0, offset: 0 }])).values()]).toEqual([0]);
  dataDir = await mkdtemp(join(tmpdir(), 'mq-dash-first-'));
});
afterAll(async () => {
  await admin?.close();
  await tb?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const get = async (base: string, path: string) => {
  const r = await fetch(base + path);
  return { status: r.status, retryAfter: r.headers.get('retry-after'), body: (await r.json()) as { error?: { code: string; message: string } } & Record<string, unknown> };
};

describe('before the first round lands', () => {
  let dash: Dashboard | undefined;
  afterAll(async () => dash?.stop());

  it('answers at once: 503 LOADING with Retry-After, then the figures once the round has them', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    dash = await startDashboard({
      host: '127.0.0.1', port: 0, auth: { kind: 'none' }, readOnly: false, refreshMs: 60_000,
      assetsDir: join(dataDir, 'no-assets'), dataDir, target: { kind: 'remote', bootstrap: tb.bootstrap },
      cluster: async () => {
        await held;
        return admin;
      },
    });
    const base = dash.server.url.replace(/\/$/, '');
    expect((await get(base, '/api/session')).status).toBe(200);
    for (const path of ['/api/cluster', '/api/topics', '/api/groups', '/api/brokers']) {
      const r = await get(base, path);
      expect(r.status, path).toBe(503);
      expect(r.retryAfter, path).toBe('1');
      expect(r.body.error?.code, path).toBe('LOADING');
      expect(r.body.error?.message, path).toMatch(/first sample/);
    }
    release();
    const topics = await waitFor(async () => {
      const r = await get(base, '/api/topics');
      return r.status === 200 && r.body;
    }, { message: '/api/topics answering 200 after the first round' });
    expect((topics.topics as Array<{ name: string }>).map((t) => t.name)).toContain('first');
    const groups = await waitFor(async () => {
      const r = await get(base, '/api/groups');
      return r.status === 200 && r.body;
    }, { message: '/api/groups answering 200' });
    expect((groups.groups as Array<{ groupId: string }>).map((g) => g.groupId)).toEqual(['early']);
  });
});

describe('the first round', () => {
  it('publishes the topics (groups not yet known) before it reads the groups', async () => {
    const seen: Array<{ partial: boolean; groupsKnown: boolean; topics: number; groups: number }> = [];
    const sampler: Sampler = new Sampler(async () => admin, {
      refreshMs: 60_000,
      onRound: (r) => {
        const s = sampler.snapshot!;
        if (r.connected) seen.push({ partial: r.partial, groupsKnown: s.groupsKnown, topics: s.topics.size, groups: s.groups.size });
      },
    });
    await sampler.refresh();
    await sampler.refresh();
    expect(seen).toEqual([
      { partial: true, groupsKnown: false, topics: 1, groups: 0 },
      { partial: false, groupsKnown: true, topics: 1, groups: 1 },
      { partial: false, groupsKnown: true, topics: 1, groups: 1 },
    ]);
  });
});
