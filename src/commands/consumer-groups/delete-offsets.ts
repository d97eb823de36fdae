/**
 * --delete-offsets: OffsetDelete for the given topics (all partitions, or the listed ones) of one
 * group, with Kafka's group-level error lines (on stderr) and its per-partition table; the
 * deleted offsets go into the journal (journal.ts) for --undo-reset.
 */
import { UsageError } from '../../cli/errors.js';
import { ErrorCode, errorName } from '../../engine/protocol/error-codes.js';
import { deleteOffsets as deleteOffsetsRequest } from '../../engine/client/admin/groups.js';
import { describeTopics } from '../../engine/client/partitions.js';
import { fetchCommitted } from '../../engine/client/group-offsets.js';
import { printError, record, type Ctx } from './context.js';
import type { GroupsOptions } from './options.js';
import { parseTopicArg } from './reset.js';
import * as views from './views.js';

/** Kafka's texts for partition-level OffsetDelete errors (the exceptions' messages). */
const PARTITION_ERRORS: ReadonlyMap<number, string> = new Map([
  [ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC, 'Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it.'],
  [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.'],
]);

export async function deleteOffsets(ctx: Ctx, o: GroupsOptions): Promise<void> {
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
    if (!info || info.errorCode !== ErrorCode.NONE) {
      // Kafka's row says "This server does not host this topic-partition."; a newcomer's typo
      // deserves the plainer "does not exist" (and the run exits 1).
      rows.push({ topic: a.topic, partition: null, error: `Topic '${a.topic}' does not exist.` });
      continue;
    }
    for (const p of a.partitions ?? info.partitions.map((x) => x.id)) wanted.push({ topic: a.topic, partition: p });
  }
  // What the deletion replaces, for the journal (--undo-reset commits it back).
  const before = wanted.length ? await fetchCommitted(ctx.cluster, g) : new Map<string, number>();
  const res = wanted.length ? await deleteOffsetsRequest(ctx.cluster, g, wanted) : { errorCode: ErrorCode.NONE, partitions: new Map<string, number>() };
  for (const [k, code] of res.partitions) {
    const i = k.lastIndexOf(':');
    rows.push({
      topic: k.slice(0, i),
      partition: Number(k.slice(i + 1)),
      error: code === ErrorCode.NONE ? null : (PARTITION_ERRORS.get(code) ?? errorName(code)),
    });
  }
  await record(ctx, {
    time: new Date().toISOString(),
    group: g,
    action: 'delete-offsets',
    offsets: [...res.partitions]
      .filter(([k, code]) => res.errorCode === ErrorCode.NONE && code === ErrorCode.NONE && before.has(k))
      .map(([k]) => ({ topic: k.slice(0, k.lastIndexOf(':')), partition: Number(k.slice(k.lastIndexOf(':') + 1)), before: before.get(k)!, after: null })),
  });
  const partitionErrors = rows.some((r) => r.error !== null);
  const top = res.errorCode;
  if (top !== ErrorCode.NONE || partitionErrors) ctx.failed = true;
  if (ctx.out.json) {
    ctx.out.document({ group: g, error: top === ErrorCode.NONE ? null : errorName(top), partitions: rows });
    return;
  }
  let text: string;
  switch (top) {
    case ErrorCode.NONE:
      text = partitionErrors
        ? '\nError: Encounter some partition level error, see the follow-up details:\n'
        : `Request succeed for deleting offsets with topic ${(o.topic ?? []).join(', ')} group ${g}\n`;
      break;
    case ErrorCode.GROUP_ID_NOT_FOUND:
      text = `\nError: '${g}' does not exist.\n`;
      break;
    case ErrorCode.INVALID_GROUP_ID:
      text = `\nError: '${g}' is not valid.\n`;
      break;
    case ErrorCode.GROUP_AUTHORIZATION_FAILED:
      text = `\nError: Access to '${g}' is not authorized.\n`;
      break;
    case ErrorCode.NON_EMPTY_GROUP:
      text = `\nError: Deleting offsets of a consumer group '${g}' is forbidden if the group is not empty.\n`;
      break;
    default:
      text = `\nError: Encounter some unknown error: ${errorName(top)}\n`;
  }
  if (top === ErrorCode.NONE && !partitionErrors) void ctx.out.write(text);
  else printError(ctx, text);
  for (const r of rows) if (r.partition === null && r.error !== null) printError(ctx, `Error: ${r.error}`);
  if (top === ErrorCode.NONE) void ctx.out.write(views.renderDeleteOffsets(rows));
}
