#!/usr/bin/env node
/**
 * node bench/validate-batch.mjs (after npm run build) — the CPU cost of Produce's batch validation
 * (dist/engine/log/batch-validate.js) next to the CRC-32C check every produced batch already had,
 * on one core, without the noise of sockets and clients: batches of 1 KiB and 100 B records as
 * kcat sends them in bench:broker (about 1 MB each), uncompressed and gzip/lz4/zstd/snappy.
 * Prints MB/s of batch bytes for each; the validator's share of a produce is the ratio of its time
 * to the whole request's.
 */
import { createRequire } from 'node:module';
import zlib from 'node:zlib';
import { validateBatch } from '../dist/engine/log/batch-validate.js';
import { checkBatch } from '../dist/engine/protocol/record-batch.js';
import { crc32c } from '../dist/engine/protocol/crc32c.js';
import { zstdModule } from '../dist/engine/protocol/zstd-module.js';

const require = createRequire(import.meta.url);

function varint(n) {
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  const out = [];
  while (z >= 0x80) {
    out.push((z % 128) | 0x80);
    z = Math.floor(z / 128);
  }
  out.push(z);
  return Buffer.from(out);
}

function records(count, valueBytes) {
  const value = Buffer.alloc(valueBytes, 0x61);
  const parts = [];
  for (let i = 0; i < count; i++) {
    const body = Buffer.concat([Buffer.from([0]), varint(i % 5), varint(i), varint(-1), varint(value.length), value, varint(0)]);
    parts.push(varint(body.length), body);
  }
  return Buffer.concat(parts);
}

function batch(count, body, codec) {
  const b = Buffer.alloc(61 + body.length);
  b.writeInt32BE(b.length - 12, 8);
  b.writeInt8(2, 16);
  b.writeInt16BE(codec, 21);
  b.writeInt32BE(count - 1, 23);
  b.writeBigInt64BE(BigInt(Date.now()), 27);
  b.writeBigInt64BE(BigInt(Date.now()), 35);
  b.writeBigInt64BE(-1n, 43);
  b.writeInt16BE(-1, 51);
  b.writeInt32BE(-1, 53);
  b.writeInt32BE(count, 57);
  body.copy(b, 61);
  b.writeUInt32BE(crc32c(b.subarray(21)), 17);
  return b;
}

const zstd = await zstdModule();
const codecs = [
  ['none', 0, (b) => b],
  ['gzip', 1, (b) => zlib.gzipSync(b)],
  ['snappy', 2, (b) => require('snappy').compressSync(b)],
  ['lz4', 3, (b) => require('lz4-napi').compressFrameSync(b)],
  ['zstd', 4, (b) => Buffer.from(zstd.compress(b, 3))],
];
const limits = { now: Date.now(), timestampBeforeMaxMs: Infinity, timestampAfterMaxMs: Infinity, logAppendTime: false, compacted: false, maxDecompressedBytes: 104857600, topicPartition: 'b-0' };

async function time(fn, minMs = 400) {
  for (let i = 0; i < 20; i++) await fn(); // warm-up
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) {
    await fn();
    n++;
  }
  return (performance.now() - t0) / n;
}

console.log('| records | codec | batch bytes | CRC-32C check | validation | validation / CRC |');
console.log('|---|---|---:|---:|---:|---:|');
for (const [label, count, size] of [['1 KiB', 1000, 1024], ['100 B', 9000, 100]]) {
  const raw = records(count, size);
  for (const [name, id, fn] of codecs) {
    const b = batch(count, fn(raw), id);
    const h = checkBatch(b).header;
    const v = await validateBatch(b, h, limits);
    if (!v.ok) throw new Error(`${label} ${name}: ${v.message}`);
    const crcMs = await time(() => checkBatch(b));
    const valMs = await time(() => validateBatch(b, h, limits));
    const mbps = (ms) => `${((b.length / 1e6) / (ms / 1000)).toFixed(0)} MB/s`;
    console.log(`| ${label} × ${count} | ${name} | ${b.length} | ${crcMs.toFixed(3)} ms (${mbps(crcMs)}) | ${valMs.toFixed(3)} ms (${mbps(valMs)}) | ${(valMs / crcMs).toFixed(2)} |`);
  }
}
