/**
 * What every mq-consumer-groups action works with: the cluster, the one output path, and whether
 * a group failed (the run then exits non-zero after printing everything, unlike Kafka's tool).
 */
import type { Output } from '../../cli/output.js';
import type { Cluster } from '../../engine/client/cluster.js';
import { ErrorCode } from '../../engine/protocol/error-codes.js';
import { listGroups, type GroupDescription, type GroupListing } from '../../engine/client/admin/groups.js';
import type { Journal, JournalEntry } from './journal.js';
import type { GroupsOptions } from './options.js';
import type { HeaderStyle } from './views.js';

export interface Ctx {
  cluster: Cluster;
  out: Output;
  failed: boolean;
  /** The environment, for MQ_KAFKA_ERRORS (javaText). */
  env: NodeJS.ProcessEnv;
  /** Table headers bold when stdout is a colour terminal. */
  header?: HeaderStyle;
  /** This cluster's reset journal (journal.ts), opened on first use. */
  journal(): Promise<Journal>;
}

/**
 * Records a change in the journal. The offsets have already changed by then, so a journal that
 * cannot be written is a warning, not a failure of the command.
 */
export async function record(ctx: Ctx, entry: JournalEntry): Promise<void> {
  if (entry.offsets.length === 0) return;
  try {
    await (await ctx.journal()).append(entry);
  } catch (err) {
    ctx.out.warn(`WARN Could not record the ${entry.action} of group ${entry.group} in the reset journal (--undo-reset cannot restore it): ${(err as Error).message}`);
  }
}

/**
 * Like Admin.listConsumerGroups: consumer groups only (protocol type "consumer", or "" for a
 * group that only ever committed offsets), not Connect or other group users.
 */
export const isConsumerGroup = (g: GroupListing): boolean => g.protocolType === 'consumer' || g.protocolType === '';

/** --group (deduplicated) or, with --all-groups, every consumer group. */
export async function targetGroups(ctx: Ctx, o: GroupsOptions): Promise<string[]> {
  if (o.allGroups) return (await listGroups(ctx.cluster)).filter(isConsumerGroup).map((g) => g.groupId);
  return [...new Set(o.group ?? [])];
}

/**
 * A per-group `Error: ...` block (Kafka's text, which starts with a blank line) on stderr, where
 * every mq error goes; Kafka's ConsumerGroupCommand prints these on stdout (printError), which
 * mixes them into the tables a script parses.
 */
export function printError(ctx: Ctx, text: string): void {
  ctx.out.status(text.replace(/\n$/, ''));
}

export const exists = (d: GroupDescription): boolean => d.errorCode === ErrorCode.NONE && d.state !== 'Dead';
