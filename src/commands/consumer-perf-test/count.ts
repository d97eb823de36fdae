/**
 * Counting what a Fetch returned, as ConsumerPerformance counts polled records: one message per
 * data record at or after the fetch position, bytes = key length + value length. Record counts
 * and offsets come from the batch headers; records are walked (varint lengths only, no BigInt,
 * no objects) for their key/value sizes, after decompression when the batch is compressed.
 * Control batches (transaction markers) are skipped, as the Java consumer never returns them.
 *
 *   const r = await countRecords(recordsBuffer, position, maxMessages);
 *   r.messages, r.bytes, r.nextOffset   // nextOffset: after the last complete batch (or `position`)
 */
import { decompress } from '../console-producer/batch.js';

const HEADER = 61;

export interface Counted {
  messages: number;
  bytes: number;
  /** Position after the records counted (the next fetch offset). */
  nextOffset: number;
}

/** Reads a zigzag varint at `at`; returns [value, next position]. Safe for |v| < 2^53. */
function varint(b: Buffer, at: number): [number, number] {
  let result = 0;
  let mul = 1;
  for (;;) {
    const byte = b[at++];
    if (byte === undefined) throw new Error('truncated record');
    result += (byte & 0x7f) * mul;
    if ((byte & 0x80) === 0) break;
    mul *= 128;
  }
  const v = result % 2 === 1 ? -(result + 1) / 2 : result / 2;
  return [v, at];
}

/** Skips a varint; returns the next position. */
function skipVarint(b: Buffer, at: number): number {
  while ((b[at++]! & 0x80) !== 0) {
    if (at >= b.length) throw new Error('truncated record');
  }
  return at;
}

/**
 * Counts the records of `data` with offset >= `position`, at most `limit` of them. A truncated
 * last batch is left for the next fetch.
 */
export async function countRecords(data: Buffer, position: number, limit = Infinity): Promise<Counted> {
  let messages = 0;
  let bytes = 0;
  let next = position;
  let pos = 0;
  while (pos + HEADER <= data.length && messages < limit) {
    const size = data.readInt32BE(pos + 8) + 12;
    if (size < HEADER || pos + size > data.length) break;
    const baseOffset = Number(data.readBigInt64BE(pos));
    const lastOffset = baseOffset + data.readInt32BE(pos + 23);
    const magic = data[pos + 16];
    if (lastOffset < position) {
      pos += size;
      continue;
    }
    const attributes = data.readInt16BE(pos + 21);
    const count = data.readInt32BE(pos + 57);
    if (magic !== 2) throw new Error(`Unsupported record batch magic ${magic}`);
    if ((attributes & 0x20) !== 0) {
      // control batch: no data records
      next = Math.max(next, lastOffset + 1);
      pos += size;
      continue;
    }
    const codec = attributes & 7;
    const records = codec === 0 ? data.subarray(pos + HEADER, pos + size) : await decompress(codec, data.subarray(pos + HEADER, pos + size));
    let at = 0;
    let whole = true;
    for (let i = 0; i < count; i++) {
      let len: number;
      [len, at] = varint(records, at);
      const end = at + len;
      let p = at + 1; // attributes
      p = skipVarint(records, p); // timestamp delta
      let offDelta: number;
      [offDelta, p] = varint(records, p);
      if (baseOffset + offDelta >= position) {
        let klen: number;
        [klen, p] = varint(records, p);
        if (klen > 0) {
          bytes += klen;
          p += klen;
        }
        let vlen: number;
        [vlen, p] = varint(records, p);
        if (vlen > 0) bytes += vlen;
        messages++;
        next = baseOffset + offDelta + 1;
        if (messages >= limit) {
          whole = i === count - 1;
          break;
        }
      }
      at = end;
    }
    if (whole) next = Math.max(next, lastOffset + 1);
    pos += size;
  }
  return { messages, bytes, nextOffset: next };
}
