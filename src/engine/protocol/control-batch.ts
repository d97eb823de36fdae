/**
 * Transaction markers: the control batches a transaction coordinator writes into every partition
 * of a transaction when it commits or aborts (Kafka's EndTransactionMarker and ControlRecordType,
 * `clients/src/main/java/org/apache/kafka/common/record/`). A marker is a RecordBatch v2 with the
 * transactional and control attribute bits, the producer's id and epoch, no sequence, and one
 * record whose key is (version int16 = 0, type int16) and whose value is (version int16 = 0,
 * coordinator epoch int32).
 */
import { crc32c } from './crc32c.js';
import { Attr, BATCH_HEADER_SIZE, LOG_OVERHEAD, Off, readBatchHeader } from './record-batch.js';

/** ControlRecordType ids; markers are ABORT and COMMIT. */
export const ControlType = { abort: 0, commit: 1 } as const;
export type MarkerType = 'COMMIT' | 'ABORT';

export interface TxnMarker {
  producerId: number;
  producerEpoch: number;
  type: MarkerType;
  coordinatorEpoch: number;
  /** The marker's timestamp (Kafka uses the coordinator's clock). */
  timestamp: number;
}

// One record: length, attributes, timestampDelta, offsetDelta, keyLength, key (4), valueLength,
// value (6), header count. Every varint is a single zigzag byte here.
const KEY_SIZE = 4;
const VALUE_SIZE = 6;
const RECORD_BODY = 1 + 1 + 1 + 1 + KEY_SIZE + 1 + VALUE_SIZE + 1;
const RECORD_SIZE = 1 + RECORD_BODY;
export const MARKER_BATCH_SIZE = BATCH_HEADER_SIZE + RECORD_SIZE;

const TWO_32 = 2 ** 32;
function writeInt64(b: Buffer, at: number, v: number): void {
  const hi = Math.floor(v / TWO_32);
  b.writeInt32BE(hi | 0, at);
  b.writeUInt32BE((v - hi * TWO_32) >>> 0, at + 4);
}
const zigzag = (n: number): number => (n << 1) ^ (n >> 31);

/** Encodes a marker batch with base offset 0; the log assigns the offset and leader epoch as for any batch. */
export function encodeMarkerBatch(m: TxnMarker): Buffer {
  const b = Buffer.alloc(MARKER_BATCH_SIZE);
  b.writeInt32BE(MARKER_BATCH_SIZE - LOG_OVERHEAD, Off.batchLength);
  b.writeInt32BE(-1, Off.partitionLeaderEpoch);
  b.writeInt8(2, Off.magic);
  b.writeInt16BE(Attr.transactional | Attr.control, Off.attributes);
  b.writeInt32BE(0, Off.lastOffsetDelta);
  writeInt64(b, Off.baseTimestamp, m.timestamp);
  writeInt64(b, Off.maxTimestamp, m.timestamp);
  writeInt64(b, Off.producerId, m.producerId);
  b.writeInt16BE(m.producerEpoch, Off.producerEpoch);
  b.writeInt32BE(-1, Off.baseSequence);
  b.writeInt32BE(1, Off.recordsCount);
  let at = Off.records;
  b[at++] = zigzag(RECORD_BODY);
  b[at++] = 0; // record attributes
  b[at++] = 0; // timestamp delta
  b[at++] = 0; // offset delta
  b[at++] = zigzag(KEY_SIZE);
  b.writeInt16BE(0, at); // key version
  b.writeInt16BE(m.type === 'COMMIT' ? ControlType.commit : ControlType.abort, at + 2);
  at += KEY_SIZE;
  b[at++] = zigzag(VALUE_SIZE);
  b.writeInt16BE(0, at); // value version
  b.writeInt32BE(m.coordinatorEpoch, at + 2);
  b[at + VALUE_SIZE] = 0; // no headers
  b.writeUInt32BE(crc32c(b.subarray(Off.attributes)), Off.crc);
  return b;
}

export interface DecodedControl {
  /** ControlRecordType id: 0 ABORT, 1 COMMIT, others (LEADER_CHANGE, ...) are not markers. */
  controlType: number;
  /** Present for ABORT and COMMIT. */
  coordinatorEpoch?: number;
}

function readZigzagVarint(b: Buffer, at: number): [number, number] {
  let v = 0;
  let shift = 0;
  let i = at;
  for (;;) {
    if (i >= b.length || shift > 28) throw new RangeError('bad varint in control record');
    const byte = b[i++]!;
    v |= (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) break;
    shift += 7;
  }
  return [(v >>> 1) ^ -(v & 1), i];
}

/**
 * Reads the control record of an uncompressed control batch starting at `at` (control batches
 * are never compressed). Throws RangeError when the bytes do not hold one.
 */
export function decodeControlBatch(b: Buffer, at = 0): DecodedControl {
  const h = readBatchHeader(b, at);
  if ((h.attributes & Attr.control) === 0) throw new RangeError('not a control batch');
  const end = at + h.size;
  let i = readZigzagVarint(b, at + Off.records)[1]; // record length
  i += 1; // attributes
  i = readZigzagVarint(b, i)[1]; // timestamp delta
  i = readZigzagVarint(b, i)[1]; // offset delta
  let n: number;
  [n, i] = readZigzagVarint(b, i); // key length
  if (n < KEY_SIZE || i + n > end) throw new RangeError('control record key too short');
  const controlType = b.readInt16BE(i + 2);
  i += n;
  if (controlType !== ControlType.abort && controlType !== ControlType.commit) return { controlType };
  [n, i] = readZigzagVarint(b, i); // value length
  if (n < VALUE_SIZE || i + n > end) throw new RangeError('end transaction marker value too short');
  return { controlType, coordinatorEpoch: b.readInt32BE(i + 2) };
}
