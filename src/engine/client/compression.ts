/**
 * Batch compression (gzip, snappy, LZ4, zstd) for mq's producer and record reader, in the byte
 * formats Kafka's Java client writes, so mq reads batches from Java/librdkafka producers and they
 * read ours:
 *
 * - snappy: the Java client writes xerial-framed snappy (SnappyOutputStream: an 8-byte magic
 *   `\x82SNAPPY\0`, version 1, compatible version 1, then `int32 length | raw snappy block`
 *   chunks). librdkafka reads both framed and raw; we write framed and read both.
 * - lz4: the LZ4 frame format (magic 0x184D2204), independent blocks, as KafkaLZ4BlockOutputStream.
 * - zstd: plain zstd frames. Java's streaming compressor leaves the content size out, so
 *   decompression grows its buffer until the frame fits.
 *
 * `compress(name, data)` / `decompress(code, data)` serve our own RecordBatch writer and reader.
 * The native and wasm modules are loaded on first use only.
 */
import { createRequire } from 'node:module';
import zlib from 'node:zlib';
import { promisify } from 'node:util';
import { zstdModule } from '../protocol/zstd-module.js';

const require = createRequire(import.meta.url);

export const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_SIZE = 16;
/** SnappyOutputStream's default block size. */
const XERIAL_BLOCK = 32 * 1024;

type SnappyModule = typeof import('snappy');
type Lz4Module = typeof import('lz4-napi');

let snappyMod: SnappyModule | undefined;
let lz4Mod: Lz4Module | undefined;

const snappy = (): SnappyModule => (snappyMod ??= require('snappy') as SnappyModule);
const lz4 = (): Lz4Module => (lz4Mod ??= require('lz4-napi') as Lz4Module);
const zstd = zstdModule;

export function snappyCompress(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(XERIAL_HEADER_SIZE);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(1, 8);
  header.writeInt32BE(1, 12);
  parts.push(header);
  const s = snappy();
  for (let at = 0; at < data.length || (at === 0 && data.length === 0); at += XERIAL_BLOCK) {
    const block = s.compressSync(data.subarray(at, Math.min(data.length, at + XERIAL_BLOCK)));
    const len = Buffer.alloc(4);
    len.writeInt32BE(block.length, 0);
    parts.push(len, block);
    if (data.length === 0) break;
  }
  return Buffer.concat(parts);
}

export function isXerialFramed(data: Buffer): boolean {
  return data.length >= XERIAL_HEADER_SIZE && data.subarray(0, 8).equals(XERIAL_MAGIC);
}

export function snappyDecompress(data: Buffer): Buffer {
  const s = snappy();
  if (!isXerialFramed(data)) return s.uncompressSync(data, { asBuffer: true }) as Buffer;
  const parts: Buffer[] = [];
  let at = XERIAL_HEADER_SIZE;
  while (at < data.length) {
    if (at + 4 > data.length) throw new Error('truncated xerial snappy block header');
    const len = data.readInt32BE(at);
    at += 4;
    if (len < 0 || at + len > data.length) throw new Error('truncated xerial snappy block');
    parts.push(s.uncompressSync(data.subarray(at, at + len), { asBuffer: true }) as Buffer);
    at += len;
  }
  return Buffer.concat(parts);
}

export function lz4Compress(data: Buffer): Buffer {
  return lz4().compressFrameSync(data);
}

export function lz4Decompress(data: Buffer): Buffer {
  return lz4().decompressFrameSync(data);
}

export async function zstdCompress(data: Buffer, level = 3): Promise<Buffer> {
  const z = await zstd();
  return Buffer.from(z.compress(data, level));
}

export async function zstdDecompress(data: Buffer): Promise<Buffer> {
  const z = await zstd();
  // The frame may not carry its content size: retry with a larger buffer until it fits.
  let heap = Math.max(1 << 20, data.length * 8);
  for (;;) {
    try {
      return Buffer.from(z.decompress(data, { defaultHeapSize: heap }));
    } catch (err) {
      if (heap >= 1 << 30) throw err;
      heap *= 4;
    }
  }
}

/** The `compression.type` names Kafka accepts, mapped to the RecordBatch attribute codes. */
export const COMPRESSION_TYPES = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;
export type CompressionName = keyof typeof COMPRESSION_TYPES;

const gzip = promisify(zlib.gzip);
const gunzip = promisify(zlib.gunzip);

/** A RecordBatch's records section compressed with `codec` ('none' returns it as is). */
export async function compress(codec: CompressionName, data: Buffer): Promise<Buffer> {
  switch (codec) {
    case 'none':
      return data;
    case 'gzip':
      return gzip(data);
    case 'snappy':
      return snappyCompress(data);
    case 'lz4':
      return lz4Compress(data);
    case 'zstd':
      return zstdCompress(data);
  }
}

/** The records section of a batch whose attributes say `codec` (0-4). */
export async function decompress(codec: number, data: Buffer): Promise<Buffer> {
  switch (codec) {
    case 0:
      return data;
    case 1:
      return gunzip(data);
    case 2:
      return snappyDecompress(data);
    case 3:
      return lz4Decompress(data);
    case 4:
      return zstdDecompress(data);
    default:
      throw new Error(`Unknown compression codec ${codec}`);
  }
}
