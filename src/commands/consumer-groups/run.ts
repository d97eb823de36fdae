/**
 * mq-consumer-groups: --list, --describe (offsets, members, state), --reset-offsets, --delete,
 * --delete-offsets, over our protocol client (ListGroups with filters, DescribeGroups,
 * OffsetFetch/Commit, ListOffsets, DeleteGroups, OffsetDelete).
 *
 * Text output is Kafka's (views.ts). Unlike Kafka, which exits 0 after most runtime failures,
 * every failure here (missing group, active group on reset, failed deletion, ...) ends with a
 * non-zero exit code after the same text.
 */
import { readFileSync } from 'node:fs';
import type { Io } from '../../cli/io.js';
import { CommandError, UsageError } from '../../cli/errors.js';
import { createOutput, type Output } from '../../cli/output.js';
import { openSession } from '../../engine/client/connect.js';
import type { Cluster } from '../../engine/client/cluster.js';
import { errorName } from '../../engine/protocol/error-codes.js';
import * as api from './kafka-api.js';
import { describeTopics, listOffsets, EARLIEST, LATEST } from '../../engine/client/partitions.js';
import { commitOffsets, fetchCommitted } from '../../engine/client/group-offsets.js';
import * as views from './views.js';
import { parseDateTime, parseDuration, parseResetCsv, parseTopicArg, planReset, ResetError, type PartitionState, type Scenario } from './reset.js';

export interface GroupsOptions {
  bootstrapServer?: string;
  commandConfig?: string;
  dataDir?: string;
  output?: string;
  color?: boolean;
  list?: boolean;
  describe?: boolean;
  delete?: boolean;
  resetOffsets?: boolean;
  deleteOffsets?: boolean;
  group?: string[];
  allGroups?: boolean;
  topic?: string[];
  allTopics?: boolean;
  timeout?: string;
  members?: boolean;
  offsets?: boolean;
  state?: string | boolean;
  type?: string | boolean;
  verbose?: boolean;
  dryRun?: boolean;
  execute?: boolean;
  export?: boolean;
  toEarliest?: boolean;
  toLatest?: boolean;
  toCurrent?: boolean;
  toOffset?: string;
  shiftBy?: string;
  toDatetime?: string;
  byDuration?: string;
  fromFile?: string;
}

const ACTIONS = ['list', 'describe', 'delete', 'resetOffsets', 'deleteOffsets'] as const;
const STATES = ['PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead', 'Empty', 'Assigning', 'Reconciling'];
const TYPES = ['Consumer', 'Classic', 'Share'];
const SCENARIOS = ['toOffset', 'toDatetime', 'byDuration', 'toEarliest', 'toLatest', 'shiftBy', 'fromFile', 'toCurrent'] as const;
const jopt = (k: string) => `[${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}]`;

const set = (v: unknown) => v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0);

function parseList(value: string | boolean | undefined, valid: string[], what: string): string[] {
  if (typeof value !== 'string') return [];
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  const out = items.map((s) => valid.find((v) => v.toLowerCase() === s.toLowerCase()));
  if (items.length === 0 || out.some((x) => x === undefined)) {
    throw new UsageError(what === 'state' ? `Invalid state list '${value}'. Valid states are: ${STATES.join(', ')}` : `Invalid types list '${value}'. Valid types are: ${TYPES.join(', ')}`);
  }
  return out as string[];
}

