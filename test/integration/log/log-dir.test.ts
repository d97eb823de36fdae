import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogDir } from '../../../src/engine/log/log-dir.js';
import { makeSizedBatch } from '../../unit/log/batch-builder.js';
import { harness, type Harness } from './harness.js';

let h: Harness;
let d: LogDir | undefined;
afterEach(async () => {
  await d?.abandon().catch(() => undefined);
  d = undefined;
  h?.cleanup();
});

describe('LogDir', () => {
  it('lays out the data directory as documented', async () => {
    h = harness();
    d = await h.open();
    const t = await d.createTopic('orders', 2, { 'retention.ms': '1000' });
    expect(d.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(t.id).toMatch(/^[0-9a-f]{32}$/);
    const cluster = JSON.parse(fs.readFileSync(path.join(h.dir, 'meta/cluster.json'), 'utf8'));
    expect(cluster).toMatchObject({ version: 1, clusterId: d.clusterId, nodeId: 1 });
    const topics = JSON.parse(fs.readFileSync(path.join(h.dir, 'meta/topics.json'), 'utf8'));
    expect(topics).toEqual({ version: 1, topics: [{ name: 'orders', id: t.id, partitions: 2, configs: { 'retention.ms': '1000' } }] });
    expect(fs.readdirSync(path.join(h.dir, 'logs')).sort()).toEqual(['orders-0', 'orders-1']);
    expect(fs.readdirSync(path.join(h.dir, 'logs/orders-0'))).toContain('00000000000000000000.log');
    expect(fs.readFileSync(path.join(h.dir, 'logs/orders-0/partition.metadata'), 'utf8')).toMatch(/^version: 0\ntopic_id: /);
    await d.close();
    expect(fs.existsSync(path.join(h.dir, '.clean-shutdown'))).toBe(true);
    for (const f of ['index', 'timeindex']) expect(fs.existsSync(path.join(h.dir, `logs/orders-0/00000000000000000000.${f}`))).toBe(true);
    d = await h.open();
    expect(d.wasCleanShutdown).toBe(true);
    expect(d.clusterId).toBe(cluster.clusterId);
    expect(d.topic('orders')).toEqual(t);
  });

  it('creates, grows, reconfigures and deletes topics with Kafka errors', async () => {
    h = harness();
    d = await h.open({ settings: { 'num.partitions': 3, 'log.retention.hours': 1 } });
    expect((await d.createTopic('a_b')).partitions).toBe(3);
    await expect(d.createTopic('a.b', 1)).rejects.toMatchObject({ errorName: 'INVALID_TOPIC_EXCEPTION', message: "Topic 'a.b' collides with existing topic: a_b" });
    await expect(d.createTopic('a_b', 1)).rejects.toMatchObject({ errorName: 'TOPIC_ALREADY_EXISTS', message: "Topic 'a_b' already exists." });
    await expect(d.createTopic('bad name', 1)).rejects.toMatchObject({ errorName: 'INVALID_TOPIC_EXCEPTION' });
    await expect(d.createTopic('x', 1, { 'retention.ms': 'abc' })).rejects.toMatchObject({
      errorName: 'INVALID_CONFIG',
      message: 'Invalid value abc for configuration retention.ms: Not a number of type LONG',
    });
    await expect(d.createTopic('x', 1, { nope: '1' })).rejects.toMatchObject({ message: 'Unknown topic config name: nope' });
    await expect(d.createPartitions('a_b', 2)).rejects.toMatchObject({
      errorName: 'INVALID_PARTITIONS',
      message: 'The topic a_b currently has 3 partition(s); 2 would not be an increase.',
    });
    await d.createPartitions('a_b', 5);
    expect((await d.partition('a_b', 4)!.append(makeSizedBatch(1, 1))).baseOffset).toBe(0);
    expect(d.describeConfig('a_b')!.get('retention.ms')).toMatchObject({ value: '3600000', source: 'broker', brokerSynonym: 'log.retention.hours' });
    await d.alterTopicConfig('a_b', { 'retention.ms': '5' });
    expect(d.describeConfig('a_b')!.get('retention.ms')).toMatchObject({ value: '5', source: 'topic' });
    await d.alterTopicConfig('a_b', {});
    expect(d.topic('a_b')!.configs).toEqual({});
    await d.deleteTopic('a_b');
    expect(d.topics()).toEqual([]);
    expect(fs.readdirSync(path.join(h.dir, 'logs'))).toEqual([]);
    await d.close();
    d = await h.open();
    expect(d.topics()).toEqual([]);
    await d.createTopic('a.b', 1);
  });

  it('wakes waiting fetches when a partition gets data', async () => {
    h = harness();
    d = await h.open();
    await d.createTopic('t', 2);
    const seen: string[] = [];
    d.onAppend((topic, p, leo) => seen.push(`${topic}-${p}@${leo}`));
    await d.partition('t', 1)!.append(makeSizedBatch(3, 1));
    expect(seen).toEqual(['t-1@3']);
  });

  it('recovers every partition when the marker is missing', async () => {
    h = harness();
    d = await h.open();
    await d.createTopic('t', 2);
    await d.partition('t', 0)!.append(makeSizedBatch(3, 10));
    await d.partition('t', 1)!.append(makeSizedBatch(4, 10));
    await d.abandon();
    fs.appendFileSync(path.join(h.dir, 'logs/t-1/00000000000000000000.log'), Buffer.from([0, 0, 0]));
    d = await h.open();
    expect(d.wasCleanShutdown).toBe(false);
    expect(d.partition('t', 0)!.logEndOffset).toBe(3);
    expect(d.partition('t', 1)!.logEndOffset).toBe(4);
    expect(h.warnings.some((w) => w.startsWith('Recovered partition t-1: truncated 3 bytes'))).toBe(true);
  });

  it('fsync mode and flush.messages=1 acknowledge after the data is on disk', async () => {
    h = harness();
    d = await h.open({ fsync: true });
    await d.createTopic('t', 1, { 'segment.bytes': '200', 'flush.messages': '1' });
    for (let i = 0; i < 10; i++) await d.partition('t', 0)!.append(makeSizedBatch(1, 50));
    expect(d.partition('t', 0)!.logEndOffset).toBe(10);
  });
});
