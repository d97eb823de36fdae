/**
 * Issue 4 acceptance: committed offsets and lag (log end − committed) read back through kafkajs
 * admin (fetchOffsets, fetchTopicOffsets, describeGroups) before and after a clean broker restart,
 * and after kill -9 of a broker process whose data dir is reused.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Admin, Consumer } from 'kafkajs';
import { startTestBroker } from '../helpers/broker.js';
import { randomGroup, randomTopic } from '../helpers/names.js';
import { waitFor } from '../helpers/wait.js';
import { client, committed, createTopic, describeGroup, fastConsumer, freePort, logEnd, onCleanup, produce, range, spread } from '../integration/groups/common.js';

const BROKER_BIN = join(import.meta.dirname, '../../bin/mq-broker.js');

type Lag = Record<number, { committed: number; end: number; lag: number }>;

async function lagOf(admin: Admin, groupId: string, topic: string): Promise<Lag> {
  const [c, e] = await Promise.all([committed(admin, groupId, topic), logEnd(admin, topic)]);
  const out: Lag = {};
  for (const [p, end] of e) {
    const off = c.get(p) ?? -1;
    out[p] = { committed: off, end, lag: off < 0 ? end : end - off };
  }
  return out;
}

/**
 * A consumer that reads what is there and commits after each record, but only up to
 * `limit(partition)` records per partition, so the lag is uneven and not zero.
 */
async function consumeSome(
  bootstrap: string,
  groupId: string,
  topic: string,
  limit: (p: number) => number,
): Promise<{ consumer: Consumer; seen: { partition: number; offset: number }[] }> {
  const consumer = client(bootstrap, { clientId: 'lagger' }).consumer(fastConsumer(groupId));
  onCleanup(() => consumer.disconnect());
  const seen: { partition: number; offset: number }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      const offset = Number(message.offset);
      if (offset >= limit(partition)) return;
      seen.push({ partition, offset });
      await consumer.commitOffsets([{ topic, partition, offset: String(offset + 1) }]);
    },
  });
  return { consumer, seen };
}

