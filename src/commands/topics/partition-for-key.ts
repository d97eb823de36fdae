/**
 * mq-topics --partition-for-key KEY (--topic T | --partitions N): the partition each common
 * partitioner picks for the key, so a user can check where keys go before producing. The Java
 * client's (BuiltInPartitioner.partitionForKey: murmur2, also kafkajs' default) and librdkafka's
 * (the `partitioner` property of confluent-kafka, kcat, node-rdkafka; consistent_random by default).
 */
import type { Output } from '../../cli/output.js';
import { kafkaTable } from '../../cli/output.js';
import { partitionForKey } from '../../engine/client/partitioner.js';
import { LIBRDKAFKA_PARTITIONERS, librdkafkaPartition } from '../../engine/client/librdkafka-partitioner.js';

export interface PartitionChoice {
  partitioner: string;
  /** null when the key does not decide it (random, or sticky for an empty key). */
  partition: number | null;
  /** What picks the partition when the key does not: 'random' or 'sticky'. */
  otherwise?: 'random' | 'sticky';
  /** Which clients use it by default. */
  defaultFor?: string;
}

const DEFAULT_FOR: Record<string, string> = {
  java: 'Java client, kafkajs',
  consistent_random: 'librdkafka (confluent-kafka, kcat, node-rdkafka)',
};

/** Every partitioner's choice for `key` in a topic of `numPartitions` partitions. */
export function partitionChoices(key: Buffer, numPartitions: number): PartitionChoice[] {
  const out: PartitionChoice[] = [{ partitioner: 'java', partition: partitionForKey(key, numPartitions), defaultFor: DEFAULT_FOR.java }];
  for (const name of LIBRDKAFKA_PARTITIONERS) {
    const p = librdkafkaPartition(name, key, numPartitions);
    out.push({
      partitioner: name,
      partition: typeof p === 'number' ? p : null,
      ...(typeof p === 'number' ? {} : { otherwise: p }),
      ...(DEFAULT_FOR[name] ? { defaultFor: DEFAULT_FOR[name] } : {}),
    });
  }
  return out;
}

export function printPartitionChoices(out: Output, key: string, topic: string | undefined, numPartitions: number): void {
  const choices = partitionChoices(Buffer.from(key, 'utf8'), numPartitions);
  if (out.json) {
    out.document({ key, topic: topic ?? null, partitionCount: numPartitions, partitioners: choices });
    return;
  }
  const rows = choices.map((c) => [c.partitioner, c.partition ?? `(${c.otherwise})`, c.defaultFor ? `default of ${c.defaultFor}` : '']);
  out.line(kafkaTable([{ header: 'PARTITIONER' }, { header: 'PARTITION' }, { header: 'NOTE' }], rows).replace(/ +$/gm, ''));
}
