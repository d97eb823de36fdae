/**
 * mq-dashboard's JSON API (docs/dashboard-api.md) against the real broker over real HTTP: every
 * GET endpoint, every action seen through the client the CLI uses, the group table equal to
 * mq-consumer-groups --describe's rows, XSS strings returned byte-exact, and the history
 * surviving a restart of the dashboard.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { waitFor } from '../../helpers/wait.js';
import { Cluster } from '../../../src/engine/client/cluster.js';
import { listTopicNames, describeTopics } from '../../../src/engine/client/admin/topics.js';
import { describeGroup, listGroups } from '../../../src/engine/client/admin/groups.js';
import { commitOffsets, fetchCommitted } from '../../../src/engine/client/group-offsets.js';
import { createTopic } from '../../../src/engine/client/admin/topics.js';
import { produceRecords } from '../../../src/engine/client/produce-records.js';
import { partitionForKey } from '../../../src/engine/client/partitioner.js';
import { Fetcher } from '../../../src/engine/client/fetcher.js';
import { decodeRecords } from '../../../src/engine/client/record-reader.js';
import { groupOffsetRows } from '../../../src/commands/consumer-groups/offset-rows.js';
import { lag } from '../../../src/commands/consumer-groups/views.js';
import { startTestDashboard, type TestDashboard } from './helpers.js';

let tb: TestBroker;
let admin: Cluster;
let d: TestDashboard;

const XSS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', '\u202Eevil\u200B\u200Dzw'];

beforeAll(async () => {
  tb = await startTestBroker();
  admin = await Cluster.connect([tb.bootstrap]);
  expect((await createTopic(admin.any(), { name: 'orders', partitions: 3, configs: new Map([['retention.ms', '3600000']]) })).errorCode).toBe(0);
  for (let p = 0; p < 3; p++) {
    await produceRecords(admin, 'orders', p, Array.from({ length: 10 }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`order ${p}-${i}`), headers: [], timestamp: Date.now() - 60_000 })));
  }
  expect([...(await commitOffsets(admin, 'billing', [{ topic: 'orders', partition: 0, offset: 4 }, { topic: 'orders', partition: 1, offset: 10 }])).values()]).toEqual([0, 0]);
  d = await startTestDashboard(tb.bootstrap);
});
afterAll(async () => {
  await d?.stop();
  await admin?.close();
  await tb?.stop();
});

describe('GET endpoints', () => {
  it('/api/session: version, csrf token, refresh interval, target', async () => {
    const r = await d.get('/api/session');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(r.headers.get('content-security-policy')).toBe("default-src 'self'");
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.body).toMatchObject({ readOnly: false, refreshMs: 500, target: { kind: 'remote', bootstrap: tb.bootstrap } });
    expect(r.body.csrfToken).toMatch(/^[A-Za-z0-9_-]{20,}$/);
  });

  it('/api/cluster and /api/brokers: the broker, controller, counts and sizes', async () => {
    const c = await d.get('/api/cluster');
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({ controllerId: 1, topicCount: 1, partitionCount: 3, underReplicatedPartitions: 0, offlinePartitions: 0 });
    expect(c.body.clusterId).toBe((await admin.metadata([])).clusterId);
    expect(c.body.sizeBytes).toBeGreaterThan(0);
    expect(c.body.brokers).toEqual([{ id: 1, host: '127.0.0.1', port: tb.port, rack: null, leaderPartitions: 3, replicas: 3, reachable: true, sizeBytes: c.body.sizeBytes }]);
    const b = await d.get('/api/brokers');
    expect(b.body.brokers).toEqual(c.body.brokers);
  });

  it('/api/topics and /api/topics/NAME: partitions, offsets, sizes, configs, groups', async () => {
    const list = await d.get('/api/topics');
    expect(list.body.topics).toEqual([
      expect.objectContaining({ name: 'orders', internal: false, partitions: 3, replicationFactor: 1, messages: 30, underReplicated: 0 }),
    ]);
    expect(list.body.topics[0].sizeBytes).toBeGreaterThan(300);
    expect(Array.isArray(list.body.topics[0].produceRate)).toBe(true);
    const t = await d.get('/api/topics/orders');
    expect(t.status).toBe(200);
    const partition = (p: number) =>
      expect.objectContaining({ partition: p, leader: 1, replicas: [1], isr: [1], offlineReplicas: [], startOffset: 0, endOffset: 10 });
    expect(t.body.partitions).toEqual([0, 1, 2].map(partition));
    expect(t.body.configs).toContainEqual(expect.objectContaining({ name: 'retention.ms', value: '3600000', source: 'DYNAMIC_TOPIC_CONFIG', isDefault: false }));
    expect(t.body.configs).toContainEqual(expect.objectContaining({ name: 'cleanup.policy', isDefault: true }));
    expect(t.body.groups).toEqual([{ groupId: 'billing', state: 'Empty', lag: 6, committed: [{ partition: 0, offset: 4 }, { partition: 1, offset: 10 }] }]);
    expect((await d.get('/api/topics/nope')).status).toBe(404);
    expect((await d.get('/api/topics/nope')).body.error.code).toBe('UNKNOWN_TOPIC_OR_PARTITION');
  });

  it('/api/groups and /api/groups/NAME: the rows of mq-consumer-groups --describe', async () => {
    const g = await d.get('/api/groups');
    expect(g.body.groups).toEqual([expect.objectContaining({ groupId: 'billing', state: 'Empty', members: 0, topics: ['orders'], lag: 6 })]);
    expect(['growing', 'shrinking', 'steady', 'unknown']).toContain(g.body.groups[0].lagTrend);
    const one = await d.get('/api/groups/billing');
    const cli = await groupOffsetRows(admin, await describeGroup(admin, 'billing'));
    const { group: _group, ...row } = cli[0]!;
    expect(Object.keys(one.body.offsets[0]).sort()).toEqual([...Object.keys(row), 'lag'].sort());
    expect(one.body.offsets).toEqual(cli.map(({ group: _g, ...r }) => ({ ...r, lag: lag(r) })));
    expect(one.body.offsets).toEqual([
      { topic: 'orders', partition: 0, currentOffset: 4, logEndOffset: 10, lag: 6, consumerId: null, host: null, clientId: null },
      { topic: 'orders', partition: 1, currentOffset: 10, logEndOffset: 10, lag: 0, consumerId: null, host: null, clientId: null },
    ]);
    expect(one.body).toMatchObject({ groupId: 'billing', state: 'Empty', members: [] });
    expect((await d.get('/api/groups/nobody')).status).toBe(404);
  });

  it('/api/groups/NAME/lag: the total and per-partition series, with time-based lag', async () => {
    await d.dash.sampler.refresh();
    const r = await d.get('/api/groups/billing/lag?seconds=3600');
    expect(r.status).toBe(200);
    expect(r.body.total.t.length).toBeGreaterThanOrEqual(2);
    expect(r.body.total.lag.at(-1)).toBe(6);
    for (const k of ['consumeRate', 'produceRate', 'timeLagSeconds']) expect(r.body.total[k]).toHaveLength(r.body.total.t.length);
    // The next unconsumed record of orders-0 was written a minute ago.
    expect(r.body.timeLagSeconds).toBeGreaterThanOrEqual(59);
    expect(r.body.partitions.map((p: { topic: string; partition: number }) => `${p.topic}-${p.partition}`)).toEqual(['orders-0', 'orders-1']);
    expect(['growing', 'shrinking', 'steady', 'unknown']).toContain(r.body.trend);
  });

  it('/api/topics/NAME/messages: pages forward and back with cursors, filters on the server', async () => {
    const first = await d.get('/api/topics/orders/messages?partitions=0&from=beginning&limit=4');
    expect(first.body.messages.map((m: { offset: number }) => m.offset)).toEqual([0, 1, 2, 3]);
    const m0 = first.body.messages[0];
    expect(Buffer.from(m0.value.base64, 'base64').toString()).toBe('order 0-0');
    expect(m0).toMatchObject({ partition: 0, timestampType: 'CreateTime', key: { size: 2 }, headers: [] });
    const second = await d.get(`/api/topics/orders/messages?limit=4&cursor=${first.body.next}`);
    expect(second.body.messages.map((m: { offset: number }) => m.offset)).toEqual([4, 5, 6, 7]);
    const back = await d.get(`/api/topics/orders/messages?limit=4&cursor=${second.body.prev}`);
    expect(back.body.messages.map((m: { offset: number }) => m.offset)).toEqual([0, 1, 2, 3]);
    const end = await d.get('/api/topics/orders/messages?partitions=2&from=end&limit=3');
    expect(end.body.messages.map((m: { offset: number }) => m.offset)).toEqual([7, 8, 9]);
    const at = await d.get('/api/topics/orders/messages?partitions=1&from=offset&offset=8');
    expect(at.body.messages.map((m: { offset: number }) => m.offset)).toEqual([8, 9]);
    const sub = await d.get('/api/topics/orders/messages?filter=1-7&filterIn=value');
    expect(sub.body.messages.map((m: { partition: number; offset: number }) => `${m.partition}@${m.offset}`)).toEqual(['1@7']);
    const re = await d.get(`/api/topics/orders/messages?filter=${encodeURIComponent('^k[89]$')}&filterIn=key&regex=1`);
    expect(re.body.messages).toHaveLength(6);
    const bounded = await d.get('/api/topics/orders/messages?filter=nothing-matches&scanLimit=5');
    expect(bounded.body).toMatchObject({ messages: [], scanned: 5, truncated: true });
    expect((await d.get('/api/topics/orders/messages?regex=1&filter=(')).status).toBe(400);
    expect((await d.get('/api/topics/orders/messages?limit=0')).status).toBe(400);
  });

  it('pages answer the page (or the not-built note), other paths 404', async () => {
    for (const p of ['/', '/brokers', '/topics', '/topics/orders', '/topics/a%2Fb/messages', '/groups', '/groups/billing']) {
      const r = await d.get(p);
      expect(r.status, p).toBe(200);
      expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(r.text).toContain('assets are not built');
    }
    expect((await d.get('/nope/deeper/still')).status).toBe(404);
    expect((await d.get('/assets/../../etc/passwd')).status).toBe(404);
  });
});

describe('actions, seen through the client the CLI uses', () => {
  it('creates a topic, adds partitions, alters configs, deletes it', async () => {
    expect((await d.post('/api/topics', { name: 'made-here', partitions: 2, replicationFactor: 1, configs: { 'retention.ms': '1000' } })).status).toBe(201);
    expect(await listTopicNames(admin)).toContain('made-here');
    expect((await d.post('/api/topics/made-here/partitions', { count: 4 })).body).toEqual({ name: 'made-here', partitions: 4 });
    expect((await describeTopics(admin, ['made-here']))[0]!.partitions).toHaveLength(4);
    expect((await d.post('/api/topics/made-here/configs', { set: { 'retention.ms': '2000' }, delete: [] })).status).toBe(200);
    const t = await d.get('/api/topics/made-here');
    expect(t.body.configs).toContainEqual(expect.objectContaining({ name: 'retention.ms', value: '2000' }));
    expect((await d.post('/api/topics/made-here/delete', { confirm: 'wrong' })).status).toBe(400);
    expect((await d.post('/api/topics/made-here/delete', { confirm: 'made-here' })).body).toEqual({ name: 'made-here' });
    expect(await listTopicNames(admin)).not.toContain('made-here');
    expect((await d.post('/api/topics', { name: 'orders', partitions: 1 })).body.error.code).toBe('TOPIC_ALREADY_EXISTS');
  });

  it('produces where the Java client would, and a consumer reads it byte-exact (XSS strings are data)', async () => {
    await d.post('/api/topics', { name: 'xss', partitions: 4, replicationFactor: 1 });
    const key = XSS[0]!;
    const r = await d.post('/api/topics/xss/messages', { key, value: XSS[1], headers: [{ key: XSS[2], value: XSS[0] }], partition: null });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ partition: partitionForKey(Buffer.from(key), 4), offset: 0 });
    const f = new Fetcher(admin, { maxWaitMs: 100 });
    await f.assign([{ topic: 'xss', partition: r.body.partition, offset: 0 }]);
    const [got] = await decodeRecords((await f.fetch())[0]!.records);
    expect(got!.key!.toString()).toBe(XSS[0]);
    expect(got!.value!.toString()).toBe(XSS[1]);
    expect(got!.headers).toEqual([{ key: XSS[2], value: Buffer.from(XSS[0]!) }]);
    const page = await d.get(`/api/topics/xss/messages?partitions=${r.body.partition}`);
    const m = page.body.messages[0];
    expect(Buffer.from(m.key.base64, 'base64').toString()).toBe(XSS[0]);
    expect(m.headers[0].key).toBe(XSS[2]);
    expect(page.text).not.toContain('<script>');
    // Names too: a group named with each string is listed as it is.
    for (const g of XSS) await commitOffsets(admin, g, [{ topic: 'xss', partition: 0, offset: 0 }]);
    await d.dash.sampler.refresh();
    const groups = (await d.get('/api/groups')).body.groups.map((x: { groupId: string }) => x.groupId);
    for (const g of XSS) expect(groups).toContain(g);
    expect((await d.get(`/api/groups/${encodeURIComponent(XSS[1]!)}`)).body.groupId).toBe(XSS[1]);
  });

  it('deletes records before an offset', async () => {
    const r = await d.post('/api/topics/orders/delete-records', { partitions: [{ partition: 2, offset: 3 }] });
    expect(r.body).toEqual({ partitions: [{ partition: 2, lowWatermark: 3 }] });
    expect((await d.get('/api/topics/orders')).body.partitions[2].startOffset).toBe(3);
  });

  it('previews a reset (the --dry-run table), executes it, deletes the group', async () => {
    const preview = await d.post('/api/groups/billing/reset-offsets', { topics: [{ topic: 'orders', partitions: [0] }], to: { kind: 'earliest' }, execute: false });
    expect(preview.body).toEqual({ rows: [{ group: 'billing', topic: 'orders', partition: 0, newOffset: 0 }], executed: false });
    expect((await fetchCommitted(admin, 'billing')).get('orders:0')).toBe(4);
    const shift = await d.post('/api/groups/billing/reset-offsets', { topics: 'all', to: { kind: 'shift', value: -2 }, execute: true });
    expect(shift.body).toEqual({ rows: [{ group: 'billing', topic: 'orders', partition: 0, newOffset: 2 }, { group: 'billing', topic: 'orders', partition: 1, newOffset: 8 }], executed: true });
    expect(Object.fromEntries(await fetchCommitted(admin, 'billing'))).toEqual({ 'orders:0': 2, 'orders:1': 8 });
    expect((await d.post('/api/groups/billing/reset-offsets', { topics: 'all', to: { kind: 'sideways' }, execute: false })).status).toBe(400);
    expect((await d.post('/api/groups/billing/delete', {})).body).toEqual({ groupId: 'billing' });
    expect((await listGroups(admin)).map((g) => g.groupId)).not.toContain('billing');
  });
});

describe('history', () => {
  it('survives a restart of the dashboard', async () => {
    await commitOffsets(admin, 'keeper', [{ topic: 'orders', partition: 1, offset: 1 }]);
    const one = await startTestDashboard(tb.bootstrap, { dataDir: d.dataDir + '-h' });
    await one.dash.sampler.refresh();
    await one.dash.sampler.refresh();
    const before = (await one.get('/api/groups/keeper/lag')).body.total.t as number[];
    expect(before.length).toBeGreaterThanOrEqual(3);
    await one.stop({ keepDir: true });
    const two = await startTestDashboard(tb.bootstrap, { dataDir: d.dataDir + '-h' });
    try {
      const after = (await two.get('/api/groups/keeper/lag')).body.total.t as number[];
      expect(after.slice(0, before.length)).toEqual(before);
      expect(after.length).toBeGreaterThan(before.length);
    } finally {
      await two.stop();
    }
  });
});

describe('server-sent events', () => {
  it('sends a sample event after each round', async () => {
    const ac = new AbortController();
    const res = await fetch(`${d.base}/api/events`, { signal: ac.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = res.body!.getReader();
    let text = '';
    await waitFor(async () => {
      const { value } = await reader.read();
      text += Buffer.from(value ?? new Uint8Array()).toString();
      return /event: sample\ndata: \{"sampledAt":\d+,"connected":true\}/.test(text);
    });
    ac.abort();
  });
});
