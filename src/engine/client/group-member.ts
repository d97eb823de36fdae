/**
 * A classic-protocol consumer group member, as the Java consumer behaves in a group of consumers
 * that speak `range`: FindCoordinator, JoinGroup (with the v4+ MEMBER_ID_REQUIRED round trip),
 * Kafka's RangeAssignor when elected leader, SyncGroup, heartbeats in the background, a rejoin
 * when a heartbeat answers REBALANCE_IN_PROGRESS / ILLEGAL_GENERATION / UNKNOWN_MEMBER_ID,
 * offset fetch/commit within the generation, and LeaveGroup on close. It sits in one group with
 * Java, librdkafka and kafkajs consumers using the range assignor; the client id and host that
 * mq-consumer-groups --describe shows are those of the cluster's connections.
 *
 *   const m = new GroupMember(cluster, 'my-group', ['topic'], { sessionTimeoutMs: 45000 });
 *   const assigned = await m.join();      // [{ topic, partition }] of this member
 *   if (m.needsRejoin) ...                 // set by a heartbeat answer: commit, then join() again
 *   await m.commit([{ topic, partition, offset }]); await m.leave();
 */
import type { Cluster } from './cluster.js';
import type { ProtocolConnection } from './connection.js';
import { isConnectionLost, KafkaResponseError } from './errors.js';
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from '../protocol/consumer-protocol.js';
import { ErrorCode, errorName } from '../protocol/error-codes.js';
import type { Element, ResponseOf } from '../protocol/schema.js';
import { JoinGroup } from '../protocol/messages/11-join-group.js';
import { Heartbeat } from '../protocol/messages/12-heartbeat.js';
import { LeaveGroup } from '../protocol/messages/13-leave-group.js';
import { SyncGroup } from '../protocol/messages/14-sync-group.js';
import { commitOffsets, fetchCommitted } from './group-offsets.js';

/** The coordinator is loading, gone or elsewhere: find it again. */
const RETRY_COORDINATOR: ReadonlySet<number> = new Set([
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.NOT_COORDINATOR,
]);
const { REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, MEMBER_ID_REQUIRED } = ErrorCode;

export const ASSIGNOR = 'range';

export interface GroupMemberOptions {
  sessionTimeoutMs?: number;
  rebalanceTimeoutMs?: number;
  heartbeatIntervalMs?: number;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface PartitionOffset extends TopicPartition {
  offset: number;
}

/** Kafka's RangeAssignor for one topic: members sorted by id, partitions split in ranges, the first members get one more. */
export function rangeAssign(memberIds: string[], numPartitions: number): Map<string, number[]> {
  const sorted = [...memberIds].sort();
  const out = new Map<string, number[]>(sorted.map((m) => [m, []]));
  if (sorted.length === 0) return out;
  const per = Math.floor(numPartitions / sorted.length);
  const extra = numPartitions % sorted.length;
  let p = 0;
  sorted.forEach((m, i) => {
    const n = per + (i < extra ? 1 : 0);
    for (let k = 0; k < n; k++) out.get(m)!.push(p++);
  });
  return out;
}

/**
 * The leader's assignment: each topic split by rangeAssign over the members subscribed to it.
 * `subscriptions`: member id -> topics; `partitionCounts`: topic -> number of partitions.
 */
export function rangeAssignment(subscriptions: Map<string, string[]>, partitionCounts: Map<string, number>): Map<string, Map<string, number[]>> {
  const per = new Map<string, Map<string, number[]>>([...subscriptions.keys()].map((m) => [m, new Map()]));
  const topics = [...new Set([...subscriptions.values()].flat())];
  for (const topic of topics) {
    const members = [...subscriptions].filter(([, ts]) => ts.includes(topic)).map(([id]) => id);
    for (const [m, parts] of rangeAssign(members, partitionCounts.get(topic) ?? 0)) if (parts.length) per.get(m)!.set(topic, parts);
  }
  return per;
}

export class GroupMember {
  memberId = '';
  generationId = -1;
  /** Set when a heartbeat says the group is rebalancing or this member was fenced. */
  needsRejoin = false;
  private conn: ProtocolConnection | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly o: Required<GroupMemberOptions>;

