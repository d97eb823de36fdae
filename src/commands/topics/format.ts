/**
 * kafka-topics' describe lines, exactly as TopicCommand prints them (tab-separated).
 */
import type { ConfigEntryInfo, PartitionInfo, TopicInfo } from '../shared/admin.js';
import { DEFAULT_CONFIG } from '../shared/admin.js';

/** Non-default entries as Kafka prints them: name=value joined by ',' in broker order. */
export function nonDefaultConfigs(entries: readonly ConfigEntryInfo[]): ConfigEntryInfo[] {
  return entries.filter((e) => e.source !== DEFAULT_CONFIG);
}

export function configsString(entries: readonly ConfigEntryInfo[]): string {
  return nonDefaultConfigs(entries)
    .map((e) => `${e.name}=${e.isSensitive ? 'null' : e.value}`)
    .join(',');
}

export function topicSummaryLine(t: TopicInfo, entries: readonly ConfigEntryInfo[]): string {
  const rf = t.partitions[0]?.replicas.length ?? 0;
  return (
    `Topic: ${t.name}` +
    (t.topicId ? `\tTopicId: ${t.topicId}` : '') +
    `\tPartitionCount: ${t.partitions.length}` +
    `\tReplicationFactor: ${rf}` +
    `\tConfigs: ${configsString(entries)}`
  );
}

/**
 * One partition line. `elr` null means the broker answered through the Metadata API, which has
 * no ELR: Kafka prints `Elr: N/A\tLastKnownElr: N/A` then.
 */
export function partitionLine(topic: string, p: PartitionInfo, elr: { elr: number[]; lastKnownElr: number[] } | null = null): string {
  return (
    `\tTopic: ${topic}` +
    `\tPartition: ${p.partition}` +
    `\tLeader: ${p.leader >= 0 ? p.leader : 'none'}` +
    `\tReplicas: ${p.replicas.join(',')}` +
    `\tIsr: ${p.isr.join(',')}` +
    (elr ? `\tElr: ${elr.elr.join(',')}\tLastKnownElr: ${elr.lastKnownElr.join(',')}` : '\tElr: N/A\tLastKnownElr: N/A')
  );
}
