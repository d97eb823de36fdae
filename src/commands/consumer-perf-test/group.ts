/**
 * A minimal classic-protocol group member for the perf consumer: FindCoordinator, JoinGroup
 * (with the v4+ member-id round trip), the range assignor when elected leader, SyncGroup,
 * background heartbeats, OffsetCommit within the generation, LeaveGroup. Enough to sit in a
 * group next to Java, librdkafka or kafkajs consumers that use the range assignor.
 *
 *   const m = new GroupMember(cluster, 'perf-consumer-1', 'topic', { clientId });
 *   const partitions = await m.join();     // this member's partitions of the topic
 *   if (m.needsRejoin) ...                 // set by a heartbeat answer (rebalance, fenced)
 *   await m.commit(new Map([[0, 100]])); await m.leave();
 */
import type { Cluster, ProtocolConnection } from '../../engine/client/protocol-client.js';
import { KafkaResponseError } from '../../engine/client/protocol-client.js';
import type { Struct } from '../../engine/protocol/codec.js';
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from '../../engine/protocol/consumer-protocol.js';

const RETRY_COORDINATOR = new Set([14, 15, 16]);

export interface GroupMemberOptions {
  sessionTimeoutMs?: number;
  rebalanceTimeoutMs?: number;
  heartbeatIntervalMs?: number;
}

/** Kafka's RangeAssignor for one topic: members sorted by id, partitions split in ranges. */
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

export class GroupMember {
  memberId = '';
  generationId = -1;
  needsRejoin = false;
  private conn: ProtocolConnection | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly o: Required<GroupMemberOptions>;

  constructor(
    private readonly cluster: Cluster,
    readonly groupId: string,
    private readonly topic: string,
    opts: GroupMemberOptions = {},
  ) {
    this.o = { sessionTimeoutMs: opts.sessionTimeoutMs ?? 45000, rebalanceTimeoutMs: opts.rebalanceTimeoutMs ?? 300000, heartbeatIntervalMs: opts.heartbeatIntervalMs ?? 3000 };
  }

  private async coordinator(): Promise<ProtocolConnection> {
    return (this.conn ??= await this.cluster.coordinator(this.groupId));
  }

