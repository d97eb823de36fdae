/**
 * mq's consumer dropping aborted transactions from a read_committed answer, as Kafka's
 * CompletedFetch does: a producer's transactional batches are skipped from the listed first
 * offset until its ABORT marker; markers never reach the visitor; positions move past both.
 */
import { describe, expect, it } from 'vitest';
import { decodeRecords, readRecords, RecordCursor } from '../../../src/engine/client/record-reader.js';
import { encodeMarkerBatch, type MarkerType } from '../../../src/engine/protocol/control-batch.js';
import { setBaseOffset } from '../../../src/engine/protocol/record-batch.js';
import { makeBatch } from '../log/batch-builder.js';

/** Concatenates batches as a Fetch answer holds them, assigning offsets from 0. */
function answer(parts: Array<{ pid?: number; values?: string[]; marker?: MarkerType }>): Buffer {
  let offset = 0;
  const bufs = parts.map((p) => {
    const b = p.marker
      ? encodeMarkerBatch({ producerId: p.pid!, producerEpoch: 0, type: p.marker, coordinatorEpoch: 0, timestamp: 1 })
      : makeBatch(
          p.values!.map((value) => ({ value })),
          p.pid === undefined ? {} : { producerId: p.pid, producerEpoch: 0, baseSequence: offset, transactional: true },
        );
    setBaseOffset(b, offset);
    offset += p.marker ? 1 : p.values!.length;
    return b;
  });
  return Buffer.concat(bufs);
}

const values = async (data: Buffer, position: number, aborted?: { producerId: number; firstOffset: number }[]) =>
  (await decodeRecords(data, position, aborted)).map((r) => `${r.offset}:${r.value!.toString()}`);

describe('read_committed filtering', () => {
  // 0 x | 1-2 P: p1 p2 | 3 Q: q1 | 4 ABORT P | 5 P: p3 | 6 COMMIT P | 7 ABORT Q | 8 y
  const data = answer([
    { values: ['x'] },
    { pid: 1, values: ['p1', 'p2'] },
    { pid: 2, values: ['q1'] },
    { pid: 1, marker: 'ABORT' },
    { pid: 1, values: ['p3'] },
    { pid: 1, marker: 'COMMIT' },
    { pid: 2, marker: 'ABORT' },
    { values: ['y'] },
  ]);
  const aborted = [
    { producerId: 2, firstOffset: 3 },
    { producerId: 1, firstOffset: 1 },
  ];

  it("drops each aborted transaction up to its producer's ABORT marker, keeping that producer's next transaction", async () => {
    expect(await values(data, 0, aborted)).toEqual(['0:x', '5:p3', '8:y']);
    expect(await values(data, 0)).toEqual(['0:x', '1:p1', '2:p2', '3:q1', '5:p3', '8:y']);
    expect(await values(data, 0, [])).toEqual(['0:x', '1:p1', '2:p2', '3:q1', '5:p3', '8:y']);
  });

  it('applies the batches below the position to its state (a marker there ends the abort)', async () => {
    expect(await values(data, 5, aborted)).toEqual(['5:p3', '8:y']);
    expect(await values(data, 2, aborted)).toEqual(['5:p3', '8:y']);
  });

  it('moves the position past skipped batches and markers', async () => {
    const r = await readRecords(data, 0, new RecordCursor(), () => true, aborted);
    expect(r).toEqual({ next: 9, stopped: false });
    const tail = answer([{ values: ['x'] }, { pid: 1, values: ['p1'] }, { pid: 1, marker: 'ABORT' }]);
    expect(await readRecords(tail, 0, new RecordCursor(), () => true, [{ producerId: 1, firstOffset: 1 }])).toEqual({ next: 3, stopped: false });
  });
});
