/**
 * The sampling loop: every refresh interval one round of
 *   Metadata (brokers, controller, topics, leaders, ISR) when the topology is due (every
 *   METADATA_EVERY rounds, after an action, or when an answer says it is out of date: a partition
 *   error, a broker that does not answer, a group committing to a topic Metadata did not list);
 *   per broker ONE ListOffsets for the latest offsets of every partition it leads (earliest
 *   offsets every EARLIEST_EVERY rounds, also batched per broker);
 *   ListGroups, then per coordinator one DescribeGroups and one OffsetFetch for all its groups
 *   (group-batch.ts);
 *   every SLOW_EVERY rounds, DescribeLogDirs per broker (sizes) and one Fetch per broker for the
 *   lagging partitions' next records (time-based lag).
 * Never a request per partition. The round's answers become a Snapshot (what the API serves) and
 * a History point. The first round publishes a snapshot as soon as the offsets are in (topics and
 * cluster views can answer), before groups, sizes and time lag. A round that cannot reach the
 * cluster marks it disconnected; the next rounds keep trying, so the dashboard recovers by itself.
 */
import { ErrorCode } from '../../engine/protocol/error-codes.js';
import type { Cluster } from '../../engine/client/cluster.js';
import { listGroups, type GroupDescription } from '../../engine/client/admin/groups.js';
import { CoordinatorCache, describeGroupsBatch, fetchCommittedGroups } from '../../engine/client/admin/group-batch.js';
import { describeLogDirs } from '../../engine/client/admin/log-dirs.js';
import { listOffsetsAtNode } from '../../engine/client/partitions.js';
import { timestampsAt } from '../../engine/client/record-timestamps.js';
import { groupRound, RecordTimes, unknownTimes, type GroupState } from './group-sample.js';
import { History } from './history.js';
import { keyOf, topologyOf, type BrokerInfo, type Topology, type TopicState } from './topology.js';

export type { GroupState } from './group-sample.js';
export type { PartitionState, TopicState } from './topology.js';

export interface BrokerState extends BrokerInfo {
  reachable: boolean;
}

export interface Snapshot {
  sampledAt: number;
  clusterId: string | null;
  controllerId: number;
  brokers: BrokerState[];
  topics: Map<string, TopicState>;
  /** topic:partition -> offsets */
  ends: Map<string, number>;
  starts: Map<string, number>;
  /** topic:partition -> bytes of the leader's replica; brokers' totals */
  sizes: Map<string, number>;
  brokerSizes: Map<number, number>;
  sizesKnown: boolean;
  groups: Map<string, GroupState>;
  /** False in the first round's early snapshot, published before the groups were read. */
  groupsKnown: boolean;
  messagesInPerSec: number;
}

export type RoundEvent = { connected: true; sampledAt: number; partial: boolean } | { connected: false; error: string };

export interface SamplerOptions {
  refreshMs: number;
  /** After every round (connected, or the error that made it fail), and after the first round's early snapshot (`partial`). */
  onRound?: (s: RoundEvent) => void;
  now?: () => number;
}

/** ListOffsets errors that mean the topology moved (a new leader, a deleted topic): Metadata again next round. */
const MOVED: ReadonlySet<number> = new Set([
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.LEADER_NOT_AVAILABLE, ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.FENCED_LEADER_EPOCH, ErrorCode.UNKNOWN_LEADER_EPOCH,
]);

/** Earliest offsets are read every this many rounds. */
const EARLIEST_EVERY = 5;
/** Metadata is read every this many rounds (and whenever an answer says it is out of date). */
export const METADATA_EVERY = 5;

export class Sampler {
  snapshot: Snapshot | undefined;
  connected = false;
  lastError: string | null = null;
  /** True once a round has finished (reached the cluster or not). */
  finishedRound = false;
  readonly history: History;
  private readonly coords = new CoordinatorCache();
  private round = 0;
  /** The next round reads everything (Metadata, earliest offsets, sizes, time lag). */
  private full = false;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly slowEvery: number;
  private readonly firstRound: Promise<void>;
  private resolveFirst!: () => void;
  private topology: Topology | undefined;
  /** An answer said the topology is out of date: the next round reads Metadata. */
  private topologyStale = false;
  /** Topics groups commit to that the last Metadata did not list (asked about once, not every round). */
  private missingTopics = new Set<string>();
  private readonly times = new RecordTimes();

