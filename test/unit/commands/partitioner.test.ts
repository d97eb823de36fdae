import { describe, expect, it } from 'vitest';
import { murmur2, partitionForKey, toPositive } from '../../../src/engine/client/partitioner.js';

// Kafka's UtilsTest.testMurmur2 (clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java)
// plus the vectors librdkafka's rdmurmur2.c checks against the Java client.
const vectors: Array<[string, number]> = [
  ['21', -973932308],
  ['foobar', -790332482],
  ['a-little-bit-long-string', -985981536],
  ['a-little-bit-longer-string', -1486304829],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
  ['abc', 479470107],
  ['kafka', 0xd067cf64 | 0],
  ['giberish123456789', 0x8f552b0c | 0],
  ['1234', 0x9fc97b14 | 0],
  ['234', 0xe7c009ca | 0],
  ['34', 0x873930da | 0],
  ['4', 0x5a4b5ca1 | 0],
  ['PreAmbleWillBeRemoved,ThePrePartThatIs', 0x78424f1c | 0],
  ['reAmbleWillBeRemoved,ThePrePartThatIs', 0x4a62b377 | 0],
  ['eAmbleWillBeRemoved,ThePrePartThatIs', 0xe0e4e09e | 0],
  ['AmbleWillBeRemoved,ThePrePartThatIs', 0x62b8b43f | 0],
  ['', 0x106e08d9 | 0],
];

describe('murmur2 (Java client compatible)', () => {
  it.each(vectors)('murmur2(%j) = %d', (input, expected) => {
    expect(murmur2(Buffer.from(input, 'utf8'))).toBe(expected);
  });

  it('agrees with kafkajs DefaultPartitioner (itself Java-compatible) on many keys', async () => {
    const kafkajs = (await import('kafkajs')).default;
    const theirs = kafkajs.Partitioners.DefaultPartitioner();
    const meta = Array.from({ length: 7 }, (_, i) => ({ partitionId: i, leader: 1, replicas: [1], isr: [1], partitionErrorCode: 0 }));
    for (let i = 0; i < 2000; i++) {
      const key = `key-${i}-${'x'.repeat(i % 13)}`;
      expect(partitionForKey(Buffer.from(key), 7)).toBe(theirs({ topic: 't', partitionMetadata: meta, message: { key, value: null } }));
    }
  });

  it('toPositive clears the sign bit instead of negating', () => {
    expect(toPositive(-1)).toBe(0x7fffffff);
    expect(toPositive(-2147483648)).toBe(0);
    expect(toPositive(5)).toBe(5);
  });

  it('multi-byte UTF-8 keys hash their bytes', () => {
    // The Java client hashes the serialized key: a string key's UTF-8 bytes.
    expect(partitionForKey(Buffer.from('ключ', 'utf8'), 3)).toBe(toPositive(murmur2(new Uint8Array(Buffer.from('ключ', 'utf8')))) % 3);
    expect(partitionForKey(Buffer.from('ключ', 'utf8'), 1000)).not.toBe(partitionForKey(Buffer.from('ключ', 'latin1'), 1000));
  });
});
