/**
 * kafkajs 2.2.4 as an independent peer for test setup and cross-checks (topic creation, metadata).
 */
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;

export function kafkaClient(bootstrap: string, clientId = 'mq-test'): InstanceType<typeof Kafka> {
  return new Kafka({
    clientId,
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 3, initialRetryTime: 100 },
  });
}

/** Create topics through kafkajs' admin client and wait for them to be in metadata. */
export async function createTopics(
  bootstrap: string,
  topics: ReadonlyArray<{ topic: string; numPartitions?: number; configEntries?: { name: string; value: string }[] }>,
): Promise<void> {
  const admin = kafkaClient(bootstrap).admin();
  await admin.connect();
  try {
    const ok = await admin.createTopics({
      waitForLeaders: true,
      topics: topics.map((t) => ({ topic: t.topic, numPartitions: t.numPartitions ?? 1, replicationFactor: 1, configEntries: t.configEntries })),
    });
    if (!ok) throw new Error(`createTopics returned false for ${topics.map((t) => t.topic).join(', ')}`);
  } finally {
    await admin.disconnect();
  }
}

/** Partition ids of a topic as kafkajs' admin sees them. */
export async function topicPartitions(bootstrap: string, topic: string): Promise<number[]> {
  const admin = kafkaClient(bootstrap).admin();
  await admin.connect();
  try {
    const md = await admin.fetchTopicMetadata({ topics: [topic] });
    return md.topics[0]!.partitions.map((p) => p.partitionId).sort((a, b) => a - b);
  } finally {
    await admin.disconnect();
  }
}
