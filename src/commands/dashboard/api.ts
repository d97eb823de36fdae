/**
 * The JSON API of docs/dashboard-api.md over the sampler's snapshot (cluster, brokers, topics,
 * groups: cheap, the same figures every view shows) and live requests where the answer must be
 * exact now (a group's offsets table, a topic's configs, messages, every action). Every request
 * goes through engine/client; a group's table is mq-consumer-groups --describe's
 * (offset-rows.ts), a reset is planned by --reset-offsets' code (reset-plan.ts).
 */
import { CommandError } from '../../cli/errors.js';
import type { Cluster } from '../../engine/client/cluster.js';
import { ConfigSource, configSourceName, describeConfigs, incrementalAlterConfigs } from '../../engine/client/admin/configs.js';
import { deleteGroups, describeGroup } from '../../engine/client/admin/groups.js';
import { deleteRecords } from '../../engine/client/admin/offsets.js';
import { createPartitions, createTopic, deleteTopics } from '../../engine/client/admin/topics.js';
import { commitOffsets, fetchCommitted } from '../../engine/client/group-offsets.js';
import { describeTopics as leadersOf } from '../../engine/client/partitions.js';
import { produceRecords } from '../../engine/client/produce-records.js';
import { KafkaResponseError, ProtocolClientError } from '../../engine/client/errors.js';
import { ResourceType } from '../../engine/protocol/config-resources.js';
import { ErrorCode, errorName } from '../../engine/protocol/error-codes.js';
import { MQ_VERSION } from '../../version.js';
import { groupOffsetRows } from '../consumer-groups/offset-rows.js';
import { planPartitionReset } from '../consumer-groups/reset-plan.js';
import { ResetError, type Scenario } from '../consumer-groups/reset.js';
import { lag as rowLag } from '../consumer-groups/views.js';
import { ApiError } from './api-error.js';
import { COMMITTED, END, LAG, TIME_LAG } from './history.js';
import { parseFilterIn } from './filter.js';
import { readMessages } from './messages.js';
import type { Ring } from './ring.js';
import type { Sampler, Snapshot } from './sampler.js';
import { catchUpSeconds, lagTrend } from './trend.js';

export interface ApiContext {
  sampler: Sampler;
  cluster(): Promise<Cluster>;
  readOnly: boolean;
  csrfToken: string;
  refreshMs: number;
  target: { kind: 'local' | 'remote'; bootstrap: string };
}

const tp = (k: string) => ({ topic: k.slice(0, k.lastIndexOf(':')), partition: Number(k.slice(k.lastIndexOf(':') + 1)) });
const nullIfNaN = (x: number) => (Number.isFinite(x) ? x : null);

/** The latest snapshot; 503 while the cluster cannot be reached. */
async function snap(ctx: ApiContext): Promise<Snapshot> {
  await ctx.sampler.ready();
  if (!ctx.sampler.connected || !ctx.sampler.snapshot) throw new ApiError(503, 'BROKER_UNAVAILABLE', `The cluster cannot be reached: ${ctx.sampler.lastError ?? 'not connected'}`);
  return ctx.sampler.snapshot;
}

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
  const s = await snap(ctx);
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
  return { brokers: brokers(await snap(ctx)) };
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
  const s = await snap(ctx);
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
  const s = await snap(ctx);
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
  const s = await snap(ctx);
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

export async function getGroup(ctx: ApiContext, name: string) {
  const cluster = await live(ctx);
  const d = await describeGroup(cluster, name);
  if (d.errorCode !== ErrorCode.NONE && d.errorCode !== ErrorCode.GROUP_ID_NOT_FOUND) throw new ApiError(502, errorName(d.errorCode), `DescribeGroups ${name}: ${errorName(d.errorCode)}`);
  if (d.errorCode !== ErrorCode.NONE || d.state === 'Dead') throw new ApiError(404, 'GROUP_ID_NOT_FOUND', `Consumer group '${name}' does not exist.`);
  const rows = await groupOffsetRows(cluster, d);
  return {
    groupId: d.groupId,
    state: d.state,
    protocolType: d.protocolType,
    protocol: d.protocol,
    coordinator: d.coordinator,
    members: d.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      host: m.clientHost,
      assignment: m.assignment,
    })),
    offsets: rows.map((r) => ({
      topic: r.topic,
      partition: r.partition,
      currentOffset: r.currentOffset,
      logEndOffset: r.logEndOffset,
      lag: rowLag(r),
      consumerId: r.consumerId,
      host: r.host,
      clientId: r.clientId,
    })),
  };
}

