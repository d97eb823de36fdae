import { describe, expect, it } from 'vitest';
import { MARKER_BATCH_SIZE, decodeControlBatch, encodeMarkerBatch } from '../../../src/engine/protocol/control-batch.js';
import { Attr, checkBatch, readBatchHeader } from '../../../src/engine/protocol/record-batch.js';

describe('transaction marker batches', () => {
  it('encode a valid RecordBatch v2: control and transactional bits, the producer, no sequence, one record', () => {
    const b = encodeMarkerBatch({ producerId: 4242, producerEpoch: 7, type: 'COMMIT', coordinatorEpoch: 3, timestamp: 1_700_000_000_123 });
    expect(b.length).toBe(MARKER_BATCH_SIZE);
    expect(checkBatch(b).kind).toBe('ok');
    const h = readBatchHeader(b);
    expect(h).toMatchObject({ magic: 2, producerId: 4242, producerEpoch: 7, baseSequence: -1, recordsCount: 1, lastOffsetDelta: 0 });
    expect(h.maxTimestamp).toBe(1_700_000_000_123);
    expect(h.attributes & (Attr.control | Attr.transactional)).toBe(Attr.control | Attr.transactional);
    expect(h.attributes & Attr.compressionMask).toBe(0);
  });

  it('decode back to their type and coordinator epoch', () => {
    expect(decodeControlBatch(encodeMarkerBatch({ producerId: 1, producerEpoch: 0, type: 'COMMIT', coordinatorEpoch: 9, timestamp: 0 }))).toEqual({ controlType: 1, coordinatorEpoch: 9 });
    expect(decodeControlBatch(encodeMarkerBatch({ producerId: 1, producerEpoch: 0, type: 'ABORT', coordinatorEpoch: 0, timestamp: 0 }))).toEqual({ controlType: 0, coordinatorEpoch: 0 });
  });

  it('refuse a batch that is not a control batch', () => {
    const b = encodeMarkerBatch({ producerId: 1, producerEpoch: 0, type: 'ABORT', coordinatorEpoch: 0, timestamp: 0 });
    b.writeInt16BE(Attr.transactional, 21);
    expect(() => decodeControlBatch(b)).toThrow(RangeError);
  });
});
