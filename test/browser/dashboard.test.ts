/**
 * mq-dashboard end to end: the built bin (dist/, `npm run build` first) against the real in-process broker, driven
 * in Debian's Chromium. Every view loads (screenshots in .tmp/screenshots/), a topic created in the page is listed by
 * mq-topics, a message produced in the page is read by mq-console-consumer, a CLI group consumer's lag appears and
 * falls while its member shows in the assignment picture, hostile keys/values/headers/group ids/client ids render as
 * text, --read-only refuses a POST on the server, and beyond loopback the token is required.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { runOk, start, type RunningProcess } from '../helpers/proc.js';
import { waitFor } from '../helpers/wait.js';
import { freePort } from '../integration/groups/common.js';

const bin = (tool: string): string => join(import.meta.dirname, '..', '..', 'bin', `${tool}.js`);
const shots = join(import.meta.dirname, '..', '..', '.tmp', 'screenshots');
const hostile = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', 'rtl \u202Eevil\u202C עברית', 'zero\u200Bwidth\u200D\uFEFFid'];
const [script, img, rtl, zw] = hostile as [string, string, string, string];

let broker: TestBroker;
let browser: Browser;
let page: Page;
const dashboards: RunningProcess[] = [];
const dialogs: string[] = [];

/** Start mq-dashboard on a free port of `host` and wait for the URL it prints. */
async function dashboard(host: string, args: string[] = []): Promise<string> {
  const listen = `${host}:${await freePort()}`;
  const p = start('node', [bin('mq-dashboard'), '--bootstrap-server', broker.bootstrap, '--refresh-ms', '500', '--listen', listen, ...args], { timeoutMs: 600_000 });
  dashboards.push(p);
  return waitFor(() => /https?:\/\/\S+/.exec(p.stdout + p.stderr)?.[0], { timeoutMs: 20_000, message: 'mq-dashboard printing its URL' });
}

const cli = (tool: string, args: string[], stdin?: string) => runOk('node', [bin(tool), '--bootstrap-server', broker.bootstrap, ...args], { stdin });

async function expectNoInjection(): Promise<void> {
  expect(await page.locator('img').count()).toBe(0);
  expect(await page.locator('script').count()).toBe(1);
  expect(dialogs).toEqual([]);
}

let url: string;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  broker = await startTestBroker({ settings: { 'num.partitions': '3' } });
  await cli('mq-topics', ['--create', '--topic', 'orders', '--partitions', '3']);
  url = new URL(await dashboard('127.0.0.1')).origin;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
});

afterAll(async () => {
  await browser?.close();
  for (const d of dashboards) d.kill();
  await Promise.all(dashboards.map((d) => d.done));
  await broker?.stop();
});

