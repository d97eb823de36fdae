/**
 * --undo-reset (mq's own): puts back the committed offsets that the newest not-yet-undone
 * journal entry of the group replaced (journal.ts). Offsets the change created are deleted
 * again. Like --reset-offsets it commits outside any generation, so the group must be inactive
 * (ConsumerGroupCommand's rule for resets); with --dry-run it only shows the offsets.
 */
import { CommandError } from '../../cli/errors.js';
import { ErrorCode, errorName } from '../../engine/protocol/error-codes.js';
import { deleteOffsets, describeGroup } from '../../engine/client/admin/groups.js';
import { commitOffsets } from '../../engine/client/group-offsets.js';
import { exists, printError, type Ctx } from './context.js';
import type { GroupsOptions } from './options.js';
import * as views from './views.js';

export async function undoReset(ctx: Ctx, o: GroupsOptions): Promise<void> {
  const g = o.group![0]!;
  const journal = await ctx.journal();
  const entries = await journal.read();
  let i = entries.length - 1;
  while (i >= 0 && (entries[i]!.group !== g || entries[i]!.undone)) i--;
  const entry = entries[i];
  if (!entry) throw new CommandError(`Error: The reset journal holds no reset or offset deletion of group '${g}' that is not undone yet (${journal.file}).`);

  const d = await describeGroup(ctx.cluster, g);
  if (d.errorCode !== ErrorCode.NONE && d.errorCode !== ErrorCode.GROUP_ID_NOT_FOUND) {
    throw new CommandError(`Error: Executing consumer group command failed due to ${errorName(d.errorCode)} (group '${g}')`);
  }
  if (exists(d) && d.state !== 'Empty') {
    ctx.failed = true;
    printError(ctx, `\nError: Assignments can only be reset if the group '${g}' is inactive, but the current state is ${d.state}.\n`);
    return;
  }

  const execute = !o.dryRun;
  ctx.out.status(`${execute ? 'Restoring' : 'Would restore'} the offsets of group '${g}' from before its ${entry.action} at ${entry.time}.`);
  if (execute) {
    const commits = entry.offsets.flatMap((x) => (x.before === null ? [] : [{ topic: x.topic, partition: x.partition, offset: x.before }]));
    const deletes = entry.offsets.filter((x) => x.before === null).map((x) => ({ topic: x.topic, partition: x.partition }));
    const failed: string[] = [];
    if (commits.length) {
      for (const [k, code] of await commitOffsets(ctx.cluster, g, commits)) if (code !== ErrorCode.NONE) failed.push(`${k.replace(/:(\d+)$/, '-$1')}: ${errorName(code)}`);
    }
    if (deletes.length) {
      const res = await deleteOffsets(ctx.cluster, g, deletes);
      if (res.errorCode !== ErrorCode.NONE) failed.push(errorName(res.errorCode));
      for (const [k, code] of res.partitions) if (code !== ErrorCode.NONE) failed.push(`${k.replace(/:(\d+)$/, '-$1')}: ${errorName(code)}`);
    }
    if (failed.length) throw new CommandError(`Error: Executing consumer group command failed due to ${failed.join(', ')}`);
    entry.undone = new Date().toISOString();
    await journal.replace(entries);
  }

  const rows: views.ResetRow[] = entry.offsets
    .map((x) => ({ group: g, topic: x.topic, partition: x.partition, offset: x.before }))
    .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  if (ctx.out.json) {
    ctx.out.document({
      executed: execute,
      group: g,
      undoes: { time: entry.time, action: entry.action },
      offsets: rows.map((r) => ({ group: r.group, topic: r.topic, partition: r.partition, newOffset: r.offset })),
    });
  } else void ctx.out.write(views.renderResetTable(rows, true, ctx.header));
}
