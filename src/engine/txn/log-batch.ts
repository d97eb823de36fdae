/**
 * `__transaction_state` records as RecordBatch v2 bytes, as Kafka's TransactionStateManager
 * appends them (uncompressed, no producer id, CreateTime = the coordinator's clock), and the
 * reverse for loading. Pure: bytes in, bytes out; the runtime appends and reads the log.
 */
import { crc32c } from '../protocol/crc32c.js';
import { Attr, BATCH_HEADER_SIZE, LOG_OVERHEAD, Off, readBatchHeader } from '../protocol/record-batch.js';
import { Reader } from '../protocol/reader.js';
import { Writer } from '../protocol/writer.js';
import type { TxnLogRecord } from './metadata.js';

/** One uncompressed batch holding the records, base offset 0 (the log assigns offsets). */
export function encodeTxnLogBatch(records: readonly TxnLogRecord[], timestamp: number): Buffer {
  const body = new Writer(128);
  records.forEach((r, i) => {
    const rec = new Writer(32 + r.key.length + (r.value?.length ?? 0));
    rec.int8(0); // record attributes
    rec.varlong(0); // timestamp delta
    rec.varint(i); // offset delta
    rec.varint(r.key.length).raw(r.key);
    if (r.value === null) rec.varint(-1);
    else rec.varint(r.value.length).raw(r.value);
    rec.varint(0); // no headers
    const bytes = rec.toBuffer();
    body.varint(bytes.length).raw(bytes);
  });
  const recordBytes = body.toBuffer();
  const b = Buffer.alloc(BATCH_HEADER_SIZE + recordBytes.length);
  b.writeInt32BE(b.length - LOG_OVERHEAD, Off.batchLength);
  b.writeInt32BE(-1, Off.partitionLeaderEpoch);
  b.writeInt8(2, Off.magic);
  b.writeInt16BE(0, Off.attributes);
  b.writeInt32BE(records.length - 1, Off.lastOffsetDelta);
  b.writeBigInt64BE(BigInt(timestamp), Off.baseTimestamp);
  b.writeBigInt64BE(BigInt(timestamp), Off.maxTimestamp);
  b.writeBigInt64BE(-1n, Off.producerId);
  b.writeInt16BE(-1, Off.producerEpoch);
  b.writeInt32BE(-1, Off.baseSequence);
  b.writeInt32BE(records.length, Off.recordsCount);
  recordBytes.copy(b, BATCH_HEADER_SIZE);
  b.writeUInt32BE(crc32c(b.subarray(Off.attributes)), Off.crc);
  return b;
}

/**
 * The key/value records of the batches in `bytes` (whole batches, as a log read returns them).
 * Control batches (markers) are skipped; a compressed batch is refused, since the coordinator
 * never writes one.
 */
export function decodeTxnLogBatches(bytes: Buffer): { records: TxnLogRecord[]; nextOffset: number } {
  const records: TxnLogRecord[] = [];
  let at = 0;
  let nextOffset = -1;
  while (at + BATCH_HEADER_SIZE <= bytes.length) {
    const h = readBatchHeader(bytes, at);
    if (at + h.size > bytes.length) break;
    nextOffset = h.baseOffset + h.lastOffsetDelta + 1;
    if ((h.attributes & Attr.control) === 0) {
      if ((h.attributes & Attr.compressionMask) !== 0) throw new Error(`compressed batch at offset ${h.baseOffset} in the transaction log`);
      const r = new Reader(bytes.subarray(at + BATCH_HEADER_SIZE, at + h.size));
      for (let i = 0; i < h.recordsCount; i++) {
        r.varint(); // record length
        r.int8();
        r.varlong();
        r.varint();
        const keyLen = r.varint();
        const key = keyLen < 0 ? null : r.raw(keyLen);
        const valueLen = r.varint();
        const value = valueLen < 0 ? null : r.raw(valueLen);
        const headers = r.varint();
        for (let j = 0; j < headers; j++) {
          r.raw(r.varint());
          const hv = r.varint();
          if (hv >= 0) r.raw(hv);
        }
        if (key) records.push({ key: Buffer.from(key), value: value && Buffer.from(value) });
      }
    }
    at += h.size;
  }
  return { records, nextOffset };
}
