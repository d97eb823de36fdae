import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/engine/protocol/error-codes.js';
import { GroupCoordinator } from '../../../src/engine/group/coordinator.js';
import { ClassicGroup } from '../../../src/engine/group/group.js';
import { MemoryOffsetStore } from '../../../src/engine/group/records.js';
import { ManualClock } from '../../../src/engine/clock.js';
import { encode } from '../../../src/engine/protocol/codec.js';
import { JoinGroup } from '../../../src/engine/protocol/messages/11-join-group.js';
import { flush, harness, joinNew, joinReq, sub, syncReq, track, V, type Harness } from './helpers.js';

const state = (h: Harness, g: string) => h.coord.describeGroups({ groups: [g] }, V(5)).groups[0]!.groupState;

/** Brings n dynamic members into a Stable group; returns their join answers (leader first). */
async function stableGroup(h: Harness, g: string, n: number) {
  const first = await joinNew(h, g);
  expect(first.done).toBe(true); // a lone member completes the join at once (no initial delay)
  let joins = [first.value];
  if (n > 1) {
    // Everyone else joins; the first member learns of the rebalance from its heartbeat and rejoins.
    const others = [];
    for (let i = 1; i < n; i++) others.push(await joinNew(h, g));
    expect(h.coord.heartbeat({ groupId: g, generationId: first.value.generationId, memberId: first.value.memberId }).errorCode).toBe(
      ErrorCode.REBALANCE_IN_PROGRESS,
    );
    const re = track(h.coord.joinGroup(joinReq(g, first.value.memberId), V(5)));
    await flush();
    joins = [re, ...others].map((t) => {
      expect(t.done).toBe(true);
      return t.value;
    });
  }
  const leader = joins.find((j) => j.leader === j.memberId)!;
  const syncs = joins.map((j) =>
    track(
      h.coord.syncGroup(
        syncReq(g, j, j === leader ? joins.map((x) => ({ memberId: x.memberId, assignment: Buffer.from(`a-${x.memberId}`) })) : []),
      ),
    ),
  );
  await flush();
  for (const s of syncs) expect(s.value.errorCode).toBe(ErrorCode.NONE);
  expect(state(h, g)).toBe('Stable');
  return joins;
}

