/**
 * Issue 4 acceptance, kafkajs groups: partitions split across members and rebalanced when one
 * leaves, with at-least-once delivery across the rebalance; and the 1-partition seed scenario
 * (one active consumer, idle standbys, takeover from the committed offset).
 */
import { describe, expect, it } from 'vitest';
import type { Consumer } from 'kafkajs';
import { startTestBroker } from '../../helpers/broker.js';
import { randomGroup, randomTopic } from '../../helpers/names.js';
import { waitFor } from '../../helpers/wait.js';
import {
  client,
  committed,
  createTopic,
  describeGroup,
  fastConsumer,
  logEnd,
  onCleanup,
  produce,
  range,
  sortedUnion,
  spread,
  trackJoins,
  type JoinState,
} from './common.js';

interface Seen {
  consumer: string;
  partition: number;
  offset: number;
  value: string;
}

describe('kafkajs consumer group', () => {
  it('splits 6 partitions 2/2/2, rebalances to 3/3 when one leaves, and consumes every record', async () => {
    const tb = await startTestBroker();
    onCleanup(() => tb.stop());
    const topic = randomTopic('g6');
    const groupId = randomGroup();
    await createTopic(tb.bootstrap, topic, 6);
    await produce(tb.bootstrap, topic, spread('before', 60, 6));

    const seen: Seen[] = [];
    const consumers: { name: string; consumer: Consumer; joins: JoinState }[] = [];
    for (const name of ['c1', 'c2', 'c3']) {
      const consumer = client(tb.bootstrap, { clientId: name }).consumer(fastConsumer(groupId));
      onCleanup(() => consumer.disconnect());
      const joins = trackJoins(consumer, topic);
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          seen.push({ consumer: name, partition, offset: Number(message.offset), value: message.value!.toString() });
          // Commit after processing; a commit refused because of a rebalance only means redelivery.
          await consumer.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1) }]).catch(() => {});
        },
      });
      consumers.push({ name, consumer, joins });
    }

    const admin = client(tb.bootstrap).admin();
    await admin.connect();
    onCleanup(() => admin.disconnect());

    // Three members, two partitions each, disjoint, covering all six.
    await waitFor(
      () => {
        const latest = consumers.map((c) => c.joins.latest);
        if (latest.some((l) => l === null || l.length !== 2)) return false;
        return sortedUnion(latest as number[][]).length === 6;
      },
      { timeoutMs: 30_000, message: 'a 2/2/2 split' },
    );
    const d = await waitFor(async () => {
      const g = await describeGroup(admin, groupId);
      return g.state === 'Stable' && g.members.length === 3 ? g : false;
    });
    expect(d.protocolType).toBe('consumer');
    expect(d.members.map((m) => (m.assignment[topic] ?? []).length)).toEqual([2, 2, 2]);
    expect(sortedUnion(d.members.map((m) => m.assignment[topic] ?? []))).toEqual(range(6));
    // describeGroups agrees with what each member was told.
    for (const c of consumers) {
      const mine = d.members.find((m) => m.clientId === c.name)!;
      expect([...(mine.assignment[topic] ?? [])].sort()).toEqual(c.joins.latest);
    }

    // Records flow while c3 leaves.
    let producing = true;
    let during = 0;
    const background = (async () => {
      while (producing) {
        await produce(tb.bootstrap, topic, [{ partition: during % 6, value: `during-${during}` }]);
        during++;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await waitFor(() => during >= 10);
    const leaving = consumers.pop()!;
    await leaving.consumer.disconnect();
    await waitFor(
      () => {
        const latest = consumers.map((c) => c.joins.latest!);
        return latest.every((l) => l.length === 3) && sortedUnion(latest).length === 6;
      },
      { timeoutMs: 30_000, message: 'a 3/3 split after c3 left' },
    );
    await waitFor(() => during >= 30);
    producing = false;
    await background;
    await produce(tb.bootstrap, topic, spread('after', 30, 6));

    const expected = [...range(60).map((i) => `before-${i}`), ...range(during).map((i) => `during-${i}`), ...range(30).map((i) => `after-${i}`)];
    await waitFor(() => new Set(seen.map((s) => s.value)).size >= expected.length, {
      timeoutMs: 30_000,
      message: `all ${expected.length} records consumed`,
    });
    const values = new Set(seen.map((s) => s.value));
    expect(expected.filter((v) => !values.has(v))).toEqual([]);

    // Commits after processing: the group ends at the log end on every partition, nothing skipped.
    const end = await logEnd(admin, topic);
    await waitFor(async () => {
      const c = await committed(admin, groupId, topic);
      return range(6).every((p) => c.get(p) === end.get(p));
    }, { message: 'committed offsets at the log end' });
    // Per partition, the offsets seen are exactly 0..end-1.
    for (const p of range(6)) {
      const offs = [...new Set(seen.filter((s) => s.partition === p).map((s) => s.offset))].sort((a, b) => a - b);
      expect(offs).toEqual(range(end.get(p)!));
    }
    const g = await describeGroup(admin, groupId);
    expect(g.state).toBe('Stable');
    expect(g.members.map((m) => m.clientId).sort()).toEqual(['c1', 'c2']);
  });

  it('one-partition topic: one active consumer, two idle; the next takes over from the committed offset', async () => {
    const tb = await startTestBroker();
    onCleanup(() => tb.stop());
    const topic = randomTopic('g1');
    const groupId = randomGroup();
    await createTopic(tb.bootstrap, topic, 1);

    const seen: Seen[] = [];
    const consumers: { name: string; consumer: Consumer; joins: JoinState }[] = [];
    for (const name of ['c1', 'c2', 'c3']) {
      const consumer = client(tb.bootstrap, { clientId: name }).consumer(fastConsumer(groupId));
      onCleanup(() => consumer.disconnect());
      const joins = trackJoins(consumer, topic);
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          const offset = Number(message.offset);
          seen.push({ consumer: name, partition, offset, value: message.value!.toString() });
          // Commit every fourth record, so a takeover has a few uncommitted records to redeliver.
          if ((offset + 1) % 4 === 0) await consumer.commitOffsets([{ topic, partition, offset: String(offset + 1) }]);
        },
      });
      consumers.push({ name, consumer, joins });
    }
    await waitFor(
      () => {
        const latest = consumers.map((c) => c.joins.latest);
        return latest.every((l) => l !== null) && latest.filter((l) => l.length === 1).length === 1;
      },
      { timeoutMs: 30_000, message: 'one consumer holding the partition' },
    );
    const admin = client(tb.bootstrap).admin();
    await admin.connect();
    onCleanup(() => admin.disconnect());
    await waitFor(async () => {
      const g = await describeGroup(admin, groupId);
      return g.state === 'Stable' && g.members.length === 3;
    });
    // Records arrive once the group has settled, so a rebalance cannot move them around.
    await produce(tb.bootstrap, topic, spread('a', 30, 1));
    await waitFor(() => seen.length >= 30, { timeoutMs: 20_000 });
    const owners = new Set(seen.map((s) => s.consumer));
    expect(owners.size).toBe(1);
    const active = consumers.find((c) => owners.has(c.name))!;
    expect(active.joins.latest).toEqual([0]);
    for (const c of consumers.filter((x) => x !== active)) expect(c.joins.latest).toEqual([]);

    const d = await describeGroup(admin, groupId);
    expect(d.state).toBe('Stable');
    expect(d.members.filter((m) => (m.assignment[topic] ?? []).length > 0).map((m) => m.clientId)).toEqual([active.name]);

    // More records; stop the active consumer after it has seen some, not all at a commit boundary.
    await produce(tb.bootstrap, topic, spread('b', 13, 1));
    await waitFor(() => seen.length >= 43);
    await active.consumer.disconnect();
    const lastByActive = Math.max(...seen.filter((s) => s.consumer === active.name).map((s) => s.offset));
    expect(lastByActive).toBe(42);
    const committedAtStop = (await committed(admin, groupId, topic)).get(0)!;
    expect(committedAtStop).toBe(40); // commits at 4, 8, ..., 40
    const seenBefore = seen.length;

    await produce(tb.bootstrap, topic, spread('c', 7, 1));
    await waitFor(() => seen.length - seenBefore >= 50 - committedAtStop, { timeoutMs: 30_000, message: 'takeover consumed the rest' });
    const after = seen.slice(seenBefore);
    const takers = new Set(after.map((s) => s.consumer));
    expect(takers.size).toBe(1);
    expect(takers.has(active.name)).toBe(false);
    // Resumed at the committed offset: only the uncommitted records (40..42) come again.
    expect(after[0]!.offset).toBe(committedAtStop);
    expect(after.map((s) => s.offset)).toEqual(range(50 - committedAtStop).map((i) => committedAtStop + i));
    const redelivered = after.filter((s) => s.offset <= lastByActive).map((s) => s.offset);
    expect(redelivered).toEqual([40, 41, 42]);
    // Every offset 0..49 consumed at least once.
    expect([...new Set(seen.map((s) => s.offset))].sort((a, b) => a - b)).toEqual(range(50));
  });
});
