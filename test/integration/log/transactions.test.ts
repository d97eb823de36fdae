/**
 * Transactions in the storage engine: transactional data and COMMIT/ABORT markers through a real
 * LogDir on disk, the last stable offset, read_committed reads with the aborted-transaction list,
 * the `.txnindex` files, and recovery after clean and unclean stops.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogDir } from '../../../src/engine/log/log-dir.js';
import type { PartitionLog } from '../../../src/engine/log/partition-log.js';
import { encodeMarkerBatch, type MarkerType } from '../../../src/engine/protocol/control-batch.js';
import { batchesIn, makeSizedBatch } from '../../unit/log/batch-builder.js';
import { harness, type Harness } from './harness.js';

let h: Harness;
let logDir: LogDir | undefined;
afterEach(async () => {
  await logDir?.abandon().catch(() => undefined);
  logDir = undefined;
  h?.cleanup();
});

async function setup(configs: Record<string, string> = {}): Promise<PartitionLog> {
  h = harness();
  logDir = await h.open();
  await logDir.createTopic('t', 1, configs);
  return logDir.partition('t', 0)!;
}

async function reopen(clean: boolean): Promise<PartitionLog> {
  if (clean) await logDir!.close();
  else await logDir!.abandon();
  logDir = await h.open();
  return logDir.partition('t', 0)!;
}

const seqs = new Map<number, number>();
/** A transactional batch of `n` records from producer `pid`, sequences continuing per producer. */
function txn(pid: number, n = 2, epoch = 0): Buffer {
  const seq = seqs.get(pid) ?? 0;
  seqs.set(pid, seq + n);
  return makeSizedBatch(n, 10, { producerId: pid, producerEpoch: epoch, baseSequence: seq, transactional: true });
}
const marker = (producerId: number, type: MarkerType, coordinatorEpoch = 0, producerEpoch = 0) => ({
  producerId,
  producerEpoch,
  type,
  coordinatorEpoch,
  timestamp: 1_700_000_000_000,
});
afterEach(() => seqs.clear());

/** Base offsets of the batches read_committed returns from `from`, following on until nothing more. */
async function committedBatches(log: PartitionLog, from: number) {
  const out: number[] = [];
  const aborted: { producerId: number; firstOffset: number }[] = [];
  let next = from;
  for (;;) {
    const r = await log.read(next, 1 << 20, 'read_committed');
    const bs = batchesIn(r.records);
    if (bs.length === 0) return { batches: out, aborted, lastStableOffset: r.lastStableOffset };
    out.push(...bs.map((b) => b.baseOffset));
    for (const a of r.abortedTransactions ?? []) if (!aborted.some((x) => x.producerId === a.producerId && x.firstOffset === a.firstOffset)) aborted.push(a);
    next = bs[bs.length - 1]!.lastOffset + 1;
  }
}

