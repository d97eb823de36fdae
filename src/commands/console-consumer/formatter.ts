/**
 * Kafka's DefaultMessageFormatter (reference §4.3): the fields a record prints, in Kafka's fixed
 * order, each followed by key.separator except the last, which gets line.separator.
 * Output is bytes: keys and values are written as stored, never re-encoded.
 */

export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: string;
  /** Milliseconds as a decimal string (kafkajs style); '-1' when absent. */
  timestamp: string;
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

/** Renders one record as DefaultMessageFormatter.writeTo does. */
export function formatRecord(r: ConsumedRecord, c: FormatterConfig): Buffer {
  const out: Buffer[] = [];
  const separator = (more: boolean) => out.push(more ? c.keySeparator : c.lineSeparator);
  const bytes = (b: Buffer | null, d?: Deserializer) => out.push(b === null ? c.nullLiteral : d ? d(b) : b);
  if (c.printTimestamp) {
    out.push(Buffer.from(r.timestampType === 'NoTimestampType' ? 'NO_TIMESTAMP' : `${r.timestampType}:${r.timestamp}`));
    separator(c.printPartition || c.printOffset || c.printHeaders || c.printKey || c.printValue);
  }
  if (c.printPartition) {
    out.push(Buffer.from(`Partition:${r.partition}`));
    separator(c.printOffset || c.printHeaders || c.printKey || c.printValue);
  }
  if (c.printOffset) {
    out.push(Buffer.from(`Offset:${r.offset}`));
    separator(c.printHeaders || c.printKey || c.printValue);
  }
  if (c.printHeaders) {
    if (r.headers.length === 0) out.push(Buffer.from('NO_HEADERS'));
    r.headers.forEach((h, i) => {
      if (i > 0) out.push(c.headersSeparator);
      out.push(Buffer.from(`${h.key}:`, 'utf8'));
      bytes(h.value, c.headersDeserializer);
    });
    separator(c.printKey || c.printValue);
  }
  if (c.printKey) {
    bytes(r.key, c.keyDeserializer);
    separator(c.printValue);
  }
  if (c.printValue) {
    bytes(r.value, c.valueDeserializer);
    out.push(c.lineSeparator);
  }
  return Buffer.concat(out);
}
