// mq-dashboard (issue 11) against Apache Kafka itself: the built bin with --bootstrap-server, over its JSON API and in
// Debian's Chromium. Kafka is the cluster; the dashboard is under test. A three-node KRaft cluster (replication factor 3:
// replicas and ISR of 3 everywhere) and a single node. Skipped unless MQ_REFERENCE=1; run alone with
//   npm run build && MQ_REFERENCE=1 npx vitest run -c vitest.reference.config.ts test/reference/dashboard-on-kafka.test.ts
// Screenshots: .tmp/screenshots/kafka-<release>-<nodes>n-<view>.png.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from '../../src/engine/client/cluster.js';
import { describeLogDirs } from '../../src/engine/client/admin/log-dirs.js';
import { partitionForKey } from '../../src/engine/client/partitioner.js';
import { REPO_ROOT, startKafka, type KafkaCluster, type KafkaVersion } from './kafka.js';
import { mqOk, removeScratch, spawnMq, until, type MqProcess } from './suite-a/mq.js';

const SHOTS = join(REPO_ROOT, '.tmp', 'screenshots');
const TOPIC = 'dash-orders';
const GROUP = 'dash-readers';

/** `perPartition` keys for each of 6 partitions (the Java client's murmur2 placement), so every partition gets records. */
function keysOver6(perPartition: number, prefix: string): string[] {
  const out: string[][] = [[], [], [], [], [], []];
  for (let i = 0; out.some((k) => k.length < perPartition); i++) {
    const key = `${prefix}-${i}`;
    const bucket = out[partitionForKey(Buffer.from(key), 6)]!;
    if (bucket.length < perPartition) bucket.push(key);
  }
  return out.flat();
}

interface Broker {
  id: number;
  host: string;
  port: number;
  reachable: boolean;
  leaderPartitions: number;
  replicas: number;
  sizeBytes: number | null;
}
interface ClusterDoc {
  clusterId: string;
  controllerId: number | null;
  brokers: Broker[];
  underReplicatedPartitions: number;
  offlinePartitions: number;
}
interface PartitionDoc {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  startOffset: number;
  endOffset: number;
  sizeBytes: number | null;
}
interface TopicDoc {
  name: string;
  partitions: PartitionDoc[];
  groups: { groupId: string; lag: number | null }[];
}
interface GroupDoc {
  groupId: string;
  state: string;
  offsets: { topic: string; partition: number; currentOffset: number | null; logEndOffset: number | null; lag: number | null; consumerId: string | null }[];
}

const cases: { version: KafkaVersion; nodes: 1 | 3 }[] = [
  { version: '4', nodes: 3 },
  { version: '3.9', nodes: 3 },
  { version: '4', nodes: 1 },
];

