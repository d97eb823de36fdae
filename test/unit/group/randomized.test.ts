/**
 * Randomized run of the coordinator against simulated eager consumers: they join, sync (the
 * leader runs a range assignor), heartbeat, consume and commit, leave, get killed (go silent)
 * and come back, while the clock moves. Invariants checked throughout:
 *  - no partition is assigned to two members in the same generation;
 *  - generations handed out only increase;
 *  - no committed offset moves backwards except through an explicit reset commit;
 * and at the end, with the chaos stopped, the group converges to Stable with every live member.
 */
import { describe, expect, it } from 'vitest';
import { decodeAssignment, encodeAssignment } from '../../../src/engine/protocol/consumer-protocol.js';
import { ErrorCode } from '../../../src/engine/protocol/error-codes.js';
import type { JoinGroupResponse, SyncGroupResponse } from '../../../src/engine/group/types.js';
import { flush, harness, sub, track, type Harness, type Tracked } from './helpers.js';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GROUP = 'rg';
const TOPIC = 't';
const PARTITIONS = 8;

interface Client {
  id: number;
  memberId: string;
  generation: number;
  joining: Tracked<JoinGroupResponse> | null;
  syncing: Tracked<SyncGroupResponse> | null;
  owned: Map<number, number> | null; // partition -> position
  state: 'idle' | 'active' | 'dead' | 'left';
}

function run(seed: number, steps: number) {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const h: Harness = harness({ groupMinSessionTimeoutMs: 1000 });
  const clients: Client[] = [];
  const owners = new Map<number, Map<number, string>>(); // generation -> partition -> member
  const committed = new Map<number, number>();
  let maxGeneration = 0;
  const generationErrors: string[] = [];
  let resetPending = false;
  const stats = { joins: 0, syncs: 0, commits: 0, kills: 0, leaves: 0, resets: 0, generations: new Set<number>() };

  const join = (c: Client) => {
    c.owned = null;
    c.syncing = null;
    const p = h.coord.joinGroup(
        {
          groupId: GROUP,
          memberId: c.memberId,
          sessionTimeoutMs: 6000,
          rebalanceTimeoutMs: 9000,
          protocolType: 'consumer',
          protocols: [{ name: 'range', metadata: sub([TOPIC]) }],
        },
        { version: 5, clientId: `c${c.id}`, clientHost: '/127.0.0.1' },
      );
    // Checked in the order the coordinator answers, not the order clients get round to reading.
    p.then((r) => {
      if (r.errorCode !== ErrorCode.NONE) return;
      if (r.generationId < maxGeneration) generationErrors.push(`generation ${r.generationId} answered after ${maxGeneration}`);
      maxGeneration = r.generationId;
    });
    c.joining = track(p);
  };

  const commitOwned = async (c: Client) => {
    if (!c.owned || c.owned.size === 0) return;
    const r = await h.coord.commitOffsets(
      {
        groupId: GROUP,
        generationIdOrMemberEpoch: c.generation,
        memberId: c.memberId,
        topics: [{ name: TOPIC, partitions: [...c.owned].map(([p, pos]) => ({ partitionIndex: p, committedOffset: pos })) }],
      },
    );
    const errors = r.topics[0]!.partitions.map((p) => p.errorCode);
    if (errors.every((e) => e === ErrorCode.NONE)) stats.commits++;
    else if (errors.some((e) => e === ErrorCode.REBALANCE_IN_PROGRESS || e === ErrorCode.ILLEGAL_GENERATION || e === ErrorCode.UNKNOWN_MEMBER_ID)) {
      // Eager protocol: lose the partitions and rejoin.
      if (errors.includes(ErrorCode.UNKNOWN_MEMBER_ID)) c.memberId = '';
      join(c);
    }
  };

  /** Reacts to whatever the client's parked requests returned. */
  const settle = (c: Client) => {
    if (c.state !== 'active') return;
    if (c.joining?.done) {
      const r = c.joining.value;
      c.joining = null;
      if (r.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
        c.memberId = r.memberId;
        join(c);
      } else if (r.errorCode === ErrorCode.NONE) {
        stats.joins++;
        stats.generations.add(r.generationId);
        c.generation = r.generationId;
        let assignments: { memberId: string; assignment: Buffer }[] = [];
        if (r.leader === r.memberId) {
          // Range assignor over the sorted member ids.
          const ids = r.members.map((m) => m.memberId).sort();
          const per = Math.floor(PARTITIONS / ids.length);
          const extra = PARTITIONS % ids.length;
          let next = 0;
          assignments = ids.map((memberId, i) => {
            const n = per + (i < extra ? 1 : 0);
            const partitions = Array.from({ length: n }, (_, k) => next + k);
            next += n;
            return { memberId, assignment: encodeAssignment({ assignedPartitions: [{ topic: TOPIC, partitions }] }, 0) };
          });
        }
        c.syncing = track(h.coord.syncGroup({ groupId: GROUP, generationId: r.generationId, memberId: r.memberId, assignments }));
      } else {
        if (r.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) c.memberId = '';
        join(c);
      }
    }
    if (c.syncing?.done) {
      const r = c.syncing.value;
      c.syncing = null;
      if (r.errorCode === ErrorCode.NONE) {
        stats.syncs++;
        const partitions = decodeAssignment(r.assignment).assignedPartitions.flatMap((tp) => tp.partitions);
        let gen = owners.get(c.generation);
        if (!gen) owners.set(c.generation, (gen = new Map()));
        for (const p of partitions) {
          const other = gen.get(p);
          if (other !== undefined && other !== c.memberId) {
            throw new Error(`seed ${seed}: partition ${p} assigned to ${other} and ${c.memberId} in generation ${c.generation}`);
          }
          gen.set(p, c.memberId);
        }
        // Start from the committed positions, as a consumer does after an assignment.
        const f = h.coord.fetchOffsets({ groupId: GROUP, topics: [{ name: TOPIC, partitionIndexes: partitions }] });
        c.owned = new Map(f.topics[0]!.partitions.map((p) => [p.partitionIndex, Math.max(0, p.committedOffset)]));
      } else {
        if (r.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) c.memberId = '';
        join(c);
      }
    }
  };

  const act = async (c: Client, chaos: boolean) => {
    if (c.state !== 'active' || c.joining || c.syncing) return;
    const roll = rnd();
    if (chaos && roll < 0.02) {
      c.state = 'dead'; // killed: no more requests, not even a LeaveGroup
      stats.kills++;
      return;
    }
    if (chaos && roll < 0.04) {
      await commitOwned(c);
      if (c.state === 'active' && !c.joining && c.memberId) h.coord.leaveGroup({ groupId: GROUP, memberId: c.memberId }, { version: 1 });
      c.state = 'left';
      stats.leaves++;
      return;
    }
    if (roll < 0.5 && c.owned && c.owned.size > 0) {
      for (const [p, pos] of c.owned) c.owned.set(p, pos + Math.floor(rnd() * 5));
      await commitOwned(c);
      return;
    }
    const hb = h.coord.heartbeat({ groupId: GROUP, generationId: c.generation, memberId: c.memberId });
    if (hb.errorCode === ErrorCode.NONE) return;
    // Rebalancing: commit what was consumed (allowed while PreparingRebalance), then rejoin.
    if (hb.errorCode === ErrorCode.REBALANCE_IN_PROGRESS) await commitOwned(c);
    if (hb.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) c.memberId = '';
    if (!c.joining) join(c);
  };

  const checkOffsets = () => {
    const f = h.coord.fetchOffsets({ groupId: GROUP, topics: null });
    for (const t of f.topics) {
      for (const p of t.partitions) {
        const before = committed.get(p.partitionIndex) ?? -1;
        if (p.committedOffset < before && !resetPending) {
          throw new Error(`seed ${seed}: committed offset of partition ${p.partitionIndex} went back from ${before} to ${p.committedOffset}`);
        }
        committed.set(p.partitionIndex, p.committedOffset);
      }
    }
    resetPending = false;
  };

  const newClient = () => {
    const c: Client = { id: clients.length, memberId: '', generation: -1, joining: null, syncing: null, owned: null, state: 'active' };
    clients.push(c);
    join(c);
  };

  return {
    h,
    stats,
    generationErrors,
    clients,
    async chaos() {
      for (let i = 0; i < 4; i++) newClient();
      for (let step = 0; step < steps; step++) {
        const live = clients.filter((c) => c.state === 'active');
        if (live.length < 2 || (live.length < 8 && rnd() < 0.01)) newClient();
        h.clock.advance(Math.floor(rnd() * 1500));
        await flush();
        const c = pick(clients.filter((x) => x.state === 'active'));
        if (c) {
          settle(c);
          await act(c, true);
          await flush();
          settle(c);
        }
        // An operator reset: only possible while nobody is in the group.
        if (rnd() < 0.02 && h.coord.describeGroups({ groups: [GROUP] }, { version: 5 }).groups[0]!.groupState === 'Empty') {
          const r = await h.coord.commitOffsets(
            { groupId: GROUP, generationIdOrMemberEpoch: -1, memberId: '', topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, committedOffset: 0 }] }] },
          );
          if (r.topics[0]!.partitions[0]!.errorCode === ErrorCode.NONE) {
            resetPending = true;
            stats.resets++;
          }
        }
        checkOffsets();
      }
    },
    async converge() {
      for (let i = 0; i < 200; i++) {
        h.clock.advance(500);
        await flush();
        for (const c of clients) {
          settle(c);
          await act(c, false);
          await flush();
          settle(c);
        }
        checkOffsets();
      }
    },
  };
}

