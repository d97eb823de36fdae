/**
 * The sampling loop: every refresh interval one round of
 *   Metadata (brokers, controller, topics, leaders, ISR);
 *   per broker ONE ListOffsets for the latest offsets of every partition it leads (earliest
 *   offsets every EARLIEST_EVERY rounds, also batched per broker);
 *   ListGroups, then per coordinator one DescribeGroups and one OffsetFetch for all its groups
 *   (group-batch.ts);
 *   every SLOW_EVERY rounds, DescribeLogDirs per broker (sizes) and one Fetch per broker for the
 *   lagging partitions' next records (time-based lag).
 * Never a request per partition. The round's answers become a Snapshot (what the API serves) and
 * a History point. A round that cannot reach the cluster marks it disconnected; the next rounds
 * keep trying, so the dashboard recovers by itself.
 */
import { ErrorCode } from '../../engine/protocol/error-codes.js';
import type { Cluster } from '../../engine/client/cluster.js';
import { listGroups, type GroupDescription, type GroupListing } from '../../engine/client/admin/groups.js';
import { CoordinatorCache, describeGroupsBatch, fetchCommittedGroups } from '../../engine/client/admin/group-batch.js';
import { describeLogDirs } from '../../engine/client/admin/log-dirs.js';
import { isInternalTopic } from '../../engine/client/admin/topics.js';
import { EARLIEST, LATEST, listOffsets, type TopicInfo as LeaderInfo } from '../../engine/client/partitions.js';
import { timestampsAt } from '../../engine/client/record-timestamps.js';
import { History, type GroupPoint, type PartitionPoint } from './history.js';

export interface BrokerState {
  id: number;
  host: string;
  port: number;
  rack: string | null;
  reachable: boolean;
}

export interface PartitionState {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  offline: number[];
  errorCode: number;
}

export interface TopicState {
  name: string;
  topicId: string | null;
  internal: boolean;
  partitions: PartitionState[];
}

export interface GroupState {
  listing: GroupListing;
  description: GroupDescription | undefined;
  /** topic:partition -> committed offset */
  committed: Map<string, number>;
  lag: number;
  /** Seconds behind (max over partitions), null when unknown. */
  timeLag: number | null;
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
  /** topic:partition -> seconds behind, per group */
  timeLags: Map<string, Map<string, number>>;
  messagesInPerSec: number;
}

export interface SamplerOptions {
  refreshMs: number;
  /** Called after every round: connected, or the error that made it fail. */
  onRound?: (s: { connected: true; sampledAt: number } | { connected: false; error: string }) => void;
  /** Counts of each round's requests, for tests. */
  now?: () => number;
}

/** Earliest offsets are read every this many rounds. */
const EARLIEST_EVERY = 5;

const tpKey = (topic: string, partition: number) => `${topic}:${partition}`;
const splitKey = (k: string) => ({ topic: k.slice(0, k.lastIndexOf(':')), partition: Number(k.slice(k.lastIndexOf(':') + 1)) });

export class Sampler {
  snapshot: Snapshot | undefined;
  connected = false;
  lastError: string | null = null;
  readonly history: History;
  private readonly coords = new CoordinatorCache();
  private round = 0;
  /** The next round reads everything (earliest offsets, sizes, time lag). */
  private full = false;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly slowEvery: number;
  private firstRound: Promise<void>;
  private resolveFirst!: () => void;
  /** Per group partition: the committed offset and the timestamp of the record there. */
  private readonly nextRecordTs = new Map<string, { offset: number; ts: number }>();

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