describe('JoinGroup', () => {
  it('a single member: MEMBER_ID_REQUIRED, then generation 1 as leader', async () => {
    const h = harness();
    const first = await h.coord.joinGroup(joinReq('g'), V(5, 'c1'));
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect(first.memberId).toBe('c1-m1');
    expect(state(h, 'g')).toBe('Empty'); // pending members are not members
    const r = await h.coord.joinGroup(joinReq('g', first.memberId), V(5, 'c1'));
    expect(r).toMatchObject({ errorCode: 0, generationId: 1, protocolName: 'range', protocolType: 'consumer', leader: 'c1-m1', memberId: 'c1-m1' });
    expect(r.members).toEqual([{ memberId: 'c1-m1', groupInstanceId: null, metadata: sub(['t']) }]);
    expect(state(h, 'g')).toBe('CompletingRebalance');
  });

  it('v0-3 joins are admitted without MEMBER_ID_REQUIRED', async () => {
    const h = harness();
    const r = await h.coord.joinGroup(joinReq('g'), V(3, 'c'));
    expect(r.errorCode).toBe(0);
    expect(r.generationId).toBe(1);
    expect(r.memberId).toBe('c-m1');
  });

  it('three members: joins park until all known members rejoin; only the leader gets metadata', async () => {
    const h = harness();
    const joins = await stableGroup(h, 'g', 3);
    expect(new Set(joins.map((j) => j.generationId))).toEqual(new Set([2]));
    const leader = joins.filter((j) => j.members.length > 0);
    expect(leader).toHaveLength(1);
    expect(leader[0]!.members.map((m) => m.memberId).sort()).toEqual(joins.map((j) => j.memberId).sort());
    for (const j of joins) expect(j.leader).toBe(leader[0]!.memberId);
    // The original member stays leader because it rejoined.
    expect(leader[0]!.memberId).toBe('client-m1');
  });

  it('parked joins stay parked while a known member has not rejoined', async () => {
    const h = harness();
    const [a] = await stableGroup(h, 'g', 1);
    const b = await joinNew(h, 'g');
    expect(b.done).toBe(false);
    expect(state(h, 'g')).toBe('PreparingRebalance');
    h.clock.advance(5000);
    await flush();
    expect(b.done).toBe(false);
    const ra = await h.coord.joinGroup(joinReq('g', a!.memberId), V(5));
    await flush();
    expect(b.done).toBe(true);
    expect(ra.generationId).toBe(2);
    expect(b.value.generationId).toBe(2);
  });

  it('protocol vote picks the protocol most members prefer among common ones', async () => {
    const h = harness();
    const p = (...names: string[]) => names.map((name) => ({ name, metadata: Buffer.from(name) }));
    const a = await h.coord.joinGroup(joinReq('g', '', { protocols: p('roundrobin', 'range') }), V(3));
    const sa = track(h.coord.syncGroup(syncReq('g', a, [])));
    await flush();
    expect(sa.done).toBe(true);
    const b = track(h.coord.joinGroup(joinReq('g', '', { protocols: p('range', 'roundrobin', 'sticky') }), V(3)));
    const c = track(h.coord.joinGroup(joinReq('g', '', { protocols: p('sticky', 'range', 'roundrobin') }), V(3)));
    const ra = track(h.coord.joinGroup(joinReq('g', a.memberId, { protocols: p('roundrobin', 'range') }), V(3)));
    await flush();
    // Candidates {roundrobin, range}; votes: a->roundrobin, b->range, c->range.
    expect(ra.value.protocolName).toBe('range');
    expect(b.value.protocolName).toBe('range');
    expect(ra.value.members.find((m) => m.memberId === c.value.memberId)!.metadata).toEqual(Buffer.from('range'));
  });

  it('INCONSISTENT_GROUP_PROTOCOL for a different type or no common protocol', async () => {
    const h = harness();
    await h.coord.joinGroup(joinReq('g'), V(3));
    const t = await h.coord.joinGroup(joinReq('g', '', { protocolType: 'connect' }), V(3));
    expect(t.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect(t.protocolName).toBe('');
    const p = await h.coord.joinGroup(joinReq('g', '', { protocols: [{ name: 'other', metadata: Buffer.alloc(0) }] }), V(7));
    expect(p.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect(p.protocolName).toBeNull();
    const e = await h.coord.joinGroup(joinReq('h', '', { protocols: [] }), V(3));
    expect(e.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect(h.coord.listGroups().groups.map((x) => x.groupId)).toEqual(['g']); // no shell left for 'h'
  });

  it('INVALID_SESSION_TIMEOUT outside the configured bounds; INVALID_GROUP_ID for ""', async () => {
    const h = harness({ groupMinSessionTimeoutMs: 1000, groupMaxSessionTimeoutMs: 5000 });
    expect((await h.coord.joinGroup(joinReq('g', '', { sessionTimeoutMs: 999 }), V(5))).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect((await h.coord.joinGroup(joinReq('g', '', { sessionTimeoutMs: 5001 }), V(5))).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect((await h.coord.joinGroup(joinReq('g', '', { sessionTimeoutMs: 5000 }), V(5))).errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect((await h.coord.joinGroup(joinReq('', ''), V(5))).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
    const d = harness();
    expect((await d.coord.joinGroup(joinReq('g', '', { sessionTimeoutMs: 5999 }), V(5))).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
  });

  it('a known member id for an unknown group is UNKNOWN_MEMBER_ID', async () => {
    const h = harness();
    expect((await h.coord.joinGroup(joinReq('g', 'ghost'), V(5))).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('pending members expire after the session timeout and stop holding the rebalance', async () => {
    const h = harness();
    const [a] = await stableGroup(h, 'g', 1);
    const pending = await h.coord.joinGroup(joinReq('g'), V(5));
    expect(pending.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    // A rebalance started by the leader waits for the pending member...
    const ra = track(h.coord.joinGroup(joinReq('g', a!.memberId, { protocols: [{ name: 'range', metadata: sub(['t', 'u']) }] }), V(5)));
    await flush();
    expect(ra.done).toBe(false);
    // ...until its session timeout passes without it coming back.
    h.clock.advance(10_000);
    await flush();
    expect(ra.done).toBe(true);
    expect(ra.value.members).toHaveLength(1);
    expect((await h.coord.joinGroup(joinReq('g', pending.memberId), V(5))).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('GROUP_MAX_SIZE_REACHED for a new member of a full group', async () => {
    const h = harness({ groupMaxSize: 1 });
    await stableGroup(h, 'g', 1);
    expect((await h.coord.joinGroup(joinReq('g'), V(3))).errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED);
  });

  it('a follower rejoining Stable with the same metadata gets the current generation, no rebalance', async () => {
    const h = harness();
    const joins = await stableGroup(h, 'g', 2);
    const follower = joins.find((j) => j.leader !== j.memberId)!;
    const r = await h.coord.joinGroup(joinReq('g', follower.memberId), V(5));
    expect(r).toMatchObject({ errorCode: 0, generationId: follower.generationId, members: [] });
    expect(state(h, 'g')).toBe('Stable');
    // Changed metadata does trigger one.
    const c = track(h.coord.joinGroup(joinReq('g', follower.memberId, { protocols: [{ name: 'range', metadata: sub(['x']) }] }), V(5)));
    await flush();
    expect(c.done).toBe(false);
    expect(state(h, 'g')).toBe('PreparingRebalance');
  });
});

describe('initial rebalance delay', () => {
  it('waits the delay, extended by each new member, capped by the rebalance timeout', async () => {
    const h = harness({ groupInitialRebalanceDelayMs: 3000 });
    const a = await joinNew(h, 'g', { rebalanceTimeoutMs: 10_000 });
    expect(a.done).toBe(false);
    h.clock.advance(2000);
    const b = await joinNew(h, 'g', { rebalanceTimeoutMs: 10_000 });
    h.clock.advance(1000); // first delay ends; b joined meanwhile -> extend
    await flush();
    expect(a.done).toBe(false);
    h.clock.advance(2999);
    await flush();
    expect(a.done).toBe(false);
    h.clock.advance(1);
    await flush();
    expect(a.done && b.done).toBe(true);
    expect(a.value.generationId).toBe(1);
    expect(a.value.members).toHaveLength(2);
  });

  it('keeps extending only until the rebalance timeout is used up', async () => {
    const h = harness({ groupInitialRebalanceDelayMs: 3000 });
    const a = await joinNew(h, 'g', { rebalanceTimeoutMs: 7000 });
    const joined = [a];
    for (let i = 0; i < 6; i++) {
      h.clock.advance(1000);
      await flush();
      if (!a.done) joined.push(await joinNew(h, 'g', { rebalanceTimeoutMs: 7000 }));
    }
    h.clock.advance(1000);
    await flush();
    // Delays 3000 + 3000 + 1000 (remaining) = 7000 ms at most.
    expect(a.done).toBe(true);
    expect(h.clock.now() - 1_700_000_000_000).toBeLessThanOrEqual(7000);
  });
});

describe('SyncGroup', () => {
  it('followers park until the leader sends the assignment; unlisted members get an empty consumer assignment', async () => {
    const h = harness();
    const first = await joinNew(h, 'g');
    const s0 = await h.coord.syncGroup(syncReq('g', first.value, []));
    expect(s0.errorCode).toBe(0);
    const b = await joinNew(h, 'g');
    const c = await joinNew(h, 'g');
    const a = track(h.coord.joinGroup(joinReq('g', first.value.memberId), V(5)));
    await flush();
    const fb = track(h.coord.syncGroup(syncReq('g', b.value)));
    const fc = track(h.coord.syncGroup(syncReq('g', c.value)));
    await flush();
    expect(fb.done || fc.done).toBe(false);
    expect(h.coord.heartbeat({ groupId: 'g', generationId: 2, memberId: b.value.memberId }).errorCode).toBe(0);
    const la = await h.coord.syncGroup(syncReq('g', a.value, [{ memberId: b.value.memberId, assignment: Buffer.from('B') }]));
    await flush();
    expect(la).toMatchObject({ errorCode: 0, protocolType: 'consumer', protocolName: 'range' });
    expect(fb.value.assignment).toEqual(Buffer.from('B'));
    // Kafka's wire form of an empty v0 consumer assignment: version 0, no topics, empty user data.
    expect(fc.value.assignment.length).toBeGreaterThan(0);
    expect(state(h, 'g')).toBe('Stable');
    // A late sync in Stable returns the stored assignment.
    expect((await h.coord.syncGroup(syncReq('g', b.value))).assignment).toEqual(Buffer.from('B'));
  });

  it('errors: unknown member, illegal generation, inconsistent protocol, rebalance in progress', async () => {
    const h = harness();
    const [a] = await stableGroup(h, 'g', 1);
    expect((await h.coord.syncGroup({ ...syncReq('g', a!), memberId: 'x' })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect((await h.coord.syncGroup({ ...syncReq('g', a!), generationId: 9 })).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect((await h.coord.syncGroup({ ...syncReq('g', a!), protocolName: 'roundrobin' })).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect((await h.coord.syncGroup({ ...syncReq('nope', a!) })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    await joinNew(h, 'g');
    expect((await h.coord.syncGroup(syncReq('g', a!))).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  });

  it('parked follower syncs get REBALANCE_IN_PROGRESS when a rebalance starts first', async () => {
    const h = harness();
    const joins = await stableGroup(h, 'g', 2);
    const follower = joins.find((j) => j.leader !== j.memberId)!;
    const leader = joins.find((j) => j.leader === j.memberId)!;
    // Force a new generation: both rejoin.
    const rl = track(h.coord.joinGroup(joinReq('g', leader.memberId), V(5)));
    const rf = track(h.coord.joinGroup(joinReq('g', follower.memberId), V(5)));
    await flush();
    const fs = track(h.coord.syncGroup(syncReq('g', rf.value)));
    await flush();
    expect(fs.done).toBe(false);
    await joinNew(h, 'g'); // a third member arrives before the leader syncs
    await flush();
    expect(fs.value.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(rl.value.generationId).toBe(3);
  });

  it('members that never sync are removed after the rebalance timeout', async () => {
    const h = harness();
    const first = await joinNew(h, 'g', { rebalanceTimeoutMs: 20_000 });
    await h.coord.syncGroup(syncReq('g', first.value));
    const b = await joinNew(h, 'g', { rebalanceTimeoutMs: 20_000 });
    const a = track(h.coord.joinGroup(joinReq('g', first.value.memberId, { rebalanceTimeoutMs: 20_000 }), V(5)));
    await flush();
    expect(b.value.generationId).toBe(2);
    // Only the leader syncs (and keeps heartbeating); b goes quiet but is within its session.
    const la = await h.coord.syncGroup(syncReq('g', a.value, []));
    expect(la.errorCode).toBe(0);
    for (let i = 0; i < 4; i++) {
      h.clock.advance(5000);
      h.coord.heartbeat({ groupId: 'g', generationId: 2, memberId: a.value.memberId });
    }
    // b's session (10 s) had already expired earlier, which also rebalances; either way b is gone.
    const d = h.coord.describeGroups({ groups: ['g'] }, V(5)).groups[0]!;
    expect(d.members.map((m) => m.memberId)).toEqual([a.value.memberId]);
  });

  it('pending-sync timer alone removes a silent member that keeps its session alive', async () => {
    const h = harness();
    const first = await joinNew(h, 'g', { rebalanceTimeoutMs: 8000, sessionTimeoutMs: 30_000 });
    await h.coord.syncGroup(syncReq('g', first.value));
    const b = await joinNew(h, 'g', { rebalanceTimeoutMs: 8000, sessionTimeoutMs: 30_000 });
    const a = track(h.coord.joinGroup(joinReq('g', first.value.memberId, { rebalanceTimeoutMs: 8000, sessionTimeoutMs: 30_000 }), V(5)));
    await flush();
    await h.coord.syncGroup(syncReq('g', a.value, []));
    expect(state(h, 'g')).toBe('Stable');
    h.clock.advance(8000);
    // b heartbeats but never synced: removed, and a rebalance starts.
    expect(h.coord.heartbeat({ groupId: 'g', generationId: 2, memberId: b.value.memberId }).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(state(h, 'g')).toBe('PreparingRebalance');
  });
});

describe('Heartbeat', () => {
  it('answers per state', async () => {
    const h = harness();
    const hb = (memberId: string, generationId: number, groupId = 'g') => h.coord.heartbeat({ groupId, generationId, memberId }).errorCode;
    expect(hb('x', 0, 'none')).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const a = await joinNew(h, 'g');
    // CompletingRebalance
    expect(hb(a.value.memberId, 1)).toBe(ErrorCode.NONE);
    expect(hb(a.value.memberId, 0)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(hb('x', 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    await h.coord.syncGroup(syncReq('g', a.value));
    // Stable
    expect(hb(a.value.memberId, 1)).toBe(ErrorCode.NONE);
    // PreparingRebalance
    await joinNew(h, 'g');
    expect(hb(a.value.memberId, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    // Empty (after everyone left)
    h.coord.leaveGroup({ groupId: 'g', memberId: a.value.memberId }, V(1));
    h.clock.advance(60_000);
    await flush();
    expect(state(h, 'g')).toBe('Empty');
    expect(hb(a.value.memberId, 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(h.coord.heartbeat({ groupId: '', generationId: 1, memberId: 'a' }).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
  });
});

describe('session expiry and rebalance timeout', () => {
  it("a dead member's session expires: it is removed and the others rebalance", async () => {
    const h = harness();
    const joins = await stableGroup(h, 'g', 3);
    const [dead, ...alive] = joins;
    for (let i = 0; i < 2; i++) {
      h.clock.advance(4000);
      for (const j of alive) expect(h.coord.heartbeat({ groupId: 'g', generationId: j.generationId, memberId: j.memberId }).errorCode).toBe(0);
    }
    h.clock.advance(4000);
    // 12 s > 10 s session: the silent member is gone and a rebalance is on.
    expect(state(h, 'g')).toBe('PreparingRebalance');
    for (const j of alive) expect(h.coord.heartbeat({ groupId: 'g', generationId: j.generationId, memberId: j.memberId }).errorCode).toBe(27);
    const re = alive.map((j) => track(h.coord.joinGroup(joinReq('g', j.memberId), V(5))));
    await flush();
    for (const r of re) expect(r.value.generationId).toBe(3);
    const leaderJoin = re.find((r) => r.value.leader === r.value.memberId)!;
    expect(leaderJoin.value.members.map((m) => m.memberId)).not.toContain(dead!.memberId);
  });

  it('members that do not rejoin within the rebalance timeout are removed', async () => {
    const h = harness();
    const joins = await stableGroup(h, 'g', 2);
    const [a, b] = joins;
    const ra = track(h.coord.joinGroup(joinReq('g', a!.memberId, { protocols: [{ name: 'range', metadata: sub(['t', 'u']) }] }), V(5)));
    await flush();
    expect(ra.done).toBe(false);
    // b keeps heartbeating (REBALANCE_IN_PROGRESS) but never rejoins.
    for (let t = 0; t < 30_000; t += 5000) {
      h.clock.advance(5000);
      await flush();
      if (!ra.done) h.coord.heartbeat({ groupId: 'g', generationId: b!.generationId, memberId: b!.memberId });
    }
    expect(ra.done).toBe(true);
    expect(ra.value.members.map((m) => m.memberId)).toEqual([a!.memberId]);
    expect(h.coord.heartbeat({ groupId: 'g', generationId: b!.generationId, memberId: b!.memberId }).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('a new leader is elected when the leader does not rejoin', async () => {
    const h = harness();
    const joins = await stableGroup(h, 'g', 2);
    const leader = joins.find((j) => j.leader === j.memberId)!;
    const follower = joins.find((j) => j.leader !== j.memberId)!;
    h.coord.leaveGroup({ groupId: 'g', memberId: leader.memberId }, V(0));
    const r = await h.coord.joinGroup(joinReq('g', follower.memberId), V(5));
    expect(r.leader).toBe(follower.memberId);
    expect(r.members).toHaveLength(1);
  });
});

describe('LeaveGroup', () => {
  it('v0-2: one member; error at the top level', async () => {
    const h = harness();
    const [a] = await stableGroup(h, 'g', 1);
    expect(h.coord.leaveGroup({ groupId: 'g', memberId: 'x' }, V(1))).toEqual({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, members: [] });
    expect(h.coord.leaveGroup({ groupId: 'g', memberId: a!.memberId }, V(1))).toEqual({ errorCode: 0, members: [] });
    expect(state(h, 'g')).toBe('Empty');
    expect(h.coord.describeGroups({ groups: ['g'] }, V(5)).groups[0]!.members).toEqual([]);
  });

  it('v3+: a batch with per-member errors, static members by instance id', async () => {
    const h = harness();
    const s = await h.coord.joinGroup(joinReq('g', '', { groupInstanceId: 'inst-1' }), V(5));
    expect(s.errorCode).toBe(0); // static members skip MEMBER_ID_REQUIRED
    const d = await joinNew(h, 'g');
    await flush();
    const pending = await h.coord.joinGroup(joinReq('g'), V(5));
    const r = h.coord.leaveGroup(
      {
        groupId: 'g',
        members: [
          { memberId: 'wrong', groupInstanceId: 'inst-1' },
          { memberId: d.memberId },
          { memberId: pending.memberId },
          { memberId: 'ghost' },
          { memberId: '', groupInstanceId: 'nope' },
        ],
      },
      V(3),
    );
    expect(r.errorCode).toBe(0);
    expect(r.members.map((m) => m.errorCode)).toEqual([
      ErrorCode.FENCED_INSTANCE_ID,
      ErrorCode.NONE,
      ErrorCode.NONE,
      ErrorCode.UNKNOWN_MEMBER_ID,
      ErrorCode.UNKNOWN_MEMBER_ID,
    ]);
    const r2 = h.coord.leaveGroup({ groupId: 'g', members: [{ memberId: '', groupInstanceId: 'inst-1' }] }, V(4));
    expect(r2.members[0]!.errorCode).toBe(0);
    await flush();
    expect(state(h, 'g')).toBe('Empty');
    expect(h.coord.leaveGroup({ groupId: 'unknown', members: [{ memberId: 'a' }] }, V(3)).members[0]!.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('a leaving member with a parked join gets UNKNOWN_MEMBER_ID and the rest complete', async () => {
    const h = harness();
    const [a, b] = await stableGroup(h, 'g', 2);
    const ra = track(h.coord.joinGroup(joinReq('g', a!.memberId), V(5)));
    const rb = track(h.coord.joinGroup(joinReq('g', b!.memberId, { protocols: [{ name: 'range', metadata: sub(['z']) }] }), V(5)));
    await flush();
    expect(ra.done).toBe(true); // both rejoined -> completes
    const c = await joinNew(h, 'g');
    expect(c.done).toBe(false);
    h.coord.leaveGroup({ groupId: 'g', memberId: c.memberId }, V(1));
    await flush();
    expect(c.value.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    void rb;
  });
});

describe('static membership', () => {
  it('a static leader rejoining below JoinGroup v9 is not told skipAssignment (the field starts at v9)', async () => {
    const h = harness();
    const s1 = await h.coord.joinGroup(joinReq('g', '', { groupInstanceId: 'i1' }), V(5));
    await h.coord.syncGroup(syncReq('g', s1, [{ memberId: s1.memberId, assignment: Buffer.from('A1') }]));
    const back = await h.coord.joinGroup(joinReq('g', '', { groupInstanceId: 'i1' }), V(5));
    expect(back).toMatchObject({ errorCode: 0, generationId: s1.generationId, skipAssignment: false, leader: back.memberId });
    // The strict encoder refuses a non-default value in a version that lacks the field.
    expect(() => encode(JoinGroup.response, 5, { throttleTimeMs: 0, ...back }, false)).not.toThrow();
    expect(() => encode(JoinGroup.response, 5, { throttleTimeMs: 0, ...back, skipAssignment: true }, false)).toThrow();
  });

  it('rejoin with the same instance id and metadata replaces the member without a rebalance', async () => {
    const h = harness();
    const s1 = await h.coord.joinGroup(joinReq('g', '', { groupInstanceId: 'i1' }), V(5));
    await h.coord.syncGroup(syncReq('g', s1, [{ memberId: s1.memberId, assignment: Buffer.from('A1') }]));
    const s2f = await joinNew(h, 'g', { groupInstanceId: null });
    const s1r = await h.coord.joinGroup(joinReq('g', s1.memberId, { groupInstanceId: 'i1' }), V(5));
    await flush();
    const f = s2f.value;
    await h.coord.syncGroup(
      syncReq('g', s1r, [
        { memberId: s1r.memberId, assignment: Buffer.from('A1') },
        { memberId: f.memberId, assignment: Buffer.from('A2') },
      ]),
    );
    await h.coord.syncGroup(syncReq('g', f));
    expect(state(h, 'g')).toBe('Stable');
    const gen = s1r.generationId;

    // The static leader's process restarts: no member id, same instance id and metadata.
    const back = await h.coord.joinGroup(joinReq('g', '', { groupInstanceId: 'i1' }), V(9));
    expect(back).toMatchObject({ errorCode: 0, generationId: gen, skipAssignment: true });
    expect(back.memberId).not.toBe(s1.memberId);
    expect(back.leader).toBe(back.memberId);
    expect(state(h, 'g')).toBe('Stable');
    expect((await h.coord.syncGroup(syncReq('g', back))).assignment).toEqual(Buffer.from('A1'));
    // The old incarnation is fenced.
    expect(h.coord.heartbeat({ groupId: 'g', generationId: gen, memberId: s1.memberId, groupInstanceId: 'i1' }).errorCode).toBe(
      ErrorCode.FENCED_INSTANCE_ID,
    );
    expect(
      (await h.coord.commitOffsets(
        { groupId: 'g', generationIdOrMemberEpoch: gen, memberId: s1.memberId, groupInstanceId: 'i1', topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1 }] }] },
      )).topics[0]!.partitions[0]!.errorCode,
    ).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect((await h.coord.joinGroup(joinReq('g', s1.memberId, { groupInstanceId: 'i1' }), V(5))).errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    // The follower is untouched.
    expect(h.coord.heartbeat({ groupId: 'g', generationId: gen, memberId: f.memberId }).errorCode).toBe(0);
  });

  it('rejoin with changed metadata rebalances; the fenced member\'s parked join gets FENCED_INSTANCE_ID', async () => {
    const h = harness();
    const s1 = await h.coord.joinGroup(joinReq('g', '', { groupInstanceId: 'i1' }), V(5));
    await h.coord.syncGroup(syncReq('g', s1));
    const back = track(h.coord.joinGroup(joinReq('g', '', { groupInstanceId: 'i1', protocols: [{ name: 'range', metadata: sub(['new']) }] }), V(5)));
    await flush();
    expect(back.value.generationId).toBe(2); // lone member: rebalance completes at once
    // During a rebalance, a replaced member's parked join is fenced.
    const other = await joinNew(h, 'g');
    const parked = track(h.coord.joinGroup(joinReq('g', back.value.memberId, { groupInstanceId: 'i1', protocols: [{ name: 'range', metadata: sub(['new']) }] }), V(5)));
    await flush();
    expect(other.done && parked.done).toBe(true); // everyone joined
    const again = track(h.coord.joinGroup(joinReq('g', parked.value.memberId, { groupInstanceId: 'i1', protocols: [{ name: 'range', metadata: sub(['n2']) }] }), V(5)));
    await flush();
    const replace = track(h.coord.joinGroup(joinReq('g', '', { groupInstanceId: 'i1', protocols: [{ name: 'range', metadata: sub(['n2']) }] }), V(5)));
    await flush();
    expect(again.value.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(replace.done).toBe(false); // waits for the other member to rejoin
  });
});

describe('ClassicGroup rules', () => {
  it('rejects illegal transitions', () => {
    const g = new ClassicGroup('g', 0);
    expect(() => g.transitionTo('Stable', 1)).toThrow(/illegal transition/);
    g.transitionTo('PreparingRebalance', 1);
    expect(() => g.transitionTo('Stable', 2)).toThrow();
  });
});

describe('coordinator lifecycle', () => {
  it('COORDINATOR_LOAD_IN_PROGRESS before load, NOT_COORDINATOR after close (parked requests too)', async () => {
    const clock = new ManualClock();
    const c = new GroupCoordinator({ clock });
    expect((await c.joinGroup(joinReq('g'), V(5))).errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    expect(c.heartbeat({ groupId: 'g', generationId: 1, memberId: 'a' }).errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    expect(c.fetchOffsets({ groupId: 'g', topics: null }).errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    c.load(new MemoryOffsetStore());
    const a = await c.joinGroup(joinReq('g'), V(3));
    const b = track(c.joinGroup(joinReq('g'), V(3)));
    await flush();
    expect(b.done).toBe(false);
    const closed = c.close();
    await flush();
    expect(b.value.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(c.heartbeat({ groupId: 'g', generationId: 1, memberId: a.memberId }).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(clock.pendingTimers()).toBe(0);
    await closed;
  });
});