  constructor(
    private readonly cluster: Cluster,
    readonly groupId: string,
    public topics: string[],
    opts: GroupMemberOptions = {},
  ) {
    this.o = {
      sessionTimeoutMs: opts.sessionTimeoutMs ?? 45000,
      rebalanceTimeoutMs: opts.rebalanceTimeoutMs ?? 300000,
      heartbeatIntervalMs: opts.heartbeatIntervalMs ?? 3000,
    };
  }

  private async coordinator(): Promise<ProtocolConnection> {
    return (this.conn ??= await this.cluster.coordinator(this.groupId));
  }

  /**
   * After a failed coordinator request: true (after a pause, with the coordinator forgotten so
   * FindCoordinator runs again) when the connection was lost and it is worth another try.
   */
  private async coordinatorLost(err: unknown, attempt: number): Promise<boolean> {
    if (!isConnectionLost(err) || this.cluster.isClosed || attempt >= 50) return false;
    this.conn = undefined;
    await new Promise((r) => setTimeout(r, 250));
    return true;
  }

  /** A --verbose line about this member's part in the group's rebalances. */
  private note(line: string): void {
    this.cluster.note(`group ${this.groupId}: ${line}`);
  }

  /** Joins (or rejoins) the group; resolves to this member's partitions, sorted. */
  async join(): Promise<TopicPartition[]> {
    this.stopHeartbeats();
    this.note(this.generationId < 0 ? `joining (subscribed to ${this.topics.join(', ')})` : `rebalancing: rejoining after generation ${this.generationId}`);
    for (let attempt = 0; ; attempt++) {
      let conn: ProtocolConnection;
      let res: ResponseOf<typeof JoinGroup>;
      try {
        conn = await this.coordinator();
        res = await conn.request(JoinGroup, {
          groupId: this.groupId,
          sessionTimeoutMs: this.o.sessionTimeoutMs,
          rebalanceTimeoutMs: this.o.rebalanceTimeoutMs,
          memberId: this.memberId,
          groupInstanceId: null,
          protocolType: 'consumer',
          protocols: [{ name: ASSIGNOR, metadata: encodeSubscription({ topics: this.topics }, 0) }],
          reason: null,
        });
      } catch (err) {
        if (!(await this.coordinatorLost(err, attempt))) throw err;
        continue;
      }
      const code = res.errorCode;
      if (code === MEMBER_ID_REQUIRED) {
        this.memberId = res.memberId;
        this.note(`the coordinator gave member id ${res.memberId}; joining again with it`);
        continue;
      }
      if (code === UNKNOWN_MEMBER_ID) {
        this.memberId = '';
        this.note('the coordinator does not know this member any more; joining as a new member');
        continue;
      }
      if (code === REBALANCE_IN_PROGRESS && attempt < 50) continue;
      if (RETRY_COORDINATOR.has(code) && attempt < 50) {
        this.conn = undefined;
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      if (code !== ErrorCode.NONE) throw new KafkaResponseError(code, null, `JoinGroup ${this.groupId}`);
      this.memberId = res.memberId;
      this.generationId = res.generationId;
      const leader = res.leader === this.memberId;
      this.note(`joined generation ${this.generationId} as ${leader ? `leader of ${res.members.length} member(s), assigning with ${ASSIGNOR}` : 'a follower'}`);
      const assignments = leader ? await this.assign(res.members) : [];
      let sync: ResponseOf<typeof SyncGroup>;
      try {
        sync = await conn.request(SyncGroup, {
          groupId: this.groupId,
          generationId: this.generationId,
          memberId: this.memberId,
          groupInstanceId: null,
          protocolType: 'consumer',
          protocolName: ASSIGNOR,
          assignments,
        });
      } catch (err) {
        if (!(await this.coordinatorLost(err, attempt))) throw err;
        continue;
      }
      const scode = sync.errorCode;
      if (scode === REBALANCE_IN_PROGRESS || scode === ILLEGAL_GENERATION) {
        this.note(`SyncGroup answered ${errorName(scode)}: the group is rebalancing again; rejoining`);
        continue;
      }
      if (scode === UNKNOWN_MEMBER_ID) {
        this.memberId = '';
        continue;
      }
      if (RETRY_COORDINATOR.has(scode) && attempt < 50) {
        this.conn = undefined;
        continue;
      }
      if (scode !== ErrorCode.NONE) throw new KafkaResponseError(scode, null, `SyncGroup ${this.groupId}`);
      this.needsRejoin = false;
      this.startHeartbeats();
      const bytes = sync.assignment;
      const a = bytes.length > 0 ? decodeAssignment(bytes).assignedPartitions : [];
      const mine = a
        .filter((t) => this.topics.includes(t.topic))
        .flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })))
        .sort((x, y) => (x.topic === y.topic ? x.partition - y.partition : x.topic < y.topic ? -1 : 1));
      this.note(`generation ${this.generationId} assigned ${mine.length ? mine.map((p) => `${p.topic}-${p.partition}`).join(', ') : 'no partitions'} to member ${this.memberId}`);
      return mine;
    }
  }

  /** The leader's job: range assignment of every subscribed topic over the members subscribed to it. */
  private async assign(members: ReadonlyArray<Element<ResponseOf<typeof JoinGroup>['members']>>): Promise<Array<{ memberId: string; assignment: Buffer }>> {
    const subs = new Map<string, string[]>();
    for (const m of members) {
      let topics: string[] = [];
      try {
        topics = decodeSubscription(m.metadata).topics;
      } catch {
        /* unreadable subscription: nothing for it */
      }
      subs.set(m.memberId, topics);
    }
    const allTopics = [...new Set([...subs.values()].flat())];
    const md = allTopics.length > 0 ? await this.cluster.metadata(allTopics) : { topics: [] };
    const counts = new Map<string, number>();
    for (const t of md.topics) if (t.errorCode === ErrorCode.NONE && t.name !== null) counts.set(t.name, t.partitions.length);
    return [...rangeAssignment(subs, counts)].map(([memberId, topics]) => ({
      memberId,
      assignment: encodeAssignment({ assignedPartitions: [...topics].map(([topic, partitions]) => ({ topic, partitions })), userData: null }, 0),
    }));
  }

  private startHeartbeats(): void {
    this.stopHeartbeats();
    this.timer = setInterval(() => {
      void (async () => {
        try {
          const conn = await this.coordinator();
          const r = await conn.request(Heartbeat, { groupId: this.groupId, generationId: this.generationId, memberId: this.memberId, groupInstanceId: null });
          const code = r.errorCode;
          if ((code === REBALANCE_IN_PROGRESS || code === ILLEGAL_GENERATION || code === UNKNOWN_MEMBER_ID) && !this.needsRejoin) {
            this.needsRejoin = true;
            this.note(`a heartbeat answered ${errorName(code)}: the group is rebalancing; this member will rejoin`);
          }
          if (code === UNKNOWN_MEMBER_ID) this.memberId = '';
          if (RETRY_COORDINATOR.has(code)) this.conn = undefined;
        } catch (err) {
          // The coordinator's broker went away: find the coordinator again at the next beat.
          if (isConnectionLost(err)) this.conn = undefined;
        }
      })();
    }, this.o.heartbeatIntervalMs);
    this.timer.unref?.();
  }

  stopHeartbeats(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Committed offsets of `partitions`, keyed `topic:partition` (missing = none committed). */
  async committed(partitions: TopicPartition[]): Promise<Map<string, number>> {
    const byTopic = new Map<string, number[]>();
    for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
    return fetchCommitted(this.cluster, this.groupId, [...byTopic].map(([name, ps]) => ({ name, partitions: ps })));
  }

  /** OffsetCommit within the current generation (what auto-commit sends). */
  async commit(offsets: PartitionOffset[]): Promise<void> {
    if (offsets.length === 0 || this.generationId < 0) return;
    for (let attempt = 0; ; attempt++) {
      try {
        await commitOffsets(this.cluster, this.groupId, offsets, { generationId: this.generationId, memberId: this.memberId });
        return;
      } catch (err) {
        // A coordinator that went away moves to another broker; FindCoordinator finds it.
        if (!isConnectionLost(err) || this.cluster.isClosed || attempt >= 20) throw err;
        this.conn = undefined;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  /** Stops heartbeats and leaves the group (its partitions go to the others at once). */
  async leave(): Promise<void> {
    this.stopHeartbeats();
    if (!this.memberId) return;
    this.note(`leaving the group (member ${this.memberId})`);
    const conn = await this.coordinator();
    const v = conn.versionFor(LeaveGroup.apiKey);
    await conn.request(LeaveGroup, v >= 3 ? { groupId: this.groupId, members: [{ memberId: this.memberId, groupInstanceId: null, reason: 'the consumer is being closed' }] } : { groupId: this.groupId, memberId: this.memberId });
    this.memberId = '';
    this.generationId = -1;
  }
}
