/**
 * Kafka's DefaultMessageFormatter (tools/src/main/java/org/apache/kafka/tools/consumer/
 * DefaultMessageFormatter.java): the fields a record prints, in Kafka's fixed
 * order, each followed by key.separator except the last, which gets line.separator.
 * Output is bytes: keys and values are written as stored, never re-encoded.
 */
import { OutBuffer } from '../../cli/out-buffer.js';

export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: string | number;
  /** Milliseconds; -1 when absent. */
  timestamp: string | number;
  timestampType: 'CreateTime' | 'LogAppendTime' | 'NoTimestampType';
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<{ key: string; value: Buffer | null }>;
}

export type Deserializer = (bytes: Buffer) => Buffer;

export interface FormatterConfig {
  printTimestamp: boolean;
  printKey: boolean;
  printOffset: boolean;
  printPartition: boolean;
  printHeaders: boolean;
  printValue: boolean;
  keySeparator: Buffer;
  lineSeparator: Buffer;
  headersSeparator: Buffer;
  nullLiteral: Buffer;
  keyDeserializer?: Deserializer;
  valueDeserializer?: Deserializer;
  headersDeserializer?: Deserializer;
  /** Cached by writeRecord: nothing but the value is printed. */
  valueOnly?: boolean;
}

export class FormatterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FormatterError';
  }
}

const bool = (v: string | undefined, dflt: boolean): boolean => (v === undefined ? dflt : v.trim().toLowerCase() === 'true');

/** Java deserializers the formatter understands; anything else is refused with a clear message. */
const DESERIALIZERS: Record<string, Deserializer | null> = {
  StringDeserializer: null,
  ByteArrayDeserializer: null,
  ByteBufferDeserializer: null,
  BytesDeserializer: null,
  VoidDeserializer: null,
  IntegerDeserializer: (b) => fixed(b, 4, 'Integer', () => String(b.readInt32BE(0))),
  LongDeserializer: (b) => fixed(b, 8, 'Long', () => String(b.readBigInt64BE(0))),
  ShortDeserializer: (b) => fixed(b, 2, 'Short', () => String(b.readInt16BE(0))),
  FloatDeserializer: (b) => fixed(b, 4, 'Float', () => javaDouble(b.readFloatBE(0), true)),
  DoubleDeserializer: (b) => fixed(b, 8, 'Double', () => javaDouble(b.readDoubleBE(0), false)),
  UUIDDeserializer: (b) => b,
};

function fixed(b: Buffer, size: number, what: string, f: () => string): Buffer {
  if (b.length !== size) throw new FormatterError(`Size of data received by ${what}Deserializer is not ${size}`);
  return Buffer.from(f(), 'utf8');
}

function javaDouble(n: number, isFloat: boolean): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  const v = isFloat ? Number(n.toPrecision(7)) : n;
  return Number.isInteger(v) && Math.abs(v) < 1e7 ? v.toFixed(1) : String(v);
}

export function deserializerFor(className: string): Deserializer | undefined {
  const simple = className.slice(className.lastIndexOf('.') + 1);
  if (!(simple in DESERIALIZERS)) {
    throw new FormatterError(`Unsupported deserializer '${className}': mq understands ${Object.keys(DESERIALIZERS).map((n) => `org.apache.kafka.common.serialization.${n}`).join(', ')}`);
  }
  return DESERIALIZERS[simple] ?? undefined;
}

/** DefaultMessageFormatter.configure: defaults overridden by the formatter properties. */
export function formatterConfig(props: ReadonlyMap<string, string>): FormatterConfig {
  const sep = (k: string, dflt: string) => Buffer.from(props.get(k) ?? dflt, 'utf8');
  const deser = (k: string) => {
    const v = props.get(k);
    return v === undefined || v.trim() === '' ? undefined : deserializerFor(v.trim());
  };
  return {
    printTimestamp: bool(props.get('print.timestamp'), false),
    printKey: bool(props.get('print.key'), false),
    printOffset: bool(props.get('print.offset'), false),
    printPartition: bool(props.get('print.partition'), false),
    printHeaders: bool(props.get('print.headers'), false),
    printValue: bool(props.get('print.value'), true),
    keySeparator: sep('key.separator', '\t'),
    lineSeparator: sep('line.separator', '\n'),
    headersSeparator: sep('headers.separator', ','),
    nullLiteral: sep('null.literal', 'null'),
    keyDeserializer: deser('key.deserializer'),
    valueDeserializer: deser('value.deserializer'),
    headersDeserializer: deser('headers.deserializer'),
  };
}

