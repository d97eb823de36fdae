/**
 * The storage-error path, on the in-memory file system: a failed write or sync takes that
 * partition offline with KAFKA_STORAGE_ERROR (Kafka's KafkaStorageException), nothing acknowledged
 * before is lost across a restart, and the other partitions keep serving.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/engine/clock.js';
import { LogDir, type LogDirOptions } from '../../../src/engine/log/log-dir.js';
import { MemFs } from '../../../src/engine/log/mem-fs.js';
import type { PartitionLog } from '../../../src/engine/log/partition-log.js';
import { batchesIn, makeBatch } from '../../unit/log/batch-builder.js';

const DATA = '/data';
const partDir = (p: number) => `${DATA}/logs/t-${p}`;

let memFs: MemFs;
let clock: ManualClock;
let warnings: string[];
let logDir: LogDir | undefined;

afterEach(async () => {
  await logDir?.abandon().catch(() => undefined);
  logDir = undefined;
});

function open(o: Partial<LogDirOptions> = {}): Promise<LogDir> {
  return LogDir.open(DATA, { fs: memFs, clock, logger: { warn: (m) => warnings.push(m) }, ...o });
}

async function setup(o: Partial<LogDirOptions> = {}, configs: Record<string, string> = {}) {
  memFs = new MemFs();
  clock = new ManualClock();
  warnings = [];
  logDir = await open(o);
  await logDir.createTopic('t', 2, configs);
  return { p0: logDir.partition('t', 0)!, p1: logDir.partition('t', 1)! };
}

/** Appends `n` one-record batches; returns them as stored (append rewrites offsets in place). */
async function appendAcked(log: PartitionLog, n: number, tag: string): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const b = makeBatch([{ value: `${tag}${i}` }]);
    await log.append(b);
    out.push(b);
  }
  return out;
}

async function readBytes(log: PartitionLog, from = log.logStartOffset): Promise<Buffer> {
  const parts: Buffer[] = [];
  let next = from;
  while (next < log.logEndOffset) {
    const r = await log.read(next, 1 << 20);
    const bs = batchesIn(r.records);
    expect(bs.length).toBeGreaterThan(0);
    parts.push(r.records);
    next = bs[bs.length - 1]!.lastOffset + 1;
  }
  return Buffer.concat(parts);
}

const storageError = { errorName: 'KAFKA_STORAGE_ERROR', code: 56 };

/** The partition refuses appends and reads; the other one still appends and reads. */
async function expectOnlyP0Offline(p0: PartitionLog, p1: PartitionLog) {
  expect(p0.offline).toBe(true);
  await expect(p0.append(makeBatch([{ value: 'later' }]))).rejects.toMatchObject(storageError);
  await expect(p0.read(0, 1 << 20)).rejects.toMatchObject(storageError);
  await expect(p0.deleteRecordsBefore(0)).rejects.toMatchObject(storageError);
  expect(p1.offline).toBe(false);
  const before = p1.logEndOffset;
  const b = makeBatch([{ value: 'other' }]);
  expect((await p1.append(b)).baseOffset).toBe(before);
  expect((await p1.read(before, 1 << 20)).records).toEqual(b);
}

/** Clean close (no marker: a partition is offline), restart, and the acknowledged bytes are there. */
async function restartAndCheck(acked: Buffer[], o: Partial<LogDirOptions> = {}): Promise<PartitionLog> {
  await logDir!.close();
  expect(await memFs.exists(`${DATA}/.clean-shutdown`)).toBe(false);
  logDir = await open(o);
  const again = logDir.partition('t', 0)!;
  expect(again.offline).toBe(false);
  const ackedBytes = Buffer.concat(acked);
  expect((await readBytes(again)).subarray(0, ackedBytes.length)).toEqual(ackedBytes);
  const end = again.logEndOffset;
  expect(end).toBeGreaterThanOrEqual(acked.length);
  expect((await again.append(makeBatch([{ value: 'after restart' }]))).baseOffset).toBe(end);
  return again;
}

