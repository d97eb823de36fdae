/**
 * mq-dashboard's page in Debian's Chromium against a stand-in API (fake-api.ts) whose answers the test chooses:
 * every view renders, Kafka strings that look like markup or carry RTL and zero-width characters render as the
 * exact text, routing survives reload and back/forward, read-only hides the actions, POSTs carry the CSRF token,
 * and the connection banner comes and goes with /api/events. Needs `npm run build` (dist/web).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeStatus, startFakeApi, type FakeApi } from './fake-api.js';

const shots = join(import.meta.dirname, '..', '..', '.tmp', 'screenshots');
const hostile = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', 'rtl \u202Eevil\u202C עברית', 'zero\u200Bwidth\u200D\uFEFFid'];
const [script, img, rtl, zw] = hostile as [string, string, string, string];
const b64 = (s: string): { base64: string; size: number } => ({ base64: Buffer.from(s).toString('base64'), size: Buffer.byteLength(s) });

function fixtures(readOnly: boolean): Map<string, unknown> {
  const brokers = [{ id: 1, host: 'localhost', port: 9092, rack: null, leaderPartitions: 9, replicas: 9, reachable: true, sizeBytes: 123456789 }];
  const topic = (name: string, i: number) => ({
    name, topicId: `id-${i}`, internal: false, partitions: 3, replicationFactor: 1, messages: 1234567 * (i + 1), sizeBytes: 1048576 * (i + 1),
    underReplicated: 0, produceRate: [0, 1, 4, 2, 8, 3, 5],
  });
  const detail = (name: string) => ({
    name, topicId: 'id', internal: false,
    partitions: [0, 1, 2].map((p) => ({
      partition: p, leader: 1, replicas: [1], isr: [1], offlineReplicas: [], startOffset: p * 10, endOffset: 1000 + p * 500, sizeBytes: 4096,
    })),
    configs: [
      { name: 'cleanup.policy', value: 'delete', source: 'DEFAULT_CONFIG', isDefault: true, readOnly: false, sensitive: false },
      { name: 'retention.ms', value: '3600000', source: 'DYNAMIC_TOPIC_CONFIG', isDefault: false, readOnly: false, sensitive: false },
    ],
    groups: hostile.map((g, i) => ({ groupId: g, state: 'Stable', lag: 100 * i, committed: [0, 1, 2].map((p) => ({ partition: p, offset: 500 + 100 * i + p * 300 })) })),
  });
  const answers = new Map<string, unknown>([
    ['/api/session', { version: '0.1.0', readOnly, csrfToken: 'csrf-123', refreshMs: 2000, target: { kind: 'local', bootstrap: 'localhost:9092' } }],
    ['/api/cluster', {
      clusterId: 'abc', controllerId: 1, brokers, topicCount: hostile.length, partitionCount: 12, underReplicatedPartitions: 0, offlinePartitions: 0,
      sizeBytes: 123456789, messagesInPerSec: 1234.5, sampledAt: 1_700_000_000_000,
    }],
    ['/api/brokers', { brokers }],
    ['/api/topics', { topics: hostile.map(topic) }],
    ['/api/groups', { groups: hostile.map((g, i) => ({ groupId: g, state: 'Stable', protocolType: 'consumer', members: 2, topics: [hostile[i]], lag: 1234, lagTrend: 'shrinking' })) }],
    ['POST /api/topics', { name: 'made-in-page' }],
  ]);
  for (const name of hostile) {
    answers.set(`/api/topics/${encodeURIComponent(name)}`, detail(name));
    answers.set(`/api/topics/${encodeURIComponent(name)}/messages`, {
      messages: [
        { partition: 0, offset: 7, timestamp: 1_700_000_000_000, timestampType: 'CREATE_TIME', key: b64(name), value: b64(name),
          headers: [{ key: name, value: b64(name) }] },
        { partition: 1, offset: 8, timestamp: 1_700_000_000_000, timestampType: 'CREATE_TIME', key: null, value: b64('{"a":[1,2]}'), headers: [] }],
      next: 'n1', prev: null, scanned: 2, truncated: false,
    });
    answers.set(`/api/groups/${encodeURIComponent(name)}`, {
      groupId: name, state: 'Stable', protocolType: 'consumer', protocol: 'range', coordinator: 1,
      members: [
        { memberId: `${name}-m1`, groupInstanceId: null, clientId: name, host: '/127.0.0.1', assignment: [{ topic: name, partitions: [0, 1, 2] }] },
        { memberId: 'idle-m2', groupInstanceId: null, clientId: 'second', host: '/127.0.0.1', assignment: [] },
      ],
      offsets: [0, 1, 2].map((p) => ({ topic: name, partition: p, currentOffset: p === 2 ? null : 500, logEndOffset: 1500, lag: p === 2 ? null : 1000,
        consumerId: `${name}-m1`, host: '/127.0.0.1', clientId: name })),
    });
    answers.set(`/api/groups/${encodeURIComponent(name)}/lag`, {
      total: { t: [1, 2, 3].map((x) => 1_700_000_000_000 + x * 2000), lag: [3000, 2000, 1000], consumeRate: [10, 12, 11], produceRate: [5, 5, 6],
        timeLagSeconds: [3, 2, 1] },
      partitions: [], trend: 'shrinking', catchUpSeconds: 90, timeLagSeconds: 1.5,
    });
  }
  return answers;
}

let browser: Browser;
let page: Page;
let api: FakeApi;
const dialogs: string[] = [];

async function open(path: string): Promise<void> {
  await page.goto(api.url + path);
  await page.locator('main h1').first().waitFor();
}

/** No injected element exists: the only <script> is the bundle's, and no <img> at all. */
async function expectNoInjection(): Promise<void> {
  expect(await page.locator('img').count()).toBe(0);
  expect(await page.locator('script').count()).toBe(1);
  expect(dialogs).toEqual([]);
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  api = await startFakeApi(fixtures(false));
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
});

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