/** ConsumerGroupCommandOptions.checkArgs, with Kafka's messages (reference §5.1). */
export function checkArgs(o: GroupsOptions): (typeof ACTIONS)[number] {
  const given = ACTIONS.filter((a) => set(o[a]));
  if (given.length !== 1) throw new UsageError('Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets');
  const action = given[0]!;
  if (set(o.group) && o.allGroups) throw new UsageError(`Option "[all-groups]" can't be used with option "[group]"`);
  const groupOrAll = set(o.group) || o.allGroups;
  if (set(o.topic) && o.allTopics) throw new UsageError(`Option "[all-topics]" can't be used with option "[topic]"`);
  if (action === 'list') {
    for (const k of ['group', 'allGroups', 'topic', 'allTopics', 'members', 'offsets'] as const) if (set(o[k])) throw new UsageError(`Option "${jopt(k)}" can't be used with option "[list]"`);
  }
  if (action === 'describe') {
    if (!groupOrAll) throw new UsageError('Option [describe] takes one of these options: [all-groups], [group]');
    const views = (['members', 'offsets', 'state'] as const).filter((k) => set(o[k]));
    if (views.length > 1) throw new UsageError('Option [describe] takes at most one of these options: [members], [offsets], [state]');
    if (typeof o.state === 'string') throw new UsageError('Option [describe] does not take a value for [state]');
    if (set(o.topic) || o.allTopics) throw new UsageError(`Option "[${set(o.topic) ? 'topic' : 'all-topics'}]" can't be used with option "[describe]"`);
    if (set(o.type)) throw new UsageError(`Option "[type]" can't be used with option "[describe]"`);
  }
  if (action === 'delete') {
    if (!groupOrAll) throw new UsageError('Option [delete] takes one of these options: [all-groups], [group]');
    if (set(o.topic)) throw new UsageError('The consumer does not support topic-specific offset deletion from a consumer group.');
  }
  if (action === 'deleteOffsets') {
    if (o.group?.length !== 1 || !set(o.topic) || o.allGroups) throw new UsageError('Option [delete-offsets] takes the following options: [topic], [group]');
  }
  if (action === 'resetOffsets') {
    if (o.dryRun && o.execute) throw new UsageError('Option [reset-offsets] only accepts one of [execute] and [dry-run]');
    if (!groupOrAll) throw new UsageError('Option [reset-offsets] takes one of these options: [all-groups], [group]');
    const scenarios = SCENARIOS.filter((k) => set(o[k]));
    const list = `[${SCENARIOS.map(jopt).join(', ')}]`;
    if (scenarios.length === 0) throw new UsageError(`Option '[reset-offsets]' requires one of the following scenarios: ${list}`);
    if (scenarios.length > 1) throw new UsageError(`Option '[reset-offsets]' takes only one of the following scenarios: ${list}`);
    if (!o.fromFile && !set(o.topic) && !o.allTopics) throw new UsageError('One of the reset scopes should be defined: --all-topics, --topic.');
  } else {
    for (const k of [...SCENARIOS, 'dryRun', 'execute', 'export'] as const) {
      if (set(o[k])) throw new UsageError(`Option "${jopt(k)}" can't be used with option "[${action.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}]"`);
    }
  }
  if (action !== 'list' && set(o.type)) throw new UsageError(`Option "[type]" can't be used with option "[${action.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}]"`);
  if (action !== 'list' && action !== 'describe' && set(o.state)) throw new UsageError(`Option "[state]" can't be used with option "[${action.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}]"`);
  return action;
}

function scenarioFrom(o: GroupsOptions, now: number): Scenario | { kind: 'from-file-pending'; path: string } {
  const int = (v: string, flag: string) => {
    if (!/^[+-]?\d+$/.test(v.trim())) throw new UsageError(`Invalid value '${v}' for option --${flag}: not an integer`);
    return Number(v);
  };
  if (o.toEarliest) return { kind: 'to-earliest' };
  if (o.toLatest) return { kind: 'to-latest' };
  if (o.toCurrent) return { kind: 'to-current' };
  if (o.toOffset !== undefined) return { kind: 'to-offset', offset: int(o.toOffset, 'to-offset') };
  if (o.shiftBy !== undefined) return { kind: 'shift-by', shift: int(o.shiftBy, 'shift-by') };
  try {
    if (o.toDatetime !== undefined) return { kind: 'to-datetime', timestamp: parseDateTime(o.toDatetime) };
    if (o.byDuration !== undefined) return { kind: 'by-duration', timestamp: now - parseDuration(o.byDuration) };
  } catch (err) {
    if (err instanceof ResetError) throw new UsageError(err.message);
    throw err;
  }
  return { kind: 'from-file-pending', path: o.fromFile! };
}

