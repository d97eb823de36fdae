import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { LogError } from '../../../src/engine/log/errors.js';
import type { LogDir } from '../../../src/engine/log/log-dir.js';
import { batchesIn, gzip, makeBatch, makeSizedBatch } from '../../unit/log/batch-builder.js';
import { harness, type Harness } from './harness.js';

let h: Harness;
let logDir: LogDir | undefined;
afterEach(async () => {
  await logDir?.abandon().catch(() => undefined);
  logDir = undefined;
  h?.cleanup();
});

async function setup(configs: Record<string, string> = {}, partitions = 1) {
  h = harness();
  logDir = await h.open();
  await logDir.createTopic('t', partitions, configs);
  return logDir.partition('t', 0)!;
}

function segDir() {
  return path.join(h.dir, 'logs', 't-0');
}

async function readAll(log: { read(o: number, m: number): Promise<{ records: Buffer }>; logStartOffset: number; logEndOffset: number }) {
  const out: { baseOffset: number; lastOffset: number; size: number }[] = [];
  let next = log.logStartOffset;
  while (next < log.logEndOffset) {
    const r = await log.read(next, 1 << 20);
    const bs = batchesIn(r.records);
    expect(bs.length).toBeGreaterThan(0);
    out.push(...bs);
    next = bs[bs.length - 1]!.lastOffset + 1;
  }
  return out;
}

describe('PartitionLog append and read', () => {
  it('assigns contiguous offsets across many tiny segments and reads them back', async () => {
    const log = await setup({ 'segment.bytes': '300', 'index.interval.bytes': '100' });
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => log.append(makeBatch([{ value: `v${i}` }, { value: `w${i}` }]))));
    results.forEach((r, i) => expect(r.baseOffset).toBe(i * 2));
    expect(log.logEndOffset).toBe(400);
    expect(log.segmentCount).toBeGreaterThan(50);
    const all = await readAll(log);
    expect(all.map((b) => b.baseOffset)).toEqual(results.map((r) => r.baseOffset));
    expect(fs.readdirSync(segDir())).toContain('00000000000000000000.log');
  });

  it('serves more segments than it keeps descriptors open for', async () => {
    const log = await setup({ 'segment.bytes': '100' });
    for (let i = 0; i < 400; i++) await log.append(makeSizedBatch(1, 60));
    expect(log.segmentCount).toBe(400);
    expect((await readAll(log)).map((b) => b.baseOffset)).toEqual(Array.from({ length: 400 }, (_, i) => i));
    await logDir!.close();
    logDir = await h.open();
    expect((await readAll(logDir.partition('t', 0)!)).length).toBe(400);
  });

  it('returns the batch containing the fetch offset, whole batches and at least one', async () => {
    const log = await setup();
    await log.append(makeSizedBatch(10, 100)); // offsets 0-9
    await log.append(makeSizedBatch(10, 100)); // 10-19
    await log.append(makeSizedBatch(10, 100)); // 20-29
    const mid = await log.read(15, 1 << 20);
    expect(batchesIn(mid.records).map((b) => b.baseOffset)).toEqual([10, 20]);
    const one = await log.read(15, 10); // smaller than one batch: still the whole batch
    expect(batchesIn(one.records)).toEqual([expect.objectContaining({ baseOffset: 10, lastOffset: 19 })]);
    expect(one.records.length).toBe(batchesIn(one.records)[0]!.size);
    const size = one.records.length;
    const two = await log.read(0, size * 2 + 5);
    expect(batchesIn(two.records).map((b) => b.baseOffset)).toEqual([0, 10]);
    expect(two.records.length).toBe(size * 2);
    expect((await log.read(30, 100)).records.length).toBe(0);
    await expect(log.read(31, 100)).rejects.toMatchObject({ errorName: 'OFFSET_OUT_OF_RANGE' });
  });

  it('stores batches byte for byte apart from offset and leader epoch, and applies LogAppendTime', async () => {
    const log = await setup({ 'message.timestamp.type': 'LogAppendTime' });
    const b = makeBatch([{ value: 'x', timestamp: 5 }]);
    const r = await log.append(Buffer.from(b));
    expect(r.logAppendTime).toBe(h.clock.now());
    const got = (await log.read(0, 1000)).records;
    expect(got.readBigInt64BE(35)).toBe(BigInt(h.clock.now()));
    expect(got.readInt16BE(21) & 8).toBe(8);
    expect(got.readInt32BE(12)).toBe(0);
    const { checkBatch } = await import('../../../src/engine/protocol/record-batch.js');
    expect(checkBatch(got).kind).toBe('ok');
  });

  it('accepts batches encoded by kafkajs', async () => {
    const log = await setup();
    const require = createRequire(import.meta.url);
    const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js');
    const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js');
    const enc = await RecordBatch({
      firstTimestamp: 1000,
      maxTimestamp: 1002,
      lastOffsetDelta: 2,
      records: [0, 1, 2].map((i) => Record({ offsetDelta: i, timestampDelta: i, key: null, value: Buffer.from(`k${i}`) })),
    });
    await log.append(enc.buffer);
    await log.append(enc.buffer);
    expect(log.logEndOffset).toBe(6);
    expect(await log.offsetForTimestamp(1001)).toEqual({ offset: 1, timestamp: 1001 });
  });

  it('keeps everything with the same offsets over close and reopen', async () => {
    const log = await setup({ 'segment.bytes': '2000', 'index.interval.bytes': '200' });
    for (let i = 0; i < 50; i++) await log.append(makeSizedBatch(3, 50, { ts: 1000 + i }));
    const before = await readAll(log);
    await logDir!.close();
    expect(fs.existsSync(path.join(h.dir, '.clean-shutdown'))).toBe(true);
    logDir = await h.open();
    expect(fs.existsSync(path.join(h.dir, '.clean-shutdown'))).toBe(false);
    const again = logDir.partition('t', 0)!;
    expect(again.logEndOffset).toBe(150);
    expect(await readAll(again)).toEqual(before);
    expect((await again.append(makeSizedBatch(1, 10))).baseOffset).toBe(150);
    expect(h.warnings).toEqual([]);
  });

  it('rebuilds missing or damaged index files', async () => {
    const log = await setup({ 'segment.bytes': '1500', 'index.interval.bytes': '100' });
    for (let i = 0; i < 40; i++) await log.append(makeSizedBatch(2, 40, { ts: 1000 + i }));
    const before = await readAll(log);
    await logDir!.close();
    const files = fs.readdirSync(segDir());
    fs.rmSync(path.join(segDir(), files.find((f) => f.endsWith('.index'))!));
    fs.writeFileSync(path.join(segDir(), files.filter((f) => f.endsWith('.timeindex'))[1]!), Buffer.from([1, 2, 3]));
    logDir = await h.open();
    const again = logDir.partition('t', 0)!;
    expect(await readAll(again)).toEqual(before);
    for (let o = 0; o < 80; o += 7) {
      const r = await again.read(o, 1);
      const [b] = batchesIn(r.records);
      expect(b!.baseOffset <= o && o <= b!.lastOffset).toBe(true);
    }
    expect(await again.offsetForTimestamp(1020)).toEqual({ offset: 40, timestamp: 1020 });
  });
});