  /** Joins (or rejoins) the group; resolves to the partitions of the topic assigned to this member. */
  async join(): Promise<number[]> {
    this.stopHeartbeats();
    for (let attempt = 0; ; attempt++) {
      const conn = await this.coordinator();
      const res = await conn.request(11, {
        groupId: this.groupId,
        sessionTimeoutMs: this.o.sessionTimeoutMs,
        rebalanceTimeoutMs: this.o.rebalanceTimeoutMs,
        memberId: this.memberId,
        groupInstanceId: null,
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: encodeSubscription({ topics: [this.topic] }, 0) }],
        reason: null,
      });
      const code = res.errorCode as number;
      if (code === 79 /* MEMBER_ID_REQUIRED */) {
        this.memberId = res.memberId as string;
        continue;
      }
      if (code === 25 /* UNKNOWN_MEMBER_ID */) {
        this.memberId = '';
        continue;
      }
      if (RETRY_COORDINATOR.has(code) && attempt < 20) {
        this.conn = undefined;
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      if (code !== 0) throw new KafkaResponseError(code, null, `JoinGroup ${this.groupId}`);
      this.memberId = res.memberId as string;
      this.generationId = res.generationId as number;
      let assignments: Array<{ memberId: string; assignment: Buffer }> = [];
      if (res.leader === this.memberId) assignments = await this.assign(res.members as Struct[]);
      const sync = await conn.request(14, {
        groupId: this.groupId,
        generationId: this.generationId,
        memberId: this.memberId,
        groupInstanceId: null,
        protocolType: 'consumer',
        protocolName: 'range',
        assignments,
      });
      const scode = sync.errorCode as number;
      if (scode === 27 /* REBALANCE_IN_PROGRESS */ || scode === 22 /* ILLEGAL_GENERATION */) continue;
      if (scode === 25) {
        this.memberId = '';
        continue;
      }
      if (RETRY_COORDINATOR.has(scode) && attempt < 20) {
        this.conn = undefined;
        continue;
      }
      if (scode !== 0) throw new KafkaResponseError(scode, null, `SyncGroup ${this.groupId}`);
      this.needsRejoin = false;
      this.startHeartbeats();
      const a = decodeAssignment(sync.assignment as Buffer);
      return a.assignedPartitions.filter((t) => t.topic === this.topic).flatMap((t) => t.partitions).sort((x, y) => x - y);
    }
  }

  /** The leader's job: range assignment of every subscribed topic over the members subscribed to it. */
  private async assign(members: Struct[]): Promise<Array<{ memberId: string; assignment: Buffer }>> {
    const subs = new Map<string, string[]>();
    for (const m of members) {
      let topics: string[] = [];
      try {
        topics = decodeSubscription(m.metadata as Buffer).topics;
      } catch {
        /* unreadable subscription: nothing for it */
      }
      subs.set(m.memberId as string, topics);
    }
    const allTopics = [...new Set([...subs.values()].flat())];
    const md = allTopics.length > 0 ? await this.cluster.metadata(allTopics) : { topics: [] };
    const counts = new Map<string, number>();
    for (const t of md.topics as Struct[]) if ((t.errorCode as number) === 0) counts.set(t.name as string, ((t.partitions as Struct[]) ?? []).length);
    const per = new Map<string, Map<string, number[]>>([...subs.keys()].map((m) => [m, new Map()]));
    for (const topic of allTopics) {
      const n = counts.get(topic) ?? 0;
      const ms = [...subs].filter(([, ts]) => ts.includes(topic)).map(([id]) => id);
      for (const [m, parts] of rangeAssign(ms, n)) if (parts.length) per.get(m)!.set(topic, parts);
    }
    return [...per].map(([memberId, topics]) => ({
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
          const r = await conn.request(12, { groupId: this.groupId, generationId: this.generationId, memberId: this.memberId, groupInstanceId: null });
          const code = r.errorCode as number;
          if (code === 27 || code === 22 || code === 25) this.needsRejoin = true;
          if (code === 25) this.memberId = '';
        } catch {
          /* the next heartbeat or request reports a dead connection */
        }
      })();
    }, this.o.heartbeatIntervalMs);
    this.timer.unref?.();
  }

  stopHeartbeats(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Committed offsets of the topic's partitions (missing = none committed). */
  async committed(partitions: number[]): Promise<Map<number, number>> {
    const conn = await this.coordinator();
    const v = conn.versionFor(9);
    const topics = [{ name: this.topic, partitionIndexes: partitions }];
    const res = v >= 8 ? await conn.request(9, { groups: [{ groupId: this.groupId, topics }], requireStable: false }) : await conn.request(9, { groupId: this.groupId, topics, requireStable: false });
    const body = v >= 8 ? (res.groups as Struct[])[0]! : res;
    if ((body.errorCode as number) !== 0) throw new KafkaResponseError(body.errorCode as number, null, `OffsetFetch ${this.groupId}`);
    const out = new Map<number, number>();
    for (const t of body.topics as Struct[]) {
      for (const p of t.partitions as Struct[]) {
        const off = Number(p.committedOffset);
        if ((p.errorCode as number) === 0 && off >= 0) out.set(p.partitionIndex as number, off);
      }
    }
    return out;
  }

  /** OffsetCommit within the current generation (auto-commit on close, as the Java consumer does). */
  async commit(offsets: Map<number, number>): Promise<void> {
    if (offsets.size === 0 || this.generationId < 0) return;
    const conn = await this.coordinator();
    await conn.request(8, {
      groupId: this.groupId,
      generationIdOrMemberEpoch: this.generationId,
      memberId: this.memberId,
      groupInstanceId: null,
      retentionTimeMs: -1,
      topics: [{ name: this.topic, partitions: [...offsets].map(([p, o]) => ({ partitionIndex: p, committedOffset: o, committedLeaderEpoch: -1, committedMetadata: '' })) }],
    });
  }

  async leave(): Promise<void> {
    this.stopHeartbeats();
    if (!this.memberId) return;
    const conn = await this.coordinator();
    const v = conn.versionFor(13);
    await conn.request(13, v >= 3 ? { groupId: this.groupId, members: [{ memberId: this.memberId, groupInstanceId: null, reason: 'the consumer is being closed' }] } : { groupId: this.groupId, memberId: this.memberId });
    this.memberId = '';
    this.generationId = -1;
  }
}