describe('mq-dashboard in a browser', () => {
  it('creates a topic in the page that mq-topics --list then shows', async () => {
    await page.goto(`${url}/topics`);
    await page.getByText('Create topic').click();
    const form = page.locator('form[aria-label="Create topic"]');
    await form.locator('input[name=name]').fill('made-in-page');
    await form.locator('input[name=partitions]').fill('2');
    await form.getByRole('button', { name: 'Create' }).click();
    await page.getByText('Created topic made-in-page.').waitFor();
    expect((await cli('mq-topics', ['--list'])).stdout.split('\n')).toContain('made-in-page');
    await page.locator('table.topics a', { hasText: 'made-in-page' }).waitFor();
  });

  it('produces in the page what mq-console-consumer reads', async () => {
    await page.goto(`${url}/topics/made-in-page/messages`);
    await page.getByText('Produce a message').click();
    const form = page.locator('form[aria-label="Produce"]');
    await form.locator('input[name=key]').fill('k1');
    await form.locator('textarea[name=value]').fill('hello from the page');
    await form.locator('textarea[name=headers]').fill('h1:v1');
    await form.getByRole('button', { name: 'Produce' }).click();
    await page.getByText(/Produced to partition \d+ at offset 0\./).waitFor();
    const read = await cli('mq-console-consumer', ['--topic', 'made-in-page', '--from-beginning', '--max-messages', '1',
      '--property', 'print.key=true', '--property', 'print.headers=true']);
    expect(read.stdout).toBe('h1:v1\tk1\thello from the page\n');
    await page.locator('table.messages pre.value', { hasText: 'hello from the page' }).waitFor();
  });

  it('renders hostile keys, values and headers as text', async () => {
    const lines = hostile.map((s) => `${s}:${s}\t${s}\t${s}`).join('\n') + '\n';
    await cli('mq-console-producer', ['--topic', 'orders', '--property', 'parse.key=true', '--property', 'parse.headers=true'], lines);
    await page.goto(`${url}/topics/orders/messages`);
    await page.locator('table.messages tbody tr').nth(hostile.length - 1).waitFor();
    const keys = await page.locator('table.messages td.key bdi').allTextContents();
    expect([...keys].sort()).toEqual([...hostile].sort());
    expect([...await page.locator('table.messages pre.value').allTextContents()].sort()).toEqual([...hostile].sort());
    expect([...await page.locator('table.messages .hkey').allTextContents()].sort()).toEqual([...hostile].sort());
    expect([...await page.locator('table.messages .hvalue').allTextContents()].sort()).toEqual([...hostile].sort());
    await expectNoInjection();
    await page.screenshot({ path: join(shots, 'messages.png'), fullPage: true });
  });

  it('renders hostile group ids and client ids as text', async () => {
    for (const [i, id] of hostile.entries()) {
      await cli('mq-console-consumer', ['--topic', 'orders', '--group', id, '--from-beginning', '--max-messages', '1',
        '--consumer-property', `client.id=${hostile[(i + 1) % hostile.length] ?? ''}`]);
    }
    await page.goto(`${url}/groups`);
    // The list also holds the console consumer's own generated group from the test before; wait for all four.
    const ids = page.locator('table tbody td:first-child bdi');
    await waitFor(async () => {
      const all = await ids.allTextContents();
      return hostile.every((h) => all.includes(h));
    }, { timeoutMs: 20_000, message: 'every hostile group id listed' });
    expect(await ids.allTextContents()).toEqual(expect.arrayContaining(hostile));
    await expectNoInjection();
    for (const id of [script, img, rtl, zw]) {
      await page.goto(`${url}/groups/${encodeURIComponent(id)}`);
      await page.locator('main h1 bdi').waitFor();
      expect(await page.locator('main h1 bdi').textContent()).toBe(id);
      await page.locator('table.offsets').waitFor();
    }
    await expectNoInjection();
  });

  it('shows a CLI group consumer\'s lag appear and fall, and its member in the assignment picture', async () => {
    await cli('mq-console-producer', ['--topic', 'orders'], Array.from({ length: 60 }, (_, i) => `m${i}`).join('\n') + '\n');
    await cli('mq-console-consumer', ['--topic', 'orders', '--group', 'watchers', '--from-beginning', '--max-messages', '10',
      '--consumer-property', 'client.id=first-run']);
    await page.goto(`${url}/groups/watchers`);
    const lagCells = page.locator('table.offsets tbody tr td:nth-child(5)');
    const totalLag = async (): Promise<number> => (await lagCells.allTextContents()).reduce((n, t) => n + (t === '-' ? 0 : Number(t.replace(/,/g, ''))), 0);
    // The page's CURRENT-OFFSET, LOG-END-OFFSET and LAG are the rows `mq-consumer-groups --describe` prints.
    const described = (await cli('mq-consumer-groups', ['--describe', '--group', 'watchers'])).stdout.split('\n')
      .map((l) => l.trim().split(/\s+/)).filter((f) => f[0] === 'watchers').map((f) => f.slice(1, 6).join(' ')).sort();
    expect(described.length).toBeGreaterThan(0);
    const rows = async (): Promise<string[]> => (await page.locator('table.offsets tbody tr').evaluateAll(
      (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 5).map((td) => (td.textContent ?? '').replace(/,/g, '')).join(' ')))).sort();
    await waitFor(async () => JSON.stringify(await rows()) === JSON.stringify(described), { timeoutMs: 20_000, message: 'the CLI\'s rows shown' });
    expect(await totalLag()).toBeGreaterThan(0);
    const consumer = start('node', [bin('mq-console-consumer'), '--bootstrap-server', broker.bootstrap, '--topic', 'orders', '--group', 'watchers',
      '--consumer-property', 'client.id=live-reader'], { timeoutMs: 120_000 });
    try {
      await page.locator('.member .client', { hasText: 'live-reader' }).waitFor({ timeout: 30_000 });
      await waitFor(async () => (await totalLag()) === 0, { timeoutMs: 30_000, message: 'lag falling to 0' });
      expect(await page.locator('.cells .cell:not(.unowned)').count()).toBe(3);
      await page.screenshot({ path: join(shots, 'group.png'), fullPage: true });
    } finally {
      consumer.kill();
      await consumer.done;
    }
  });

  it('loads every view at its own URL', async () => {
    const views: [string, string][] = [['cluster', '/'], ['brokers', '/brokers'], ['topics', '/topics'], ['topic', '/topics/orders'],
      ['topic-messages', '/topics/orders/messages'], ['groups', '/groups'], ['group-watchers', '/groups/watchers']];
    for (const [name, path] of views) {
      const res = await page.goto(url + path);
      expect(res?.status()).toBe(200);
      await page.locator('main h1').waitFor();
      await page.locator('.loading').waitFor({ state: 'detached' });
      expect(await page.locator('.failure').count()).toBe(0);
      await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
    }
    await page.goto(`${url}/topics/orders`);
    await page.locator('.logrow').nth(2).waitFor();
    expect(await page.locator('.legend', { hasText: 'watchers' }).count()).toBe(1);
  });

  it('every view fits a 400 px window and reads in the dark theme', async () => {
    const views: [string, string][] = [['cluster', '/'], ['brokers', '/brokers'], ['topics', '/topics'], ['topic', '/topics/orders'],
      ['topic-messages', '/topics/orders/messages'], ['groups', '/groups'], ['group-watchers', '/groups/watchers']];
    const load = async (p: Page, path: string): Promise<void> => {
      await p.goto(url + path);
      await p.locator('main h1').waitFor();
      await p.locator('.loading').waitFor({ state: 'detached' });
    };
    await page.setViewportSize({ width: 400, height: 720 });
    try {
      for (const [name, path] of views) {
        await load(page, path);
        // Wide tables scroll inside their own box; the page itself never scrolls sideways.
        expect(await page.evaluate('document.documentElement.scrollWidth'), path).toBeLessThanOrEqual(400);
        await page.screenshot({ path: join(shots, `${name}-narrow.png`), fullPage: true });
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 720 });
    }
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 }, colorScheme: 'dark' });
    try {
      const dark = await ctx.newPage();
      for (const [name, path] of views) {
        await load(dark, path);
        expect(await dark.evaluate('getComputedStyle(document.body).backgroundColor'), path).toBe('rgb(18, 22, 28)');
        await dark.screenshot({ path: join(shots, `${name}-dark.png`), fullPage: true });
      }
    } finally {
      await ctx.close();
    }
  });

  it('--read-only hides the actions and the server refuses a POST', async () => {
    const ro = new URL(await dashboard('127.0.0.1', ['--read-only'])).origin;
    await page.goto(`${ro}/topics`);
    await page.locator('.tag', { hasText: 'read-only' }).waitFor();
    await page.locator('table.topics').waitFor();
    expect(await page.getByText('Create topic').count()).toBe(0);
    const refused = await page.evaluate(`(async () => {
      const s = await (await fetch('/api/session')).json();
      const r = await fetch('/api/topics', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-MQ-CSRF': s.csrfToken },
        body: JSON.stringify({ name: 'never', partitions: 1, replicationFactor: 1, configs: {} }) });
      return [r.status, (await r.json()).error.code];
    })()`);
    expect(refused).toEqual([403, 'READ_ONLY']);
    expect((await cli('mq-topics', ['--list'])).stdout.split('\n')).not.toContain('never');
  });

  it('beyond loopback the token is required', async () => {
    const printed = new URL(await dashboard('0.0.0.0', ['--auth', 'sesame-token']));
    expect(printed.searchParams.get('token')).toBe('sesame-token');
    const origin = `http://127.0.0.1:${printed.port}`;
    expect((await fetch(`${origin}/api/session`)).status).toBe(401);
    expect((await fetch(`${origin}/api/session`, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(`${origin}/api/session`, { headers: { Authorization: 'Bearer sesame-token' } })).status).toBe(200);
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await p.goto(`${origin}/?token=sesame-token`);
    await p.getByText('Size on disk').waitFor();
    expect(new URL(p.url()).searchParams.has('token')).toBe(false);
    await ctx.close();
  });
});