describe('recovery after an unclean stop', () => {
  it('cuts a torn tail, keeps earlier batches and continues at contiguous offsets', async () => {
    const log = await setup({ 'segment.bytes': '100000' });
    for (let i = 0; i < 10; i++) await log.append(makeSizedBatch(5, 20));
    await logDir!.abandon();
    const file = path.join(segDir(), '00000000000000000000.log');
    const size = fs.statSync(file).size;
    const batchSize = size / 10;
    fs.truncateSync(file, size - 17); // mid-way through the last batch
    logDir = await h.open();
    const again = logDir.partition('t', 0)!;
    expect(again.logEndOffset).toBe(45);
    expect(h.warnings.join('\n')).toContain(`Recovered partition t-0: truncated ${batchSize - 17} bytes of a torn batch at offset 45 (00000000000000000000.log)`);
    expect((await again.append(makeSizedBatch(5, 20))).baseOffset).toBe(45);
    expect((await readAll(again)).map((b) => b.baseOffset)).toEqual([0, 5, 10, 15, 20, 25, 30, 35, 40, 45]);
  });

  it('cuts at a flipped byte (CRC mismatch) and deletes later segments', async () => {
    const log = await setup({ 'segment.bytes': '400' });
    for (let i = 0; i < 20; i++) await log.append(makeSizedBatch(2, 40));
    const segs = log.segmentBaseOffsets();
    expect(segs.length).toBeGreaterThan(3);
    await logDir!.abandon();
    // Remove the index files of the second segment so recovery starts there, and damage it.
    const second = String(segs[1]).padStart(20, '0');
    fs.rmSync(path.join(segDir(), `${second}.index`), { force: true });
    const file = path.join(segDir(), `${second}.log`);
    const bytes = fs.readFileSync(file);
    const firstBatch = bytes.readInt32BE(8) + 12;
    bytes[firstBatch + 70]! ^= 0xff; // inside the second batch's records
    fs.writeFileSync(file, bytes);
    logDir = await h.open();
    const again = logDir.partition('t', 0)!;
    const report = h.warnings.join('\n');
    expect(report).toMatch(/truncated \d+ bytes of a corrupt batch \(CRC mismatch.*\) at offset \d+ \(0+\d+\.log\)/);
    expect(report).toContain('deleted segment');
    expect(again.segmentCount).toBe(2);
    const all = await readAll(again);
    expect(all.map((b) => b.baseOffset)).toEqual(all.map((_, i) => i * 2));
    const next = await again.append(makeSizedBatch(2, 40));
    expect(next.baseOffset).toBe(all.length * 2);
  });

  it('drops garbage appended after the last batch', async () => {
    const log = await setup();
    await log.append(makeSizedBatch(1, 10));
    await logDir!.abandon();
    fs.appendFileSync(path.join(segDir(), '00000000000000000000.log'), Buffer.alloc(100, 0));
    logDir = await h.open();
    expect(logDir.partition('t', 0)!.logEndOffset).toBe(1);
    expect(h.warnings.join('\n')).toContain('truncated 100 bytes');
  });
});