// MQ_GROUP_SEEDS=N runs seeds 1..N instead, for longer soak runs.
const soak = Number(process.env.MQ_GROUP_SEEDS ?? 0);
const seeds = soak > 0 ? Array.from({ length: soak }, (_, i) => i + 1) : [1, 2, 3, 42, 2024, 7, 99, 12345];

describe('randomized group membership', () => {
  for (const seed of seeds) {
    it(`keeps its invariants (seed ${seed})`, async () => {
      const sim = run(seed, 3000);
      await sim.chaos();
      await sim.converge();
      expect(sim.generationErrors).toEqual([]);
      const d = sim.h.coord.describeGroups({ groups: [GROUP] }, { version: 5 }).groups[0]!;
      const live = sim.clients.filter((c) => c.state === 'active');
      expect(d.groupState).toBe(live.length > 0 ? 'Stable' : 'Empty');
      expect(d.members.map((m) => m.memberId).sort()).toEqual(live.map((c) => c.memberId).sort());
      // Every partition is owned by exactly one live member once things settle.
      const owned = live.flatMap((c) => [...(c.owned?.keys() ?? [])]).sort((a, b) => a - b);
      expect(owned).toEqual(Array.from({ length: 8 }, (_, i) => i));
      // The run exercised what it claims to.
      expect(sim.stats.generations.size).toBeGreaterThan(10);
      expect(sim.stats.kills + sim.stats.leaves).toBeGreaterThan(5);
      expect(sim.stats.commits).toBeGreaterThan(100);
    });
  }
});