  constructor(
    private readonly getCluster: () => Promise<Cluster>,
    private readonly opts: SamplerOptions,
    history?: History,
  ) {
    this.history = history ?? new History({ refreshMs: opts.refreshMs });
    this.slowEvery = Math.max(1, Math.ceil(10_000 / opts.refreshMs));
    this.firstRound = new Promise((r) => (this.resolveFirst = r));
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      void this.refresh().finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, this.opts.refreshMs);
      });
    };
    tick();
  }

  /** Resolves once the first round has finished (whether or not it reached the cluster). */
  ready(): Promise<void> {
    return this.firstRound;
  }

  /** Runs a round now (after the one in flight, if any); `full` also reads Metadata, earliest offsets and sizes (after an action). */
  async refresh({ full = false }: { full?: boolean } = {}): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
    if (full) this.full = true;
    this.running = this.sampleOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** Waits for a round in flight. */
  async idle(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
  }

  private async sampleOnce(): Promise<void> {
    try {
      const s = await this.collect();
      this.snapshot = s;
      this.connected = true;
      this.lastError = null;
      this.opts.onRound?.({ connected: true, sampledAt: s.sampledAt, partial: false });
    } catch (err) {
      this.connected = false;
      this.lastError = err instanceof Error ? err.message : String(err);
      // Connections may be new after this: ask Metadata again.
      this.topology = undefined;
      this.opts.onRound?.({ connected: false, error: this.lastError });
    } finally {
      this.finishedRound = true;
      this.resolveFirst();
    }
  }

  private async readTopology(cluster: Cluster, due: boolean): Promise<Topology> {
    if (this.topology && !due && !this.topologyStale) return this.topology;
    const t = topologyOf(await cluster.metadata(null));
    this.topology = t;
    this.topologyStale = false;
    this.missingTopics = new Set([...this.missingTopics].filter((name) => !t.topics.has(name)));
    return t;
  }

  private async collect(): Promise<Snapshot> {
    const cluster = await this.getCluster();
    const round = this.round++;
    const prev = this.snapshot;
    const full = this.full;
    this.full = false;
    const slow = full || round % this.slowEvery === 0;
    const topo = await this.readTopology(cluster, full || round % METADATA_EVERY === 0);
    const sampledAt = this.now();
    const reachable = new Set<number>();
    const ends = new Map<string, number>();
    const wantStarts = full || round % EARLIEST_EVERY === 0 || !prev;
    const starts = wantStarts || !prev ? new Map<string, number>() : prev.starts;
    const into = (m: Map<string, number>) => (topic: string, partition: number, errorCode: number, offset: number) => {
      const k = keyOf(topo, topic, partition);
      if (k !== undefined && errorCode === ErrorCode.NONE) m.set(k, offset);
      else if (k === undefined || MOVED.has(errorCode)) this.topologyStale = true;
    };
    await Promise.all(
      topo.brokers.map(async (b) => {
        const led = topo.led.get(b.id);
        try {
          if (!led) {
            await cluster.forNode(b.id);
          } else {
            // Latest and earliest side by side on the broker's connection (answered in order, one wait instead of two).
            const asks = [listOffsetsAtNode(cluster, b.id, led.latest, into(ends))];
            if (wantStarts) asks.push(listOffsetsAtNode(cluster, b.id, led.earliest, into(starts)));
            await Promise.all(asks);
          }
          reachable.add(b.id);
        } catch {
          this.topologyStale = true; // the broker is reported unreachable; perhaps it left the cluster
        }
      }),
    );
    if (reachable.size === 0 && topo.brokers.length > 0) throw new Error('no broker of the cluster answers');
    let messagesInPerSec = 0;
    if (prev) {
      const dt = (sampledAt - prev.sampledAt) / 1000;
      let delta = 0;
      for (const [k, e] of ends) {
        const before = prev.ends.get(k);
        if (before !== undefined && e > before) delta += e - before;
      }
      messagesInPerSec = dt > 0 ? delta / dt : 0;
    }
    const base = {
      sampledAt,
      clusterId: topo.clusterId,
      controllerId: topo.controllerId,
      brokers: topo.brokers.map((b) => ({ ...b, reachable: reachable.has(b.id) })),
      topics: topo.topics,
      ends,
      starts,
      messagesInPerSec,
    };
    if (!prev) {
      // The first round: the topics and cluster views can answer now; groups, sizes and time lag follow.
      this.snapshot = { ...base, sizes: new Map(), brokerSizes: new Map(), sizesKnown: false, groups: new Map(), groupsKnown: false };
      this.connected = true;
      this.lastError = null;
      this.opts.onRound?.({ connected: true, sampledAt, partial: true });
    }
    // Sizes on disk.
    let sizes = prev?.sizes ?? new Map<string, number>();
    let brokerSizes = prev?.brokerSizes ?? new Map<number, number>();
    let sizesKnown = prev?.sizesKnown ?? false;
    if (slow || !prev) {
      const dirs = await describeLogDirs(cluster, [...reachable]);
      sizes = new Map();
      brokerSizes = new Map();
      sizesKnown = false;
      for (const [id, d] of dirs) {
        if (d.errorCode !== ErrorCode.NONE) continue;
        sizesKnown = true;
        brokerSizes.set(id, d.sizeBytes);
        for (const [k, bytes] of d.partitions) if (topo.leaderByKey.get(k) === id) sizes.set(k, bytes);
      }
    }
    // Groups, from the brokers that answered this round (a killed node must not stall the listing).
    const listings = await listGroups(cluster, [], [], [...reachable]);
    const ids = listings.map((g) => g.groupId);
    let descriptions = new Map<string, GroupDescription>();
    let committed = new Map<string, Map<string, number>>();
    if (ids.length > 0) {
      [descriptions, committed] = await Promise.all([describeGroupsBatch(cluster, ids, this.coords), fetchCommittedGroups(cluster, ids, this.coords)]);
    }
    this.noteMissingTopics(topo, committed);
    if (slow) {
      const unknown = unknownTimes(committed, ends, this.times);
      if (unknown.length > 0) {
        try {
          const ts = await timestampsAt(cluster, topo.leaders, unknown);
          for (const u of unknown) {
            const k = keyOf(topo, u.topic, u.partition);
            const t = k === undefined ? undefined : ts.get(k);
            if (k !== undefined && t !== undefined) this.times.set(k, u.offset, t, round);
          }
        } catch {
          /* time lag stays unknown this round */
        }
      }
    }
    const { groups, points } = groupRound(listings, descriptions, committed, ends, this.times, sampledAt, round, this.history.takesPartitions());
    this.times.prune(round);
    const topicEnds = new Map<string, number>();
    for (const t of topo.topics.values()) {
      const ks = topo.keys.get(t.name)!;
      let sum = 0;
      for (const p of t.partitions) sum += ends.get(ks[p.partition]!) ?? 0;
      topicEnds.set(t.name, sum);
    }
    this.history.record(sampledAt, topicEnds, points);
    return { ...base, sizes, brokerSizes, sizesKnown, groups, groupsKnown: true };
  }

  /** A group committing to a topic the topology lacks: the topic may be new, so Metadata next round (once per such topic). */
  private noteMissingTopics(topo: Topology, committed: ReadonlyMap<string, ReadonlyMap<string, number>>): void {
    for (const c of committed.values()) {
      for (const k of c.keys()) {
        if (topo.leaderByKey.has(k)) continue;
        const topic = k.slice(0, k.lastIndexOf(':'));
        if (topo.topics.has(topic) || this.missingTopics.has(topic)) continue;
        this.missingTopics.add(topic);
        this.topologyStale = true;
      }
    }
  }
}
