/**
 * One classic consumer group: its members, generation, chosen protocol, committed offsets and
 * the state machine of Kafka's ClassicGroup. This file holds state and the pure rules (which
 * transitions are legal, protocol selection, who may join); the coordinator drives it, owns the
 * timers and answers the parked requests.
 */
import type { Timer } from '../clock.js';
import { CONSUMER_PROTOCOL_TYPE } from '../protocol/consumer-protocol.js';
import { subscribedTopics } from './subscription.js';
import type { JoinGroupResponse, SyncGroupResponse } from './types.js';

export const GroupState = {
  /**
   * No members (possibly committed offsets, or pending members that were told
   * MEMBER_ID_REQUIRED). Actions: JoinGroup adds a member and starts a rebalance; generation -1
   * commits are accepted. Transitions: -> PreparingRebalance on a join, -> Dead when deleted or
   * when its last offsets expire.
   */
  Empty: 'Empty',
  /**
   * A rebalance is collecting JoinGroups. Actions: joins are parked until every known member has
   * rejoined (and no pending member is left) or the rebalance timeout passes; heartbeats answer
   * REBALANCE_IN_PROGRESS; commits for the current generation still count, so members can commit
   * what they consumed before giving partitions up. Transitions: -> CompletingRebalance when the
   * join completes with members, -> Empty when it completes with none, -> Dead when deleted.
   */
  PreparingRebalance: 'PreparingRebalance',
  /**
   * A new generation exists and waits for the leader's assignment. Actions: followers' SyncGroups
   * are parked until the leader's arrives; commits answer REBALANCE_IN_PROGRESS because the
   * assignment is not known yet. Transitions: -> Stable on the leader's SyncGroup,
   * -> PreparingRebalance when a member joins, changes, leaves or expires.
   */
  CompletingRebalance: 'CompletingRebalance',
  /**
   * Every member has (or can fetch) its assignment. Actions: heartbeats and commits are served;
   * a follower rejoining with unchanged metadata gets the current generation back.
   * Transitions: -> PreparingRebalance when membership or subscriptions change.
   */
  Stable: 'Stable',
  /** The group is gone (deleted, or emptied and expired); stale references must do nothing. */
  Dead: 'Dead',
} as const;
export type GroupState = (typeof GroupState)[keyof typeof GroupState];

/** Legal previous states for each state, as in Kafka's ClassicGroupState; anything else is a bug. */
const validPrevious: Record<GroupState, readonly GroupState[]> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

export interface Protocol {
  name: string;
  metadata: Buffer;
}

/** A member's answer slot while its JoinGroup or SyncGroup is parked. */
export type Responder<T> = (response: T) => void;

export interface Member {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: Protocol[];
  assignment: Buffer;
  /** Set while a JoinGroup of this member is parked. */
  awaitingJoin: Responder<JoinGroupResponse> | null;
  /** Set while a SyncGroup of this member is parked. */
  awaitingSync: Responder<SyncGroupResponse> | null;
  /** JoinGroup version of the parked join; decides which fields its answer carries. */
  joinVersion: number;
  sessionTimer: Timer | null;
}

/** A dynamic member that was handed an id with MEMBER_ID_REQUIRED and has not rejoined yet. */
export interface PendingMember {
  memberId: string;
  timer: Timer;
}

export interface CommittedOffset {
  offset: number;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
  /** Explicit expiry from OffsetCommit v2-4 retention_time_ms; null = the broker's retention. */
  expireTimestamp: number | null;
}

export class ClassicGroup {
  state: GroupState = GroupState.Empty;
  /** When the current state was entered; for Empty it is "empty since", the base of offset expiry. */
  stateTimestamp: number;
  /** Null for groups that only ever had offsets committed (simple/admin commits). */
  protocolType: string | null = null;
  protocolName: string | null = null;
  generationId = 0;
  leaderId: string | null = null;
  readonly members = new Map<string, Member>();
  /** group.instance.id -> member id of the static member currently holding it. */
  readonly staticMembers = new Map<string, string>();
  readonly pendingMembers = new Map<string, PendingMember>();
  /** Members of the current generation that have not sent their SyncGroup yet. */
  readonly pendingSync = new Set<string>();
  /** topic -> partition -> committed offset. */
  readonly offsets = new Map<string, Map<number, CommittedOffset>>();
  /**
   * Offsets of TxnOffsetCommit, per producer id, invisible to OffsetFetch until the producer's
   * transaction commits (Kafka's OffsetMetadataManager pendingTransactionalOffsets).
   */
  readonly pendingTxnOffsets = new Map<number, Map<string, { topic: string; partition: number; value: CommittedOffset }>>();
  /** A member joined since the initial-delay timer was armed; the delay gets extended. */
  newMemberAdded = false;
  /** The join phase is inside group.initial.rebalance.delay.ms: it ends by timer, not by completion. */
  inInitialDelay = false;
  joinTimer: Timer | null = null;
  syncTimer: Timer | null = null;

  constructor(
    readonly groupId: string,
    now: number,
  ) {
    this.stateTimestamp = now;
  }

  is(state: GroupState): boolean {
    return this.state === state;
  }

  transitionTo(state: GroupState, now: number): void {
    if (!validPrevious[state].includes(this.state)) {
      throw new Error(`group ${this.groupId}: illegal transition ${this.state} -> ${state}`);
    }
    this.state = state;
    this.stateTimestamp = now;
  }

