/**
 * The API's views of the sampler's snapshot (docs/dashboard-api.md): cluster, brokers, topics, a
 * topic, groups and a group's lag history. Cheap (no request to the cluster except a topic's
 * configs), the same figures on every view.
 */
import { ConfigSource, configSourceName, describeConfigs } from '../../engine/client/admin/configs.js';
import { ResourceType } from '../../engine/protocol/config-resources.js';
import { ErrorCode } from '../../engine/protocol/error-codes.js';
import { ApiError } from './api-error.js';
import { snap, snapWithGroups, tp, type ApiContext } from './api-context.js';
import { COMMITTED, END, LAG, partitionSince, TIME_LAG } from './history.js';
import type { Ring } from './ring.js';
import type { Snapshot } from './sampler.js';
import { catchUpSeconds, lagTrend } from './trend.js';

const nullIfNaN = (x: number) => (Number.isFinite(x) ? x : null);

function brokers(s: Snapshot) {
  return s.brokers.map((b) => {
    let leaderPartitions = 0;
    let replicas = 0;
    for (const t of s.topics.values()) {
      for (const p of t.partitions) {
        if (p.leader === b.id) leaderPartitions++;
        if (p.replicas.includes(b.id)) replicas++;
      }
    }
    const sizeBytes = s.sizesKnown ? (s.brokerSizes.get(b.id) ?? null) : null;
    return { id: b.id, host: b.host, port: b.port, rack: b.rack, leaderPartitions, replicas, reachable: b.reachable, sizeBytes };
  });
}

const underReplicated = (p: { isr: number[]; replicas: number[] }) => p.isr.length < p.replicas.length;

export async function getCluster(ctx: ApiContext) {
  const s = snap(ctx);
  let partitionCount = 0;
  let under = 0;
  let offline = 0;
  for (const t of s.topics.values()) {
    for (const p of t.partitions) {
      partitionCount++;
      if (underReplicated(p)) under++;
      if (p.leader < 0) offline++;
    }
  }
  return {
    clusterId: s.clusterId,
    controllerId: s.controllerId,
    brokers: brokers(s),
    topicCount: s.topics.size,
    partitionCount,
    underReplicatedPartitions: under,
    offlinePartitions: offline,
    sizeBytes: s.sizesKnown ? [...s.brokerSizes.values()].reduce((a, b) => a + b, 0) : null,
    messagesInPerSec: s.messagesInPerSec,
    sampledAt: s.sampledAt,
  };
}

export async function getBrokers(ctx: ApiContext) {
  return { brokers: brokers(snap(ctx)) };
}

/** Messages per second between consecutive samples of a topic's end offsets, oldest first. */
function rates(r: Ring | undefined): number[] {
  if (!r) return [];
  const { t, cols } = r.since();
  const ends = cols[0]!;
  const out: number[] = [];
  for (let i = 1; i < t.length; i++) {
    const dt = (t[i]! - t[i - 1]!) / 1000;
    out.push(dt > 0 ? Math.max(0, (ends[i]! - ends[i - 1]!) / dt) : 0);
  }
  return out.slice(-60);
}

export async function getTopics(ctx: ApiContext) {
  const s = snap(ctx);
  const topics = [...s.topics.values()]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((t) => {
      let messages = 0;
      let size = 0;
      let sized = s.sizesKnown;
      for (const p of t.partitions) {
        const k = `${t.name}:${p.partition}`;
        messages += Math.max(0, (s.ends.get(k) ?? 0) - (s.starts.get(k) ?? 0));
        const b = s.sizes.get(k);
        if (b === undefined) sized = false;
        else size += b;
      }
      return {
        name: t.name,
        topicId: t.topicId,
        internal: t.internal,
        partitions: t.partitions.length,
        replicationFactor: t.partitions[0]?.replicas.length ?? 0,
        messages,
        sizeBytes: sized || (s.sizesKnown && t.partitions.length > 0) ? size : null,
        underReplicated: t.partitions.filter(underReplicated).length,
        produceRate: rates(ctx.sampler.history.topics.get(t.name)),
      };
    });
  return { topics };
}

