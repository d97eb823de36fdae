/**
 * The state every part of the coordinator works on (Kafka's GroupCoordinatorShard shares one
 * snapshot registry between GroupMetadataManager and OffsetMetadataManager): the groups, whether
 * the coordinator serves, the clock, and the journal of the running operation. The helpers here
 * are the changes of durable state several parts make, each recorded with its undo step.
 */
import type { Clock, Timer } from '../clock.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { GroupCoordinatorConfig } from './config.js';
import { ClassicGroup, GroupState, type CommittedOffset } from './group.js';
import type { StoreEntry } from './records.js';
import { Journal, type CoordinatorResult } from './result.js';

export type CoordinatorStatus = 'loading' | 'active' | 'closed';

export class CoordinatorContext {
  readonly groups = new Map<string, ClassicGroup>();
  status: CoordinatorStatus = 'loading';
  private readonly journal = new Journal();

  constructor(
    readonly clock: Clock,
    readonly config: GroupCoordinatorConfig,
    readonly newMemberId: (prefix: string) => string,
    /** Receives the records of operations that timers run (session expiry, offset expiry). */
    private readonly onTimerResult: (result: CoordinatorResult<void>) => void,
  ) {}

  /** Ends the running operation: its answer together with the records it journaled. */
  result<T>(response: T, onWriteFailure?: (errorCode: number) => T): CoordinatorResult<T> {
    return this.journal.drain(response, onWriteFailure);
  }

  /** Journals records of the running operation; `revert` undoes their in-memory effect. */
  record(records: readonly StoreEntry[], revert?: () => void): void {
    this.journal.add(records, revert);
  }

  /**
   * A timer whose callback is an operation of its own (Kafka's CoordinatorTimer schedules write
   * operations on the runtime): what it journals goes to the runtime to be written.
   */
  setTimeout(fn: () => void, ms: number): Timer {
    return this.clock.setTimeout(() => {
      fn();
      const r = this.result(undefined);
      if (r.records.length > 0) this.onTimerResult(r);
    }, ms);
  }

  unavailable(): number | null {
    if (this.status === 'loading') return ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
    if (this.status === 'closed') return ErrorCode.NOT_COORDINATOR;
    return null;
  }

  /** A group reference a timer or parked request holds is still the one being served. */
  isLive(g: ClassicGroup): boolean {
    return this.status === 'active' && this.groups.get(g.groupId) === g && !g.is(GroupState.Dead);
  }

  getOrCreateGroup(groupId: string): ClassicGroup {
    let g = this.groups.get(groupId);
    if (!g) this.groups.set(groupId, (g = new ClassicGroup(groupId, this.clock.now())));
    return g;
  }

  /** An Empty group with nothing left (no offsets, no pending members) goes away, as in Kafka. */
  isDroppable(g: ClassicGroup, expiring: Set<string> = new Set()): boolean {
    if (!g.is(GroupState.Empty) || g.pendingMembers.size > 0 || g.pendingTxnOffsets.size > 0) return false;
    for (const [topic, parts] of g.offsets) for (const p of parts.keys()) if (!expiring.has(offsetKey(topic, p))) return false;
    return true;
  }

  maybeDropGroup(g: ClassicGroup): void {
    if (!this.isDroppable(g)) return;
    // A group that never reached the log needs no tombstone; one that did, does.
    if (g.protocolType === null) this.removeGroup(g);
    else this.deleteGroup(g);
  }

  /** Removes a group and journals its tombstone; a failed write puts the group back. */
  deleteGroup(g: ClassicGroup): void {
    const { state, stateTimestamp } = g;
    this.removeGroup(g);
    this.record([{ type: 'group-delete', group: g.groupId }], () => {
      if (this.groups.has(g.groupId)) return; // a new group of that name took its place meanwhile
      // Not a state transition: the deletion never happened. Pending members were dropped with
      // their timers and come back as unknown members.
      g.state = state;
      g.stateTimestamp = stateTimestamp;
      this.groups.set(g.groupId, g);
    });
  }

  /** Drops a group from memory only (its records, if any, are the caller's business). */
  removeGroup(g: ClassicGroup): void {
    for (const p of g.pendingMembers.values()) p.timer.cancel();
    g.pendingMembers.clear();
    g.joinTimer?.cancel();
    g.syncTimer?.cancel();
    g.transitionTo(GroupState.Dead, this.clock.now());
    this.groups.delete(g.groupId);
  }

  /** Stores a committed offset and journals it; a failed write restores what was there. */
  setOffset(g: ClassicGroup, topic: string, partition: number, value: CommittedOffset): void {
    const before = g.getOffset(topic, partition);
    g.setOffset(topic, partition, value);
    this.record([{ type: 'offset', group: g.groupId, topic, partition, ...value }], () => restoreOffset(g, topic, partition, before));
  }

  /** Removes a committed offset and journals the tombstone; a failed write restores it. */
  deleteOffset(g: ClassicGroup, topic: string, partition: number): void {
    const before = g.getOffset(topic, partition);
    if (!before || !g.deleteOffset(topic, partition)) return;
    this.record([{ type: 'offset-delete', group: g.groupId, topic, partition }], () => restoreOffset(g, topic, partition, before));
  }

  /**
   * The group's protocol type and empty-since time. Best effort: losing this record only makes
   * offset expiry start later after a restart, not worth failing a join over.
   */
  recordGroup(g: ClassicGroup, emptySince: number | null): void {
    this.record([{ type: 'group', group: g.groupId, protocolType: g.protocolType, emptySince }]);
  }
}

export function offsetKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

function restoreOffset(g: ClassicGroup, topic: string, partition: number, before: CommittedOffset | undefined): void {
  if (before) g.setOffset(topic, partition, before);
  else g.deleteOffset(topic, partition);
}
