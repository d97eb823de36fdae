/**
 * Per-record iteration of a stored batch, for the few paths that need record timestamps
 * (ListOffsets by timestamp, max timestamp). The append and fetch paths never come here.
 * Codecs: gzip (node:zlib), snappy (raw and xerial-framed, as the Java client writes it),
 * lz4 (LZ4 frame format, Kafka's), zstd (@bokuweb/zstd-wasm).
 */
import { createRequire } from 'node:module';
import zlib from 'node:zlib';
import { Attr, Compression, Off, readBatchHeader } from '../protocol/record-batch.js';
import { zstdModule } from '../protocol/zstd-module.js';

const require = createRequire(import.meta.url);

export interface RecordPosition {
  offset: number;
  timestamp: number;
}

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);

function snappyDecompress(data: Buffer): Buffer {
  const snappy = require('snappy') as { uncompressSync(b: Uint8Array): Buffer | string };
  const raw = (b: Buffer) => {
    const out = snappy.uncompressSync(b);
    return typeof out === 'string' ? Buffer.from(out) : out;
  };
  if (data.length >= 16 && data.subarray(0, 8).equals(XERIAL_MAGIC)) {
    // xerial framing: 8-byte magic, int32 version, int32 compatible version, then
    // (int32 length, raw snappy block) pairs.
    const parts: Buffer[] = [];
    let at = 16;
    while (at + 4 <= data.length) {
      const len = data.readInt32BE(at);
      at += 4;
      parts.push(raw(data.subarray(at, at + len)));
      at += len;
    }
    return Buffer.concat(parts);
  }
  return raw(data);
}

async function zstdDecompress(data: Buffer): Promise<Buffer> {
  const z = await zstdModule();
  // Frames written by streaming encoders may not declare their size; grow the output until it fits.
  for (let heap = Math.max(1 << 20, data.length * 16); ; heap *= 4) {
    try {
      return Buffer.from(z.decompress(data, { defaultHeapSize: heap }));
    } catch (e) {
      if (heap > 1 << 28) throw e;
    }
  }
}

/** The records section of a batch, decompressed. */
export async function recordsSection(batch: Buffer): Promise<Buffer> {
  const codec = batch.readInt16BE(Off.attributes) & Attr.compressionMask;
  const body = batch.subarray(Off.records);
  switch (codec) {
    case Compression.none:
      return body;
    case Compression.gzip:
      return zlib.gunzipSync(body);
    case Compression.snappy:
      return snappyDecompress(body);
    case Compression.lz4: {
      const lz4 = require('lz4-napi') as { decompressFrameSync(b: Buffer): Buffer };
      return lz4.decompressFrameSync(body);
    }
    case Compression.zstd:
      return zstdDecompress(body);
    default:
      throw new Error(`unknown compression codec ${codec}`);
  }
}

class VarReader {
  constructor(
    private readonly b: Buffer,
    public at: number,
  ) {}

  /** Zigzag varint up to 64 bits, as a JS number (exact up to 2^53). */
  varlong(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      const byte = this.b[this.at++];
      if (byte === undefined) throw new Error('record truncated');
      result += (byte & 0x7f) * mul;
      if ((byte & 0x80) === 0) return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
      mul *= 128;
    }
    throw new Error('varint too long');
  }
}

/** Offset and timestamp of every record in the batch. */
export async function recordTimestamps(batch: Buffer): Promise<RecordPosition[]> {
  const h = readBatchHeader(batch);
  if (h.attributes & Attr.timestampTypeLogAppend) {
    // With LogAppendTime every record carries the batch's MaxTimestamp.
    return Array.from({ length: h.lastOffsetDelta + 1 }, (_, i) => ({ offset: h.baseOffset + i, timestamp: h.maxTimestamp }));
  }
  const records = await recordsSection(batch);
  const out: RecordPosition[] = [];
  const r = new VarReader(records, 0);
  for (let i = 0; i < h.recordsCount && r.at < records.length; i++) {
    const len = r.varlong();
    const end = r.at + len;
    r.at += 1; // attributes
    const tsDelta = r.varlong();
    const offsetDelta = r.varlong();
    out.push({ offset: h.baseOffset + offsetDelta, timestamp: h.baseTimestamp + tsDelta });
    r.at = end;
  }
  return out;
}
