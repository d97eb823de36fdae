/**
 * librdkafka's key partitioners (src/rdkafka_msg.c, the `partitioner` topic property), so a user
 * can see where a librdkafka-based client (confluent-kafka, kcat, node-rdkafka, ...) puts a key
 * next to where the Java client does (partitioner.ts):
 *
 * - consistent:        crc32(key) % n                       (zlib's CRC-32, rdcrc32.h)
 * - consistent_random: consistent; an empty or null key goes to the sticky partition (the default)
 * - murmur2:           (murmur2(key) & 0x7fffffff) % n      (Java-compatible, rdmurmur2.c)
 * - murmur2_random:    murmur2; a null key goes to the sticky partition
 * - fnv1a:             fnv1a(key) % n                       (rdfnv1a.c: Sarama's hash, sign dropped)
 * - fnv1a_random:      fnv1a; a null key goes to the sticky partition
 * - random:            any partition
 *
 * The hashes are unsigned 32-bit and so is the modulo (partition_cnt is promoted to unsigned).
 * rd_kafka_msg_partitioner sends null keys (and, for consistent_random, empty keys) to the sticky
 * partition rather than to the partitioner's random choice.
 */
import { murmur2, toPositive } from './partitioner.js';

export const LIBRDKAFKA_PARTITIONERS = ['consistent_random', 'murmur2_random', 'fnv1a_random', 'consistent', 'murmur2', 'fnv1a', 'random'] as const;
export type LibrdkafkaPartitioner = (typeof LIBRDKAFKA_PARTITIONERS)[number];

let crcTable: Uint32Array | undefined;

/** zlib's crc32(0, data, len): reflected polynomial 0xEDB88320, initial and final XOR 0xFFFFFFFF. */
export function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** rd_fnv1a: FNV-1a 32-bit on a signed accumulator, negated when negative (as Sarama's NewHashPartitioner). */
export function fnv1a(data: Uint8Array): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data[i]!, 0x01000193);
  // -INT32_MIN wraps to itself in C; as uint32 that is 2^31.
  return (h < 0 ? -h | 0 : h) >>> 0;
}

/**
 * The partition librdkafka's `partitioner` picks for a key (null = no key), or 'sticky' /
 * 'random' when the key does not decide it.
 */
export function librdkafkaPartition(partitioner: LibrdkafkaPartitioner, key: Uint8Array | null, numPartitions: number): number | 'sticky' | 'random' {
  if (partitioner === 'random') return 'random';
  if (key === null || (key.length === 0 && partitioner === 'consistent_random')) {
    // Without a key the plain partitioners hash nothing (crc32/murmur2/fnv1a of zero bytes),
    // but rd_kafka_msg_partitioner never calls them for a null key: it uses the sticky partition.
    return 'sticky';
  }
  switch (partitioner) {
    case 'consistent':
    case 'consistent_random':
      return crc32(key) % numPartitions;
    case 'murmur2':
    case 'murmur2_random':
      return toPositive(murmur2(key)) % numPartitions;
    case 'fnv1a':
    case 'fnv1a_random':
      return fnv1a(key) % numPartitions;
  }
}