describe('retention and DeleteRecords', () => {
  it('deletes whole old segments past retention.ms, never the active one', async () => {
    const log = await setup({ 'segment.bytes': '300', 'retention.ms': '60000' });
    const t0 = h.clock.now();
    for (let i = 0; i < 10; i++) await log.append(makeSizedBatch(2, 40, { ts: t0 }));
    h.clock.advance(30_000);
    for (let i = 0; i < 3; i++) await log.append(makeSizedBatch(2, 40, { ts: h.clock.now() })); // offsets 20-25
    const segs = log.segmentCount;
    expect((await logDir!.runRetention()).size).toBe(0);
    h.clock.advance(40_000); // the first ten batches are now 70 s old, the last three 40 s
    const r = await logDir!.runRetention();
    expect(r.get('t-0')!.deletedSegments).toBeGreaterThan(0);
    expect(log.segmentCount).toBe(segs - r.get('t-0')!.deletedSegments);
    expect(log.logStartOffset).toBe(log.segmentBaseOffsets()[0]);
    expect(log.logStartOffset).toBeLessThanOrEqual(20);
    await expect(log.read(0, 100)).rejects.toBeInstanceOf(LogError);
    expect((await readAll(log)).at(-1)!.baseOffset).toBe(24);
    h.clock.advance(1_000_000); // everything expired: still the active segment stays
    await logDir!.runRetention();
    expect(log.segmentCount).toBe(1);
    expect(log.logEndOffset).toBe(26);
  });

  it('keeps the log under retention.bytes, driven by the background clock', async () => {
    h = harness();
    logDir = await h.open({ settings: { 'log.retention.check.interval.ms': 1000 } });
    await logDir.createTopic('t', 1, { 'segment.bytes': '500', 'retention.bytes': '1000' });
    const log = logDir.partition('t', 0)!;
    for (let i = 0; i < 30; i++) await log.append(makeSizedBatch(2, 40));
    expect(log.sizeInBytes).toBeGreaterThan(1000);
    h.clock.advance(1000);
    await expect.poll(() => log.sizeInBytes).toBeLessThanOrEqual(1000 + 500);
    const all = await readAll(log);
    expect(all[0]!.baseOffset).toBe(log.logStartOffset);
  });

  it('DeleteRecords advances the log start offset, deletes segments, and survives a restart', async () => {
    const log = await setup({ 'segment.bytes': '300' });
    for (let i = 0; i < 20; i++) await log.append(makeSizedBatch(2, 40));
    await expect(log.deleteRecordsBefore(41)).rejects.toMatchObject({ errorName: 'OFFSET_OUT_OF_RANGE' });
    expect(await log.deleteRecordsBefore(13)).toBe(13);
    expect(log.segmentBaseOffsets()[0]).toBeLessThanOrEqual(13);
    expect(log.segmentBaseOffsets()[0]).toBeGreaterThan(0);
    await expect(log.read(12, 100)).rejects.toMatchObject({ errorName: 'OFFSET_OUT_OF_RANGE' });
    expect(batchesIn((await log.read(13, 1)).records)[0]!.baseOffset).toBe(12);
    await logDir!.abandon();
    logDir = await h.open();
    const again = logDir.partition('t', 0)!;
    expect(again.logStartOffset).toBe(13);
    expect(await again.deleteRecordsBefore(-1)).toBe(40);
    expect(again.segmentCount).toBe(1);
    expect((await again.read(40, 100)).records.length).toBe(0);
    expect((await again.append(makeSizedBatch(1, 1))).baseOffset).toBe(40);
    await logDir.close();
    logDir = await h.open();
    expect(logDir.partition('t', 0)!.logStartOffset).toBe(40);
    expect(logDir.partition('t', 0)!.logEndOffset).toBe(41);
  });
});

