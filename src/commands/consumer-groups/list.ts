/**
 * --list: group ids, or the GROUP [TYPE] [STATE] table with --type / --state (KIP-518, KIP-848).
 */
import { listGroups } from '../../engine/client/admin/groups.js';
import { isConsumerGroup, type Ctx } from './context.js';
import type { GroupsOptions } from './options.js';
import * as views from './views.js';

export async function list(ctx: Ctx, o: GroupsOptions, states: string[], types: string[]): Promise<void> {
  let groups = (await listGroups(ctx.cluster, states, types)).filter(isConsumerGroup);
  // Brokers without the filters (ListGroups < v4/v5) answer with everything: filter here.
  if (states.length) groups = groups.filter((g) => states.includes(g.state));
  if (types.length) groups = groups.filter((g) => types.some((t) => t.toLowerCase() === g.type.toLowerCase()));
  // Kafka prints the groups in the broker's (hash) order; sorted, a list reads and diffs well.
  groups.sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  if (ctx.out.json) {
    ctx.out.document({ groups: groups.map((g) => ({ group: g.groupId, state: g.state, type: g.type, protocolType: g.protocolType })) });
    return;
  }
  void ctx.out.write(
    views.renderList(groups, { state: o.state !== undefined && o.state !== false, type: o.type !== undefined && o.type !== false }, ctx.header),
  );
}
