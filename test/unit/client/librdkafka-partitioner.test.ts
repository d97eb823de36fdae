/**
 * librdkafka's partitioner hashes against librdkafka's own test vectors (rdfnv1a.c's unittest,
 * taken from Go's hash/fnv) and zlib's CRC-32 (node:zlib), and the null/empty-key rules of
 * rd_kafka_msg_partitioner.
 */
import { describe, expect, it } from 'vitest';
import zlib from 'node:zlib';
import { crc32, fnv1a, librdkafkaPartition } from '../../../src/engine/client/librdkafka-partitioner.js';
import { partitionForKey } from '../../../src/engine/client/partitioner.js';

const b = (s: string) => Buffer.from(s, 'utf8');

describe('librdkafka partitioners', () => {
  it('fnv1a matches rdfnv1a.c unittest vectors', () => {
    const unaligned = 'PreAmbleWillBeRemoved,ThePrePartThatIs';
    const vectors: Array<[string, number]> = [
      ['kafka', 0xd33c4e1],
      ['giberish123456789', 0x77a58295],
      ['1234', 0x23bdd03],
      ['234', 0x2dea3cd2],
      ['34', 0x740fa83e],
      ['4', 0x310ca263],
      [unaligned, 0x65cbd69c],
      [unaligned.slice(1), 0x6e49c79a],
      [unaligned.slice(2), 0x69eed356],
      [unaligned.slice(3), 0x6abcc023],
      ['', 0x7ee3623b],
    ];
    for (const [key, want] of vectors) expect(fnv1a(b(key)), key).toBe(want);
  });

  it('crc32 is zlib\'s', () => {
    expect(crc32(b('123456789'))).toBe(0xcbf43926);
    for (const key of ['', 'kafka', 'user-1', 'ü-key', 'x'.repeat(1000)]) expect(crc32(b(key)), key).toBe(zlib.crc32(b(key)));
  });

  it('partitions by unsigned modulo; murmur2 is the Java client\'s', () => {
    for (const key of ['a', 'kafka', 'user-42', 'giberish123456789']) {
      for (const n of [1, 3, 7, 100]) {
        expect(librdkafkaPartition('consistent', b(key), n)).toBe(zlib.crc32(b(key)) % n);
        expect(librdkafkaPartition('consistent_random', b(key), n)).toBe(zlib.crc32(b(key)) % n);
        expect(librdkafkaPartition('fnv1a', b(key), n)).toBe(fnv1a(b(key)) % n);
        expect(librdkafkaPartition('fnv1a_random', b(key), n)).toBe(fnv1a(b(key)) % n);
        expect(librdkafkaPartition('murmur2', b(key), n)).toBe(partitionForKey(b(key), n));
        expect(librdkafkaPartition('murmur2_random', b(key), n)).toBe(partitionForKey(b(key), n));
      }
    }
  });

  it('null keys (and empty keys for consistent_random) go to the sticky partition', () => {
    expect(librdkafkaPartition('consistent_random', b(''), 3)).toBe('sticky');
    expect(librdkafkaPartition('murmur2_random', null, 3)).toBe('sticky');
    expect(librdkafkaPartition('fnv1a', null, 3)).toBe('sticky');
    expect(librdkafkaPartition('murmur2_random', b(''), 3)).toBe(partitionForKey(b(''), 3));
    expect(librdkafkaPartition('random', b('k'), 3)).toBe('random');
  });
});
