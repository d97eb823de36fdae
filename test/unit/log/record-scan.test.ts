import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { recordTimestamps } from '../../../src/engine/log/record-scan.js';
import { gzip, makeBatch } from './batch-builder.js';

const require = createRequire(import.meta.url);
const records = [
  { value: 'a', timestamp: 1000 },
  { value: 'b', timestamp: 3000 },
  { value: 'c', timestamp: 2000 },
];
const expected = [
  { offset: 0, timestamp: 1000 },
  { offset: 1, timestamp: 3000 },
  { offset: 2, timestamp: 2000 },
];

describe('record timestamps through each codec', () => {
  it('none and gzip', async () => {
    expect(await recordTimestamps(makeBatch(records))).toEqual(expected);
    expect(await recordTimestamps(makeBatch(records, { compress: gzip }))).toEqual(expected);
  });

  it('snappy, raw and xerial-framed', async () => {
    const snappy = require('snappy') as { compressSync(b: Buffer): Buffer };
    expect(await recordTimestamps(makeBatch(records, { compress: { id: 2, fn: (b) => snappy.compressSync(b) } }))).toEqual(expected);
    const xerial = (b: Buffer) => {
      const block = snappy.compressSync(b);
      const head = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
      const len = Buffer.alloc(4);
      len.writeInt32BE(block.length);
      return Buffer.concat([head, len, block]);
    };
    expect(await recordTimestamps(makeBatch(records, { compress: { id: 2, fn: xerial } }))).toEqual(expected);
  });

  it('lz4 frames and zstd', async () => {
    const lz4 = require('lz4-napi') as { compressFrameSync(b: Buffer): Buffer };
    expect(await recordTimestamps(makeBatch(records, { compress: { id: 3, fn: (b) => lz4.compressFrameSync(b) } }))).toEqual(expected);
    const zstd = require('@bokuweb/zstd-wasm') as { init(): Promise<void>; compress(b: Buffer, level?: number): Uint8Array };
    await zstd.init();
    expect(await recordTimestamps(makeBatch(records, { compress: { id: 4, fn: (b) => Buffer.from(zstd.compress(b, 3)) } }))).toEqual(expected);
  });
});
