/**
 * --reset-history (mq's own): the reset journal (journal.ts) of this cluster, oldest first, for
 * the given groups or every group: what each --reset-offsets --execute or --delete-offsets
 * replaced, and whether --undo-reset restored it.
 */
import type { Ctx } from './context.js';
import type { GroupsOptions } from './options.js';
import * as views from './views.js';

export async function resetHistory(ctx: Ctx, o: GroupsOptions): Promise<void> {
  const only = new Set(o.group ?? []);
  const entries = (await (await ctx.journal()).read()).filter((e) => only.size === 0 || only.has(e.group));
  if (ctx.out.json) {
    ctx.out.document({ entries: entries.map((e) => ({ time: e.time, group: e.group, action: e.action, undone: e.undone ?? null, offsets: e.offsets })) });
    return;
  }
  if (entries.length === 0) {
    ctx.out.status(only.size ? `No offset resets or deletions of ${[...only].map((g) => `'${g}'`).join(', ')} in the reset journal.` : 'The reset journal is empty.');
    return;
  }
  const rows = entries.flatMap((e) =>
    e.offsets.map((x): views.HistoryRow => ({ time: e.time, group: e.group, action: e.action, ...x, undone: e.undone ?? null })),
  );
  void ctx.out.write(views.renderHistory(rows, ctx.header));
}
