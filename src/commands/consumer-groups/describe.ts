/**
 * --describe: per group, the offsets view (committed offset, log end, lag, owner; the default),
 * --members or --state, as ConsumerGroupCommand prints them.
 */
import { CommandError } from '../../cli/errors.js';
import { ErrorCode, errorName } from '../../engine/protocol/error-codes.js';
import { describeGroup, type GroupDescription } from '../../engine/client/admin/groups.js';
import { exists, printError, targetGroups, type Ctx } from './context.js';
import type { GroupsOptions } from './options.js';
import { groupOffsetRows } from './offset-rows.js';
import * as views from './views.js';

const offsetRows = (ctx: Ctx, d: GroupDescription): Promise<views.OffsetRow[]> => groupOffsetRows(ctx.cluster, d);

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