  /** Runs a round now (after the one in flight, if any); `full` also reads earliest offsets and sizes (after an action). */
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
      this.opts.onRound?.({ connected: true, sampledAt: s.sampledAt });
    } catch (err) {
      this.connected = false;
      this.lastError = err instanceof Error ? err.message : String(err);
      this.opts.onRound?.({ connected: false, error: this.lastError });
    } finally {
      this.resolveFirst();
    }
  }

  private async collect(): Promise<Snapshot> {
    const cluster = await this.getCluster();
    const round = this.round++;
    const prev = this.snapshot;
    const full = this.full;
    this.full = false;
    const slow = full || round % this.slowEvery === 0;
    const md = await cluster.metadata(null);
    const sampledAt = this.now();
    const topics = new Map<string, TopicState>();
    const leaders = new Map<string, LeaderInfo>();
    for (const t of md.topics) {
      if (t.name === null || (t.errorCode !== ErrorCode.NONE && t.errorCode !== ErrorCode.LEADER_NOT_AVAILABLE)) continue;
      const partitions = t.partitions
        .map((p) => ({
          partition: p.partitionIndex,
          leader: p.leaderId,
          replicas: [...p.replicaNodes],
          isr: [...p.isrNodes],
          offline: [...p.offlineReplicas],
          errorCode: p.errorCode,
        }))
        .sort((a, b) => a.partition - b.partition);
      const topicId = t.topicId !== undefined && !/^0*$/.test(t.topicId) ? Buffer.from(t.topicId, 'hex').toString('base64url') : null;
      topics.set(t.name, { name: t.name, topicId, internal: t.isInternal || isInternalTopic(t.name), partitions });
      leaders.set(t.name, { name: t.name, errorCode: t.errorCode, partitions: partitions.map((p) => ({ id: p.partition, leader: p.leader })) });
    }
    // Partitions by leader: one ListOffsets per broker.
    const byLeader = new Map<number, Array<{ topic: string; partition: number }>>();
    for (const t of topics.values()) {
      for (const p of t.partitions) {
        if (p.leader < 0) continue;
        let list = byLeader.get(p.leader);
        if (!list) byLeader.set(p.leader, (list = []));
        list.push({ topic: t.name, partition: p.partition });
      }
    }
    const reachable = new Set<number>();
    const ends = new Map<string, number>();
    const wantStarts = full || round % EARLIEST_EVERY === 0 || !prev;
    const starts = new Map<string, number>(wantStarts || !prev ? [] : prev.starts);
    await Promise.all(
      md.brokers.map(async (b) => {
        const list = byLeader.get(b.nodeId) ?? [];
        try {
          if (list.length === 0) {
            await cluster.forNode(b.nodeId);
          } else {
            for (const [k, a] of await listOffsets(cluster, leaders, list, LATEST)) if (a.errorCode === ErrorCode.NONE) ends.set(k, a.offset);
            if (wantStarts) {
              for (const [k, a] of await listOffsets(cluster, leaders, list, EARLIEST)) if (a.errorCode === ErrorCode.NONE) starts.set(k, a.offset);
            }
          }
          reachable.add(b.nodeId);
        } catch {
          /* the broker is reported unreachable */
        }
      }),
    );
    if (reachable.size === 0 && md.brokers.length > 0) throw new Error('no broker of the cluster answers');
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
        for (const [k, bytes] of d.partitions) {
          const [topic, p] = [k.slice(0, k.lastIndexOf(':')), Number(k.slice(k.lastIndexOf(':') + 1))];
          if (topics.get(topic)?.partitions.find((x) => x.partition === p)?.leader === id) sizes.set(k, bytes);
        }
      }
    }
    // Groups.
    const listings = await listGroups(cluster, [], [], md.brokers.map((b) => b.nodeId));
    const ids = listings.map((g) => g.groupId);
    let descriptions = new Map<string, GroupDescription>();
    let committed = new Map<string, Map<string, number>>();
    if (ids.length > 0) {
      [descriptions, committed] = await Promise.all([describeGroupsBatch(cluster, ids, this.coords), fetchCommittedGroups(cluster, ids, this.coords)]);
    }
    const groups = new Map<string, GroupState>();
    const timeLags = new Map<string, Map<string, number>>();
    const lagging: Array<{ topic: string; partition: number; offset: number }> = [];
    for (const g of listings) {
      const c = committed.get(g.groupId) ?? new Map<string, number>();
      let lag = 0;
      for (const [k, off] of c) {
        const end = ends.get(k);
        if (end === undefined) continue;
        lag += Math.max(0, end - off);
        if (end > off && !this.nextRecordTs.has(`${k}@${off}`)) lagging.push({ ...splitKey(k), offset: off });
      }
      groups.set(g.groupId, { listing: g, description: descriptions.get(g.groupId), committed: c, lag, timeLag: null });
    }
    if (slow && lagging.length > 0) {
      const seen = new Set<string>();
      const unique = lagging.filter((l) => !seen.has(`${l.topic}:${l.partition}@${l.offset}`) && seen.add(`${l.topic}:${l.partition}@${l.offset}`));
      try {
        const ts = await timestampsAt(cluster, leaders, unique);
        for (const u of unique) {
          const t = ts.get(tpKey(u.topic, u.partition));
          if (t !== undefined) this.nextRecordTs.set(`${u.topic}:${u.partition}@${u.offset}`, { offset: u.offset, ts: t });
        }
      } catch {
        /* time lag stays unknown this round */
      }
    }
    const used = new Set<string>();
    const points = new Map<string, GroupPoint>();
    for (const [id, g] of groups) {
      const perPartition = new Map<string, number>();
      let worst: number | null = null;
      let committedSum = 0;
      let endSum = 0;
      const parts: PartitionPoint[] = [];
      for (const [k, off] of g.committed) {
        const end = ends.get(k);
        if (end === undefined) continue;
        committedSum += off;
        endSum += end;
        let tl: number | null = null;
        if (off >= end) tl = 0;
        else {
          const rec = this.nextRecordTs.get(`${k}@${off}`);
          if (rec) {
            used.add(`${k}@${off}`);
            tl = Math.max(0, (sampledAt - rec.ts) / 1000);
          }
        }
        if (tl !== null) {
          perPartition.set(k, tl);
          worst = Math.max(worst ?? 0, tl);
        }
        parts.push({ ...splitKey(k), lag: Math.max(0, end - off), committed: off, end, timeLag: tl });
      }
      g.timeLag = worst;
      timeLags.set(id, perPartition);
      points.set(id, { lag: g.lag, committed: committedSum, end: endSum, timeLag: worst, partitions: parts });
    }
    for (const k of this.nextRecordTs.keys()) if (!used.has(k)) this.nextRecordTs.delete(k);
    const topicEnds = new Map<string, number>();
    for (const t of topics.values()) {
      let sum = 0;
      for (const p of t.partitions) sum += ends.get(tpKey(t.name, p.partition)) ?? 0;
      topicEnds.set(t.name, sum);
    }
    this.history.record(sampledAt, topicEnds, points);
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
    return {
      sampledAt,
      clusterId: md.clusterId ?? null,
      controllerId: md.controllerId,
      brokers: md.brokers
        .map((b) => ({ id: b.nodeId, host: b.host, port: b.port, rack: b.rack ?? null, reachable: reachable.has(b.nodeId) }))
        .sort((a, b) => a.id - b.id),
      topics,
      ends,
      starts,
      sizes,
      brokerSizes,
      sizesKnown,
      groups,
      timeLags,
      messagesInPerSec,
    };
  }
}
