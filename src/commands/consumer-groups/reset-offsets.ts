/**
 * --reset-offsets: plans new committed offsets per group (reset.ts) from the log's earliest,
 * latest or by-time offsets, prints them (table or --export CSV) and, with --execute, commits them
 * outside any generation, which the coordinator accepts only while the group is Empty. An executed
 * reset is recorded in the journal (journal.ts) for --undo-reset.
 */
import { CommandError, UsageError } from '../../cli/errors.js';
import { ErrorCode, errorName } from '../../engine/protocol/error-codes.js';
import { describeGroup } from '../../engine/client/admin/groups.js';
import { commitOffsets, fetchCommitted } from '../../engine/client/group-offsets.js';
import { describeTopics } from '../../engine/client/partitions.js';
import { exists, printError, record, targetGroups, type Ctx } from './context.js';
import type { GroupsOptions } from './options.js';
import { parseResetCsv, parseTopicArg, ResetError, type Scenario } from './reset.js';
import { planPartitionReset } from './reset-plan.js';
import * as views from './views.js';

/** A commit that fails with these means a member joined meanwhile. */
const BECAME_ACTIVE: ReadonlySet<number> = new Set([ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.REBALANCE_IN_PROGRESS, ErrorCode.ILLEGAL_GENERATION]);

export async function resetOffsets(ctx: Ctx, o: GroupsOptions, scenario: Scenario | undefined, fileText: string | undefined): Promise<void> {
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
    const d = await ctx.out.spin(`Describing group ${g}`, describeGroup(ctx.cluster, g));
    if (d.errorCode !== ErrorCode.NONE && d.errorCode !== ErrorCode.GROUP_ID_NOT_FOUND) {
      throw new CommandError(`Error: Executing consumer group command failed due to ${errorName(d.errorCode)} (group '${g}')`);
    }
    if (!exists(d)) {
      // Kafka commits the offsets and so creates the group, which turns a typo in --group into a
      // new group holding offsets nobody reads: mq says so and changes nothing.
      ctx.failed = true;
      printError(ctx, `\nError: Consumer group '${g}' does not exist.\n`);
      continue;
    }
    if (d.state !== 'Empty') {
      ctx.failed = true;
      printError(ctx, `\nError: Assignments can only be reset if the group '${g}' is inactive, but the current state is ${d.state}.\n`);
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
        printError(ctx, `\nError: No reset plan for group ${g} found\n`);
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
        if (!info || info.errorCode !== ErrorCode.NONE) throw new CommandError(`Error: Executing consumer group command failed due to UnknownTopicOrPartitionException: Topic '${t.topic}' does not exist.`);
        for (const p of t.partitions ?? info.partitions.map((x) => x.id)) {
          if (!info.partitions.some((x) => x.id === p)) throw new CommandError(`Error: Executing consumer group command failed due to UnknownTopicOrPartitionException: Partition ${t.topic}-${p} does not exist.`);
          wanted.push({ topic: t.topic, partition: p });
        }
      }
    }
    anyGroup = true;
    if (wanted.length === 0) continue;
    const plan = await planPartitionReset(ctx.cluster, groupScenario!, wanted, committed);
    for (const w of plan.warnings) ctx.out.status(`WARN ${w}`);
    // Kafka prints these on stdout, where they would break an --export CSV: stderr, like the WARNs.
    for (const n of plan.notices) ctx.out.status(n);
    if (o.execute) {
      const errors = await commitOffsets(ctx.cluster, g, plan.offsets);
      const bad = [...errors].filter(([, c]) => c !== ErrorCode.NONE);
      if (bad.length) {
        const code = bad[0]![1];
        const why = BECAME_ACTIVE.has(code) ? `the group '${g}' became active` : errorName(code);
        throw new CommandError(`Error: Executing consumer group command failed due to ${why} (${bad.map(([k]) => k.replace(/:(\d+)$/, '-$1')).join(', ')})`);
      }
      await record(ctx, {
        time: new Date().toISOString(),
        group: g,
        action: 'reset',
        offsets: plan.offsets.map((p) => ({ topic: p.topic, partition: p.partition, before: committed.get(`${p.topic}:${p.partition}`) ?? null, after: p.offset })),
      });
    }
    const sorted = [...plan.offsets].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
    for (const p of sorted) rows.push({ group: g, ...p });
  }
  if (ctx.out.json) {
    ctx.out.document({
      executed: Boolean(o.execute),
      offsets: rows.map((r) => ({ group: r.group, topic: r.topic, partition: r.partition, newOffset: r.offset })),
    });
  } else if (o.export) void ctx.out.write(views.renderResetCsv(rows, single === null));
  else void ctx.out.write(views.renderResetTable(rows, anyGroup, ctx.header));
}
