/**
 * mq's JSON Lines record format: what `mq-console-consumer --output json` prints and
 * `mq-console-producer --input-format json` reads back.
 *
 *   {"topic":"t","partition":0,"offset":5,"timestamp":1700000000000,
 *    "key":"k","value":"v","headers":[{"key":"h","value":"x"}]}
 *
 * - key / value: a string, or null for a null key/value.
 * - Bytes that are not valid UTF-8 are written base64 and marked: "keyEncoding":"base64",
 *   "valueEncoding":"base64", and per header {"key":"h","value":"...","valueEncoding":"base64"}.
 *   Without a marker the string is UTF-8 text.
 * - headers: an array (order and repeated keys are kept); a header value may be null.
 * - offset and timestamp are numbers (exact up to 2^53).
 *
 * The producer also accepts headers as an object ({"h":"x"}) and ignores topic and offset
 * (records go to --topic and get new offsets); partition and timestamp are kept when present.
 */
import { isUtf8 } from 'node:buffer';

export type BytesEncoding = 'base64';

export interface JsonHeader {
  key: string;
  value: string | null;
  valueEncoding?: BytesEncoding;
}

export interface JsonRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  keyEncoding?: BytesEncoding;
  value: string | null;
  valueEncoding?: BytesEncoding;
  headers: JsonHeader[];
}

export interface RecordLike {
  topic: string;
  partition: number;
  offset: string | number | bigint;
  timestamp: string | number | bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<{ key: string; value: Buffer | null }>;
}

function encodeBytes(b: Buffer | null): { text: string | null; base64: boolean } {
  if (b === null) return { text: null, base64: false };
  if (isUtf8(b)) return { text: b.toString('utf8'), base64: false };
  return { text: b.toString('base64'), base64: true };
}

export function toJsonRecord(r: RecordLike): JsonRecord {
  const k = encodeBytes(r.key);
  const v = encodeBytes(r.value);
  // Each encoding marker sits right after its field.
  return {
    topic: r.topic,
    partition: r.partition,
    offset: Number(r.offset),
    timestamp: Number(r.timestamp),
    key: k.text,
    ...(k.base64 ? { keyEncoding: 'base64' as const } : {}),
    value: v.text,
    ...(v.base64 ? { valueEncoding: 'base64' as const } : {}),
    headers: r.headers.map((h) => {
      const e = encodeBytes(h.value);
      return e.base64 ? { key: h.key, value: e.text, valueEncoding: 'base64' as const } : { key: h.key, value: e.text };
    }),
  };
}

export function jsonLine(r: RecordLike): string {
  return JSON.stringify(toJsonRecord(r)) + '\n';
}

export class JsonRecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonRecordError';
  }
}

export interface ParsedJsonRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<{ key: string; value: Buffer | null }>;
  partition?: number;
  timestamp?: string;
}

function decodeBytes(v: unknown, encoding: unknown, what: string, where: string): Buffer | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string') throw new JsonRecordError(`${what} must be a string or null ${where}`);
  if (encoding === undefined || encoding === null || encoding === 'utf8' || encoding === 'utf-8') return Buffer.from(v, 'utf8');
  if (encoding === 'base64') return Buffer.from(v, 'base64');
  const named = typeof encoding === 'string' ? encoding : JSON.stringify(encoding);
  throw new JsonRecordError(`Unknown ${what}Encoding '${named}' ${where}: expected 'base64'`);
}

/** Parses one JSON line as written by toJsonRecord. */
export function parseJsonRecord(line: string, lineNumber: number): ParsedJsonRecord {
  const where = `on line number ${lineNumber}`;
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch (err) {
    throw new JsonRecordError(`Invalid JSON ${where}: ${(err as Error).message}: '${line}'`);
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new JsonRecordError(`Expected a JSON object ${where}: '${line}'`);
  const r = o as Record<string, unknown>;
  const out: ParsedJsonRecord = {
    key: decodeBytes(r.key, r.keyEncoding, 'key', where),
    value: decodeBytes(r.value, r.valueEncoding, 'value', where),
    headers: [],
  };
  if (r.headers !== undefined && r.headers !== null) {
    if (Array.isArray(r.headers)) {
      for (const h of r.headers) {
        if (typeof h !== 'object' || h === null || typeof (h as JsonHeader).key !== 'string') {
          throw new JsonRecordError(`Each header must be an object with a string "key" ${where}`);
        }
        const hh = h as JsonHeader;
        out.headers.push({ key: hh.key, value: decodeBytes(hh.value, hh.valueEncoding, 'header value', where) });
      }
    } else if (typeof r.headers === 'object') {
      for (const [k, v] of Object.entries(r.headers as Record<string, unknown>)) out.headers.push({ key: k, value: decodeBytes(v, undefined, 'header value', where) });
    } else {
      throw new JsonRecordError(`"headers" must be an array or an object ${where}`);
    }
  }
  if (r.partition !== undefined && r.partition !== null) {
    if (typeof r.partition !== 'number' || !Number.isInteger(r.partition) || r.partition < 0) {
      throw new JsonRecordError(`"partition" must be a non-negative integer ${where}`);
    }
    out.partition = r.partition;
  }
  if (r.timestamp !== undefined && r.timestamp !== null) {
    if (typeof r.timestamp !== 'number' || !Number.isInteger(r.timestamp) || r.timestamp < 0) {
      throw new JsonRecordError(`"timestamp" must be a non-negative integer (milliseconds) ${where}`);
    }
    out.timestamp = String(r.timestamp);
  }
  return out;
}
