/**
 * The Java client's partitioning, so records written by mq land where a Java producer would put
 * them and mq can share keyed topics with Java services.
 *
 * - keyed record: toPositive(murmur2(keyBytes)) % numPartitions (BuiltInPartitioner.partitionForKey);
 * - explicit partition: used as given;
 * - no key: "sticky" — stay on one partition for a whole batch, then move on (KIP-480). mq moves
 *   to the next available partition (round robin from a random start) every `stickyBatch`
 *   records; a partition whose leader is unknown is skipped.
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2): a signed 32-bit int. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const length4 = length >> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i << 2;
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  const tail = length4 << 2;
  const rest = length & 3;
  if (rest === 3) h ^= data[tail + 2]! << 16;
  if (rest >= 2) h ^= data[tail + 1]! << 8;
  if (rest >= 1) {
    h ^= data[tail]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Utils.toPositive: clears the sign bit (not Math.abs). */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

/** The partition the Java client picks for a key. */
export function partitionForKey(key: Uint8Array, numPartitions: number): number {
  return toPositive(murmur2(key)) % numPartitions;
}

export interface PartitionInfo {
  partitionId: number;
  leader: number;
}

export interface PartitionerMessage {
  key?: Buffer | string | null;
  partition?: number | null;
}

/**
 * A kafkajs `createPartitioner` factory with the Java client's choices (see the top of the file).
 */
export function createJavaPartitioner(stickyBatch = 1000): () => (args: {
  topic: string;
  partitionMetadata: PartitionInfo[];
  message: PartitionerMessage;
}) => number {
  return () => {
    const sticky = new Map<string, { partition: number; left: number; next: number }>();
    return ({ topic, partitionMetadata, message }) => {
      if (message.partition !== null && message.partition !== undefined) return message.partition;
      const numPartitions = partitionMetadata.length;
      if (message.key !== null && message.key !== undefined) {
        const bytes = typeof message.key === 'string' ? Buffer.from(message.key, 'utf8') : message.key;
        return partitionForKey(bytes, numPartitions);
      }
      let s = sticky.get(topic);
      if (!s) {
        s = { partition: -1, left: 0, next: Math.floor(Math.random() * 0x7fffffff) };
        sticky.set(topic, s);
      }
      if (s.left <= 0 || s.partition < 0) {
        const available = partitionMetadata.filter((p) => p.leader >= 0);
        const pool = available.length > 0 ? available : partitionMetadata;
        const ids = pool.map((p) => p.partitionId).sort((a, b) => a - b);
        s.partition = ids[toPositive(s.next++) % ids.length]!;
        s.left = stickyBatch;
      }
      s.left--;
      return s.partition;
    };
  };
}
