/**
 * Transactional offset commits in the group coordinator (KIP-98 / KIP-447): TxnOffsetCommit keeps
 * offsets pending per producer, invisible to OffsetFetch (UNSTABLE_OFFSET_COMMIT when stable
 * offsets are asked for), made durable before the answer; the transaction's marker commits or
 * drops them; both survive a restart through the store's entries.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/engine/clock.js';
import { GroupCoordinator } from '../../../src/engine/group/coordinator.js';
import { FileOffsetStore } from '../../../src/engine/group/offset-store.js';
import { MemoryOffsetStore } from '../../../src/engine/group/records.js';
import type { TxnOffsetCommitRequest } from '../../../src/engine/group/txn-offsets.js';
import { ErrorCode } from '../../../src/engine/protocol/error-codes.js';
import { harness, joinNew, syncReq } from './helpers.js';

const txnCommit = (groupId: string, producerId: number, offset: number, partition = 0): TxnOffsetCommitRequest => ({
  groupId,
  producerId,
  topics: [{ name: 't', partitions: [{ partitionIndex: partition, committedOffset: offset, committedMetadata: 'm' }] }],
});
const fetch = (coord: GroupCoordinator, groupId: string, requireStable = false, partition = 0) =>
  coord.fetchOffsets({ groupId, topics: [{ name: 't', partitionIndexes: [partition] }], requireStable }).topics[0]!.partitions[0]!;
const all = () => true;

describe('TxnOffsetCommit', () => {
  it('keeps offsets pending: OffsetFetch shows the committed offset, require_stable answers UNSTABLE_OFFSET_COMMIT', async () => {
    const { coord, store } = harness();
    await coord.commitOffsets({ groupId: 'g', generationIdOrMemberEpoch: -1, memberId: '', topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 3 }] }] });
    const r = await coord.txnCommitOffsets(txnCommit('g', 42, 10));
    expect(r.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.NONE);
    expect(store.written.at(-1)).toMatchObject({ type: 'txn-offset', group: 'g', producerId: 42, topic: 't', partition: 0, offset: 10 });
    expect(fetch(coord, 'g')).toMatchObject({ committedOffset: 3, errorCode: 0 });
    expect(fetch(coord, 'g', true)).toMatchObject({ committedOffset: -1, errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT });
    // Another partition of the same group is stable.
    expect(fetch(coord, 'g', true, 1)).toMatchObject({ committedOffset: -1, errorCode: 0 });
  });

  it('a COMMIT marker makes them the committed offsets; an ABORT marker drops them; other producers are untouched', async () => {
    const { coord, store } = harness();
    await coord.txnCommitOffsets(txnCommit('g', 1, 10));
    await coord.txnCommitOffsets(txnCommit('g', 2, 20, 1));
    await coord.completeTxnOffsets(all, 1, true);
    expect(store.written.at(-1)).toEqual({ type: 'txn-end', group: 'g', producerId: 1, commit: true });
    expect(fetch(coord, 'g', true)).toMatchObject({ committedOffset: 10, metadata: 'm', errorCode: 0 });
    expect(fetch(coord, 'g', true, 1).errorCode).toBe(ErrorCode.UNSTABLE_OFFSET_COMMIT);
    await coord.completeTxnOffsets(all, 2, false);
    expect(fetch(coord, 'g', true, 1)).toMatchObject({ committedOffset: -1, errorCode: 0 });
    // A marker for groups of another __consumer_offsets partition (or with nothing pending) writes nothing.
    const n = store.written.length;
    await coord.completeTxnOffsets(() => false, 1, true);
    await coord.completeTxnOffsets(all, 99, true);
    expect(store.written).toHaveLength(n);
  });

  it('a plain commit made after the TxnOffsetCommit is kept when the transaction commits (Kafka keeps the most recent), in memory and on replay', async () => {
    const { coord, clock, store } = harness();
    await coord.txnCommitOffsets(txnCommit('g', 1, 10));
    await coord.txnCommitOffsets(txnCommit('g', 1, 11, 1));
    clock.advance(5);
    await coord.commitOffsets({ groupId: 'g', generationIdOrMemberEpoch: -1, memberId: '', topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 20 }] }] });
    await coord.completeTxnOffsets(all, 1, true);
    expect(fetch(coord, 'g', true).committedOffset).toBe(20);
    expect(fetch(coord, 'g', true, 1).committedOffset).toBe(11);
    const replayed = harness({}, new MemoryOffsetStore(store.written));
    expect(fetch(replayed.coord, 'g', true).committedOffset).toBe(20);
    expect(fetch(replayed.coord, 'g', true, 1).committedOffset).toBe(11);
  });

  it('a failed write answers COORDINATOR_NOT_AVAILABLE and leaves nothing pending', async () => {
    const { coord, store } = harness();
    store.failNextAppend = new Error('disk gone');
    const r = await coord.txnCommitOffsets(txnCommit('g', 1, 10));
    expect(r.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    expect(fetch(coord, 'g', true).errorCode).toBe(0);
  });

  it('a failed marker write rejects and keeps the offsets pending, so the marker can be written again', async () => {
    const { coord, store } = harness();
    await coord.txnCommitOffsets(txnCommit('g', 1, 10));
    store.failNextAppend = new Error('disk gone');
    await expect(coord.completeTxnOffsets(all, 1, true)).rejects.toThrow('disk gone');
    expect(fetch(coord, 'g', true).errorCode).toBe(ErrorCode.UNSTABLE_OFFSET_COMMIT);
    expect(fetch(coord, 'g').committedOffset).toBe(-1);
    await coord.completeTxnOffsets(all, 1, true);
    expect(fetch(coord, 'g', true).committedOffset).toBe(10);
  });

  it('checks the member of a group under management (v3+: generation, member id)', async () => {
    const { coord } = harness();
    await coord.txnCommitOffsets(txnCommit('g', 1, 10));
    const stale = await coord.txnCommitOffsets({ ...txnCommit('g', 1, 11), generationId: 5, memberId: 'nobody' });
    expect(stale.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const fresh = await coord.txnCommitOffsets({ ...txnCommit('new-group', 1, 1), generationId: 3 });
    expect(fresh.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
  });

  it('a member of a Stable group commits with its generation (KIP-447); an older generation or another member is fenced', async () => {
    const h = harness({ groupInitialRebalanceDelayMs: 0 });
    const join = await joinNew(h, 'eos');
    const joined = await join.promise;
    await h.coord.syncGroup(syncReq('eos', joined, [{ memberId: joined.memberId, assignment: Buffer.alloc(0) }]));
    const as = (generationId: number, memberId: string) => h.coord.txnCommitOffsets({ ...txnCommit('eos', 5, 3), generationId, memberId });
    expect((await as(joined.generationId, joined.memberId)).topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.NONE);
    expect((await as(joined.generationId - 1, joined.memberId)).topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect((await as(joined.generationId, 'someone-else')).topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(fetch(h.coord, 'eos', true).errorCode).toBe(ErrorCode.UNSTABLE_OFFSET_COMMIT);
  });

  it('a group whose only offsets are pending is not expired away', async () => {
    const { coord, clock } = harness({ offsetsRetentionMinutes: 1, offsetsRetentionCheckIntervalMs: 1000 });
    await coord.txnCommitOffsets(txnCommit('g', 1, 10));
    clock.advance(10 * 60_000);
    await coord.expireOffsets();
    expect(coord.listGroups().groups.map((g) => g.groupId)).toEqual(['g']);
    await coord.completeTxnOffsets(all, 1, true);
    expect(fetch(coord, 'g').committedOffset).toBe(10);
  });

  it('pending offsets and markers survive a restart through the store (memory and groups/offsets.log)', async () => {
    const mem = new MemoryOffsetStore();
    const a = harness({}, mem);
    await a.coord.txnCommitOffsets(txnCommit('g', 1, 10));
    await a.coord.txnCommitOffsets(txnCommit('g', 2, 20, 1));
    await a.coord.completeTxnOffsets(all, 2, true);
    const b = harness({}, new MemoryOffsetStore(mem.written));
    expect(fetch(b.coord, 'g', true).errorCode).toBe(ErrorCode.UNSTABLE_OFFSET_COMMIT);
    expect(fetch(b.coord, 'g', true, 1).committedOffset).toBe(20);
    await b.coord.completeTxnOffsets(all, 1, true);
    expect(fetch(b.coord, 'g', true).committedOffset).toBe(10);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mq-txn-offsets-'));
    try {
      const open = () => FileOffsetStore.open(dir, { logger: () => {} });
      const c1 = new GroupCoordinator({ clock: new ManualClock(), store: open() });
      await c1.txnCommitOffsets(txnCommit('g', 7, 70));
      await c1.close();
      // Reopening compacts the file: the pending offset is written back as a pending one.
      const c2 = new GroupCoordinator({ clock: new ManualClock(), store: open() });
      expect(fetch(c2, 'g', true).errorCode).toBe(ErrorCode.UNSTABLE_OFFSET_COMMIT);
      await c2.completeTxnOffsets(all, 7, true);
      await c2.close();
      const c3 = new GroupCoordinator({ clock: new ManualClock(), store: open() });
      expect(fetch(c3, 'g', true)).toMatchObject({ committedOffset: 70, errorCode: 0 });
      await c3.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
