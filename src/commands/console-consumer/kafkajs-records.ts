/**
 * kafkajs 2.2.4 turns a record's headers into an object, which loses their order when a key
 * repeats between others (a, b, a -> a: [1, 3], b) and drops the batch's timestamp type. The
 * console consumer needs both (Kafka prints headers in order; the JSON output must round-trip),
 * so before kafkajs is loaded we put a record decoder in its place that decodes the same fields
 * and also keeps `headerList` (in order) and `timestampType`.
 *
 * This must run before kafkajs' RecordBatch decoder module is first required; when kafkajs was
 * already loaded in this process (in-process tests), nothing changes and the consumer falls back
 * to kafkajs' header object.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface KafkajsDecoder {
  readInt8(): number;
  readVarLong(): { add(x: unknown): { toString(): string } };
  readVarInt(): number;
  readVarIntBytes(): Buffer | null;
  readVarIntString(): string;
  readVarIntArray<T>(f: (d: KafkajsDecoder) => T): T[];
}

interface BatchContext {
  firstOffset?: string;
  firstTimestamp?: string;
  magicByte?: number;
  isControlBatch?: boolean;
  timestampType?: number;
  maxTimestamp?: string;
}

export interface OrderedRecordFields {
  headerList?: Array<{ key: string; value: Buffer | null }>;
  timestampType?: number;
}

let state: 'unknown' | 'installed' | 'unavailable' = 'unknown';

/** true when records will carry `headerList` and `timestampType`. */
export function installOrderedHeaders(): boolean {
  if (state !== 'unknown') return state === 'installed';
  state = 'unavailable';
  try {
    const recordPath = require.resolve('kafkajs/src/protocol/recordBatch/record/v0/decoder.js');
    const batchPath = require.resolve('kafkajs/src/protocol/recordBatch/v0/decoder.js');
    if (require.cache[batchPath]) return false; // kafkajs already holds the original decoder
    const Long = require('kafkajs/src/utils/long') as { fromValue(v: unknown): { add(x: unknown): { toString(): string } } };
    const LOG_APPEND_TIME = (require('kafkajs/src/protocol/timestampTypes') as { LOG_APPEND_TIME: number }).LOG_APPEND_TIME;
    require(recordPath);
    const cached = require.cache[recordPath];
    if (!cached) return false;
    cached.exports = (decoder: KafkajsDecoder, batchContext: BatchContext = {}) => {
      const { firstOffset, firstTimestamp, magicByte, isControlBatch = false, timestampType, maxTimestamp } = batchContext;
      const attributes = decoder.readInt8();
      const timestampDelta = decoder.readVarLong();
      const timestamp =
        timestampType === LOG_APPEND_TIME && maxTimestamp ? maxTimestamp : Long.fromValue(firstTimestamp).add(timestampDelta).toString();
      const offsetDelta = decoder.readVarInt();
      const offset = Long.fromValue(firstOffset).add(offsetDelta).toString();
      const key = decoder.readVarIntBytes();
      const value = decoder.readVarIntBytes();
      const headerList = decoder.readVarIntArray((d) => ({ key: d.readVarIntString(), value: d.readVarIntBytes() }));
      const headers: Record<string, Buffer | null | Array<Buffer | null>> = {};
      for (const h of headerList) {
        const prev = Object.prototype.hasOwnProperty.call(headers, h.key) ? headers[h.key] : undefined;
        const next = prev === undefined ? h.value : Array.isArray(prev) ? [...prev, h.value] : [prev, h.value];
        Object.defineProperty(headers, h.key, { value: next, enumerable: true, writable: true, configurable: true });
      }
      return { magicByte, attributes, timestamp, offset, key, value, headers, headerList, timestampType, isControlRecord: isControlBatch, batchContext };
    };
    state = 'installed';
    return true;
  } catch {
    return false;
  }
}
