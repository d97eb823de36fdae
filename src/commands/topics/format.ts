/**
 * kafka-topics' describe lines, exactly as TopicCommand prints them (tab-separated).
 */
import type { ConfigEntryInfo } from '../../engine/client/admin/configs.js';
import type { PartitionInfo, TopicInfo } from '../../engine/client/admin/topics.js';
import { ConfigSource } from '../../engine/client/admin/configs.js';

/** Non-default entries as Kafka prints them: name=value joined by ',' in broker order. */
export function nonDefaultConfigs(entries: readonly ConfigEntryInfo[]): ConfigEntryInfo[] {
  return entries.filter((e) => e.source !== ConfigSource.DEFAULT_CONFIG);
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
 * One partition line. Without ELR lists (the broker answered through the Metadata API, as for
 * --topic-id) Kafka prints `Elr: N/A\tLastKnownElr: N/A`; with them, the lists (usually empty).
 */
export function partitionLine(topic: string, p: PartitionInfo): string {
  const list = (ids: number[] | null | undefined) => (ids ? ids.join(',') : 'N/A');
  return (
    `\tTopic: ${topic}` +
    `\tPartition: ${p.partition}` +
    `\tLeader: ${p.leader >= 0 ? p.leader : 'none'}` +
    `\tReplicas: ${p.replicas.join(',')}` +
    `\tIsr: ${p.isr.join(',')}` +
    `\tElr: ${list(p.elr)}\tLastKnownElr: ${list(p.lastKnownElr)}`
  );
}