interface Ctx {
  cluster: Cluster;
  io: Io;
  json: boolean;
  failed: boolean;
  out: Output;
  /** Table headers bold when stdout is a colour terminal. */
  header?: views.HeaderStyle;
}

export async function run(o: GroupsOptions, io: Io): Promise<void> {
  const action = checkArgs(o);
  const states = action === 'list' ? parseList(o.state, STATES, 'state') : [];
  const types = action === 'list' ? parseList(o.type, TYPES, 'type') : [];
  let timeoutMs = 5000;
  if (o.timeout !== undefined) {
    if (!/^\d+$/.test(o.timeout.trim())) throw new UsageError(`Invalid value '${o.timeout}' for option --timeout: not a non-negative integer`);
    timeoutMs = Number(o.timeout);
  }
  let scenario: Scenario | undefined;
  let fileText: string | undefined;
  if (action === 'resetOffsets') {
    const s = scenarioFrom(o, Date.now());
    if (s.kind === 'from-file-pending') {
      try {
        fileText = readFileSync(s.path, 'utf8');
      } catch (err) {
        throw new CommandError(`Could not read the reset file ${s.path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (err as Error).message}`);
      }
    } else scenario = s;
    if (o.group?.some((g) => g.trim() === '')) throw new UsageError('The group id must not be empty');
  }
  if (action === 'resetOffsets' && !o.dryRun && !o.execute) {
    io.stderr.write(
      'WARN: No action will be performed as the --execute option is missing.In a future major release, the default behavior of this command will be to prompt the user before executing the reset rather than doing a dry run. You should add the --dry-run option explicitly if you are scripting this command and want to keep the current default behavior without prompting.\n',
    );
  }
  const session = await openSession(
    { bootstrapServer: o.bootstrapServer, dataDir: o.dataDir, configFiles: o.commandConfig ? [o.commandConfig] : [], clientId: 'mq-consumer-groups', requestTimeoutMs: Math.max(timeoutMs, 1000) },
    io,
  );
  const out = createOutput(io, { format: o.output, color: o.color });
  const header = out.colors.out.level > 0 ? (t: string) => out.colors.out.bold(t) : undefined;
  const ctx: Ctx = { cluster: undefined as unknown as Cluster, io, json: o.output === 'json', failed: false, out, header };
  try {
    ctx.cluster = await session.cluster();
    switch (action) {
      case 'list':
        await list(ctx, o, states, types);
        break;
      case 'describe':
        await describe(ctx, o);
        break;
      case 'resetOffsets':
        await reset(ctx, o, scenario, fileText);
        break;
      case 'delete':
        await deleteGroups(ctx, o);
        break;
      case 'deleteOffsets':
        await deleteOffsets(ctx, o);
        break;
    }
  } catch (err) {
    if (err instanceof ResetError) throw new CommandError(`\nError: ${err.message}`.trimStart());
    throw session.error(err);
  } finally {
    await session.close();
  }
  if (ctx.failed) throw new CommandError('', 1);
}

async function list(ctx: Ctx, o: GroupsOptions, states: string[], types: string[]): Promise<void> {
  // Like Admin.listConsumerGroups: consumer groups only (protocol type "consumer", or "" for a
  // group that only ever committed offsets), not Connect or other group users.
  let groups = (await api.listGroups(ctx.cluster, states, types)).filter((g) => g.protocolType === 'consumer' || g.protocolType === '');
  // Brokers without the filters (ListGroups < v4/v5) answer with everything: filter here.
  if (states.length) groups = groups.filter((g) => states.includes(g.state));
  if (types.length) groups = groups.filter((g) => types.some((t) => t.toLowerCase() === g.type.toLowerCase()));
  if (ctx.json) {
    ctx.io.stdout.write(JSON.stringify({ groups: groups.map((g) => ({ group: g.groupId, state: g.state, type: g.type, protocolType: g.protocolType })) }) + '\n');
    return;
  }
  ctx.io.stdout.write(views.renderList(groups, { state: o.state !== undefined && o.state !== false, type: o.type !== undefined && o.type !== false }, ctx.header));
}