describe('committed offsets and lag', () => {
  it('survive a clean broker restart', async () => {
    const tb = await startTestBroker();
    onCleanup(() => tb.stop());
    const topic = randomTopic('lag');
    const groupId = randomGroup();
    await createTopic(tb.bootstrap, topic, 3);
    await produce(tb.bootstrap, topic, spread('r', 30, 3)); // 10 per partition
    const limits = [10, 4, 0];
    const { consumer, seen } = await consumeSome(tb.bootstrap, groupId, topic, (p) => limits[p]!);

    let admin = client(tb.bootstrap).admin();
    await admin.connect();
    const expected: Lag = {
      0: { committed: 10, end: 10, lag: 0 },
      1: { committed: 4, end: 10, lag: 6 },
      2: { committed: -1, end: 10, lag: 10 },
    };
    await waitFor(async () => JSON.stringify(await lagOf(admin, groupId, topic)) === JSON.stringify(expected), { message: 'lag 0/6/10' });
    expect(seen.length).toBe(14);
    const live = await describeGroup(admin, groupId);
    expect(live.state).toBe('Stable');
    expect(live.protocolType).toBe('consumer');
    expect(live.members.map((m) => m.clientId)).toEqual(['lagger']);
    expect(live.members[0]!.assignment[topic]?.slice().sort()).toEqual(range(3));
    // fetchOffsets carries the metadata and the topic name back as committed.
    const raw = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(raw).toEqual([
      {
        topic,
        partitions: [
          { partition: 0, offset: '10', metadata: null },
          { partition: 1, offset: '4', metadata: null },
          { partition: 2, offset: '-1', metadata: null },
        ],
      },
    ]);

    await consumer.disconnect();
    await waitFor(async () => (await describeGroup(admin, groupId)).state === 'Empty');
    await admin.disconnect();

    await tb.restart();
    admin = client(tb.bootstrap).admin();
    await admin.connect();
    onCleanup(() => admin.disconnect());
    expect(await lagOf(admin, groupId, topic)).toEqual(expected);
    expect(await admin.fetchOffsets({ groupId, topics: [topic] })).toEqual(raw);
    const after = await describeGroup(admin, groupId);
    expect(after.state).toBe('Empty');
    expect(after.protocolType).toBe('consumer');
    expect(after.members).toEqual([]);
    const listed = await admin.listGroups();
    expect(listed.groups).toContainEqual({ groupId, protocolType: 'consumer' });

    // The group resumes from the committed offsets after the restart.
    const resumed = await consumeSome(tb.bootstrap, groupId, topic, () => 10);
    await waitFor(() => resumed.seen.length === 16, { timeoutMs: 20_000, message: '16 records after the restart' });
    expect(resumed.seen.filter((s) => s.partition === 0)).toEqual([]);
    expect(resumed.seen.filter((s) => s.partition === 1).map((s) => s.offset)).toEqual(range(6).map((i) => i + 4));
    expect(resumed.seen.filter((s) => s.partition === 2).map((s) => s.offset)).toEqual(range(10));
    await waitFor(async () => Object.values(await lagOf(admin, groupId, topic)).every((l) => l.lag === 0));
  });

  it('a live group re-forms after a clean restart and continues from its commits', async () => {
    const tb = await startTestBroker();
    onCleanup(() => tb.stop());
    const topic = randomTopic('live');
    const groupId = randomGroup();
    await createTopic(tb.bootstrap, topic, 2);
    await produce(tb.bootstrap, topic, spread('a', 20, 2));
    const one = await consumeSome(tb.bootstrap, groupId, topic, () => Infinity);
    const two = await consumeSome(tb.bootstrap, groupId, topic, () => Infinity);
    const admin = client(tb.bootstrap).admin();
    await admin.connect();
    await waitFor(async () => Object.values(await lagOf(admin, groupId, topic)).every((l) => l.lag === 0), { timeoutMs: 20_000 });
    await waitFor(async () => (await describeGroup(admin, groupId)).members.length === 2);
    await admin.disconnect();
    const before = one.seen.length + two.seen.length;

    await tb.restart();
    const admin2 = client(tb.bootstrap).admin();
    await admin2.connect();
    onCleanup(() => admin2.disconnect());
    expect(Object.values(await lagOf(admin2, groupId, topic)).map((l) => l.committed)).toEqual([10, 10]);
    // Both members come back (their old ids are unknown to the new coordinator) and split the topic again.
    const g = await waitFor(async () => {
      const d = await describeGroup(admin2, groupId);
      return d.state === 'Stable' && d.members.length === 2 && d.members.every((m) => (m.assignment[topic] ?? []).length === 1) ? d : false;
    }, { timeoutMs: 30_000, message: 'the group re-formed with both members' });
    expect(g.members.map((m) => m.clientId)).toEqual(['lagger', 'lagger']);
    await produce(tb.bootstrap, topic, spread('b', 10, 2));
    await waitFor(async () => Object.values(await lagOf(admin2, groupId, topic)).every((l) => l.committed === 15 && l.lag === 0), {
      timeoutMs: 20_000,
      message: 'the new records consumed and committed',
    });
    // Nothing before the restart is read again: the members resumed from the commits.
    const all = [...one.seen, ...two.seen];
    expect(all.length - before).toBe(10);
    expect(all.slice(before).every((r) => r.offset >= 10)).toBe(true);
  });

  it('survive kill -9 of a broker process (data dir reused)', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mq-groups-kill-'));
    onCleanup(() => rm(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    const bootstrap = `127.0.0.1:${port}`;
    let child: ChildProcess | undefined;
    const startBroker = async (): Promise<ChildProcess> => {
      const c = spawn(process.execPath, [BROKER_BIN, 'start', '--data-dir', dataDir, '--listen', bootstrap], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      c.stderr.on('data', (d) => (stderr += d));
      const exited = new Promise((r) => c.once('exit', r));
      await waitFor(() => stderr.includes('listening on'), { timeoutMs: 15_000, message: `broker start: ${stderr}` });
      onCleanup(async () => {
        if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
        await exited;
      });
      return c;
    };
    child = await startBroker();

    const topic = randomTopic('lag9');
    const groupId = randomGroup();
    await createTopic(bootstrap, topic, 2);
    await produce(bootstrap, topic, spread('r', 20, 2)); // 10 per partition
    const { seen } = await consumeSome(bootstrap, groupId, topic, (p) => (p === 0 ? 7 : 3));
    const admin = client(bootstrap).admin();
    await admin.connect();
    const expected: Lag = { 0: { committed: 7, end: 10, lag: 3 }, 1: { committed: 3, end: 10, lag: 7 } };
    await waitFor(async () => JSON.stringify(await lagOf(admin, groupId, topic)) === JSON.stringify(expected), { message: 'lag 3/7' });
    expect(seen.length).toBe(10);
    await admin.disconnect();

    // No clean shutdown: the consumer is still in the group, the offsets log is not closed.
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    child = await startBroker();

    const admin2 = client(bootstrap).admin();
    await admin2.connect();
    onCleanup(() => admin2.disconnect());
    expect(await lagOf(admin2, groupId, topic)).toEqual(expected);
    // The membership did not survive; the old consumer will rejoin (or the group is Empty).
    const g = await describeGroup(admin2, groupId);
    expect(['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable']).toContain(g.state);
    expect(g.protocolType).toBe('consumer');
    // The consumer that was connected through the crash rejoins as a new member.
    const rejoined = await waitFor(async () => {
      const d = await describeGroup(admin2, groupId);
      return d.state === 'Stable' && d.members.length === 1 ? d : false;
    }, { timeoutMs: 30_000, message: 'the consumer rejoined after the broker crash' });
    expect(rejoined.members[0]!.clientId).toBe('lagger');
    expect(rejoined.members[0]!.assignment[topic]?.slice().sort()).toEqual([0, 1]);
    expect(await lagOf(admin2, groupId, topic)).toEqual(expected);
  });
});
