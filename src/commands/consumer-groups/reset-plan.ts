/**
 * The planning half of --reset-offsets for one group (ConsumerGroupCommand.prepareOffsetsToReset):
 * the partitions' earliest, latest and (for --to-datetime / --by-duration) by-time offsets from
 * ListOffsets, then planReset (reset.ts). Shared with mq-dashboard's reset preview, so both show
 * the same table.
 */
import { CommandError } from '../../cli/errors.js';
import type { Cluster } from '../../engine/client/cluster.js';
import { ErrorCode } from '../../engine/protocol/error-codes.js';
import { describeTopics, listOffsets, EARLIEST, LATEST } from '../../engine/client/partitions.js';
import { planReset, type PartitionState, type Plan, type Scenario } from './reset.js';

/** The new offsets for `wanted` under `scenario`; `committed` is the group's OffsetFetch (`topic:partition` keys). */
export async function planPartitionReset(
  cluster: Cluster,
  scenario: Scenario,
  wanted: Array<{ topic: string; partition: number }>,
  committed: ReadonlyMap<string, number>,
): Promise<Plan> {
  const meta = await describeTopics(cluster, [...new Set(wanted.map((w) => w.topic))]);
  for (const w of wanted) {
    if (!meta.get(w.topic)?.partitions.some((p) => p.id === w.partition)) {
      throw new CommandError(`Error: Executing consumer group command failed due to UnknownTopicOrPartitionException: Partition ${w.topic}-${w.partition} does not exist.`);
    }
  }
  const earliest = await listOffsets(cluster, meta, wanted, EARLIEST);
  const latest = await listOffsets(cluster, meta, wanted, LATEST);
  const byTime =
    scenario.kind === 'to-datetime' || scenario.kind === 'by-duration'
      ? await listOffsets(cluster, meta, wanted, scenario.timestamp)
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
      offsetForTime: t && t.errorCode === ErrorCode.NONE && t.offset >= 0 ? t.offset : null,
    };
  });
  return planReset(scenario, states);
}