describe('last stable offset', () => {
  it('stays at the first offset of the oldest ongoing transaction until its marker, then moves to the high watermark', async () => {
    const log = await setup();
    await log.append(makeSizedBatch(2, 10)); // 0-1, plain
    expect(log.lastStableOffset).toBe(2);
    await log.append(txn(100)); // 2-3
    await log.append(txn(200)); // 4-5
    await log.append(txn(100)); // 6-7
    expect(log.lastStableOffset).toBe(2);
    expect(log.ongoingTransactions()).toEqual([
      { producerId: 100, firstOffset: 2 },
      { producerId: 200, firstOffset: 4 },
    ]);
    const m = await log.appendMarker(marker(100, 'COMMIT'));
    expect(m.baseOffset).toBe(8);
    expect(log.lastStableOffset).toBe(4);
    await log.appendMarker(marker(200, 'ABORT'));
    expect(log.lastStableOffset).toBe(10);
    expect(log.highWatermark).toBe(10);
    expect(log.abortedTransactions()).toEqual([{ producerId: 200, firstOffset: 4, lastOffset: 9, lastStableOffset: 10 }]);
  });

  it('read_committed returns only batches below the LSO; read_uncommitted returns everything and reports the LSO', async () => {
    const log = await setup();
    await log.append(makeSizedBatch(1, 10)); // 0
    await log.append(txn(1)); // 1-2
    await log.append(makeSizedBatch(1, 10)); // 3
    const rc = await log.read(0, 1 << 20, 'read_committed');
    expect(batchesIn(rc.records).map((b) => b.baseOffset)).toEqual([0]);
    expect(rc.lastStableOffset).toBe(1);
    expect(rc.abortedTransactions).toEqual([]);
    const atLso = await log.read(1, 1 << 20, 'read_committed');
    expect(atLso.records.length).toBe(0);
    const ru = await log.read(0, 1 << 20);
    expect(batchesIn(ru.records).map((b) => b.baseOffset)).toEqual([0, 1, 3]);
    expect(ru.lastStableOffset).toBe(1);
    expect(ru.abortedTransactions).toBeUndefined();
  });

  it('lists the aborted transactions overlapping what read_committed returns, and only those', async () => {
    const log = await setup();
    await log.append(txn(1)); // 0-1 aborted
    await log.appendMarker(marker(1, 'ABORT')); // 2
    await log.append(txn(2)); // 3-4 committed
    await log.appendMarker(marker(2, 'COMMIT')); // 5
    await log.append(txn(3)); // 6-7 aborted
    await log.appendMarker(marker(3, 'ABORT')); // 8
    const all = await log.read(0, 1 << 20, 'read_committed');
    expect(all.abortedTransactions).toEqual([
      { producerId: 1, firstOffset: 0 },
      { producerId: 3, firstOffset: 6 },
    ]);
    // From 3 with room for one batch only: [3, 5) holds no aborted data.
    const one = await log.read(3, 1, 'read_committed');
    expect(batchesIn(one.records).map((b) => b.baseOffset)).toEqual([3]);
    expect(one.abortedTransactions).toEqual([]);
    const tail = await log.read(6, 1 << 20, 'read_committed');
    expect(tail.abortedTransactions).toEqual([{ producerId: 3, firstOffset: 6 }]);
  });

  it('refuses markers with an older producer epoch or coordinator epoch, and control batches from append', async () => {
    const log = await setup();
    await log.append(txn(1, 1, 2));
    await expect(log.appendMarker(marker(1, 'COMMIT', 0, 1))).rejects.toMatchObject({ errorName: 'INVALID_PRODUCER_EPOCH' });
    await log.appendMarker(marker(1, 'COMMIT', 3, 2));
    await expect(log.appendMarker(marker(1, 'ABORT', 2, 2))).rejects.toMatchObject({
      errorName: 'TRANSACTION_COORDINATOR_FENCED',
      message: 'Invalid coordinator epoch for producerId 1: 2 (zombie), 3 (current) in partition t-0',
    });
    await expect(log.append(encodeMarkerBatch(marker(1, 'ABORT', 3, 2)))).rejects.toMatchObject({ errorName: 'INVALID_RECORD' });
    expect(log.logEndOffset).toBe(2);
  });

  it('a marker queued behind data holds the LSO until it is written: the aborted list is never missing', async () => {
    const log = await setup();
    await log.append(txn(1)); // 0-1
    // Data and marker in one group commit; a read between assignment and write sees the LSO at 0.
    const p = Promise.all([log.append(makeSizedBatch(1, 10)), log.appendMarker(marker(1, 'ABORT'))]);
    expect(log.lastStableOffset).toBe(0);
    await p;
    const r = await log.read(0, 1 << 20, 'read_committed');
    expect(batchesIn(r.records).map((b) => b.baseOffset)).toEqual([0, 2, 3]);
    expect(r.abortedTransactions).toEqual([{ producerId: 1, firstOffset: 0 }]);
  });
});

