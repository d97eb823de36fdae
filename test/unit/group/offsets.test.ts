import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/engine/clock.js';
import { GroupCoordinator } from '../../../src/engine/group/coordinator.js';
import { FileOffsetStore, encodeFrame } from '../../../src/engine/group/offset-store.js';
import { MemoryOffsetStore } from '../../../src/engine/group/records.js';
import type { OffsetCommitRequest } from '../../../src/engine/group/types.js';
import { ErrorCode } from '../../../src/engine/protocol/error-codes.js';
import { flush, harness, joinNew, joinReq, sub, syncReq, V, type Harness } from './helpers.js';

const commit = (groupId: string, offsets: Record<string, number>, over: Partial<OffsetCommitRequest> = {}): OffsetCommitRequest => ({
  groupId,
  generationIdOrMemberEpoch: -1,
  memberId: '',
  topics: Object.entries(
    Object.entries(offsets).reduce<Record<string, { partitionIndex: number; committedOffset: number }[]>>((acc, [tp, off]) => {
      const [t, p] = tp.split(':');
      (acc[t!] ??= []).push({ partitionIndex: Number(p), committedOffset: off });
      return acc;
    }, {}),
  ).map(([name, partitions]) => ({ name, partitions })),
  ...over,
});
const codes = (r: { topics: { partitions: { errorCode: number }[] }[] }) => r.topics.flatMap((t) => t.partitions.map((p) => p.errorCode));
const fetched = (h: Harness, groupId: string, topic: string, p: number) =>
  h.coord.fetchOffsets({ groupId, topics: [{ name: topic, partitionIndexes: [p] }] }).topics[0]!.partitions[0]!;

async function stable(h: Harness, g: string, topics = ['t'], sessionTimeoutMs = 10_000) {
  const a = await joinNew(h, g, { protocols: [{ name: 'range', metadata: sub(topics) }], sessionTimeoutMs });
  await h.coord.syncGroup(syncReq(g, a.value));
  return a.value;
}

describe('OffsetCommit validation', () => {
  it('simple commits (generation -1) create a group without a protocol type', async () => {
    const h = harness();
    expect(codes(await h.coord.commitOffsets(commit('simple', { 't:0': 5, 't:1': 7 })))).toEqual([0, 0]);
    expect(fetched(h, 'simple', 't', 1)).toMatchObject({ committedOffset: 7, metadata: '', errorCode: 0 });
    expect(h.coord.listGroups().groups).toEqual([{ groupId: 'simple', protocolType: '', groupState: 'Empty', groupType: 'classic' }]);
  });

  it('the matrix of member, generation and state checks', async () => {
    const h = harness();
    // Absent group and a generation: ILLEGAL_GENERATION.
    expect(codes(await h.coord.commitOffsets(commit('g', { 't:0': 1 }, { generationIdOrMemberEpoch: 1, memberId: 'x' })))).toEqual([22]);
    const a = await joinNew(h, 'g');
    const m = a.value;
    // CompletingRebalance: the member has the generation but no assignment yet.
    expect(codes(await h.coord.commitOffsets(commit('g', { 't:0': 1 }, { generationIdOrMemberEpoch: 1, memberId: m.memberId })))).toEqual([27]);
    await h.coord.syncGroup(syncReq('g', m));
    // Stable: correct member and generation.
    expect(codes(await h.coord.commitOffsets(commit('g', { 't:0': 1 }, { generationIdOrMemberEpoch: 1, memberId: m.memberId })))).toEqual([0]);
    expect(codes(await h.coord.commitOffsets(commit('g', { 't:0': 1 }, { generationIdOrMemberEpoch: 2, memberId: m.memberId })))).toEqual([22]);
    expect(codes(await h.coord.commitOffsets(commit('g', { 't:0': 1 }, { generationIdOrMemberEpoch: 1, memberId: 'nobody' })))).toEqual([25]);
    // Generation -1 without a member on an active group: UNKNOWN_MEMBER_ID.
    expect(codes(await h.coord.commitOffsets(commit('g', { 't:0': 1 })))).toEqual([25]);
    // PreparingRebalance: commits for the current generation are still accepted.
    await joinNew(h, 'g');
    expect(codes(await h.coord.commitOffsets(commit('g', { 't:0': 2 }, { generationIdOrMemberEpoch: 1, memberId: m.memberId })))).toEqual([0]);
    // Metadata over 4096 characters is refused per partition, the others are stored.
    const r = await h.coord.commitOffsets(
      {
        groupId: 'g',
        generationIdOrMemberEpoch: 1,
        memberId: m.memberId,
        topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 3, committedMetadata: 'x'.repeat(4097) }, { partitionIndex: 1, committedOffset: 4, committedMetadata: 'ok', committedLeaderEpoch: 7 }] }],
      },
    );
    expect(codes(r)).toEqual([ErrorCode.OFFSET_METADATA_TOO_LARGE, 0]);
    expect(fetched(h, 'g', 't', 0).committedOffset).toBe(2);
    expect(fetched(h, 'g', 't', 1)).toMatchObject({ committedOffset: 4, committedLeaderEpoch: 7, metadata: 'ok' });
    expect(codes(await h.coord.commitOffsets(commit('', { 't:0': 1 })))).toEqual([ErrorCode.INVALID_GROUP_ID]);
  });

  it('generation -1 commits are accepted again once the group is Empty', async () => {
    const h = harness();
    const m = await stable(h, 'g');
    h.coord.leaveGroup({ groupId: 'g', memberId: m.memberId }, V(1));
    await flush();
    expect(codes(await h.coord.commitOffsets(commit('g', { 't:0': 0 })))).toEqual([0]);
  });

  it('a commit resets the member session timer', async () => {
    const h = harness();
    const m = await stable(h, 'g');
    for (let i = 0; i < 5; i++) {
      h.clock.advance(8000);
      expect(codes(await h.coord.commitOffsets(commit('g', { 't:0': i }, { generationIdOrMemberEpoch: 1, memberId: m.memberId })))).toEqual([0]);
    }
  });

  it('a failed write is COORDINATOR_NOT_AVAILABLE and changes nothing', async () => {
    const h = harness();
    await h.coord.commitOffsets(commit('g', { 't:0': 1 }));
    h.store.failNextAppend = new Error('disk full');
    expect(codes(await h.coord.commitOffsets(commit('g', { 't:0': 9 })))).toEqual([ErrorCode.COORDINATOR_NOT_AVAILABLE]);
    expect(fetched(h, 'g', 't', 0).committedOffset).toBe(1);
    expect(h.logs.join('\n')).toMatch(/disk full/);
  });
});

