/**
 * The result/persist path: coordinator operations return their records (CoordinatorResult), the
 * runtime appends them through the OffsetStore port with group commit, answers only once they
 * are durable, and undoes the in-memory change when the write fails.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/engine/clock.js';
import { GroupCoordinator } from '../../../src/engine/group/coordinator.js';
import { FileOffsetStore, decodeLog } from '../../../src/engine/group/offset-store.js';
import type { OffsetStore, StoreEntry, StoreSnapshot } from '../../../src/engine/group/records.js';
import { GroupCoordinatorShard } from '../../../src/engine/group/shard.js';
import type { OffsetCommitRequest } from '../../../src/engine/group/types.js';
import { ErrorCode } from '../../../src/engine/protocol/error-codes.js';
import { flush, track } from './helpers.js';

/** A store whose appends stay pending until the test settles them, one by one in order. */
class GatedStore implements OffsetStore {
  readonly appends: { entries: readonly StoreEntry[]; settle: (err?: Error) => void }[] = [];
  load(): StoreSnapshot {
    return { groups: [], offsets: [] };
  }
  append(entries: readonly StoreEntry[]): Promise<void> {
    return new Promise((resolve, reject) => this.appends.push({ entries, settle: (err) => (err ? reject(err) : resolve()) }));
  }
  async close(): Promise<void> {}
}

function setup() {
  const store = new GatedStore();
  const logs: string[] = [];
  const clock = new ManualClock();
  const coord = new GroupCoordinator({ clock, store, logger: (m) => logs.push(m), config: { offsetsRetentionMinutes: 1, offsetsRetentionCheckIntervalMs: 60_000 } });
  return { store, logs, clock, coord };
}

const commit = (groupId: string, partition: number, offset: number): OffsetCommitRequest => ({
  groupId,
  generationIdOrMemberEpoch: -1,
  memberId: '',
  topics: [{ name: 't', partitions: [{ partitionIndex: partition, committedOffset: offset }] }],
});
const codes = (r: { topics: { partitions: { errorCode: number }[] }[] }) => r.topics.flatMap((t) => t.partitions.map((p) => p.errorCode));
const offsetOf = (coord: GroupCoordinator, groupId: string, partition: number) =>
  coord.fetchOffsets({ groupId, topics: [{ name: 't', partitionIndexes: [partition] }] }).topics[0]!.partitions[0]!.committedOffset;

