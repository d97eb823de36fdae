/**
 * mq-dashboard on an empty broker (the built bin, `npm run build` first): every empty view says what to do next, in
 * the words of the command a Kafka user would run, and the page still offers its actions.
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

let broker: TestBroker;
let browser: Browser;
let page: Page;
let dashboard: RunningProcess | undefined;
let url: string;

const emptyText = async (): Promise<string> => (await page.locator('p.empty').first().textContent()) ?? '';

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  broker = await startTestBroker();
  const listen = `127.0.0.1:${await freePort()}`;
  const d = start('node', [bin('mq-dashboard'), '--bootstrap-server', broker.bootstrap, '--refresh-ms', '500', '--listen', listen], { timeoutMs: 300_000 });
  dashboard = d;
  url = new URL(await waitFor(() => /https?:\/\/\S+/.exec(d.stdout + d.stderr)?.[0], { timeoutMs: 20_000, message: 'mq-dashboard printing its URL' })).origin;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
});

afterAll(async () => {
  await browser?.close();
  dashboard?.kill();
  await dashboard?.done;
  await broker?.stop();
});

describe('mq-dashboard on an empty broker', () => {
  it('/topics says how to create a topic, and the create form is there', async () => {
    await page.goto(`${url}/topics`);
    await page.locator('p.empty').waitFor();
    expect(await emptyText()).toBe('No topics yet: create one above, or run mq-topics --create --topic t, or just produce with mq-console-producer --topic t.');
    expect(await page.getByText('Create topic').count()).toBe(1);
    await page.screenshot({ path: join(shots, 'empty-topics.png'), fullPage: true });
  });

  it('/groups says how to start a consumer group', async () => {
    await page.goto(`${url}/groups`);
    await page.locator('p.empty').waitFor();
    expect(await emptyText()).toBe('No consumer groups yet: run mq-console-consumer --topic t --group g.');
    await page.screenshot({ path: join(shots, 'empty-groups.png'), fullPage: true });
  });

  it('a new topic\'s view and its messages say how to consume and produce, naming the topic', async () => {
    await runOk('node', [bin('mq-topics'), '--bootstrap-server', broker.bootstrap, '--create', '--topic', 'fresh', '--partitions', '2']);
    await page.goto(`${url}/topics/fresh`);
    await page.locator('p.empty').waitFor();
    expect(await emptyText()).toBe('No group consumes this topic yet: run mq-console-consumer --topic fresh --group g.');
    await page.goto(`${url}/topics/fresh/messages`);
    await page.locator('p.empty').waitFor();
    expect(await emptyText()).toBe('No messages here: produce one above, or run mq-console-producer --topic fresh');
    expect(await page.getByText('Produce a message').count()).toBe(1);
  });
});

describe('mq-dashboard --read-only on an empty broker', () => {
  let ro: RunningProcess | undefined;
  let roUrl: string;
  beforeAll(async () => {
    const listen = `127.0.0.1:${await freePort()}`;
    const d = start('node', [bin('mq-dashboard'), '--bootstrap-server', broker.bootstrap, '--refresh-ms', '500', '--listen', listen, '--read-only'], { timeoutMs: 300_000 });
    ro = d;
    roUrl = new URL(await waitFor(() => /https?:\/\/\S+/.exec(d.stdout + d.stderr)?.[0], { timeoutMs: 20_000, message: 'mq-dashboard --read-only printing its URL' })).origin;
  });
  afterAll(async () => {
    ro?.kill();
    await ro?.done;
  });

  it('points only at the commands: there is no form above to use', async () => {
    await runOk('node', [bin('mq-topics'), '--bootstrap-server', broker.bootstrap, '--create', '--topic', 'quiet']);
    await page.goto(`${roUrl}/topics/quiet/messages`);
    await page.locator('p.empty').waitFor();
    expect(await emptyText()).toBe('No messages here: run mq-console-producer --topic quiet');
    expect(await page.getByText('Produce a message').count()).toBe(0);
  });
});