describe.skipIf(!process.env.MQ_REFERENCE)('mq-dashboard on Apache Kafka', () => {
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    removeScratch();
  });

  describe.each(cases)('Kafka $version, $nodes node(s)', ({ version, nodes }) => {
    const rf = Math.min(3, nodes);
    let kafka: KafkaCluster;
    let bs: string[];
    let dash: MqProcess;
    let base: string;
    let csrf: string;
    let admin: Cluster;
    let page: Page;
    const shot = (view: string): string => join(SHOTS, `kafka-${kafka.release}-${nodes}n-${view}.png`);

    const get = async <T>(path: string): Promise<T> => {
      const r = await fetch(base + path);
      const text = await r.text();
      if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${text}`);
      return JSON.parse(text) as T;
    };

    beforeAll(async () => {
      // Small heaps: two cores and other engineers' JVMs on the same machine.
      kafka = await startKafka({ version, nodes, heapMb: 256 });
      bs = ['--bootstrap-server', kafka.bootstrap];
      admin = await Cluster.connect(kafka.bootstrap.split(','));
      dash = spawnMq('dashboard', [...bs, '--listen', '127.0.0.1:0', '--refresh-ms', '500']);
      await dash.waitFor(/http:\/\/127\.0\.0\.1:\d+/, 30_000);
      base = new URL(/http:\/\/\S+/.exec(dash.stdout)![0]).origin;
      csrf = (await get<{ csrfToken: string }>('/api/session')).csrfToken;
      // The server listens before its first round: snapshot routes answer 503 LOADING until it has landed.
      await until('the first round (no more 503 LOADING)', async () => (await fetch(`${base}/api/groups`)).status, (status) => status === 200);
      page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    });

    afterAll(async () => {
      await page?.close();
      await dash?.stop();
      await admin?.close();
      await kafka?.stop();
    });

    it(`/api/cluster and /api/brokers: ${nodes} broker(s) with their addresses, the controller among them`, async () => {
      const c = await until('all brokers reachable', () => get<ClusterDoc>('/api/cluster'), (d) => d.brokers.length === nodes && d.brokers.every((b) => b.reachable));
      expect(c.clusterId).toBe(kafka.clusterId);
      expect(c.brokers.map((b) => [b.id, b.host, b.port]).sort()).toEqual(kafka.nodes.map((n) => [n.id, '127.0.0.1', n.port]).sort());
      expect(kafka.nodes.map((n) => n.id)).toContain(c.controllerId);
      expect(c).toMatchObject({ underReplicatedPartitions: 0, offlinePartitions: 0 });
      const b = await get<{ brokers: Broker[] }>('/api/brokers');
      expect(b.brokers.map((x) => x.id).sort()).toEqual(kafka.nodes.map((n) => n.id).sort());
    });

    it(`POST /api/topics creates ${TOPIC} with 6 partitions and RF ${rf}; /api/topics/NAME shows replicas and ISR of ${rf}`, async () => {
      const r = await fetch(`${base}/api/topics`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-MQ-CSRF': csrf },
        body: JSON.stringify({ name: TOPIC, partitions: 6, replicationFactor: rf, configs: { 'retention.ms': '3600000' } }),
      });
      expect(r.status, await r.clone().text()).toBe(201);
      expect(await r.json()).toEqual({ name: TOPIC });
      // Metadata reaches every broker a moment after CreateTopics answers (Kafka propagates it asynchronously), and
      // mq-topics may ask any of them.
      await until(`mq-topics --list shows ${TOPIC}`, async () => (await mqOk('topics', [...bs, '--list'])).stdout, (s) => s.split('\n').includes(TOPIC));

      // Until then the broker the dashboard asks may not know the topic either, and it answers 404.
      const known = async (): Promise<TopicDoc | undefined> => {
        const r = await fetch(`${base}/api/topics/${TOPIC}`);
        return r.status === 404 ? undefined : ((await r.json()) as TopicDoc);
      };
      const t = (await until(`${TOPIC}: 6 partitions, full ISR`, known, (d) => d !== undefined && d.partitions.length === 6 && d.partitions.every((p) => p.isr.length === rf)))!;
      const ids = kafka.nodes.map((n) => n.id).sort();
      for (const p of t.partitions) {
        expect(p.replicas).toHaveLength(rf);
        expect([...p.replicas].sort()).toEqual(ids);
        expect([...p.isr].sort()).toEqual([...p.replicas].sort());
        expect(p.replicas).toContain(p.leader);
      }
      // The same assignment Kafka's own describe prints.
      const described = (await mqOk('topics', [...bs, '--describe', '--topic', TOPIC])).stdout;
      for (const p of t.partitions) {
        expect(described).toContain(`Partition: ${p.partition}\tLeader: ${p.leader}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}`);
      }
      const list = await get<{ topics: { name: string; partitions: number; replicationFactor: number }[] }>('/api/topics');
      expect(list.topics.find((x) => x.name === TOPIC)).toMatchObject({ partitions: 6, replicationFactor: rf });
    });

    it('sizes come from DescribeLogDirs: each partition the size its leader reports, the brokers their totals', async () => {
      await mqOk('console-producer', [...bs, '--topic', TOPIC, '--property', 'parse.key=true'], {
        stdin: keysOver6(2, 'key').map((k, i) => `${k}\torder ${i} ${'x'.repeat(100)}`).join('\n') + '\n',
      });
      const t = await until(
        'sizes of the 12 records',
        () => get<TopicDoc>(`/api/topics/${TOPIC}`),
        (d) => d.partitions.reduce((s, p) => s + p.endOffset, 0) === 12 && d.partitions.every((p) => p.endOffset === 0 || (p.sizeBytes ?? 0) > 0),
        60_000,
      );
      const dirs = await describeLogDirs(admin, kafka.nodes.map((n) => n.id));
      for (const p of t.partitions) {
        const leader = dirs.get(p.leader)!;
        expect(leader.errorCode).toBe(0);
        expect(p.sizeBytes).toBe(leader.partitions.get(`${TOPIC}:${p.partition}`));
        expect(p.endOffset).toBe(2);
        expect(p.sizeBytes).toBeGreaterThan(100);
      }
      const b = await get<{ brokers: Broker[] }>('/api/brokers');
      for (const x of b.brokers) expect(x.sizeBytes).toBe(dirs.get(x.id)!.sizeBytes);
      // Every broker holds a replica of every partition with RF 3 (one with RF 1): replicas counted per broker.
      expect(b.brokers.reduce((s, x) => s + x.replicas, 0)).toBeGreaterThanOrEqual(6 * rf);
      expect(b.brokers.reduce((s, x) => s + x.leaderPartitions, 0)).toBeGreaterThanOrEqual(6);
    });

    it('a group that consumed it: /api/groups/NAME has the rows of mq-consumer-groups --describe', async () => {
      const c = await mqOk('console-consumer', [...bs, '--topic', TOPIC, '--group', GROUP, '--from-beginning', '--max-messages', '12']);
      expect(c.stdout.trim().split('\n')).toHaveLength(12);
      // One more record on each partition: a lag of 1 everywhere.
      await mqOk('console-producer', [...bs, '--topic', TOPIC, '--property', 'parse.key=true'], { stdin: keysOver6(1, 'late').map((k) => `${k}\tlate`).join('\n') + '\n' });

      const g = await until('lag 6 in the dashboard', () => get<GroupDoc>(`/api/groups/${GROUP}`), (d) => d.offsets.reduce((s, o) => s + (o.lag ?? 0), 0) === 6, 60_000);
      expect(g).toMatchObject({ groupId: GROUP, state: 'Empty' });
      const cli = await mqOk('consumer-groups', [...bs, '--describe', '--group', GROUP]);
      const rows = cli.stdout.trim().split('\n').slice(1).map((l) => l.split(/\s+/));
      const dash = (v: number | string | null): string => (v === null ? '-' : String(v));
      expect(g.offsets.map((o) => [GROUP, o.topic, o.partition, o.currentOffset, o.logEndOffset, o.lag, o.consumerId].map(dash)).sort()).toEqual(
        rows.map((r) => r.slice(0, 7)).sort(),
      );
      expect(rows.map((r) => [r[2], r[3], r[4], r[5]])).toEqual(['0', '1', '2', '3', '4', '5'].map((p) => [p, '2', '3', '1']));
    });

    it('the group is listed by /api/groups and on its topic, with its lag', async () => {
      // The list and the topic's groups come from the sampler's rounds (ListGroups, one batched OffsetFetch).
      type Listed = { groups: { groupId: string; state: string; lag: number | null; topics: string[] }[] };
      const groups = await until('the group listed with lag 6', () => get<Listed>('/api/groups'), (d) => d.groups.some((x) => x.groupId === GROUP && x.lag === 6), 30_000);
      expect(groups.groups.find((x) => x.groupId === GROUP)).toMatchObject({ state: 'Empty', topics: [TOPIC] });
      const t = await get<TopicDoc>(`/api/topics/${TOPIC}`);
      expect(t.groups).toEqual([expect.objectContaining({ groupId: GROUP, lag: 6 })]);
    });

    it(`in Chromium: the cluster view lists ${nodes} broker(s) with the controller; the topic view shows replicas and ISR`, async () => {
      const c = await get<ClusterDoc>('/api/cluster');
      await page.goto(`${base}/`);
      const brokers = page.locator('table').filter({ has: page.locator('th', { hasText: 'Partitions led' }) });
      await brokers.locator('tbody tr').nth(nodes - 1).waitFor();
      const rows = await brokers.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
      expect(rows).toHaveLength(nodes);
      expect(rows.map((r) => r[1]).sort()).toEqual(kafka.nodes.map((n) => `127.0.0.1:${n.port}`).sort());
      // One row carries the controller tag. Under KRaft, Kafka's Metadata answers a random alive broker as controllerId
      // (KafkaApis.handleTopicMetadataRequest, KRaftMetadataCache.getRandomAliveBrokerId), so which one may change between rounds.
      const tagged = rows.filter((r) => r[0]!.endsWith('controller')).map((r) => Number(r[0]!.replace('controller', '')));
      expect(tagged).toHaveLength(1);
      expect(kafka.nodes.map((n) => n.id)).toContain(tagged[0]);
      if (nodes === 1) expect(tagged).toEqual([c.controllerId]);
      expect(rows.every((r) => r[6] === 'reachable')).toBe(true);
      await page.screenshot({ path: shot('cluster'), fullPage: true });

      await page.goto(`${base}/brokers`);
      await page.locator('table').filter({ has: page.locator('th', { hasText: 'Partitions led' }) }).locator('tbody tr').nth(nodes - 1).waitFor();
      await page.screenshot({ path: shot('brokers'), fullPage: true });

      const t = await get<TopicDoc>(`/api/topics/${TOPIC}`);
      await page.goto(`${base}/topics/${encodeURIComponent(TOPIC)}`);
      const parts = page.locator('table').filter({ has: page.locator('th', { hasText: 'ISR' }) });
      await parts.locator('tbody tr').nth(5).waitFor();
      const cells = await parts.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
      expect(cells.map((r) => r.slice(0, 4))).toEqual(t.partitions.map((p) => [String(p.partition), String(p.leader), p.replicas.join(', '), p.isr.join(', ')]));
      for (const r of cells) expect(r[3]!.split(', ')).toHaveLength(rf);
      expect(await parts.locator('tbody tr.warn').count()).toBe(0);
      await page.screenshot({ path: shot('topic'), fullPage: true });

      await page.goto(`${base}/groups/${encodeURIComponent(GROUP)}`);
      await page.locator('th', { hasText: 'CURRENT-OFFSET' }).waitFor();
      await page.screenshot({ path: shot('group'), fullPage: true });
    });
  });
});
