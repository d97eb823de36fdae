import { ManualClock } from '../../../src/engine/clock.js';
import { GroupCoordinator } from '../../../src/engine/group/coordinator.js';
import type { GroupCoordinatorConfig } from '../../../src/engine/group/config.js';
import { MemoryOffsetStore } from '../../../src/engine/group/records.js';
import type { JoinGroupRequest, JoinGroupResponse, SyncGroupResponse } from '../../../src/engine/group/types.js';
import { encodeSubscription } from '../../../src/engine/protocol/consumer-protocol.js';

export interface Harness {
  clock: ManualClock;
  store: MemoryOffsetStore;
  coord: GroupCoordinator;
  logs: string[];
}

export function harness(config: Partial<GroupCoordinatorConfig> = {}, store = new MemoryOffsetStore()): Harness {
  const clock = new ManualClock();
  const logs: string[] = [];
  let n = 0;
  const coord = new GroupCoordinator({
    clock,
    store,
    config,
    logger: (m) => logs.push(m),
    newMemberId: (prefix) => `${prefix}-m${++n}`,
  });
  return { clock, store, coord, logs };
}

/** A promise whose outcome can be inspected synchronously after flush(). */
export interface Tracked<T> {
  readonly done: boolean;
  readonly value: T;
  promise: Promise<T>;
}

export function track<T>(promise: Promise<T>): Tracked<T> {
  const t = { done: false, value: undefined as T, promise };
  promise.then((v) => {
    t.done = true;
    t.value = v;
  });
  return t;
}

/** Lets resolved promises run their callbacks. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

export function sub(topics: string[]): Buffer {
  return encodeSubscription({ topics }, 0);
}

export function joinReq(groupId: string, memberId = '', over: Partial<JoinGroupRequest> = {}): JoinGroupRequest {
  return {
    groupId,
    memberId,
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 30_000,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: sub(['t']) }],
    ...over,
  };
}

export const V = (version: number, clientId = 'client') => ({ version, clientId, clientHost: '/127.0.0.1' });

/** JoinGroup v4+ dance: empty id -> MEMBER_ID_REQUIRED -> rejoin with the id (parks). */
export async function joinNew(
  h: Harness,
  groupId: string,
  over: Partial<JoinGroupRequest> = {},
  clientId = 'client',
): Promise<Tracked<JoinGroupResponse> & { memberId: string }> {
  const first = await h.coord.joinGroup(joinReq(groupId, '', over), V(5, clientId));
  if (first.errorCode !== 79) throw new Error(`expected MEMBER_ID_REQUIRED, got ${first.errorCode}`);
  const t = track(h.coord.joinGroup(joinReq(groupId, first.memberId, over), V(5, clientId)));
  await flush();
  return Object.assign(t, { memberId: first.memberId });
}

export function syncReq(groupId: string, join: JoinGroupResponse, assignments: { memberId: string; assignment: Buffer }[] = []) {
  return { groupId, generationId: join.generationId, memberId: join.memberId, assignments };
}

export type { JoinGroupResponse, SyncGroupResponse };
