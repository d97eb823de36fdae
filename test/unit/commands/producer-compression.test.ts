import { describe, expect, it } from 'vitest';
import zlib from 'node:zlib';
import * as c from '../../../src/engine/client/compression.js';
import { registerCodecs, type KafkajsCodec } from '../../helpers/kafkajs.js';

const data = Buffer.from('hello world, '.repeat(10000));

describe('compression codecs (Kafka byte formats)', () => {
  it('snappy writes xerial framing like the Java client and reads it back', () => {
    const z = c.snappyCompress(data);
    expect(z.subarray(0, 8)).toEqual(c.XERIAL_MAGIC);
    expect(z.readInt32BE(8)).toBe(1);
    expect(z.readInt32BE(12)).toBe(1);
    expect(c.snappyDecompress(z).equals(data)).toBe(true);
  });
  it('snappy reads raw (unframed) blocks as librdkafka may write them', async () => {
    const snappy = await import('snappy');
    expect(c.snappyDecompress(snappy.compressSync(data)).equals(data)).toBe(true);
  });
  it('snappy handles empty input', () => {
    expect(c.snappyDecompress(c.snappyCompress(Buffer.alloc(0))).length).toBe(0);
  });
  it('lz4 uses the LZ4 frame format', () => {
    const z = c.lz4Compress(data);
    expect(z.readUInt32LE(0)).toBe(0x184d2204);
    expect(c.lz4Decompress(z).equals(data)).toBe(true);
  });
  it('zstd round trips, including frames larger than the default buffer', async () => {
    const z = await c.zstdCompress(data);
    expect(z.readUInt32LE(0)).toBe(0xfd2fb528);
    expect((await c.zstdDecompress(z)).equals(data)).toBe(true);
    const big = Buffer.alloc(5_000_000, 7);
    expect((await c.zstdDecompress(await c.zstdCompress(big))).equals(big)).toBe(true);
  });
  it('registers into a kafkajs-shaped registry', async () => {
    const registry: Record<number, () => KafkajsCodec> = { 1: () => ({ compress: async () => Buffer.alloc(0), decompress: async () => Buffer.alloc(0) }) };
    const kafkajs = { CompressionTypes: { Snappy: 2, LZ4: 3, ZSTD: 4 }, CompressionCodecs: registry };
    registerCodecs(kafkajs);
    for (const t of [2, 3, 4]) {
      const codec = registry[t]!();
      expect((await codec.decompress(await codec.compress({ buffer: data }))).equals(data)).toBe(true);
    }
    expect(zlib.gunzipSync(zlib.gzipSync(data)).equals(data)).toBe(true);
  });
});
