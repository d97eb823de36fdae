/**
 * Issue 4 acceptance, end-to-end companion of test/unit/group/randomized.test.ts: kafkajs
 * consumers join, leave (LeaveGroup) and crash (sockets cut: no LeaveGroup, no heartbeats) at
 * random while records flow. Checked throughout:
 *   - within one generation no partition is assigned to two members (every SyncGroup answer,
 *     with its generation, from kafkajs' "Received assignment" log);
 *   - committed offsets never move backwards (admin.fetchOffsets polled all along);
 * and at the end every record was consumed and the group settles on the live members with its
 * commits at the log end. The seed is printed on failure; MQ_GROUP_SEED replays one.
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
  killableSockets,
  logEnd,
  onCleanup,
  range,
  rng,
  type AssignmentEvent,
  type KillableSockets,
} from './common.js';

const PARTITIONS = 4;
const ACTIONS = Number(process.env.MQ_GROUP_ACTIONS ?? 12);
const MAX_MEMBERS = 4;

interface Slot {
  name: string;
  consumer: Consumer;
  sockets: KillableSockets;
  state: 'live' | 'left' | 'crashed';
}

describe('randomized join/leave/crash, end to end', () => {
  it('never assigns a partition twice in one generation and never moves a commit backwards', async () => {
    const seed = Number(process.env.MQ_GROUP_SEED ?? Date.now() % 1_000_000_000);
    const random = rng(seed);
    const why = (s: string) => `${s} (seed ${seed}; replay with MQ_GROUP_SEED=${seed})`;

    const tb = await startTestBroker({ settings: { 'group.min.session.timeout.ms': '1000' } });
    onCleanup(() => tb.stop());
    const topic = randomTopic('rnd');
    const groupId = randomGroup();
    await createTopic(tb.bootstrap, topic, PARTITIONS);

    const assignments: AssignmentEvent[] = [];
    const seen = new Set<string>();
    const slots: Slot[] = [];
    const journal: string[] = [];

    const join = async (): Promise<void> => {
      const name = `m${slots.length}`;
      const sockets = killableSockets();
      const kafka = client(tb.bootstrap, { clientId: name, assignments, socketFactory: sockets.factory, restartOnFailure: () => !sockets.crashed });
      const consumer = kafka.consumer(fastConsumer(groupId, { sessionTimeout: 2500, heartbeatInterval: 300, rebalanceTimeout: 6000 }));
      const slot: Slot = { name, consumer, sockets, state: 'live' };
      slots.push(slot);
      // A crashed client only retries into refused sockets until it gives up; do not wait for it.
      onCleanup(() => (slot.state === 'crashed' ? void consumer.disconnect().catch(() => {}) : consumer.disconnect()));
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          seen.add(message.value!.toString());
          await consumer.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1) }]).catch(() => {});
        },
      });
    };

    // Records flow all along, one every ~15 ms round-robin over the partitions.
    const producer = client(tb.bootstrap).producer();
    await producer.connect();
    onCleanup(() => producer.disconnect());
    let produced = 0;
    let producing = true;
    const production = (async () => {
      while (producing) {
        const i = produced;
        await producer.send({ topic, acks: -1, messages: [{ partition: i % PARTITIONS, value: `v-${i}` }] });
        produced = i + 1;
        await new Promise((r) => setTimeout(r, 15));
      }
    })();

    // Committed offsets, polled: none may ever go down.
    const admin = client(tb.bootstrap).admin();
    await admin.connect();
    onCleanup(() => admin.disconnect());
    const highest = new Map<number, number>();
    const backwards: string[] = [];
    let polling = true;
    let polls = 0;
    const poller = (async () => {
      while (polling) {
        const c = await committed(admin, groupId, topic).catch(() => null);
        if (c) {
          polls++;
          for (const [p, off] of c) {
            const before = highest.get(p) ?? -1;
            if (off < before) backwards.push(`p${p}: ${before} -> ${off}`);
            else highest.set(p, off);
          }
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    await join();
    for (let step = 0; step < ACTIONS; step++) {
      const live = slots.filter((s) => s.state === 'live');
      const roll = random();
      let action: 'join' | 'leave' | 'crash';
      if (live.length === 0) action = 'join';
      else if (live.length >= MAX_MEMBERS) action = roll < 0.5 ? 'leave' : 'crash';
      else action = roll < 0.45 ? 'join' : roll < 0.75 ? 'leave' : 'crash';
      if (action === 'join') {
        await join();
        journal.push(`join ${slots.at(-1)!.name}`);
      } else {
        const victim = live[Math.floor(random() * live.length)]!;
        journal.push(`${action} ${victim.name}`);
        if (action === 'leave') {
          victim.state = 'left';
          await victim.consumer.disconnect();
        } else {
          victim.state = 'crashed';
          victim.sockets.crash();
        }
      }
      await new Promise((r) => setTimeout(r, 300 + Math.floor(random() * 1200)));
    }
    if (!slots.some((s) => s.state === 'live')) {
      await join();
      journal.push(`join ${slots.at(-1)!.name}`);
    }
    producing = false;
    await production;
    const total = produced;

    // Settles: the live members (and only them) share all partitions, everything consumed and committed.
    const liveNames = slots.filter((s) => s.state === 'live').map((s) => s.name).sort();
    const settled = await waitFor(
      async () => {
        const g = await describeGroup(admin, groupId);
        if (g.state !== 'Stable') return false;
        if (JSON.stringify(g.members.map((m) => m.clientId).sort()) !== JSON.stringify(liveNames)) return false;
        return g;
      },
      { timeoutMs: 30_000, message: why(`group Stable with ${liveNames.join(',')} after ${journal.join('; ')}`) },
    );
    const owned = settled.members.flatMap((m) => m.assignment[topic] ?? []).sort((a, b) => a - b);
    expect(owned, why('final assignment')).toEqual(range(PARTITIONS));
    await waitFor(() => seen.size >= total, { timeoutMs: 30_000, message: why(`all ${total} records consumed (have ${seen.size})`) });
    for (let i = 0; i < total; i++) expect(seen.has(`v-${i}`), why(`v-${i} consumed`)).toBe(true);
    const end = await logEnd(admin, topic);
    await waitFor(
      async () => {
        const c = await committed(admin, groupId, topic);
        return range(PARTITIONS).every((p) => c.get(p) === end.get(p));
      },
      { timeoutMs: 20_000, message: why('commits at the log end') },
    );
    polling = false;
    await poller;

    // Exclusive ownership per generation.
    const owners = new Map<number, Map<number, Set<string>>>();
    for (const a of assignments) {
      const byPart = owners.get(a.generationId) ?? new Map<number, Set<string>>();
      owners.set(a.generationId, byPart);
      for (const p of a.assignment[topic] ?? []) {
        const s = byPart.get(p) ?? new Set<string>();
        s.add(a.memberId);
        byPart.set(p, s);
      }
    }
    const doubles: string[] = [];
    for (const [gen, byPart] of owners) for (const [p, s] of byPart) if (s.size > 1) doubles.push(`generation ${gen} p${p}: ${[...s].join(', ')}`);
    expect(doubles, why('partitions owned twice in one generation')).toEqual([]);
    // The same member never gets two different assignments in one generation.
    const perMember = new Map<string, string>();
    for (const a of assignments) {
      const key = `${a.generationId}/${a.memberId}`;
      const value = JSON.stringify((a.assignment[topic] ?? []).slice().sort());
      expect(perMember.get(key) ?? value, why(`one assignment for ${key}`)).toBe(value);
      perMember.set(key, value);
    }
    if (process.env.MQ_GROUPS_DEBUG) {
      console.error(`seed ${seed}: ${journal.join('; ')}; ${owners.size} generations, ${assignments.length} assignments, ${total} records, ${polls} offset polls`);
    }
    expect(backwards, why('committed offsets moved backwards')).toEqual([]);
    // The run did exercise rebalances and the poller did watch them.
    expect(owners.size, why('generations seen')).toBeGreaterThan(3);
    expect(polls).toBeGreaterThan(10);
  });
});
