/**
 * The API's actions (POST, unless --read-only; server.ts checks the CSRF token and Origin first):
 * create, grow and delete topics, alter configs, delete records, produce, reset a group's offsets
 * (planned by mq-consumer-groups --reset-offsets' code, reset-plan.ts) and delete a group.
 */
import { CommandError } from '../../cli/errors.js';
import { incrementalAlterConfigs } from '../../engine/client/admin/configs.js';
import { deleteGroups, describeGroup } from '../../engine/client/admin/groups.js';
import { deleteRecords } from '../../engine/client/admin/offsets.js';
import { createPartitions, createTopic, deleteTopics } from '../../engine/client/admin/topics.js';
import { commitOffsets, fetchCommitted } from '../../engine/client/group-offsets.js';
import { describeTopics as leadersOf } from '../../engine/client/partitions.js';
import { produceRecords } from '../../engine/client/produce-records.js';
import { ResourceType } from '../../engine/protocol/config-resources.js';
import { ErrorCode, errorName } from '../../engine/protocol/error-codes.js';
import { planPartitionReset } from '../consumer-groups/reset-plan.js';
import { ResetError, type Scenario } from '../consumer-groups/reset.js';
import { ApiError } from './api-error.js';
import { check, nullableString, obj, optInt, str, stringMap } from './api-body.js';
import { live, tp, type ApiContext } from './api-context.js';

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