describe('the dashboard page', () => {
  it('cluster and brokers views show the summary with separated, right-aligned numbers', async () => {
    await open('/');
    await page.getByText('Size on disk').waitFor();
    expect(await page.locator('.stat').filter({ hasText: 'Messages in /s' }).locator('.value').textContent()).toBe('1,234.5');
    await page.screenshot({ path: join(shots, 'page-cluster.png'), fullPage: true });
    await open('/brokers');
    const cell = page.locator('table td.num').nth(1);
    expect(await cell.textContent()).toBe('9');
    expect(await page.evaluate('getComputedStyle(document.querySelectorAll("table td.num")[1]).textAlign')).toBe('right');
  });

  it('topic names that look like markup or carry RTL/zero-width characters are the links\' exact text', async () => {
    await open('/topics');
    const names = page.locator('table.topics tbody a bdi');
    await names.first().waitFor();
    expect(await names.allTextContents()).toEqual(hostile);
    expect(await page.locator('table.topics tbody td.num').first().textContent()).toBe('3');
    expect(await page.locator('table.topics tbody tr').first().locator('td.num').nth(2).textContent()).toBe('1,234,567');
    await expectNoInjection();
    await page.screenshot({ path: join(shots, 'page-topics.png'), fullPage: true });
  });

  it('"/" focuses the search, which filters the list', async () => {
    await page.locator('body').press('/');
    expect(await page.evaluate('document.activeElement?.id')).toBe('search');
    await page.keyboard.type('עברית');
    await page.waitForFunction('document.querySelectorAll("table.topics tbody tr").length === 1');
    expect(await page.locator('table.topics tbody a bdi').allTextContents()).toEqual([rtl]);
    await page.locator('#search').fill('');
  });

  it('a topic link opens the topic view at its URL-encoded path; back, forward and reload work', async () => {
    await page.locator('table.topics tbody a', { hasText: 'onerror' }).click();
    await page.waitForURL(`**/topics/${encodeURIComponent(img)}`);
    await page.locator('main h1 bdi').waitFor();
    expect(await page.locator('main h1 bdi').textContent()).toBe(img);
    expect(await page.locator('.logrow').count()).toBe(3);
    expect(await page.locator('.logrow').first().locator('.mark').count()).toBe(hostile.length + 1);
    expect(await page.locator('tr.changed td bdi').first().textContent()).toBe('retention.ms');
    await page.goBack();
    await page.locator('table.topics').waitFor();
    await page.goForward();
    await page.locator('main h1 bdi', { hasText: 'onerror' }).waitFor();
    await page.reload();
    await page.locator('main h1 bdi').waitFor();
    expect(await page.locator('main h1 bdi').textContent()).toBe(img);
    expect(await page.locator('table').nth(1).locator('tbody bdi').allTextContents()).toEqual(hostile);
    await expectNoInjection();
    await page.screenshot({ path: join(shots, 'page-topic.png'), fullPage: true });
  });

  it('messages: keys, values and headers are text; JSON is pretty-printed; hex and base64 switchable', async () => {
    for (const name of hostile) {
      await open(`/topics/${encodeURIComponent(name)}/messages`);
      const row = page.locator('table.messages tbody tr').first();
      await row.waitFor();
      expect(await row.locator('td.key bdi').textContent()).toBe(name);
      expect(await row.locator('pre.value').textContent()).toBe(name);
      expect(await row.locator('.hkey').textContent()).toBe(name);
      expect(await row.locator('.hvalue').textContent()).toBe(name);
    }
    await expectNoInjection();
    const json = page.locator('table.messages tbody tr').nth(1).locator('pre.value');
    expect(await json.getAttribute('data-mode')).toBe('json');
    expect(await json.textContent()).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}');
    await page.locator('select[name=mode]').selectOption('hex');
    expect(await json.textContent()).toBe('7b 22 61 22 3a 5b 31 2c 32 5d 7d');
    await page.locator('select[name=mode]').selectOption('base64');
    expect(await json.textContent()).toBe(Buffer.from('{"a":[1,2]}').toString('base64'));
    await page.screenshot({ path: join(shots, 'page-messages.png'), fullPage: true });
  });

  it('the filter and start position are sent to the server', async () => {
    await page.locator('input[name=filter]').fill('a.c');
    await page.locator('input[name=regex]').check();
    await page.locator('select[name=filterIn]').selectOption('value');
    await page.locator('select[name=from]').selectOption('offset');
    await page.locator('input[name=offset]').fill('42');
    const sent = page.waitForRequest((r) => r.url().includes('filter='));
    await page.getByRole('button', { name: 'Show' }).click();
    const q = new URL((await sent).url()).searchParams;
    expect([q.get('filter'), q.get('filterIn'), q.get('regex'), q.get('from'), q.get('offset')]).toEqual(['a.c', 'value', '1', 'offset', '42']);
  });

  it('groups: ids and client ids are text; the assignment shows the idle member; the offsets table has the CLI columns', async () => {
    await open('/groups');
    await page.locator('table tbody a').first().waitFor();
    expect(await page.locator('table tbody td:first-child bdi').allTextContents()).toEqual(hostile);
    await page.screenshot({ path: join(shots, 'page-groups.png'), fullPage: true });
    for (const name of [script, zw]) {
      await open(`/groups/${encodeURIComponent(name)}`);
      await page.locator('.member').first().waitFor();
      expect(await page.locator('main h1 bdi').textContent()).toBe(name);
      expect(await page.locator('.member .client').allTextContents()).toEqual([name, 'second']);
      expect(await page.locator('.member.idle .client').textContent()).toBe('second');
      expect(await page.locator('.cells .cell').count()).toBe(3);
    }
    expect(await page.locator('table.offsets thead th').allTextContents())
      .toEqual(['TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID']);
    const last = page.locator('table.offsets tbody tr').nth(2).locator('td');
    expect([await last.nth(2).textContent(), await last.nth(3).textContent(), await last.nth(4).textContent()]).toEqual(['-', '1,500', '-']);
    await page.locator('.chart canvas').first().waitFor();
    await expectNoInjection();
    await page.screenshot({ path: join(shots, 'page-group.png'), fullPage: true });
  });

  it('the keyboard reaches a topic link with Tab (focus visible) and Enter opens the topic', async () => {
    await open('/topics');
    await page.locator('table.topics tbody a').first().waitFor();
    await page.locator('body').focus();
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(`document.activeElement?.closest('table.topics tbody a')?.textContent === ${JSON.stringify(img)}`);
    }
    expect(reached).toBe(true);
    expect(await page.evaluate('getComputedStyle(document.activeElement).outlineStyle')).toBe('solid');
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/topics/${encodeURIComponent(img)}`);
    expect(await page.locator('main h1 bdi').textContent()).toBe(img);
  });

  it('1,000 topics: the first 100 rows, "Show all 1,000 topics", and a search over every topic', async () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({
      name: `bulk-${String(i).padStart(4, '0')}`, topicId: `b${i}`, internal: false, partitions: 6, replicationFactor: 1, messages: i, sizeBytes: i * 100,
      underReplicated: 0, produceRate: [0, 1, 2],
    }));
    const saved = api.answers.get('/api/topics');
    api.answers.set('/api/topics', { topics: many });
    try {
      await open('/topics');
      const rows = page.locator('table.topics tbody tr');
      await rows.first().waitFor();
      expect(await rows.count()).toBe(100);
      expect(await rows.locator('a bdi').evaluateAll((as) => [as[0]?.textContent, as[99]?.textContent])).toEqual(['bulk-0000', 'bulk-0099']);
      // Every sparkline is one SVG path, no canvas (no chart instance) per row.
      expect(await page.locator('table.topics svg.spark path').count()).toBe(100);
      expect(await page.locator('table.topics canvas').count()).toBe(0);
      // The search looks at all 1,000 names, not only the rendered ones.
      await page.locator('#search').fill('bulk-0999');
      await page.waitForFunction('document.querySelectorAll("table.topics tbody tr").length === 1');
      expect(await rows.locator('a bdi').textContent()).toBe('bulk-0999');
      expect(await page.getByRole('button', { name: /^Show all/ }).count()).toBe(0);
      // 271 names hold a 5: the first 100 of them, then all.
      await page.locator('#search').fill('5');
      await page.getByRole('button', { name: 'Show all 271 topics' }).click();
      await page.waitForFunction('document.querySelectorAll("table.topics tbody tr").length === 271');
      await page.locator('#search').fill('');
      await page.getByRole('button', { name: 'Show all 1,000 topics' }).click();
      await page.waitForFunction('document.querySelectorAll("table.topics tbody tr").length === 1000');
      expect(await rows.last().locator('a bdi').textContent()).toBe('bulk-0999');
      await page.screenshot({ path: join(shots, 'page-topics-many.png') });
    } finally {
      api.answers.set('/api/topics', saved);
    }
  });

  it('250 groups: the first 100 rows, "Show all 250 groups", and a search over every group', async () => {
    const many = Array.from({ length: 250 }, (_, i) => ({
      groupId: `group-${String(i).padStart(3, '0')}`, state: 'Empty', protocolType: 'consumer', members: 0, topics: [], lag: i, lagTrend: 'steady',
    }));
    const saved = api.answers.get('/api/groups');
    api.answers.set('/api/groups', { groups: many });
    try {
      await open('/groups');
      const rows = page.locator('table.groups tbody tr');
      await rows.first().waitFor();
      expect(await rows.count()).toBe(100);
      await page.locator('#search').fill('group-249');
      await page.waitForFunction('document.querySelectorAll("table.groups tbody tr").length === 1');
      expect(await rows.locator('a bdi').textContent()).toBe('group-249');
      await page.locator('#search').fill('nothing-like-it');
      await page.getByText('No group matches the search.').waitFor();
      await page.locator('#search').fill('');
      await page.getByRole('button', { name: 'Show all 250 groups' }).click();
      await page.waitForFunction('document.querySelectorAll("table.groups tbody tr").length === 250');
    } finally {
      api.answers.set('/api/groups', saved);
    }
  });

  it('a POST from the page carries the session\'s CSRF token', async () => {
    await open('/topics');
    await page.getByText('Create topic').click();
    await page.locator('form[aria-label="Create topic"] input[name=name]').fill('made-in-page');
    await page.locator('form[aria-label="Create topic"] input[name=partitions]').fill('3');
    await page.locator('form[aria-label="Create topic"] textarea').fill('retention.ms=1000');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByText('Created topic made-in-page.').waitFor();
    expect(api.posts.at(-1)).toEqual({ path: '/api/topics', csrf: 'csrf-123',
      body: { name: 'made-in-page', partitions: 3, replicationFactor: 1, configs: { 'retention.ms': '1000' } } });
  });

  it('a lost cluster connection shows a banner that goes away when it recovers; samples re-read the view', async () => {
    await open('/topics');
    await page.locator('table.topics').waitFor();
    await expect.poll(() => api.openStreams()).toBeGreaterThan(0);
    api.emit('status', { connected: false, error: 'connection refused' });
    await page.getByRole('alert').filter({ hasText: 'Lost the connection to the cluster: connection refused' }).waitFor();
    const before = api.gets.filter((g) => g === '/api/topics').length;
    api.emit('status', { connected: true });
    await page.locator('.banner').waitFor({ state: 'detached' });
    await expect.poll(() => api.gets.filter((g) => g === '/api/topics').length).toBeGreaterThan(before);
  });

  it('while the dashboard takes its first sample (503 LOADING) the view shows Loading and asks again until the rows come', async () => {
    const topics = api.answers.get('/api/topics');
    const loading = new FakeStatus(503, { error: { code: 'LOADING', message: 'The dashboard is taking its first sample of the cluster' } }, { 'Retry-After': '1' });
    api.answers.set('/api/topics', loading);
    try {
      const before = api.gets.filter((g) => g === '/api/topics').length;
      await open('/topics');
      await page.locator('.loading').waitFor();
      // Asked again after Retry-After, with no event on /api/events; still "Loading", never an error.
      await expect.poll(() => api.gets.filter((g) => g === '/api/topics').length, { timeout: 10_000 }).toBeGreaterThan(before + 1);
      expect(await page.getByRole('alert').count()).toBe(0);
      await page.screenshot({ path: join(shots, 'page-topics-loading.png'), fullPage: true });
      api.answers.set('/api/topics', topics);
      await page.locator('table.topics tbody tr').first().waitFor();
      expect(await page.locator('.loading').count()).toBe(0);
    } finally {
      api.answers.set('/api/topics', topics);
    }
  });

  it('stays usable in a 400 px window', async () => {
    await page.setViewportSize({ width: 400, height: 720 });
    await open(`/topics/${encodeURIComponent(script)}`);
    await page.locator('.logrow').first().waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(400);
    await page.screenshot({ path: join(shots, 'page-topic-narrow.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 720 });
  });

  it('read-only: no action controls anywhere', async () => {
    await api.close();
    api = await startFakeApi(fixtures(true));
    await open('/topics');
    await page.locator('.tag', { hasText: 'read-only' }).waitFor();
    expect(await page.getByText('Create topic').count()).toBe(0);
    await open(`/topics/${encodeURIComponent(script)}`);
    await page.locator('.logrow').first().waitFor();
    expect(await page.locator('form, button').count()).toBe(0);
    await open(`/topics/${encodeURIComponent(script)}/messages`);
    await page.locator('table.messages').waitFor();
    expect(await page.getByText('Produce a message').count()).toBe(0);
    await open(`/groups/${encodeURIComponent(script)}`);
    await page.locator('.member').first().waitFor();
    expect(await page.locator('form, button').count()).toBe(0);
  });
});