  get size(): number {
    return this.members.size;
  }

  awaitingJoinCount(): number {
    let n = 0;
    for (const m of this.members.values()) if (m.awaitingJoin) n++;
    return n;
  }

  /** Kafka's completion condition: everyone rejoined and nobody holds a fresh id without joining. */
  allMembersJoined(): boolean {
    return this.awaitingJoinCount() === this.members.size && this.pendingMembers.size === 0;
  }

  /** The largest rebalance timeout of the members bounds how long a join phase may last. */
  rebalanceTimeoutMs(): number {
    let t = 0;
    for (const m of this.members.values()) t = Math.max(t, m.rebalanceTimeoutMs);
    return t;
  }

  /**
   * Whether a joining member's protocols are compatible: an empty group takes any non-empty type
   * and protocol list; otherwise the type must match and at least one protocol must be supported
   * by every current member.
   */
  supportsProtocols(protocolType: string, protocols: readonly Protocol[]): boolean {
    if (this.members.size === 0) return protocolType !== '' && protocols.length > 0;
    if (protocolType !== this.protocolType) return false;
    const candidates = this.candidateProtocols();
    return protocols.some((p) => candidates.has(p.name));
  }

  /** Protocol names that every member supports. */
  candidateProtocols(): Set<string> {
    const members = [...this.members.values()];
    const common = new Set<string>(members[0]?.protocols.map((p) => p.name) ?? []);
    for (const m of members.slice(1)) {
      const names = new Set(m.protocols.map((p) => p.name));
      for (const n of common) if (!names.has(n)) common.delete(n);
    }
    return common;
  }

  /**
   * Each member votes for the first protocol in its own preference order that all members
   * support; the most votes wins. Ties go to the protocol that appears first in the voters'
   * lists in member order, which is deterministic for a given join order.
   */
  selectProtocol(): string {
    const candidates = this.candidateProtocols();
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const choice = m.protocols.find((p) => candidates.has(p.name));
      if (choice) votes.set(choice.name, (votes.get(choice.name) ?? 0) + 1);
    }
    let best: string | null = null;
    let bestVotes = -1;
    for (const [name, n] of votes) {
      if (n > bestVotes) {
        best = name;
        bestVotes = n;
      }
    }
    if (best === null) throw new Error(`group ${this.groupId}: no common protocol among members`);
    return best;
  }

  /** GROUP_MAX_SIZE_REACHED check (Kafka's acceptJoiningMember). */
  acceptsJoiningMember(memberId: string, maxSize: number): boolean {
    switch (this.state) {
      case GroupState.Empty:
      case GroupState.Dead:
        return true;
      case GroupState.PreparingRebalance: {
        const m = this.members.get(memberId);
        return (m !== undefined && m.awaitingJoin !== null) || this.awaitingJoinCount() < maxSize;
      }
      default:
        return this.members.has(memberId) || this.members.size < maxSize;
    }
  }

  /** The metadata a member sent for the protocol the group runs (empty when none is chosen). */
  memberMetadata(m: Member, protocol = this.protocolName): Buffer {
    if (protocol === null) return Buffer.alloc(0);
    return m.protocols.find((p) => p.name === protocol)?.metadata ?? Buffer.alloc(0);
  }

  /**
   * Topics some member subscribes to, decoded from "consumer" protocol metadata. Null means
   * "unknown" (not a consumer group, or a blob that does not decode), which callers must treat
   * as "possibly subscribed to anything".
   */
  subscribedTopics(): Set<string> | null {
    if (this.protocolType !== CONSUMER_PROTOCOL_TYPE) return null;
    const topics = new Set<string>();
    for (const m of this.members.values()) {
      // Before a protocol is chosen any of the member's protocols may win, so count them all.
      const blobs = this.protocolName === null ? m.protocols.map((p) => p.metadata) : [this.memberMetadata(m)];
      for (const blob of blobs) {
        const t = subscribedTopics(blob);
        if (t === null) return null;
        for (const name of t) topics.add(name);
      }
    }
    return topics;
  }

  hasOffsets(): boolean {
    for (const parts of this.offsets.values()) if (parts.size > 0) return true;
    return false;
  }

  /** Some transaction of this group has an offset for the partition that is not committed yet. */
  hasPendingTxnOffset(topic: string, partition: number): boolean {
    for (const p of this.pendingTxnOffsets.values()) for (const o of p.values()) if (o.topic === topic && o.partition === partition) return true;
    return false;
  }

  getOffset(topic: string, partition: number): CommittedOffset | undefined {
    return this.offsets.get(topic)?.get(partition);
  }

  setOffset(topic: string, partition: number, value: CommittedOffset): void {
    let parts = this.offsets.get(topic);
    if (!parts) this.offsets.set(topic, (parts = new Map<number, CommittedOffset>()));
    parts.set(partition, value);
  }

  deleteOffset(topic: string, partition: number): boolean {
    const parts = this.offsets.get(topic);
    if (!parts || !parts.delete(partition)) return false;
    if (parts.size === 0) this.offsets.delete(topic);
    return true;
  }
}

/** Same protocol names, order and metadata bytes: a rejoin that changes nothing. */
export function sameProtocols(a: readonly Protocol[], b: readonly Protocol[]): boolean {
  return a.length === b.length && a.every((p, i) => p.name === b[i]!.name && p.metadata.equals(b[i]!.metadata));
}