describe('idempotent producers', () => {
  const idem = (seq: number, epoch = 0, n = 2) => makeSizedBatch(n, 10, { producerId: 1000, producerEpoch: epoch, baseSequence: seq });

  it('returns the original offset for a duplicate and rejects gaps and fenced epochs', async () => {
    const log = await setup();
    expect((await log.append(idem(0))).baseOffset).toBe(0);
    expect((await log.append(idem(2))).baseOffset).toBe(2);
    const dup = await log.append(idem(0));
    expect(dup).toMatchObject({ baseOffset: 0, lastOffset: 1, duplicate: true });
    expect(log.logEndOffset).toBe(4);
    await expect(log.append(idem(7))).rejects.toMatchObject({ errorName: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
    expect((await log.append(idem(0, 1))).baseOffset).toBe(4);
    await expect(log.append(idem(2, 0))).rejects.toMatchObject({ errorName: 'INVALID_PRODUCER_EPOCH' });
    await expect(log.append(idem(5, 2))).rejects.toMatchObject({ errorName: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
    // Non-idempotent batches skip all of this.
    expect((await log.append(makeSizedBatch(1, 1))).baseOffset).toBe(6);
  });

  it('detects a duplicate sent while the original is still being written', async () => {
    const log = await setup();
    const [a, b] = await Promise.all([log.append(idem(0)), log.append(idem(0))]);
    expect(a.baseOffset).toBe(0);
    expect(b).toMatchObject({ baseOffset: 0, duplicate: true });
    expect(log.logEndOffset).toBe(2);
  });

  it('rebuilds state from the log after an unclean stop, so a retry is not appended twice', async () => {
    const log = await setup({ 'segment.bytes': '200' });
    for (let s = 0; s < 20; s += 2) await log.append(idem(s));
    await logDir!.abandon();
    logDir = await h.open();
    const again = logDir.partition('t', 0)!;
    expect(await again.append(idem(18))).toMatchObject({ baseOffset: 18, duplicate: true });
    expect((await again.append(idem(20))).baseOffset).toBe(20);
    await logDir.close();
    logDir = await h.open(); // clean: from the snapshot
    expect(await logDir.partition('t', 0)!.append(idem(20))).toMatchObject({ baseOffset: 20, duplicate: true });
  });
});

describe('timestamps', () => {
  it('finds the earliest offset at or after a timestamp, and the max timestamp', async () => {
    const log = await setup({ 'segment.bytes': '400', 'index.interval.bytes': '50' });
    // Timestamps not in offset order inside a batch, and a gzip batch.
    await log.append(makeBatch([{ value: 'a', timestamp: 100 }, { value: 'b', timestamp: 300 }, { value: 'c', timestamp: 200 }]));
    for (let i = 0; i < 10; i++) await log.append(makeBatch([{ value: 'x'.repeat(50), timestamp: 400 + i * 10 }]));
    await log.append(makeBatch([{ value: 'g1', timestamp: 1000 }, { value: 'g2', timestamp: 2000 }, { value: 'g3', timestamp: 1500 }], { compress: gzip }));
    expect(await log.offsetForTimestamp(0)).toEqual({ offset: 0, timestamp: 100 });
    expect(await log.offsetForTimestamp(150)).toEqual({ offset: 1, timestamp: 300 });
    expect(await log.offsetForTimestamp(425)).toEqual({ offset: 6, timestamp: 430 });
    expect(await log.offsetForTimestamp(1200)).toEqual({ offset: 14, timestamp: 2000 });
    expect(await log.offsetForTimestamp(2001)).toBeUndefined();
    expect(await log.maxTimestamp()).toEqual({ offset: 14, timestamp: 2000 });
    await logDir!.close();
    logDir = await h.open();
    const again = logDir.partition('t', 0)!;
    expect(await again.maxTimestamp()).toEqual({ offset: 14, timestamp: 2000 });
    expect(await again.offsetForTimestamp(425)).toEqual({ offset: 6, timestamp: 430 });
  });
});