async function targetGroups(ctx: Ctx, o: GroupsOptions): Promise<string[]> {
  if (o.allGroups) return (await api.listGroups(ctx.cluster)).filter((g) => g.protocolType === 'consumer' || g.protocolType === '').map((g) => g.groupId);
  return [...new Set(o.group ?? [])];
}

const exists = (d: api.GroupDescription) => d.errorCode === 0 && d.state !== 'Dead';

async function offsetRows(ctx: Ctx, d: api.GroupDescription): Promise<views.OffsetRow[]> {
  const committed = await fetchCommitted(ctx.cluster, d.groupId);
  const assigned = new Map<string, api.MemberDescription>();
  const members = [...d.members].sort((a, b) => count(b) - count(a));
  for (const m of members) for (const t of m.assignment) for (const p of t.partitions) assigned.set(`${t.topic}:${p}`, m);
  const keys = new Set([...assigned.keys(), ...committed.keys()]);
  const topics = [...new Set([...keys].map((k) => k.slice(0, k.lastIndexOf(':'))))];
  const meta = topics.length ? await describeTopics(ctx.cluster, topics) : new Map();
  const ends = keys.size
    ? await listOffsets(ctx.cluster, meta, [...keys].map((k) => ({ topic: k.slice(0, k.lastIndexOf(':')), partition: Number(k.slice(k.lastIndexOf(':') + 1)) })), LATEST)
    : new Map();
  const row = (topic: string, partition: number, m: api.MemberDescription | undefined): views.OffsetRow => {
    const end = ends.get(`${topic}:${partition}`);
    return {
      group: d.groupId,
      topic,
      partition,
      currentOffset: committed.get(`${topic}:${partition}`) ?? null,
      logEndOffset: end && end.errorCode === 0 ? end.offset : null,
      consumerId: m?.memberId ?? null,
      host: m?.clientHost ?? null,
      clientId: m?.clientId ?? null,
    };
  };
  const rows: views.OffsetRow[] = [];
  const byTp = (a: { topic: string; partition: number }, b: { topic: string; partition: number }) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition);
  for (const m of members) {
    const mine = m.assignment.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, partition: p }))).sort(byTp);
    for (const tp of mine) rows.push(row(tp.topic, tp.partition, m));
  }
  const unassigned = [...committed.keys()]
    .filter((k) => !assigned.has(k))
    .map((k) => ({ topic: k.slice(0, k.lastIndexOf(':')), partition: Number(k.slice(k.lastIndexOf(':') + 1)) }))
    .sort(byTp);
  for (const tp of unassigned) rows.push(row(tp.topic, tp.partition, undefined));
  return rows;
}

const count = (m: api.MemberDescription) => m.assignment.reduce((n, t) => n + t.partitions.length, 0);