/** A ring's samples since `since` as the contract's Series (rates from consecutive samples). */
function series(r: Ring, since: number) {
  const { t, cols } = r.since(since);
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
  const s = await snap(ctx);
  const r = ctx.sampler.history.groups.get(name);
  if (!r && !s.groups.has(name)) throw new ApiError(404, 'GROUP_ID_NOT_FOUND', `Consumer group '${name}' does not exist.`);
  const since = s.sampledAt - seconds * 1000;
  const empty = { t: [], lag: [], consumeRate: [], produceRate: [], timeLagSeconds: [] };
  const total = r ? series(r, since) : empty;
  const all = r?.since();
  return {
    total,
    partitions: ctx.sampler.history.partitionsOf(name).map((p) => ({ topic: p.topic, partition: p.partition, series: series(p.ring, since) })),
    trend: all ? lagTrend(all.t, all.cols[LAG]!) : 'unknown',
    catchUpSeconds: all ? catchUpSeconds(all.t, all.cols[LAG]!) : null,
    timeLagSeconds: s.groups.get(name)?.timeLag ?? null,
  };
}

export async function getMessages(ctx: ApiContext, name: string, q: URLSearchParams) {
  const cluster = await live(ctx);
  const int = (key: string, min: number, max: number, dflt?: number): number | undefined => {
    const v = q.get(key);
    if (v === null || v === '') return dflt;
    if (!/^-?\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new ApiError(400, 'BAD_REQUEST', `${key} must be an integer from ${min} to ${max}`);
    return Number(v);
  };
  const from = q.get('from') ?? 'beginning';
  if (from !== 'beginning' && from !== 'end' && from !== 'offset' && from !== 'timestamp') throw new ApiError(400, 'BAD_REQUEST', 'from must be beginning, end, offset or timestamp');
  const partitionsArg = q.get('partitions');
  const partitions = partitionsArg === null || partitionsArg === '' ? null : partitionsArg.split(',').map((p) => {
    if (!/^\d+$/.test(p.trim())) throw new ApiError(400, 'BAD_REQUEST', `partitions must be a comma-separated list of partition numbers, not ${JSON.stringify(partitionsArg)}`);
    return Number(p.trim());
  });
  if (from === 'offset' && q.get('offset') === null) throw new ApiError(400, 'BAD_REQUEST', 'from=offset needs offset=N');
  if (from === 'timestamp' && q.get('timestamp') === null) throw new ApiError(400, 'BAD_REQUEST', 'from=timestamp needs timestamp=MS');
  const filter = q.get('filter');
  return readMessages(cluster, name, {
    partitions,
    from,
    offset: int('offset', 0, Number.MAX_SAFE_INTEGER),
    timestamp: int('timestamp', 0, Number.MAX_SAFE_INTEGER),
    limit: int('limit', 1, 500, 50)!,
    cursor: q.get('cursor') ?? undefined,
    filter: filter !== null && filter !== '' ? { text: filter, in: parseFilterIn(q.get('filterIn')), regex: q.get('regex') === '1' || q.get('regex') === 'true' } : undefined,
    scanLimit: int('scanLimit', 1, 1_000_000, 10_000)!,
  });
}

export function getSession(ctx: ApiContext) {
  return { version: MQ_VERSION, readOnly: ctx.readOnly, csrfToken: ctx.csrfToken, refreshMs: ctx.refreshMs, target: ctx.target };
}

/** The cluster for a live request; 503 while the sampler finds it unreachable. */
async function live(ctx: ApiContext): Promise<Cluster> {
  await ctx.sampler.ready();
  if (!ctx.sampler.connected) throw new ApiError(503, 'BROKER_UNAVAILABLE', `The cluster cannot be reached: ${ctx.sampler.lastError ?? 'not connected'}`);
  return ctx.cluster();
}

// ---- body checks ----------------------------------------------------------------------------

type Body = Record<string, unknown>;

function obj(v: unknown, what = 'the body'): Body {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ApiError(400, 'BAD_REQUEST', `${what} must be a JSON object`);
  return v as Body;
}

function str(b: Body, key: string): string {
  const v = b[key];
  if (typeof v !== 'string' || v === '') throw new ApiError(400, 'BAD_REQUEST', `${key} must be a non-empty string`);
  return v;
}

function optInt(b: Body, key: string, min: number): number | undefined {
  const v = b[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw new ApiError(400, 'BAD_REQUEST', `${key} must be an integer >= ${min}`);
  return v;
}

function stringMap(v: unknown, what: string): Map<string, string> {
  if (v === undefined || v === null) return new Map();
  const o = obj(v, what);
  const m = new Map<string, string>();
  for (const [k, x] of Object.entries(o)) {
    if (typeof x !== 'string' && typeof x !== 'number' && typeof x !== 'boolean') throw new ApiError(400, 'BAD_REQUEST', `${what}.${k} must be a string`);
    m.set(k, String(x));
  }
  return m;
}

function check(r: { errorCode: number; errorMessage?: string | null }, what: string): void {
  if (r.errorCode === ErrorCode.NONE) return;
  const status = r.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION || r.errorCode === ErrorCode.GROUP_ID_NOT_FOUND ? 404 : 400;
  throw new ApiError(status, errorName(r.errorCode), `${what}: ${r.errorMessage || errorName(r.errorCode)}`);
}

// ---- actions --------------------------------------------------------------------------------

export async function createTopicAction(ctx: ApiContext, body: unknown) {
  const b = obj(body);
  const name = str(b, 'name');
  const cluster = await live(ctx);
  const r = await createTopic(await cluster.controller(), {
    name,
    partitions: optInt(b, 'partitions', 1),
    replicationFactor: optInt(b, 'replicationFactor', 1),
    configs: stringMap(b.configs, 'configs'),
  });
  check(r, `Creating topic '${name}'`);
  return { name };
}

export async function addPartitionsAction(ctx: ApiContext, name: string, body: unknown) {
  const count = optInt(obj(body), 'count', 1);
  if (count === undefined) throw new ApiError(400, 'BAD_REQUEST', 'count (the new number of partitions) is required');
  const cluster = await live(ctx);
  const [r] = await createPartitions(await cluster.controller(), [{ name, count, assignments: null }]);
  if (r) check(r, `Adding partitions to '${name}'`);
  return { name, partitions: count };
}

export async function alterConfigsAction(ctx: ApiContext, name: string, body: unknown) {
  const b = obj(body);
  const set = stringMap(b.set, 'set');
  const del = b.delete ?? [];
  if (!Array.isArray(del) || del.some((k) => typeof k !== 'string')) throw new ApiError(400, 'BAD_REQUEST', 'delete must be a list of config names');
  const cluster = await live(ctx);
  const [r] = await incrementalAlterConfigs(cluster.any(), { type: ResourceType.TOPIC, name, set, delete: del as string[] });
  if (r) check(r, `Altering configs of '${name}'`);
  return { name };
}

export async function deleteTopicAction(ctx: ApiContext, name: string, body: unknown) {
  if (obj(body).confirm !== name) throw new ApiError(400, 'BAD_REQUEST', 'confirm must repeat the topic name');
  const cluster = await live(ctx);
  const [r] = await deleteTopics(await cluster.controller(), [name]);
  if (r) check(r, `Deleting topic '${name}'`);
  return { name };
}

export async function deleteRecordsAction(ctx: ApiContext, name: string, body: unknown) {
  const list = obj(body).partitions;
  if (!Array.isArray(list) || list.length === 0) throw new ApiError(400, 'BAD_REQUEST', 'partitions must be a non-empty list of { partition, offset }');
  const wanted = list.map((x) => {
    const e = obj(x, 'each partition');
    return { topic: name, partition: optInt(e, 'partition', 0) ?? -1, offset: optInt(e, 'offset', -1) ?? -2 };
  });
  if (wanted.some((w) => w.partition < 0 || w.offset < -1)) throw new ApiError(400, 'BAD_REQUEST', 'each partition needs partition and offset (-1: the high watermark)');
  const cluster = await live(ctx);
  const res = await deleteRecords(cluster, wanted);
  for (const r of res) check(r, `Deleting records of ${name}-${r.partition}`);
  return { partitions: res.map((r) => ({ partition: r.partition, lowWatermark: r.lowWatermark })).sort((a, b) => a.partition - b.partition) };
}

function nullableString(v: unknown, what: string): Buffer | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string') throw new ApiError(400, 'BAD_REQUEST', `${what} must be a string or null`);
  return Buffer.from(v, 'utf8');
}

export async function produceAction(ctx: ApiContext, name: string, body: unknown) {
  const b = obj(body);
  const headersIn = b.headers ?? [];
  if (!Array.isArray(headersIn)) throw new ApiError(400, 'BAD_REQUEST', 'headers must be a list of { key, value }');
  const headers = headersIn.map((h) => {
    const e = obj(h, 'each header');
    if (typeof e.key !== 'string') throw new ApiError(400, 'BAD_REQUEST', 'a header key must be a string');
    return { key: e.key, value: nullableString(e.value, 'a header value') };
  });
  const partition = optInt(b, 'partition', 0) ?? null;
  const cluster = await live(ctx);
  return produceRecords(cluster, name, partition, [{ key: nullableString(b.key, 'key'), value: nullableString(b.value, 'value'), headers, timestamp: Date.now() }]);
}

function scenarioOf(to: unknown): Scenario {
  const o = obj(to, 'to');
  const v = o.value;
  const num = () => {
    const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new ApiError(400, 'BAD_REQUEST', `to.value must be an integer for ${String(o.kind)}`);
    return n;
  };
  switch (o.kind) {
    case 'earliest':
      return { kind: 'to-earliest' };
    case 'latest':
      return { kind: 'to-latest' };
    case 'offset':
      return { kind: 'to-offset', offset: num() };
    case 'shift':
      return { kind: 'shift-by', shift: num() };
    case 'datetime': {
      const t = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : NaN;
      if (!Number.isFinite(t)) throw new ApiError(400, 'BAD_REQUEST', 'to.value must be a date-time (ISO-8601) or epoch milliseconds');
      return { kind: 'to-datetime', timestamp: t };
    }
    case 'duration': {
      const ms = num();
      return { kind: 'by-duration', timestamp: Date.now() - Math.abs(ms) };
    }
    default:
      throw new ApiError(400, 'BAD_REQUEST', 'to.kind must be earliest, latest, offset, datetime, shift or duration');
  }
}

export async function resetOffsetsAction(ctx: ApiContext, group: string, body: unknown) {
  const b = obj(body);
  const scenario = scenarioOf(b.to);
  const execute = b.execute === true;
  const cluster = await live(ctx);
  const d = await describeGroup(cluster, group);
  if (d.errorCode !== ErrorCode.NONE || d.state === 'Dead') throw new ApiError(404, 'GROUP_ID_NOT_FOUND', `Consumer group '${group}' does not exist.`);
  if (d.state !== 'Empty') throw new ApiError(409, 'NON_EMPTY_GROUP', `Assignments can only be reset if the group '${group}' is inactive, but the current state is ${d.state}.`);
  const committed = await fetchCommitted(cluster, group);
  let wanted: Array<{ topic: string; partition: number }>;
  if (b.topics === 'all') wanted = [...committed.keys()].map(tp);
  else {
    if (!Array.isArray(b.topics) || b.topics.length === 0) throw new ApiError(400, 'BAD_REQUEST', 'topics must be "all" or a list of { topic, partitions? }');
    const specs = b.topics.map((x) => {
      const e = obj(x, 'each topic');
      const parts = e.partitions;
      if (parts !== undefined && parts !== null && (!Array.isArray(parts) || parts.some((p) => typeof p !== 'number' || !Number.isInteger(p) || p < 0))) {
        throw new ApiError(400, 'BAD_REQUEST', 'partitions must be a list of partition numbers');
      }
      return { topic: str(e, 'topic'), partitions: (parts as number[] | undefined | null) ?? null };
    });
    const meta = await leadersOf(cluster, specs.map((s) => s.topic));
    wanted = [];
    for (const s of specs) {
      const info = meta.get(s.topic);
      if (!info || info.errorCode !== ErrorCode.NONE) throw new ApiError(404, 'UNKNOWN_TOPIC_OR_PARTITION', `Topic '${s.topic}' does not exist.`);
      for (const p of s.partitions ?? info.partitions.map((x) => x.id)) wanted.push({ topic: s.topic, partition: p });
    }
  }
  let plan;
  try {
    plan = wanted.length > 0 ? await planPartitionReset(cluster, scenario, wanted, committed) : { offsets: [], warnings: [], notices: [] };
  } catch (err) {
    if (err instanceof ResetError || err instanceof CommandError) throw new ApiError(400, 'BAD_REQUEST', err.message.replace(/^Error: /, ''));
    throw err;
  }
  if (execute && plan.offsets.length > 0) {
    const errors = await commitOffsets(cluster, group, plan.offsets);
    const bad = [...errors].find(([, c]) => c !== ErrorCode.NONE);
    if (bad) throw new ApiError(409, errorName(bad[1]), `Committing the new offsets failed: ${errorName(bad[1])} (${bad[0]})`);
  }
  const rows = [...plan.offsets]
    .sort((a, b2) => (a.topic < b2.topic ? -1 : a.topic > b2.topic ? 1 : a.partition - b2.partition))
    .map((o) => ({ group, topic: o.topic, partition: o.partition, newOffset: o.offset }));
  return { rows, executed: execute };
}

export async function deleteGroupAction(ctx: ApiContext, group: string) {
  const cluster = await live(ctx);
  const codes = await deleteGroups(cluster, [group]);
  const code = codes.get(group) ?? ErrorCode.NONE;
  if (code !== ErrorCode.NONE) {
    const status = code === ErrorCode.GROUP_ID_NOT_FOUND ? 404 : code === ErrorCode.NON_EMPTY_GROUP ? 409 : 400;
    throw new ApiError(status, errorName(code), `Deleting group '${group}': ${errorName(code)}`);
  }
  ctx.sampler.history.forgetGroup(group);
  return { groupId: group };
}

/** A client failure as an answer: Kafka's error name when there is one, else 503 when the connection went. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof KafkaResponseError) return new ApiError(err.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION ? 404 : 400, err.errorName, err.message);
  const msg = (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
  if (err instanceof ProtocolClientError) return new ApiError(503, 'BROKER_UNAVAILABLE', msg);
  return new ApiError(500, 'UNKNOWN_SERVER_ERROR', msg);
}
