/**
 * A consumer's hold on partitions, over Fetcher (prefetching Fetch loop) and GroupMember:
 * - GroupConsumer: a classic-protocol group member with the range assignor, starting from the
 *   committed offsets (else auto.offset.reset), committing consumed offsets every
 *   auto.commit.interval.ms, before a rebalance and on close, and leaving the group on close —
 *   what the Java consumer does with enable.auto.commit (clients/src/main/java/org/apache/kafka/
 *   clients/consumer/internals/ConsumerCoordinator.java).
 * - AssignedConsumer: manual assignment of partitions (KafkaConsumer.assign): no group, no commits.
 * consumer-poll.ts runs the poll loop over either.
 *
 *   const c = new GroupConsumer(cluster, { groupId: 'g', topics: ['t'], autoCommit: true, commitIntervalMs: 5000 });
 *   if (await c.ready()) for (const part of await c.fetch(500, Infinity)) { ...; c.consumed(part.topic, part.partition, next); }
 *   await c.close();
 */
import type { Cluster } from './cluster.js';
import { Fetcher, type FetchedPartition, type FetcherOptions } from './fetcher.js';
import { GroupMember, type TopicPartition } from './group-member.js';
import type { TopicInfo } from './partitions.js';

export interface Consumer {
  /** Before each fetch: (re)join or pick up new topics; false = nothing assigned yet, poll again later. */
  ready(): Promise<boolean>;
  /** The next fetched data of the assigned partitions (Fetcher.fetch: waits up to `maxWaitMs`, prefetches unless `want` records are in). */
  fetch(maxWaitMs: number, want: number): Promise<FetchedPartition[]>;
  /** Consumption of a partition reached `offset` (the offset after the last record taken): what a commit says. */
  consumed(topic: string, partition: number, offset: number): void;
  /** Between fetches (periodic commits). */
  tick(now: number): Promise<void>;
  /** Commits what was consumed (when enabled) and leaves the group; never throws. */
  close(): Promise<void>;
}

const tpKey = (topic: string, partition: number) => `${topic}:${partition}`;

/** KafkaConsumer.assign(): fixed partitions from given offsets (or auto.offset.reset); no group. */
export class AssignedConsumer implements Consumer {
  readonly fetcher: Fetcher;

  constructor(cluster: Cluster, opts: FetcherOptions = {}) {
    this.fetcher = new Fetcher(cluster, opts);
  }

  /**
   * Assigns `partitions`; a partition without an offset starts at `start` (earliest or latest).
   * `topics` is their metadata when the caller already has it.
   */
  async assign(partitions: Array<{ topic: string; partition: number; offset?: number }>, start: 'earliest' | 'latest', topics?: Map<string, TopicInfo>): Promise<void> {
    await this.fetcher.assign(partitions, topics);
    const unpositioned = partitions.filter((p) => p.offset === undefined).map(({ topic, partition }) => ({ topic, partition }));
    if (unpositioned.length > 0) await this.fetcher.resetPositions(unpositioned, start);
  }

  async ready(): Promise<boolean> {
    return true;
  }

  fetch(maxWaitMs: number, want: number): Promise<FetchedPartition[]> {
    return this.fetcher.fetch(maxWaitMs, want);
  }

  consumed(): void {}

  async tick(): Promise<void> {}

  async close(): Promise<void> {}
}

/** What a ConsumerRebalanceListener hears (clients/.../consumer/ConsumerRebalanceListener.java). */
export interface RebalanceListener {
  /** Before a rejoin, after the consumed offsets were committed. */
  onRevoked?(): void;
  /** After a join, with the positions set. */
  onAssigned?(partitions: readonly TopicPartition[]): void;
}

export interface GroupConsumerOptions extends FetcherOptions {
  groupId: string;
  topics: string[];
  sessionTimeoutMs?: number;
  /** max.poll.interval.ms */
  rebalanceTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** enable.auto.commit */
  autoCommit: boolean;
  /** auto.commit.interval.ms; Infinity commits only before a rebalance and on close. */
  commitIntervalMs: number;
  /**
   * Asked at most once a second (before a fetch): the topics to subscribe to now (a pattern
   * subscription's metadata refresh), 'rejoin' to join again, or null for no change.
   */
  refresh?: (state: { joined: boolean; assigned: number; topics: readonly string[] }) => Promise<string[] | 'rejoin' | null>;
  listener?: RebalanceListener;
}