describe('OffsetFetch', () => {
  it('unknown groups and partitions: offset -1, metadata "", NONE; null topics = all committed', async () => {
    const h = harness();
    expect(fetched(h, 'nope', 't', 0)).toEqual({ partitionIndex: 0, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: 0 });
    await h.coord.commitOffsets(commit('g', { 'b:1': 10, 'a:0': 3, 'b:0': 9 }));
    expect(fetched(h, 'g', 'a', 5).committedOffset).toBe(-1);
    const all = h.coord.fetchOffsets({ groupId: 'g', topics: null });
    expect(all.errorCode).toBe(0);
    expect(all.topics.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.committedOffset])])).toEqual([
      ['b', [[0, 9], [1, 10]]],
      ['a', [[0, 3]]],
    ]);
    expect(h.coord.fetchOffsets({ groupId: 'nope', topics: null }).topics).toEqual([]);
  });
});

describe('DescribeGroups and ListGroups', () => {
  it('describes members; metadata and assignment only when Stable', async () => {
    const h = harness();
    const a = await joinNew(h, 'g', {}, 'consumer-1');
    let d = h.coord.describeGroups({ groups: ['g'] }, V(5)).groups[0]!;
    expect(d).toMatchObject({ errorCode: 0, groupState: 'CompletingRebalance', protocolType: 'consumer', protocolData: '' });
    expect(d.members[0]).toMatchObject({ memberId: a.value.memberId, clientId: 'consumer-1', clientHost: '/127.0.0.1', groupInstanceId: null });
    expect(d.members[0]!.memberMetadata.length).toBe(0);
    await h.coord.syncGroup(syncReq('g', a.value, [{ memberId: a.value.memberId, assignment: Buffer.from('asg') }]));
    d = h.coord.describeGroups({ groups: ['g'] }, V(5)).groups[0]!;
    expect(d).toMatchObject({ groupState: 'Stable', protocolData: 'range', authorizedOperations: -2147483648 });
    expect(d.members[0]!.memberMetadata).toEqual(sub(['t']));
    expect(d.members[0]!.memberAssignment).toEqual(Buffer.from('asg'));
    const unknown = h.coord.describeGroups({ groups: ['x'] }, V(5)).groups[0]!;
    expect(unknown).toMatchObject({ errorCode: 0, groupId: 'x', groupState: 'Dead', protocolType: '', members: [] });
    expect(h.coord.describeGroups({ groups: ['x'] }, V(6)).groups[0]!.errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  });

  it('lists groups with state and type filters, including offsets-only groups', async () => {
    const h = harness();
    await stable(h, 'active');
    await joinNew(h, 'other');
    await h.coord.commitOffsets(commit('simple', { 't:0': 1 }));
    const list = (req = {}) => h.coord.listGroups(req).groups.map((g) => `${g.groupId}/${g.groupState}/${g.protocolType}`);
    expect(list()).toEqual(['active/Stable/consumer', 'other/CompletingRebalance/consumer', 'simple/Empty/']);
    expect(list({ statesFilter: ['stable', 'Empty'] })).toEqual(['active/Stable/consumer', 'simple/Empty/']);
    expect(list({ typesFilter: ['Classic'] })).toHaveLength(3);
    expect(list({ typesFilter: ['consumer'] })).toEqual([]);
  });
});

describe('DeleteGroups and OffsetDelete', () => {
  it('DeleteGroups: Empty only; unknown is GROUP_ID_NOT_FOUND; offsets go too', async () => {
    const h = harness();
    await stable(h, 'busy');
    await h.coord.commitOffsets(commit('idle', { 't:0': 4 }));
    const r = await h.coord.deleteGroups({ groupsNames: ['busy', 'idle', 'ghost', ''] });
    expect(r.results).toEqual([
      { groupId: 'busy', errorCode: ErrorCode.NON_EMPTY_GROUP },
      { groupId: 'idle', errorCode: 0 },
      { groupId: 'ghost', errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
      { groupId: '', errorCode: ErrorCode.INVALID_GROUP_ID },
    ]);
    expect(fetched(h, 'idle', 't', 0).committedOffset).toBe(-1);
    expect(h.store.written.at(-1)).toEqual({ type: 'group-delete', group: 'idle' });
    expect((await h.coord.deleteGroups({ groupsNames: ['idle'] })).results[0]!.errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  });

  it('OffsetDelete: GROUP_ID_NOT_FOUND, GROUP_SUBSCRIBED_TO_TOPIC for subscribed topics of an active consumer group', async () => {
    const h = harness();
    expect((await h.coord.deleteOffsets({ groupId: 'ghost', topics: [] })).errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    const m = await stable(h, 'g', ['t']);
    await h.coord.commitOffsets(commit('g', { 't:0': 1, 'old:0': 2 }, { generationIdOrMemberEpoch: 1, memberId: m.memberId }));
    const r = await h.coord.deleteOffsets({ groupId: 'g', topics: [{ name: 't', partitions: [{ partitionIndex: 0 }] }, { name: 'old', partitions: [{ partitionIndex: 0 }, { partitionIndex: 3 }] }] });
    expect(r.errorCode).toBe(0);
    expect(codes(r)).toEqual([ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC, 0, 0]);
    expect(fetched(h, 'g', 'old', 0).committedOffset).toBe(-1);
    expect(fetched(h, 'g', 't', 0).committedOffset).toBe(1);
    // A non-consumer active group: nothing can be deleted.
    const c = await joinNew(h, 'conn', { protocolType: 'connect', protocols: [{ name: 'default', metadata: Buffer.from('x') }] });
    void c;
    expect((await h.coord.deleteOffsets({ groupId: 'conn', topics: [] })).errorCode).toBe(ErrorCode.NON_EMPTY_GROUP);
  });

  it('OffsetDelete of the last offset of an Empty group keeps the group (Kafka 4.x) until the next cleanup run', async () => {
    const h = harness();
    await h.coord.commitOffsets(commit('g', { 't:0': 1 }));
    expect(codes(await h.coord.deleteOffsets({ groupId: 'g', topics: [{ name: 't', partitions: [{ partitionIndex: 0 }] }] }))).toEqual([0]);
    expect(h.coord.listGroups().groups.map((g) => g.groupId)).toEqual(['g']);
    expect((await h.coord.deleteGroups({ groupsNames: ['g'] })).results[0]!.errorCode).toBe(0);
    await h.coord.commitOffsets(commit('g2', { 't:0': 1 }));
    await h.coord.deleteOffsets({ groupId: 'g2', topics: [{ name: 't', partitions: [{ partitionIndex: 0 }] }] });
    await h.coord.expireOffsets();
    expect(h.coord.listGroups().groups).toEqual([]);
  });
});

describe('offset expiry', () => {
  const DAY = 24 * 3600_000;

  it('an Empty consumer group keeps offsets for the retention counted from when it became empty', async () => {
    const h = harness({ offsetsRetentionMinutes: 24 * 60 });
    const m = await stable(h, 'g', ['t'], 1_800_000);
    await h.coord.commitOffsets(commit('g', { 't:0': 5 }, { generationIdOrMemberEpoch: 1, memberId: m.memberId }));
    // Active for three days (heartbeating): nothing expires even though the commit is old.
    for (let i = 0; i < 3 * 24 * 6; i++) {
      h.clock.advance(600_000);
      h.coord.heartbeat({ groupId: 'g', generationId: 1, memberId: m.memberId });
    }
    expect(fetched(h, 'g', 't', 0).committedOffset).toBe(5);
    h.coord.leaveGroup({ groupId: 'g', memberId: m.memberId }, V(1));
    h.clock.advance(DAY - 600_000);
    expect(fetched(h, 'g', 't', 0).committedOffset).toBe(5);
    h.clock.advance(600_000);
    expect(fetched(h, 'g', 't', 0).committedOffset).toBe(-1);
    expect(h.coord.listGroups().groups).toEqual([]); // empty and offset-less: gone
  });

  it('offsets-only groups expire from the commit time; explicit retention_time_ms wins', async () => {
    const h = harness({ offsetsRetentionMinutes: 60, offsetsRetentionCheckIntervalMs: 60_000 });
    await h.coord.commitOffsets(commit('g', { 't:0': 1 }));
    await h.coord.commitOffsets(commit('short', { 't:0': 1 }, { retentionTimeMs: 120_000 }));
    h.clock.advance(30 * 60_000);
    await h.coord.commitOffsets(commit('g', { 't:1': 2 }));
    expect(fetched(h, 'short', 't', 0).committedOffset).toBe(-1);
    h.clock.advance(30 * 60_000);
    expect(fetched(h, 'g', 't', 0).committedOffset).toBe(-1);
    expect(fetched(h, 'g', 't', 1).committedOffset).toBe(2);
  });

  it('a Stable consumer group loses offsets only of topics nobody subscribes to', async () => {
    const h = harness({ offsetsRetentionMinutes: 60, offsetsRetentionCheckIntervalMs: 60_000 });
    const m = await stable(h, 'g', ['t'], 1_800_000);
    await h.coord.commitOffsets(commit('g', { 't:0': 1, 'gone:0': 2 }, { generationIdOrMemberEpoch: 1, memberId: m.memberId }));
    for (let i = 0; i < 12; i++) {
      h.clock.advance(6 * 60_000);
      h.coord.heartbeat({ groupId: 'g', generationId: 1, memberId: m.memberId });
    }
    expect(fetched(h, 'g', 't', 0).committedOffset).toBe(1);
    expect(fetched(h, 'g', 'gone', 0).committedOffset).toBe(-1);
  });
});

describe('offset persistence (groups/offsets.log)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  const tmp = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'mq-group-'));
    dirs.push(d);
    return d;
  };
  const open = (dir: string, clock = new ManualClock(), logs: string[] = []) =>
    new GroupCoordinator({ clock, store: FileOffsetStore.open(dir, { logger: (m) => logs.push(m) }), logger: (m) => logs.push(m) });

  it('survives a restart: offsets, metadata, leader epoch, deletions and the group type', async () => {
    const dir = tmp();
    const clock = new ManualClock();
    let c = open(dir, clock);
    await c.commitOffsets({ groupId: 'g', topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 42, committedMetadata: 'meta', committedLeaderEpoch: 3 }] }] });
    await c.commitOffsets(commit('g', { 't:1': 7, 't:2': 8 }));
    await c.commitOffsets(commit('g', { 't:1': 9 }));
    await c.deleteOffsets({ groupId: 'g', topics: [{ name: 't', partitions: [{ partitionIndex: 2 }] }] });
    await c.commitOffsets(commit('deleted', { 'x:0': 1 }));
    await c.deleteGroups({ groupsNames: ['deleted'] });
    const j = await c.joinGroup(joinReq('cg'), V(3));
    await c.syncGroup(syncReq('cg', j));
    await c.commitOffsets(commit('cg', { 't:0': 1 }, { generationIdOrMemberEpoch: 1, memberId: j.memberId }));
    // No close(): the process is killed; appends already reached the OS.
    c = open(dir, clock);
    expect(c.fetchOffsets({ groupId: 'g', topics: null }).topics).toEqual([
      {
        name: 't',
        partitions: [
          { partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: 3, metadata: 'meta', errorCode: 0 },
          { partitionIndex: 1, committedOffset: 9, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
        ],
      },
    ]);
    expect(c.fetchOffsets({ groupId: 'deleted', topics: null }).topics).toEqual([]);
    expect(c.listGroups().groups.map((g) => `${g.groupId}/${g.groupState}/${g.protocolType}`).sort()).toEqual(['cg/Empty/consumer', 'g/Empty/']);
    // Memberships do not survive: the old member must rejoin.
    expect(c.heartbeat({ groupId: 'cg', generationId: 1, memberId: j.memberId }).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    await c.close();
    // Compaction on open left one frame per surviving record.
    const again = open(dir, clock);
    expect(again.fetchOffsets({ groupId: 'g', topics: [{ name: 't', partitionIndexes: [1] }] }).topics[0]!.partitions[0]!.committedOffset).toBe(9);
    await again.close();
  });

  it('a torn last frame is cut off and reported; earlier commits survive', async () => {
    const dir = tmp();
    let c = open(dir);
    await c.commitOffsets(commit('g', { 't:0': 1 }));
    await c.commitOffsets(commit('g', { 't:0': 2 }));
    await c.close();
    const file = path.join(dir, 'groups', 'offsets.log');
    const frame = encodeFrame([{ type: 'offset', group: 'g', topic: 't', partition: 0, offset: 3, leaderEpoch: -1, metadata: '', commitTimestamp: 0, expireTimestamp: null }]);
    fs.appendFileSync(file, frame.subarray(0, frame.length - 3));
    const logs: string[] = [];
    c = open(dir, new ManualClock(), logs);
    expect(c.fetchOffsets({ groupId: 'g', topics: [{ name: 't', partitionIndexes: [0] }] }).topics[0]!.partitions[0]!.committedOffset).toBe(2);
    expect(logs.join('\n')).toMatch(/offsets\.log: short frame .*truncated \d+ bytes/);
    await c.close();
    // A corrupt CRC in the last frame is treated the same way.
    const bad = Buffer.from(frame);
    bad[bad.length - 2]! ^= 0xff;
    fs.appendFileSync(file, bad);
    const logs2: string[] = [];
    c = open(dir, new ManualClock(), logs2);
    expect(logs2.join('\n')).toMatch(/CRC mismatch/);
    expect(c.fetchOffsets({ groupId: 'g', topics: [{ name: 't', partitionIndexes: [0] }] }).topics[0]!.partitions[0]!.committedOffset).toBe(2);
    await c.close();
    // After truncation the file is clean again.
    const logs3: string[] = [];
    await open(dir, new ManualClock(), logs3).close();
    expect(logs3).toEqual([]);
  });

  it('expiry after restart counts from the restart for groups that had members', async () => {
    const dir = tmp();
    const clock = new ManualClock();
    let c = open(dir, clock);
    const j = await c.joinGroup(joinReq('cg'), V(3));
    await c.syncGroup(syncReq('cg', j));
    await c.commitOffsets(commit('cg', { 't:0': 1 }, { generationIdOrMemberEpoch: 1, memberId: j.memberId }));
    await c.close(); // writes nothing: the same as a killed process for the file
    clock.advance(8 * 24 * 3600_000); // the commit is past retention, but the group had members until the restart
    c = open(dir, clock);
    const offset = () => c.fetchOffsets({ groupId: 'cg', topics: [{ name: 't', partitionIndexes: [0] }] }).topics[0]!.partitions[0]!.committedOffset;
    expect(await c.expireOffsets()).toBe(0);
    clock.advance(7 * 24 * 3600_000 - 600_000);
    expect(offset()).toBe(1);
    clock.advance(600_000); // the periodic check runs every offsetsRetentionCheckIntervalMs
    expect(offset()).toBe(-1);
    await c.close();
  });

  it('the in-memory store replays like the file store', async () => {
    const store = new MemoryOffsetStore();
    const h1 = harness({}, store);
    await h1.coord.commitOffsets(commit('g', { 't:0': 1 }));
    const h2 = harness({}, new MemoryOffsetStore(store.written));
    expect(fetched(h2, 'g', 't', 0).committedOffset).toBe(1);
  });
});