describe('.txnindex files and recovery', () => {
  const txnIndexFiles = () => fs.readdirSync(path.join(h.dir, 'logs', 't-0')).filter((n) => n.endsWith('.txnindex')).sort();

  it('writes the aborted transactions of each segment next to it, and deletes them with it', async () => {
    const log = await setup({ 'segment.bytes': '250' });
    for (let i = 0; i < 4; i++) {
      await log.append(txn(10 + i));
      await log.appendMarker(marker(10 + i, i % 2 ? 'COMMIT' : 'ABORT'));
    }
    await log.append(makeSizedBatch(1, 10));
    expect(log.segmentCount).toBeGreaterThan(2);
    await logDir!.close();
    const files = txnIndexFiles();
    expect(files.length).toBeGreaterThan(0);
    const entries = files.flatMap((f) => {
      const b = fs.readFileSync(path.join(h.dir, 'logs', 't-0', f));
      return Array.from({ length: b.length / 34 }, (_, i) => Number(b.readBigInt64BE(i * 34 + 2)));
    });
    expect(entries).toEqual([10, 12]);
    logDir = await h.open();
    const again = logDir.partition('t', 0)!;
    expect(again.abortedTransactions().map((t) => t.producerId)).toEqual([10, 12]);
    expect((await committedBatches(again, 0)).aborted).toEqual([
      { producerId: 10, firstOffset: 0 },
      { producerId: 12, firstOffset: 6 },
    ]);
    // DeleteRecords past the first aborted transaction: its segment and index go.
    await again.deleteRecordsBefore(4);
    expect(again.logStartOffset).toBe(4);
    const r = await committedBatches(again, 4);
    expect(r.aborted).toEqual([{ producerId: 12, firstOffset: 6 }]);
    expect(again.abortedTransactions().map((t) => t.producerId)).not.toContain(10);
  });

  it('after kill -9 with a transaction half written, the LSO is still held and the producer state is the same', async () => {
    const log = await setup({ 'segment.bytes': '300' });
    await log.append(txn(1)); // 0-1
    await log.appendMarker(marker(1, 'ABORT', 4)); // 2
    await log.append(txn(2)); // 3-4
    await log.append(makeSizedBatch(3, 10)); // 5-7
    await log.append(txn(2)); // 8-9
    const before = { state: log.producerState(), lso: log.lastStableOffset, aborted: log.abortedTransactions() };
    expect(before.lso).toBe(3);
    const again = await reopen(false);
    expect(again.lastStableOffset).toBe(3);
    expect(again.producerState()).toEqual(before.state);
    expect(again.abortedTransactions()).toEqual(before.aborted);
    expect((await again.read(0, 1 << 20, 'read_committed')).abortedTransactions).toEqual([{ producerId: 1, firstOffset: 0 }]);
    // The coordinator epoch survived: a zombie coordinator's marker is still refused.
    await expect(again.appendMarker(marker(1, 'COMMIT', 3))).rejects.toMatchObject({ errorName: 'TRANSACTION_COORDINATOR_FENCED' });
    await again.appendMarker(marker(2, 'COMMIT', 4));
    expect(again.lastStableOffset).toBe(again.highWatermark);
    const clean = await reopen(true);
    expect(clean.lastStableOffset).toBe(clean.highWatermark);
    expect(clean.producerState()).toEqual(again.producerState());
  });

  it('rebuilds a damaged or missing .txnindex from the log', async () => {
    const log = await setup({ 'segment.bytes': '200' });
    await log.append(txn(1));
    await log.appendMarker(marker(1, 'ABORT'));
    for (let i = 0; i < 4; i++) await log.append(makeSizedBatch(2, 10));
    await logDir!.close();
    const [first] = txnIndexFiles();
    expect(first).toBeDefined();
    fs.writeFileSync(path.join(h.dir, 'logs', 't-0', first!), Buffer.alloc(20)); // not a multiple of 34
    logDir = await h.open();
    expect(logDir.partition('t', 0)!.abortedTransactions()).toEqual([{ producerId: 1, firstOffset: 0, lastOffset: 2, lastStableOffset: 3 }]);
    expect(fs.readFileSync(path.join(h.dir, 'logs', 't-0', first!)).length).toBe(34);
  });

  it('keeps the LSO at or above the log start offset when DeleteRecords passes an ongoing transaction', async () => {
    const log = await setup({ 'segment.bytes': '200' });
    await log.append(txn(1)); // 0-1, ongoing
    for (let i = 0; i < 4; i++) await log.append(makeSizedBatch(2, 10));
    expect(log.lastStableOffset).toBe(0);
    await log.deleteRecordsBefore(5);
    expect(log.lastStableOffset).toBe(5);
    await log.append(txn(1)); // continues the transaction
    await log.appendMarker(marker(1, 'ABORT'));
    expect(log.lastStableOffset).toBe(log.highWatermark);
    expect(log.abortedTransactions()).toEqual([{ producerId: 1, firstOffset: 0, lastOffset: 12, lastStableOffset: 13 }]);
    // Entries starting below the log start are returned for fetches that overlap them, as Kafka does.
    expect((await log.read(5, 1 << 20, 'read_committed')).abortedTransactions).toEqual([{ producerId: 1, firstOffset: 0 }]);
  });

  it('retention.ms deleting the segment where an ongoing transaction started keeps the LSO at the log start offset, and its index entries go', async () => {
    const log = await setup({ 'segment.bytes': '200', 'retention.ms': '60000' });
    await log.append(txn(1)); // 0-1 aborted below
    await log.appendMarker(marker(1, 'ABORT')); // 2
    await log.append(txn(2)); // 3-4, ongoing
    for (let i = 0; i < 4; i++) await log.append(makeSizedBatch(2, 10));
    expect(log.lastStableOffset).toBe(3);
    expect(log.segmentCount).toBeGreaterThan(2);
    const segments = log.segmentCount;
    // Every batch is now 10 minutes old: retention (the background check, then this one) deletes all but the active segment.
    h.clock.advance(10 * 60_000);
    await logDir!.runRetention();
    expect(log.segmentCount).toBeLessThan(segments);
    expect(log.logStartOffset).toBeGreaterThan(3);
    expect(log.lastStableOffset).toBe(log.logStartOffset);
    expect(log.abortedTransactions()).toEqual([]);
    expect(txnIndexFiles()).toEqual([]);
    await log.appendMarker(marker(2, 'COMMIT'));
    expect(log.lastStableOffset).toBe(log.highWatermark);
  });
});
