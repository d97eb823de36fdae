/**
 * --describe: per group, the offsets view (committed offset, log end, lag, owner; the default),
 * --members or --state, as ConsumerGroupCommand prints them.
 */
import { CommandError } from '../../cli/errors.js';
import { ErrorCode, errorName } from '../../engine/protocol/error-codes.js';
import { describeGroup, type GroupDescription, type MemberDescription } from '../../engine/client/admin/groups.js';
import { fetchCommitted } from '../../engine/client/group-offsets.js';
import { describeTopics, listOffsets, LATEST, type OffsetAnswer, type TopicInfo } from '../../engine/client/partitions.js';
import { exists, printError, targetGroups, type Ctx } from './context.js';
import type { GroupsOptions } from './options.js';
import * as views from './views.js';

async function offsetRows(ctx: Ctx, d: GroupDescription): Promise<views.OffsetRow[]> {
  const committed = await fetchCommitted(ctx.cluster, d.groupId);
  const assigned = new Map<string, MemberDescription>();
  const members = [...d.members].sort((a, b) => count(b) - count(a));
  for (const m of members) for (const t of m.assignment) for (const p of t.partitions) assigned.set(`${t.topic}:${p}`, m);
  const keys = new Set([...assigned.keys(), ...committed.keys()]);
  const topics = [...new Set([...keys].map((k) => k.slice(0, k.lastIndexOf(':'))))];
  const meta = topics.length ? await describeTopics(ctx.cluster, topics) : new Map<string, TopicInfo>();
  const wanted = [...keys].map((k) => ({ topic: k.slice(0, k.lastIndexOf(':')), partition: Number(k.slice(k.lastIndexOf(':') + 1)) }));
  const ends = keys.size ? await listOffsets(ctx.cluster, meta, wanted, LATEST) : new Map<string, OffsetAnswer>();
  const row = (topic: string, partition: number, m: MemberDescription | undefined): views.OffsetRow => {
    const end = ends.get(`${topic}:${partition}`);
    return {
      group: d.groupId,
      topic,
      partition,
      currentOffset: committed.get(`${topic}:${partition}`) ?? null,
      logEndOffset: end && end.errorCode === ErrorCode.NONE ? end.offset : null,
      consumerId: m?.memberId ?? null,
      host: m?.clientHost ?? null,
      clientId: m?.clientId ?? null,
    };
  };
  const rows: views.OffsetRow[] = [];
  type Tp = { topic: string; partition: number };
  const byTp = (a: Tp, b: Tp) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition);
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

const count = (m: MemberDescription) => m.assignment.reduce((n, t) => n + t.partitions.length, 0);

export async function describe(ctx: Ctx, o: GroupsOptions): Promise<void> {
  const groups = (await targetGroups(ctx, o)).sort();
  const view = o.members ? 'members' : o.state ? 'state' : 'offsets';
  const docs: unknown[] = [];
  for (const g of groups) {
    // A group in the middle of a rebalance can take a moment to answer: show a spinner on a terminal.
    const d = await ctx.out.spin(`Describing group ${g}`, describeGroup(ctx.cluster, g));
    if (d.errorCode !== ErrorCode.NONE && d.errorCode !== ErrorCode.GROUP_ID_NOT_FOUND) throw new CommandError(`Error: Executing consumer group command failed due to ${errorName(d.errorCode)} (group '${g}')`);
    if (!exists(d)) {
      ctx.failed = true;
      if (ctx.out.json) docs.push({ group: g, exists: false, state: 'Dead' });
      else printError(ctx, `\nError: Consumer group '${g}' does not exist.\n`);
      continue;
    }
    if (ctx.out.json) {
      docs.push({
        group: g,
        exists: true,
        state: d.state,
        protocolType: d.protocolType,
        assignmentStrategy: d.protocol,
        coordinator: { id: d.coordinator.nodeId, host: d.coordinator.host, port: d.coordinator.port },
        members: d.members.map((m) => ({
          consumerId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          host: m.clientHost,
          clientId: m.clientId,
          assignment: m.assignment,
        })),
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
    if (d.state === 'Empty') ctx.out.status(`\nConsumer group '${g}' has no active members.`);
    else if (d.state !== 'Stable') ctx.out.status(`\nWarning: Consumer group '${g}' is rebalancing.`);
    if (view === 'offsets') void ctx.out.write(views.renderOffsets(g, await offsetRows(ctx, d), ctx.header));
    else if (view === 'members') {
      void ctx.out.write(
        views.renderMembers(
          g,
          d.members.map((m) => ({
            group: g,
            consumerId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            host: m.clientHost,
            clientId: m.clientId,
            assignment: m.assignment,
          })),
          Boolean(o.verbose),
          ctx.header,
        ),
      );
    } else {
      void ctx.out.write(
        views.renderState(
          {
            group: g,
            coordinator: { host: d.coordinator.host, port: d.coordinator.port, id: d.coordinator.nodeId },
            assignmentStrategy: d.protocol,
            state: d.state,
            members: d.members.length,
          },
          ctx.header,
        ),
      );
    }
  }
  if (ctx.out.json) ctx.out.document({ groups: docs });
}