/** A partition's consumed offset and what was last committed for it (-1: nothing by us). */
interface Progress {
  topic: string;
  partition: number;
  offset: number;
  committed: number;
}

export class GroupConsumer implements Consumer {
  readonly fetcher: Fetcher;
  readonly member: GroupMember;
  private readonly progress = new Map<string, Progress>();
  private joined = false;
  private lastCommit = Date.now();
  private lastRefresh = Date.now();

  constructor(
    private readonly cluster: Cluster,
    private readonly o: GroupConsumerOptions,
  ) {
    this.member = new GroupMember(cluster, o.groupId, o.topics, {
      sessionTimeoutMs: o.sessionTimeoutMs,
      rebalanceTimeoutMs: o.rebalanceTimeoutMs,
      heartbeatIntervalMs: o.heartbeatIntervalMs,
    });
    this.fetcher = new Fetcher(cluster, o);
  }

  get topics(): readonly string[] {
    return this.member.topics;
  }

  /**
   * A fresh Kafka cluster has no __consumer_offsets yet: FindCoordinator answers
   * COORDINATOR_NOT_AVAILABLE until it is created. Waits for the coordinator (up to `timeoutMs`),
   * as the Java consumer does; a coordinator that never comes is the JoinGroup's error to report.
   */
  async awaitCoordinator(timeoutMs: number): Promise<void> {
    try {
      await this.cluster.coordinator(this.o.groupId, 0, timeoutMs);
    } catch {
      /* the JoinGroup reports it */
    }
  }

  async ready(): Promise<boolean> {
    const refresh = this.o.refresh;
    if (refresh && Date.now() - this.lastRefresh >= 1000) {
      this.lastRefresh = Date.now();
      const now = await refresh({ joined: this.joined, assigned: this.fetcher.partitions.length, topics: this.member.topics });
      if (now === 'rejoin') this.member.needsRejoin = true;
      else if (now !== null && now.join('\0') !== this.member.topics.join('\0')) {
        this.member.topics = now;
        this.member.needsRejoin = true;
      }
    }
    if (!this.joined || this.member.needsRejoin) await this.join();
    return this.fetcher.partitions.length > 0;
  }

  fetch(maxWaitMs: number, want: number): Promise<FetchedPartition[]> {
    return this.fetcher.fetch(maxWaitMs, want);
  }

  consumed(topic: string, partition: number, offset: number): void {
    const k = tpKey(topic, partition);
    const p = this.progress.get(k);
    if (!p) this.progress.set(k, { topic, partition, offset, committed: -1 });
    else if (offset > p.offset) p.offset = offset;
  }

  async tick(now: number): Promise<void> {
    if (now - this.lastCommit < this.o.commitIntervalMs) return;
    this.lastCommit = now;
    await this.commit().catch(() => {});
  }

  /** Commits the consumed offsets that moved since the last commit (enable.auto.commit). */
  async commit(): Promise<void> {
    if (!this.o.autoCommit) return;
    const due = [...this.progress.values()].filter((e) => e.offset !== e.committed && this.fetcher.position(e.topic, e.partition) !== undefined);
    if (due.length === 0) return;
    await this.member.commit(due.map((e) => ({ topic: e.topic, partition: e.partition, offset: e.offset })));
    for (const e of due) e.committed = e.offset;
  }

  private async join(): Promise<void> {
    if (this.joined) {
      await this.commit().catch(() => {});
      this.o.listener?.onRevoked?.();
    }
    this.progress.clear();
    const assigned = await this.member.join();
    this.joined = true;
    const committed = assigned.length > 0 ? await this.member.committed(assigned) : new Map<string, number>();
    await this.fetcher.assign(assigned.map((tp) => ({ ...tp, offset: committed.get(tpKey(tp.topic, tp.partition)) })));
    // Consumption starts at the committed offset: that is what a commit says until a record is taken.
    for (const tp of assigned) {
      const at = committed.get(tpKey(tp.topic, tp.partition));
      if (at !== undefined) this.progress.set(tpKey(tp.topic, tp.partition), { ...tp, offset: at, committed: at });
    }
    this.o.listener?.onAssigned?.(assigned);
  }

  async close(): Promise<void> {
    this.member.stopHeartbeats();
    try {
      await this.commit();
    } catch {
      /* closing: Kafka logs and moves on */
    }
    await this.member.leave().catch(() => {});
  }
}