/**
 * A record as the formatter reads it: key and value are ranges of `data` (length -1 = null), so
 * a fetched record is printed without making Buffers for it (the reader's RecordCursor fits).
 */
export interface FormatSource {
  partition: number;
  offset: number | string;
  timestamp: number | string;
  timestampType: ConsumedRecord['timestampType'];
  data: Buffer;
  keyStart: number;
  keyLength: number;
  valueStart: number;
  valueLength: number;
  headers(): Array<{ key: string; value: Buffer | null }>;
}

function field(out: OutBuffer, data: Buffer, start: number, length: number, c: FormatterConfig, d: Deserializer | undefined): void {
  if (length < 0) out.buffer(c.nullLiteral);
  else if (d) out.buffer(d(data.subarray(start, start + length)));
  else out.bytes(data, start, length);
}

/** Only the value, as stored (the default): the hot path of a console consumer. */
function valueOnly(c: FormatterConfig): boolean {
  return !c.printTimestamp && !c.printPartition && !c.printOffset && !c.printHeaders && !c.printKey && c.printValue && !c.valueDeserializer;
}

/** Appends one record to `out` as DefaultMessageFormatter.writeTo writes it. */
export function writeRecord(out: OutBuffer, r: FormatSource, c: FormatterConfig): void {
  if ((c.valueOnly ??= valueOnly(c))) {
    if (r.valueLength < 0) out.buffer(c.nullLiteral);
    else out.bytes(r.data, r.valueStart, r.valueLength);
    out.buffer(c.lineSeparator);
    return;
  }
  const separator = (more: boolean) => out.buffer(more ? c.keySeparator : c.lineSeparator);
  if (c.printTimestamp) {
    out.text(r.timestampType === 'NoTimestampType' ? 'NO_TIMESTAMP' : `${r.timestampType}:${r.timestamp}`);
    separator(c.printPartition || c.printOffset || c.printHeaders || c.printKey || c.printValue);
  }
  if (c.printPartition) {
    out.text(`Partition:${r.partition}`);
    separator(c.printOffset || c.printHeaders || c.printKey || c.printValue);
  }
  if (c.printOffset) {
    out.text(`Offset:${r.offset}`);
    separator(c.printHeaders || c.printKey || c.printValue);
  }
  if (c.printHeaders) {
    const headers = r.headers();
    if (headers.length === 0) out.text('NO_HEADERS');
    headers.forEach((h, i) => {
      if (i > 0) out.buffer(c.headersSeparator);
      out.text(`${h.key}:`);
      if (h.value === null) out.buffer(c.nullLiteral);
      else field(out, h.value, 0, h.value.length, c, c.headersDeserializer);
    });
    separator(c.printKey || c.printValue);
  }
  if (c.printKey) {
    field(out, r.data, r.keyStart, r.keyLength, c, c.keyDeserializer);
    separator(c.printValue);
  }
  if (c.printValue) {
    field(out, r.data, r.valueStart, r.valueLength, c, c.valueDeserializer);
    out.buffer(c.lineSeparator);
  }
}

/** Renders one record as DefaultMessageFormatter.writeTo does. */
export function formatRecord(r: ConsumedRecord, c: FormatterConfig): Buffer {
  const key = r.key ?? Buffer.alloc(0);
  const out = new OutBuffer(256);
  writeRecord(
    out,
    {
      partition: r.partition,
      offset: r.offset,
      timestamp: r.timestamp,
      timestampType: r.timestampType,
      data: Buffer.concat([key, r.value ?? Buffer.alloc(0)]),
      keyStart: 0,
      keyLength: r.key === null ? -1 : key.length,
      valueStart: key.length,
      valueLength: r.value === null ? -1 : r.value.length,
      headers: () => r.headers,
    },
    c,
  );
  return out.take();
}
