/**
 * kafkajs 2.2.4 as an independent peer for test setup and cross-checks (topic creation, metadata).
 */
import kafkajs from 'kafkajs';
import type { ConnectionOptions } from 'node:tls';
import { lz4Compress, lz4Decompress, snappyCompress, snappyDecompress, zstdCompress, zstdDecompress } from '../../src/engine/client/compression.js';
import type { SaslMechanism, SecuritySettings } from '../../src/engine/client/security.js';

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

/**
 * kafkajs as an independent reader and client in tests: its codec registry filled with mq's
 * snappy/lz4/zstd, and mq's translated security settings as kafkajs's `ssl` / `sasl` options.
 */
export interface KafkajsCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(b: Buffer): Promise<Buffer>;
}

interface KafkajsLike {
  CompressionTypes: { Snappy: number; LZ4: number; ZSTD: number };
  CompressionCodecs: Record<number, () => KafkajsCodec>;
}

export function registerCodecs(kafkajs: KafkajsLike): void {
  const { CompressionTypes: T, CompressionCodecs: C } = kafkajs;
  C[T.Snappy] = () => ({ compress: async (e) => snappyCompress(e.buffer), decompress: async (b) => snappyDecompress(b) });
  C[T.LZ4] = () => ({ compress: async (e) => lz4Compress(e.buffer), decompress: async (b) => lz4Decompress(b) });
  C[T.ZSTD] = () => ({ compress: (e) => zstdCompress(e.buffer), decompress: (b) => zstdDecompress(b) });
}

export interface KafkajsSecurity {
  ssl?: ConnectionOptions | boolean;
  sasl?: { mechanism: SaslMechanism; username: string; password: string };
}

export function toKafkaJsSecurity(sec: SecuritySettings): KafkajsSecurity {
  const out: KafkajsSecurity = {};
  if (sec.ssl) out.ssl = Object.keys(sec.ssl).length === 0 ? true : sec.ssl;
  if (sec.sasl) out.sasl = { mechanism: sec.sasl.mechanism, username: sec.sasl.username, password: sec.sasl.password };
  return out;
}