describe('a storage failure takes one partition offline', () => {
  it('failed fdatasync (fsync mode): the append is refused, nothing acknowledged is lost', async () => {
    const { p0, p1 } = await setup({ fsync: true });
    const acked = await appendAcked(p0, 5, 'a');
    memFs.failNext('sync', 'EIO', { path: partDir(0) });
    const err = await p0.append(makeBatch([{ value: 'unacknowledged' }])).catch((e: unknown) => e);
    expect(err).toMatchObject(storageError);
    expect(String((err as Error).message)).toContain('EIO');
    // The failed batch is not visible: the high watermark only moves on success.
    expect(p0.logEndOffset).toBe(5);
    await expectOnlyP0Offline(p0, p1);
    expect(warnings.some((w) => w.includes('t-0 is offline'))).toBe(true);
    await restartAndCheck(acked, { fsync: true });
    expect(warnings).toContain(`No clean-shutdown marker in ${DATA}: recovering logs`);
  });

  it('failed write in the middle of a group commit: the whole group is refused', async () => {
    const { p0, p1 } = await setup();
    const acked = await appendAcked(p0, 3, 'a');
    // Appends queued behind an exclusive task (a flush) go out together in one writev, which
    // fails after the first two batches and part of the third.
    const batches = ['g0', 'g1', 'g2', 'g3'].map((v) => makeBatch([{ value: v }]));
    memFs.failNext('write', 'EIO', { path: partDir(0), afterBytes: batches[0]!.length + batches[1]!.length + 10 });
    const flushed = p0.flush();
    const results = await Promise.allSettled(batches.map((b) => p0.append(b)));
    await flushed;
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    for (const r of results) expect(r).toMatchObject({ reason: storageError });
    expect(p0.logEndOffset).toBe(3);
    await expectOnlyP0Offline(p0, p1);
    await restartAndCheck(acked);
    expect(warnings.some((w) => w.includes('Recovered partition t-0: truncated 10 bytes of a torn batch'))).toBe(true);
  });

  it('torn write of one batch: recovery cuts it and offsets continue', async () => {
    const { p0, p1 } = await setup();
    const acked = await appendAcked(p0, 4, 'a');
    memFs.failNext('write', 'EIO', { path: partDir(0), afterBytes: 20 });
    await expect(p0.append(makeBatch([{ value: 'torn' }]))).rejects.toMatchObject(storageError);
    await expectOnlyP0Offline(p0, p1);
    const again = await restartAndCheck(acked);
    expect(warnings.some((w) => w.includes('truncated 20 bytes of a torn batch at offset 4'))).toBe(true);
    expect(again.logEndOffset).toBe(5);
  });

  it('full disk (ENOSPC) on a write: KAFKA_STORAGE_ERROR naming the cause', async () => {
    const { p0, p1 } = await setup();
    const acked = await appendAcked(p0, 2, 'a');
    memFs.failNext('write', 'ENOSPC', { path: partDir(0), afterBytes: 7 });
    const err = await p0.append(makeBatch([{ value: 'no room' }])).catch((e: unknown) => e);
    expect(err).toMatchObject(storageError);
    expect(String((err as Error).message)).toContain('ENOSPC');
    await expectOnlyP0Offline(p0, p1);
    await restartAndCheck(acked);
  });

  it('full disk when a roll creates the next segment', async () => {
    const { p0, p1 } = await setup({}, { 'segment.bytes': '200' });
    const acked = await appendAcked(p0, 2, 'a');
    memFs.failNext('open', 'ENOSPC', { path: partDir(0) });
    // Enough bytes to need a new segment.
    await expect(p0.append(makeBatch([{ value: 'x'.repeat(150) }]))).rejects.toMatchObject(storageError);
    await expectOnlyP0Offline(p0, p1);
    await restartAndCheck(acked);
  });

  it('failed rename of an index file when a finished segment is put away in the background', async () => {
    const { p0, p1 } = await setup({}, { 'segment.bytes': '200' });
    const acked = await appendAcked(p0, 2, 'a');
    memFs.failNext('rename', 'EIO', { path: partDir(0) });
    const big = makeBatch([{ value: 'x'.repeat(150) }]);
    // The roll itself succeeds and the batch is acknowledged; the finished segment's index files
    // are written afterwards, and that failure takes the partition offline.
    await p0.append(big);
    acked.push(big);
    await expect.poll(() => p0.offline).toBe(true);
    await expectOnlyP0Offline(p0, p1);
    await restartAndCheck(acked);
  });

  it('failed checkpoint write in DeleteRecords', async () => {
    const { p0, p1 } = await setup();
    const acked = await appendAcked(p0, 4, 'a');
    memFs.failNext('sync', 'EIO', { path: `${partDir(0)}/log-start-offset.tmp` });
    await expect(p0.deleteRecordsBefore(2)).rejects.toMatchObject(storageError);
    await expectOnlyP0Offline(p0, p1);
    // The checkpoint was not replaced, so the restart starts from offset 0 with everything kept.
    const again = await restartAndCheck(acked);
    expect(again.logStartOffset).toBe(0);
  });

  it('a clean close after the failure skips the offline partition and still closes the others', async () => {
    const { p0, p1 } = await setup();
    await appendAcked(p0, 1, 'a');
    const other = await appendAcked(p1, 3, 'b');
    memFs.failNext('write', 'EIO', { path: partDir(0) });
    await expect(p0.append(makeBatch([{ value: 'x' }]))).rejects.toMatchObject(storageError);
    await logDir!.close();
    expect(memFs.openDescriptors).toBe(0);
    // The healthy partition was closed cleanly: its active segment got its index files.
    expect(await memFs.exists(`${partDir(1)}/00000000000000000000.index`)).toBe(true);
    expect(await memFs.exists(`${partDir(0)}/00000000000000000000.index`)).toBe(false);
    logDir = await open();
    expect(await readBytes(logDir.partition('t', 1)!)).toEqual(Buffer.concat(other));
  });
});

describe('power loss (what was not fsynced is gone)', () => {
  async function crashAndReopen(o: Partial<LogDirOptions>): Promise<PartitionLog> {
    await logDir!.abandon();
    memFs.loseUnsynced();
    logDir = await open(o);
    return logDir.partition('t', 0)!;
  }

  it.each([
    ['the broker fsyncs every append', { fsync: true }, {}],
    ['the topic has flush.messages=1', {}, { 'flush.messages': '1' }],
  ])('keeps every acknowledged batch when %s', async (_what, o: Partial<LogDirOptions>, configs: Record<string, string>) => {
    const { p0 } = await setup(o, { 'segment.bytes': '400', ...configs });
    const acked = await appendAcked(p0, 12, 'a');
    expect(p0.segmentCount).toBeGreaterThan(2);
    const again = await crashAndReopen(o);
    expect(again.logEndOffset).toBe(12);
    expect(await readBytes(again)).toEqual(Buffer.concat(acked));
  });

  it('loses what was only handed to the OS otherwise (the model has teeth)', async () => {
    const { p0 } = await setup();
    await appendAcked(p0, 5, 'a');
    const again = await crashAndReopen({});
    expect(again.logEndOffset).toBe(0);
  });
});
