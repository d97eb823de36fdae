/**
 * What every mq-consumer-groups action works with: the cluster, the one output path, and whether
 * a group failed (the run then exits non-zero after printing everything, unlike Kafka's tool).
 */
import type { Output } from '../../cli/output.js';
import type { Cluster } from '../../engine/client/cluster.js';
import { ErrorCode } from '../../engine/protocol/error-codes.js';
import { listGroups, type GroupDescription, type GroupListing } from '../../engine/client/admin/groups.js';
import type { GroupsOptions } from './options.js';
import type { HeaderStyle } from './views.js';

export interface Ctx {
  cluster: Cluster;
  out: Output;
  failed: boolean;
  /** Table headers bold when stdout is a colour terminal. */
  header?: HeaderStyle;
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

export const exists = (d: GroupDescription): boolean => d.errorCode === ErrorCode.NONE && d.state !== 'Dead';