describe('offset commits wait for their write', () => {
  it("a commit's answer is released only once its records are durable", async () => {
    const { store, coord } = setup();
    const answer = track(coord.commitOffsets(commit('g', 0, 5)));
    await flush();
    expect(store.appends).toHaveLength(1);
    expect(store.appends[0]!.entries).toMatchObject([{ type: 'offset', group: 'g', topic: 't', partition: 0, offset: 5 }]);
    expect(answer.done).toBe(false);
    store.appends[0]!.settle();
    await flush();
    expect(answer.done).toBe(true);
    expect(codes(answer.value)).toEqual([ErrorCode.NONE]);
    expect(offsetOf(coord, 'g', 0)).toBe(5);
  });

  it('a failed write answers COORDINATOR_NOT_AVAILABLE and leaves no phantom offset or group', async () => {
    const { store, coord, logs } = setup();
    const first = coord.commitOffsets(commit('g', 0, 1));
    await flush();
    store.appends[0]!.settle();
    expect(codes(await first)).toEqual([ErrorCode.NONE]);

    const again = coord.commitOffsets(commit('g', 0, 9));
    const fresh = coord.commitOffsets(commit('new', 0, 3));
    await flush();
    store.appends[1]!.settle(new Error('disk full'));
    expect(codes(await again)).toEqual([ErrorCode.COORDINATOR_NOT_AVAILABLE]);
    expect(codes(await fresh)).toEqual([ErrorCode.COORDINATOR_NOT_AVAILABLE]);
    expect(offsetOf(coord, 'g', 0)).toBe(1);
    expect(offsetOf(coord, 'new', 0)).toBe(-1);
    // The group the failed commit created is gone with it.
    expect(coord.listGroups().groups.map((g) => g.groupId)).toEqual(['g']);
    expect(logs).toEqual(['group coordinator: writing groups/offsets.log failed: disk full']);
  });

  it('two commits in one tick share one write', async () => {
    const { store, coord } = setup();
    const a = coord.commitOffsets(commit('a', 0, 1));
    const b = coord.commitOffsets(commit('b', 1, 2));
    await flush();
    expect(store.appends).toHaveLength(1);
    expect(store.appends[0]!.entries.map((e) => e.group)).toEqual(['a', 'b']);
    store.appends[0]!.settle();
    expect(codes(await a)).toEqual([ErrorCode.NONE]);
    expect(codes(await b)).toEqual([ErrorCode.NONE]);
  });

  it('commits arriving during a write go out together in the next one, in order', async () => {
    const { store, coord } = setup();
    const a = coord.commitOffsets(commit('g', 0, 1));
    await flush();
    const b = track(coord.commitOffsets(commit('g', 0, 2)));
    const c = track(coord.commitOffsets(commit('g', 1, 3)));
    await flush();
    expect(store.appends).toHaveLength(1); // one append at a time
    store.appends[0]!.settle();
    await a;
    await flush();
    expect(b.done).toBe(false);
    expect(store.appends).toHaveLength(2);
    expect(store.appends[1]!.entries.map((e) => (e.type === 'offset' ? `${e.partition}=${e.offset}` : e.type))).toEqual(['0=2', '1=3']);
    store.appends[1]!.settle();
    await flush();
    expect([b.done, c.done]).toEqual([true, true]);
  });

  it('a failed write also fails what was queued behind it, and the state goes back to what was written', async () => {
    const { store, coord } = setup();
    const a = coord.commitOffsets(commit('g', 0, 1));
    await flush();
    store.appends[0]!.settle();
    await a;
    const b = coord.commitOffsets(commit('g', 0, 2));
    await flush();
    // Applied on top of b, which is still being written.
    const c = coord.commitOffsets(commit('g', 0, 3));
    const d = coord.deleteOffsets({ groupId: 'g', topics: [{ name: 't', partitions: [{ partitionIndex: 0 }] }] });
    expect(offsetOf(coord, 'g', 0)).toBe(-1);
    store.appends[1]!.settle(new Error('EIO'));
    expect(codes(await b)).toEqual([ErrorCode.COORDINATOR_NOT_AVAILABLE]);
    expect(codes(await c)).toEqual([ErrorCode.COORDINATOR_NOT_AVAILABLE]);
    expect((await d).errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    expect(offsetOf(coord, 'g', 0)).toBe(1);
    expect(store.appends).toHaveLength(2); // the queued ones were never written
  });
});

describe('deletions wait for their tombstones', () => {
  it('a DeleteGroups whose write fails puts the group and its offsets back', async () => {
    const { store, coord } = setup();
    const c = coord.commitOffsets(commit('g', 0, 7));
    await flush();
    store.appends[0]!.settle();
    await c;
    const del = track(coord.deleteGroups({ groupsNames: ['g'] }));
    await flush();
    expect(del.done).toBe(false);
    expect(store.appends[1]!.entries).toEqual([{ type: 'group-delete', group: 'g' }]);
    store.appends[1]!.settle(new Error('disk full'));
    await flush();
    expect(del.value.results).toEqual([{ groupId: 'g', errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE }]);
    expect(coord.listGroups().groups.map((g) => `${g.groupId}/${g.groupState}`)).toEqual(['g/Empty']);
    expect(offsetOf(coord, 'g', 0)).toBe(7);
  });

  it('offset expiry that cannot be written keeps the offsets', async () => {
    const { store, coord, clock } = setup();
    const c = coord.commitOffsets(commit('g', 0, 7));
    await flush();
    store.appends[0]!.settle();
    await c;
    clock.advance(60_000); // the periodic check: the offset is past its one-minute retention
    expect(offsetOf(coord, 'g', 0)).toBe(-1);
    await flush();
    expect(store.appends[1]!.entries).toEqual([
      { type: 'offset-delete', group: 'g', topic: 't', partition: 0 },
      { type: 'group-delete', group: 'g' },
    ]);
    store.appends[1]!.settle(new Error('disk full'));
    await flush();
    expect(offsetOf(coord, 'g', 0)).toBe(7);
    expect(coord.listGroups().groups.map((g) => g.groupId)).toEqual(['g']);
  });
});

describe('the shard is pure', () => {
  it('returns the records of a commit instead of writing them, and can revert the change', () => {
    const shard = new GroupCoordinatorShard({ clock: new ManualClock(), onTimerResult: () => {} });
    shard.load({ groups: [], offsets: [] });
    const r = shard.commitOffsets(commit('g', 0, 5));
    expect(codes(r.response)).toEqual([ErrorCode.NONE]);
    expect(r.records).toMatchObject([{ type: 'offset', group: 'g', topic: 't', partition: 0, offset: 5, leaderEpoch: -1, metadata: '', expireTimestamp: null }]);
    expect(codes(r.onWriteFailure!(ErrorCode.COORDINATOR_NOT_AVAILABLE))).toEqual([ErrorCode.COORDINATOR_NOT_AVAILABLE]);
    expect(shard.fetchOffsets({ groupId: 'g', topics: null }).topics).toHaveLength(1);
    r.revert();
    expect(shard.fetchOffsets({ groupId: 'g', topics: null }).topics).toEqual([]);
    expect(shard.listGroups({}).groups).toEqual([]);
  });

  it('operations that only read or refuse return no records', () => {
    const shard = new GroupCoordinatorShard({ clock: new ManualClock(), onTimerResult: () => {} });
    shard.load({ groups: [], offsets: [] });
    expect(shard.commitOffsets({ ...commit('g', 0, 1), generationIdOrMemberEpoch: 3 }).records).toEqual([]);
    expect(shard.deleteGroups({ groupsNames: ['ghost'] }).records).toEqual([]);
    expect(shard.leaveGroup({ groupId: 'g', memberId: 'x' }, 1).records).toEqual([]);
  });
});

describe('groups/offsets.log', () => {
  it('one group-commit batch is one frame, written asynchronously (fsync mode too), and replays after a kill', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mq-group-'));
    try {
      const open = () => new GroupCoordinator({ clock: new ManualClock(), store: FileOffsetStore.open(dir, { logger: () => {}, fsync: true }) });
      const c = open();
      const answers = await Promise.all([c.commitOffsets(commit('g', 0, 1)), c.commitOffsets(commit('g', 1, 2)), c.commitOffsets(commit('h', 0, 3))]);
      expect(answers.map(codes)).toEqual([[0], [0], [0]]);
      const file = fs.readFileSync(path.join(dir, 'groups', 'offsets.log'));
      // A single frame: its length field covers the whole rest of the file.
      expect(file.readInt32BE(0)).toBe(file.length - 4);
      expect(decodeLog(file).entries.map((e) => e.group)).toEqual(['g', 'g', 'h']);
      // No close(): a killed process; the answers were only sent once the frame was written.
      const again = open();
      expect([offsetOf(again, 'g', 0), offsetOf(again, 'g', 1), offsetOf(again, 'h', 0)]).toEqual([1, 2, 3]);
      await again.close();
      await c.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