export async function getTopic(ctx: ApiContext, name: string) {
  const s = snap(ctx);
  const t = s.topics.get(name);
  if (!t) throw new ApiError(404, 'UNKNOWN_TOPIC_OR_PARTITION', `Topic '${name}' does not exist`);
  const cluster = await ctx.cluster();
  const [cfg] = await describeConfigs(cluster, [{ type: ResourceType.TOPIC, name }]);
  const configs = (cfg?.errorCode === ErrorCode.NONE ? cfg.entries : []).map((e) => ({
    name: e.name,
    // Sensitive values never leave the broker in Kafka either (it answers null); be sure.
    value: e.isSensitive ? null : e.value,
    source: configSourceName(e.source) ?? 'UNKNOWN',
    // Set on the topic itself (kafka-configs --describe lists exactly these) = not a default.
    isDefault: e.source !== ConfigSource.DYNAMIC_TOPIC_CONFIG,
    readOnly: e.readOnly,
    sensitive: e.isSensitive,
  }));
  const groups = [...s.groups.values()]
    .filter((g) => [...g.committed.keys()].some((k) => tp(k).topic === name) || g.description?.members.some((m) => m.assignment.some((a) => a.topic === name)))
    .map((g) => {
      const committed = [...g.committed]
        .filter(([k]) => tp(k).topic === name)
        .map(([k, offset]) => ({ partition: tp(k).partition, offset }))
        .sort((a, b) => a.partition - b.partition);
      const lag = committed.reduce((n, c) => n + Math.max(0, (s.ends.get(`${name}:${c.partition}`) ?? c.offset) - c.offset), 0);
      return { groupId: g.listing.groupId, state: g.description?.state ?? g.listing.state, lag, committed };
    })
    .sort((a, b) => (a.groupId < b.groupId ? -1 : 1));
  return {
    name: t.name,
    topicId: t.topicId,
    internal: t.internal,
    partitions: t.partitions.map((p) => {
      const k = `${name}:${p.partition}`;
      return {
        partition: p.partition,
        leader: p.leader,
        replicas: p.replicas,
        isr: p.isr,
        offlineReplicas: p.offline,
        startOffset: s.starts.get(k) ?? null,
        endOffset: s.ends.get(k) ?? null,
        sizeBytes: s.sizes.get(k) ?? null,
      };
    }),
    configs,
    groups,
  };
}

export async function getGroups(ctx: ApiContext) {
  const s = snapWithGroups(ctx);
  const groups = [...s.groups.values()]
    .sort((a, b) => (a.listing.groupId < b.listing.groupId ? -1 : a.listing.groupId > b.listing.groupId ? 1 : 0))
    .map((g) => {
      const topics = new Set<string>();
      for (const k of g.committed.keys()) topics.add(tp(k).topic);
      for (const m of g.description?.members ?? []) for (const a of m.assignment) topics.add(a.topic);
      const r = ctx.sampler.history.groups.get(g.listing.groupId);
      const h = r?.since();
      return {
        groupId: g.listing.groupId,
        state: g.description?.state ?? g.listing.state,
        protocolType: g.listing.protocolType,
        members: g.description?.members.length ?? 0,
        topics: [...topics].sort(),
        lag: g.lag,
        lagTrend: h ? lagTrend(h.t, h.cols[LAG]!) : 'unknown',
      };
    });
  return { groups };
}

/** Samples in the group layout (lag, committed, end, time lag) as the contract's Series (rates from consecutive samples). */
function series({ t, cols }: { t: number[]; cols: number[][] }) {
  const rate = (col: number[]) =>
    col.map((v, i) => {
      if (i === 0) return null;
      const dt = (t[i]! - t[i - 1]!) / 1000;
      return dt > 0 && Number.isFinite(v) && Number.isFinite(col[i - 1]!) ? Math.max(0, (v - col[i - 1]!) / dt) : null;
    });
  return {
    t,
    lag: cols[LAG]!.map(nullIfNaN),
    consumeRate: rate(cols[COMMITTED]!),
    produceRate: rate(cols[END]!),
    timeLagSeconds: cols[TIME_LAG]!.map(nullIfNaN),
  };
}

export async function getGroupLag(ctx: ApiContext, name: string, seconds: number) {
  const s = snapWithGroups(ctx);
  const r = ctx.sampler.history.groups.get(name);
  if (!r && !s.groups.has(name)) throw new ApiError(404, 'GROUP_ID_NOT_FOUND', `Consumer group '${name}' does not exist.`);
  const since = s.sampledAt - seconds * 1000;
  const empty = { t: [], lag: [], consumeRate: [], produceRate: [], timeLagSeconds: [] };
  const total = r ? series(r.since(since)) : empty;
  const all = r?.since();
  return {
    total,
    partitions: ctx.sampler.history.partitionsOf(name).map((p) => ({ topic: p.topic, partition: p.partition, series: series(partitionSince(p.ring, since)) })),
    trend: all ? lagTrend(all.t, all.cols[LAG]!) : 'unknown',
    catchUpSeconds: all ? catchUpSeconds(all.t, all.cols[LAG]!) : null,
    timeLagSeconds: s.groups.get(name)?.timeLag ?? null,
  };
}