async function describe(ctx: Ctx, o: GroupsOptions): Promise<void> {
  const groups = (await targetGroups(ctx, o)).sort();
  const view = o.members ? 'members' : o.state ? 'state' : 'offsets';
  const docs: unknown[] = [];
  for (const g of groups) {
    // A group in the middle of a rebalance can take a moment to answer: show a spinner on a terminal.
    const d = await ctx.out.spin(`Describing group ${g}`, api.describeGroup(ctx.cluster, g));
    if (d.errorCode !== 0 && d.errorCode !== 69) throw new CommandError(`Error: Executing consumer group command failed due to ${errorName(d.errorCode)} (group '${g}')`);
    if (!exists(d)) {
      ctx.failed = true;
      if (ctx.json) docs.push({ group: g, exists: false, state: 'Dead' });
      else ctx.io.stdout.write(`\nError: Consumer group '${g}' does not exist.\n`);
      continue;
    }
    if (ctx.json) {
      docs.push({
        group: g,
        exists: true,
        state: d.state,
        protocolType: d.protocolType,
        assignmentStrategy: d.protocol,
        coordinator: { id: d.coordinator.nodeId, host: d.coordinator.host, port: d.coordinator.port },
        members: d.members.map((m) => ({ consumerId: m.memberId, groupInstanceId: m.groupInstanceId, host: m.clientHost, clientId: m.clientId, assignment: m.assignment })),
        offsets: (await offsetRows(ctx, d)).map((r) => ({
          topic: r.topic,
          partition: r.partition,
          currentOffset: r.currentOffset,
          logEndOffset: r.logEndOffset,
          lag: views.lag(r),
          consumerId: r.consumerId,
          host: r.host,
          clientId: r.clientId,
        })),
      });
      continue;
    }
    {
      if (d.state === 'Empty') ctx.io.stderr.write(`\nConsumer group '${g}' has no active members.\n`);
      else if (d.state !== 'Stable') ctx.io.stderr.write(`\nWarning: Consumer group '${g}' is rebalancing.\n`);
    }
    if (view === 'offsets') ctx.io.stdout.write(views.renderOffsets(g, await offsetRows(ctx, d), ctx.header));
    else if (view === 'members') {
      ctx.io.stdout.write(
        views.renderMembers(
          g,
          d.members.map((m) => ({ group: g, consumerId: m.memberId, groupInstanceId: m.groupInstanceId, host: m.clientHost, clientId: m.clientId, assignment: m.assignment })),
          Boolean(o.verbose),
          ctx.header,
        ),
      );
    } else {
      ctx.io.stdout.write(
        views.renderState({ group: g, coordinator: { host: d.coordinator.host, port: d.coordinator.port, id: d.coordinator.nodeId }, assignmentStrategy: d.protocol, state: d.state, members: d.members.length }, ctx.header),
      );
    }
  }
  if (ctx.json) ctx.io.stdout.write(JSON.stringify({ groups: docs }) + '\n');
}

async function reset(ctx: Ctx, o: GroupsOptions, scenario: Scenario | undefined, fileText: string | undefined): Promise<void> {
  const groups = await targetGroups(ctx, o);
  const single = !o.allGroups && groups.length === 1 ? groups[0]! : null;
  let fromFile: Map<string, Map<string, number>> | undefined;
  if (fileText !== undefined) {
    try {
      fromFile = parseResetCsv(fileText, single);
    } catch (err) {
      if (err instanceof ResetError) throw new UsageError(err.message);
      throw err;
    }
  }
  const topicArgs = (o.topic ?? []).map((t) => {
    try {
      return parseTopicArg(t);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  });
  const rows: views.ResetRow[] = [];
  let anyGroup = false;
  for (const g of groups) {
    // A group in the middle of a rebalance can take a moment to answer: show a spinner on a terminal.
    const d = await ctx.out.spin(`Describing group ${g}`, api.describeGroup(ctx.cluster, g));
    if (exists(d) && d.state !== 'Empty') {
      ctx.failed = true;
      ctx.io.stdout.write(`\nError: Assignments can only be reset if the group '${g}' is inactive, but the current state is ${d.state}.\n`);
      anyGroup = true;
      continue;
    }
    const committed = await fetchCommitted(ctx.cluster, g);
    // Scope: which partitions.
    let wanted: Array<{ topic: string; partition: number }> = [];
    let groupScenario = scenario;
    if (fromFile) {
      const plan = fromFile.get(g);
      if (!plan) {
        ctx.failed = true;
        ctx.io.stdout.write(`\nError: No reset plan for group ${g} found\n`);
        continue;
      }
      wanted = [...plan.keys()].map((k) => ({ topic: k.slice(0, k.lastIndexOf(':')), partition: Number(k.slice(k.lastIndexOf(':') + 1)) }));
      groupScenario = { kind: 'from-file', offsets: plan };
    } else if (o.allTopics) {
      wanted = [...committed.keys()].map((k) => ({ topic: k.slice(0, k.lastIndexOf(':')), partition: Number(k.slice(k.lastIndexOf(':') + 1)) }));
    } else {
      const meta = await describeTopics(ctx.cluster, topicArgs.map((t) => t.topic));
      for (const t of topicArgs) {
        const info = meta.get(t.topic);
        if (!info || info.errorCode !== 0) throw new CommandError(`Error: Executing consumer group command failed due to UnknownTopicOrPartitionException: Topic '${t.topic}' does not exist.`);
        for (const p of t.partitions ?? info.partitions.map((x) => x.id)) {
          if (!info.partitions.some((x) => x.id === p)) throw new CommandError(`Error: Executing consumer group command failed due to UnknownTopicOrPartitionException: Partition ${t.topic}-${p} does not exist.`);
          wanted.push({ topic: t.topic, partition: p });
        }
      }
    }
    anyGroup = true;
    if (wanted.length === 0) continue;
    const meta = await describeTopics(ctx.cluster, [...new Set(wanted.map((w) => w.topic))]);
    for (const w of wanted) {
      if (!meta.get(w.topic)?.partitions.some((p) => p.id === w.partition)) {
        throw new CommandError(`Error: Executing consumer group command failed due to UnknownTopicOrPartitionException: Partition ${w.topic}-${w.partition} does not exist.`);
      }
    }
    const earliest = await listOffsets(ctx.cluster, meta, wanted, EARLIEST);
    const latest = await listOffsets(ctx.cluster, meta, wanted, LATEST);
    const byTime =
      groupScenario!.kind === 'to-datetime' || groupScenario!.kind === 'by-duration'
        ? await listOffsets(ctx.cluster, meta, wanted, groupScenario!.timestamp)
        : undefined;
    const states: PartitionState[] = wanted.map((w) => {
      const k = `${w.topic}:${w.partition}`;
      const t = byTime?.get(k);
      return {
        topic: w.topic,
        partition: w.partition,
        committed: committed.get(k) ?? null,
        earliest: earliest.get(k)!.offset,
        latest: latest.get(k)!.offset,
        offsetForTime: t && t.errorCode === 0 && t.offset >= 0 ? t.offset : null,
      };
    });
    const plan = planReset(groupScenario!, states);
    for (const w of plan.warnings) ctx.io.stderr.write(`WARN ${w}\n`);
    for (const n of plan.notices) ctx.io.stdout.write(`${n}\n`);
    if (o.execute) {
      const errors = await commitOffsets(ctx.cluster, g, plan.offsets);
      const bad = [...errors].filter(([, c]) => c !== 0);
      if (bad.length) {
        const code = bad[0]![1];
        const why = code === 25 || code === 27 || code === 22 ? `the group '${g}' became active` : errorName(code);
        throw new CommandError(`Error: Executing consumer group command failed due to ${why} (${bad.map(([k]) => k.replace(/:(\d+)$/, '-$1')).join(', ')})`);
      }
    }
    const sorted = [...plan.offsets].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
    for (const p of sorted) rows.push({ group: g, ...p });
  }
  if (ctx.json) {
    ctx.io.stdout.write(JSON.stringify({ executed: Boolean(o.execute), offsets: rows.map((r) => ({ group: r.group, topic: r.topic, partition: r.partition, newOffset: r.offset })) }) + '\n');
  } else if (o.export) ctx.io.stdout.write(views.renderResetCsv(rows, single === null));
  else ctx.io.stdout.write(views.renderResetTable(rows, anyGroup, ctx.header));
}

const DELETE_ERRORS: Record<number, string> = {
  68: 'org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty.',
  69: 'org.apache.kafka.common.errors.GroupIdNotFoundException: The group id does not exist.',
  24: 'org.apache.kafka.common.errors.InvalidGroupIdException: The configured groupId is invalid.',
  30: 'org.apache.kafka.common.errors.GroupAuthorizationException: Not authorized to access group.',
};

async function deleteGroups(ctx: Ctx, o: GroupsOptions): Promise<void> {
  const groups = await targetGroups(ctx, o);
  const results = await api.deleteGroups(ctx.cluster, groups);
  const ok = groups.filter((g) => results.get(g) === 0);
  const bad = groups.filter((g) => results.get(g) !== 0);
  if (ctx.json) {
    ctx.io.stdout.write(JSON.stringify({ deleted: ok, failed: bad.map((g) => ({ group: g, error: errorName(results.get(g) ?? -1) })) }) + '\n');
  } else if (bad.length === 0) {
    ctx.io.stdout.write(`Deletion of requested consumer groups (${ok.map((g) => `'${g}'`).join(', ')}) was successful.\n`);
  } else {
    let text = '\nError: Deletion of some consumer groups failed:\n';
    for (const g of bad) {
      const code = results.get(g) ?? -1;
      text += `* Group '${g}' could not be deleted due to: java.util.concurrent.ExecutionException: ${DELETE_ERRORS[code] ?? errorName(code)}\n`;
    }
    if (ok.length) text += `\nThese consumer groups were deleted successfully: ${ok.map((g) => `'${g}'`).join(', ')}\n`;
    ctx.io.stdout.write(text);
  }
  if (bad.length) ctx.failed = true;
}

const PARTITION_ERRORS: Record<number, string> = {
  86: 'Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it.',
  3: 'This server does not host this topic-partition.',
};

async function deleteOffsets(ctx: Ctx, o: GroupsOptions): Promise<void> {
  const g = o.group![0]!;
  const args = (o.topic ?? []).map((t) => {
    try {
      return parseTopicArg(t);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  });
  const meta = await describeTopics(ctx.cluster, [...new Set(args.map((a) => a.topic))]);
  const rows: views.DeleteOffsetsRow[] = [];
  const wanted: Array<{ topic: string; partition: number }> = [];
  for (const a of args) {
    const info = meta.get(a.topic);
    if (!info || info.errorCode !== 0) {
      rows.push({ topic: a.topic, partition: null, error: 'This server does not host this topic-partition.' });
      continue;
    }
    for (const p of a.partitions ?? info.partitions.map((x) => x.id)) wanted.push({ topic: a.topic, partition: p });
  }
  const res = wanted.length ? await api.deleteOffsets(ctx.cluster, g, wanted) : { errorCode: 0, partitions: new Map<string, number>() };
  for (const [k, code] of res.partitions) {
    const i = k.lastIndexOf(':');
    rows.push({ topic: k.slice(0, i), partition: Number(k.slice(i + 1)), error: code === 0 ? null : (PARTITION_ERRORS[code] ?? errorName(code)) });
  }
  const partitionErrors = rows.some((r) => r.error !== null);
  const top = res.errorCode;
  if (top !== 0 || partitionErrors) ctx.failed = true;
  if (ctx.json) {
    ctx.io.stdout.write(JSON.stringify({ group: g, error: top === 0 ? null : errorName(top), partitions: rows }) + '\n');
    return;
  }
  let text: string;
  switch (top) {
    case 0:
      text = partitionErrors
        ? '\nError: Encounter some partition level error, see the follow-up details:\n'
        : `Request succeed for deleting offsets with topic ${(o.topic ?? []).join(', ')} group ${g}\n`;
      break;
    case 69:
      text = `\nError: '${g}' does not exist.\n`;
      break;
    case 24:
      text = `\nError: '${g}' is not valid.\n`;
      break;
    case 30:
      text = `\nError: Access to '${g}' is not authorized.\n`;
      break;
    case 68:
      text = `\nError: Deleting offsets of a consumer group '${g}' is forbidden if the group is not empty.\n`;
      break;
    default:
      text = `\nError: Encounter some unknown error: ${errorName(top)}\n`;
  }
  ctx.io.stdout.write(text);
  if (top === 0) ctx.io.stdout.write(views.renderDeleteOffsets(rows));
}
