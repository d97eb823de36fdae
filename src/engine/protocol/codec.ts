/**
 * The one generic encoder/decoder. Given a message descriptor and a version it handles version
 * gating, classic versus compact (flexible) encodings, nulls, defaults and tagged fields, for
 * requests and responses alike. Handlers and clients only ever see plain objects, typed from the
 * descriptor (schema.ts).
 *
 * The encoder is strict, as Kafka's generated message classes are: it refuses a version outside
 * the descriptor's range, a key the message does not have, a non-default value in a field that
 * does not exist at the version being written (unless Kafka marks the field ignorable), and a
 * null in a field that is not nullable at that version. Sending less than the caller meant,
 * silently, is the bug this prevents (a JoinGroup v4 that drops groupInstanceId, a DeleteTopics
 * v6 given v0-5's `topicNames`).
 */
import { DecodeError, Reader } from './reader.js';
import { inRange, type Field, type InputOf, type MessageSchema, type StructOf } from './schema.js';
import { Writer } from './writer.js';

/** A message that cannot be written as asked; nothing was sent. */
export class EncodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EncodeError';
  }
}

type Obj = Record<string, unknown>;

/** Smallest encoded size of one element, for rejecting array counts that cannot fit. */
function minSize(type: string, flexible: boolean): number {
  switch (type) {
    case 'bool':
    case 'int8':
      return 1;
    case 'int16':
    case 'uint16':
      return 2;
    case 'int32':
    case 'uint32':
      return 4;
    case 'int64':
    case 'float64':
      return 8;
    case 'uuid':
      return 16;
    case 'string':
    case 'bytes':
    case 'records':
      return flexible ? 1 : 2;
    default:
      return flexible ? 1 : 0;
  }
}

function childFields(f: Field): readonly Field[] {
  if (!f.fields) throw new Error(`descriptor field ${f.name} of type ${f.type} has no fields`);
  return f.fields;
}

function defaultFor(f: Field, version: number): unknown {
  if (f.default !== undefined) return f.default;
  if (f.type.startsWith('[]')) return inRange(f.nullable, version) ? null : [];
  switch (f.type) {
    case 'bool':
      return false;
    case 'string':
      return inRange(f.nullable, version) ? null : '';
    case 'bytes':
    case 'records':
      // Kafka's default for non-nullable bytes is an empty array.
      return inRange(f.nullable, version) ? null : Buffer.alloc(0);
    case 'uuid':
      return '00000000000000000000000000000000';
    case 'struct':
      return inRange(f.nullable, version) ? null : defaults(childFields(f), version);
    default:
      return 0;
  }
}

function defaults(fields: readonly Field[], version: number): Obj {
  const out: Obj = {};
  for (const f of fields) out[f.name] = defaultFor(f, version);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Decoding

function readPrimitive(r: Reader, type: string, nullable: boolean, flexible: boolean): unknown {
  switch (type) {
    case 'bool':
      return r.bool();
    case 'int8':
      return r.int8();
    case 'int16':
      return r.int16();
    case 'uint16':
      return r.uint16();
    case 'int32':
      return r.int32();
    case 'uint32':
      return r.uint32();
    case 'int64':
      return r.int64();
    case 'float64':
      return r.float64();
    case 'uuid':
      return r.uuid();
    case 'string': {
      const s = flexible ? r.compactNullableString() : r.nullableString();
      if (s === null && !nullable) throw new DecodeError('null for a non-nullable string', r.offset);
      return s;
    }
    case 'bytes':
    case 'records': {
      const b = flexible ? r.compactNullableBytes() : r.nullableBytes();
      if (b === null && !nullable) throw new DecodeError('null for non-nullable bytes', r.offset);
      return b;
    }
    default:
      throw new Error(`unknown type ${type}`);
  }
}

function readValue(r: Reader, f: Field, version: number, flexible: boolean): unknown {
  const nullable = inRange(f.nullable, version);
  if (f.type === 'struct') {
    if (nullable) {
      const marker = r.int8();
      if (marker < 0) return null;
    }
    return readFields(r, childFields(f), version, flexible);
  }
  if (f.type.startsWith('[]')) {
    const elem = f.type.slice(2);
    const n = r.arrayLength(flexible, minSize(elem, flexible));
    if (n < 0) {
      if (!nullable) throw new DecodeError(`null for non-nullable array ${f.name}`, r.offset);
      return null;
    }
    const out: unknown[] = new Array(n);
    if (elem === 'struct') {
      const fields = childFields(f);
      for (let i = 0; i < n; i++) out[i] = readFields(r, fields, version, flexible);
    } else {
      for (let i = 0; i < n; i++) out[i] = readPrimitive(r, elem, false, flexible);
    }
    return out;
  }
  return readPrimitive(r, f.type, nullable, flexible);
}

function readTaggedFields(r: Reader, fields: readonly Field[], version: number, out: Obj): void {
  const count = r.uvarint();
  for (let i = 0; i < count; i++) {
    const tag = r.uvarint();
    const size = r.uvarint();
    const body = r.raw(size);
    const f = fields.find((x) => x.tag === tag && inRange(x.tagged, version));
    // Unknown tags are skipped: that is the point of tagged fields.
    if (f) out[f.name] = readValue(new Reader(body), f, version, true);
  }
}

function readFields(r: Reader, fields: readonly Field[], version: number, flexible: boolean): Obj {
  const out: Obj = {};
  for (const f of fields) {
    if (!inRange(f.versions, version) || (flexible && inRange(f.tagged, version))) {
      out[f.name] = defaultFor(f, version);
      continue;
    }
    out[f.name] = readValue(r, f, version, flexible);
  }
  if (flexible) readTaggedFields(r, fields, version, out);
  return out;
}

/** Reads one struct of the given fields (embedded protocols use this without an API schema). */
export function readStruct<Fs extends readonly Field[]>(r: Reader, fields: Fs, version: number, flexible: boolean): StructOf<Fs> {
  return readFields(r, fields, version, flexible) as StructOf<Fs>;
}

// ---------------------------------------------------------------------------------------------
// Encoding

/** Where in the message a field is, for error messages: "JoinGroupRequest.protocols[].name". */
type Path = string;

function fail(path: Path, version: number, problem: string): never {
  throw new EncodeError(`${path} at version ${version}: ${problem}`);
}

function num(v: unknown, path: Path, version: number): number {
  if (typeof v !== 'number') fail(path, version, `expected a number, got ${typeof v}`);
  return v;
}

function writePrimitive(w: Writer, type: string, v: unknown, flexible: boolean, path: Path, version: number): void {
  switch (type) {
    case 'bool':
      w.bool(v === true);
      return;
    case 'int8':
      w.int8(num(v, path, version));
      return;
    case 'int16':
      w.int16(num(v, path, version));
      return;
    case 'uint16':
      w.uint16(num(v, path, version));
      return;
    case 'int32':
      w.int32(num(v, path, version));
      return;
    case 'uint32':
      w.uint32(num(v, path, version));
      return;
    case 'int64': {
      const n = num(v, path, version);
      if (!Number.isSafeInteger(n)) fail(path, version, `int64 value ${n} is not an exact integer (beyond ±2^53-1)`);
      w.int64(n);
      return;
    }
    case 'float64':
      w.float64(num(v, path, version));
      return;
    case 'uuid':
      if (typeof v !== 'string') fail(path, version, 'expected a uuid string');
      w.uuid(v);
      return;
    case 'string':
      if (v !== null && typeof v !== 'string') fail(path, version, `expected a string, got ${typeof v}`);
      if (flexible) w.compactNullableString(v);
      else w.nullableString(v);
      return;
    case 'bytes':
    case 'records':
      if (Array.isArray(v)) {
        // Record data read from several places of a segment: written as one field, no copy.
        const parts = v as readonly Uint8Array[];
        let total = 0;
        for (const b of parts) total += b.length;
        if (flexible) w.uvarint(total + 1);
        else w.int32(total);
        for (const b of parts) w.raw(b);
        return;
      }
      if (v !== null && !(v instanceof Uint8Array)) fail(path, version, 'expected bytes');
      if (flexible) w.compactNullableBytes(v);
      else w.nullableBytes(v);
      return;
    default:
      throw new Error(`unknown type ${type}`);
  }
}

function writeValue(w: Writer, f: Field, v: unknown, m: Mode, path: Path): void {
  const { version, flexible } = m;
  const nullable = inRange(f.nullable, version);
  if (v === null && !nullable) fail(path, version, 'null in a field that is not nullable at this version');
  if (f.type === 'struct') {
    if (nullable) {
      if (v === null) {
        w.int8(-1);
        return;
      }
      w.int8(1);
    }
    writeFields(w, childFields(f), asObject(v, path, version), m, path);
    return;
  }
  if (f.type.startsWith('[]')) {
    const elem = f.type.slice(2);
    if (v === null) {
      w.arrayLength(null, flexible);
      return;
    }
    if (!Array.isArray(v)) fail(path, version, 'expected an array');
    w.arrayLength(v.length, flexible);
    if (elem === 'struct') {
      const fields = childFields(f);
      const at = `${path}[]`;
      for (const item of v) writeFields(w, fields, asObject(item, at, version), m, at);
    } else {
      for (const item of v) writePrimitive(w, elem, item, flexible, path, version);
    }
    return;
  }
  writePrimitive(w, f.type, v, flexible, path, version);
}

function asObject(v: unknown, path: Path, version: number): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(path, version, 'expected a struct');
  return v as Obj;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a == null || b == null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  }
  const ao = a as Obj;
  const bo = b as Obj;
  return Object.keys(ao).every((k) => ao[k] === undefined || sameValue(ao[k], bo[k]));
}

/**
 * Whether a value equals the field's default and so may be left off the wire. Structs compare
 * field by field (a struct equal to its defaults is omitted, as Kafka does); an array is default
 * when empty and the default is an empty array.
 */
function isDefault(f: Field, v: unknown, version: number): boolean {
  if (v === undefined) return true;
  const d = defaultFor(f, version);
  if (Array.isArray(v)) return v.length === 0 && Array.isArray(d);
  if (f.type === 'struct' && v !== null && d !== null) return sameValue(v, d);
  return sameValue(v, d);
}

/**
 * Whether a value given for a field that the version lacks can be dropped: the field's default,
 * a null, an empty array, or any value of an ignorable field.
 */
function droppable(f: Field, v: unknown, version: number, dropsIgnorable: boolean): boolean {
  if (v === undefined || v === null || (f.ignorable && dropsIgnorable)) return true;
  if (Array.isArray(v) && v.length === 0) return true;
  if (f.default !== undefined && sameValue(v, f.default)) return true;
  return isDefault(f, v, version);
}

const fieldNames = new WeakMap<readonly Field[], ReadonlySet<string>>();

function namesOf(fields: readonly Field[]): ReadonlySet<string> {
  let names = fieldNames.get(fields);
  if (!names) {
    names = new Set(fields.map((f) => f.name));
    fieldNames.set(fields, names);
  }
  return names;
}

/** How one message is being written: its version, encoding, and whether ignorable fields may be dropped. */
interface Mode {
  readonly version: number;
  readonly flexible: boolean;
  readonly dropsIgnorable: boolean;
}

function writeFields(w: Writer, fields: readonly Field[], value: Obj, m: Mode, path: Path): void {
  const { version, flexible } = m;
  const names = namesOf(fields);
  for (const k in value) {
    if (!names.has(k) && value[k] !== undefined) fail(path, version, `unknown field '${k}'`);
  }
  let tagged: Field[] | undefined;
  for (const f of fields) {
    const v = value[f.name];
    if (!inRange(f.versions, version)) {
      if (!droppable(f, v, version, m.dropsIgnorable)) fail(`${path}.${f.name}`, version, 'a non-default value in a field this version does not have');
      continue;
    }
    if (flexible && inRange(f.tagged, version)) {
      if (!isDefault(f, v, version)) (tagged ??= []).push(f);
      continue;
    }
    writeValue(w, f, v === undefined ? defaultFor(f, version) : v, m, `${path}.${f.name}`);
  }
  if (!flexible) return;
  if (!tagged) {
    w.uvarint(0);
    return;
  }
  tagged.sort((a, b) => (a.tag ?? 0) - (b.tag ?? 0));
  w.uvarint(tagged.length);
  for (const f of tagged) {
    const inner = new Writer(64);
    writeValue(inner, f, value[f.name], m, `${path}.${f.name}`);
    const body = inner.toBuffer();
    w.uvarint(f.tag ?? 0)
      .uvarint(body.length)
      .raw(body);
  }
}

/** Writes one struct of the given fields (embedded protocols use this without an API schema). */
export function writeStruct<Fs extends readonly Field[]>(w: Writer, fields: Fs, value: InputOf<Fs>, version: number, flexible: boolean, name = 'struct'): void {
  writeFields(w, fields, value, { version, flexible, dropsIgnorable: true }, name);
}

// ---------------------------------------------------------------------------------------------

function checkVersion(schema: MessageSchema, version: number, what: 'decode' | 'encode'): void {
  if (!Number.isInteger(version) || !inRange(schema.valid, version)) {
    const range = `${schema.valid.min}-${schema.valid.max === Infinity ? '' : schema.valid.max}`;
    const msg = `${schema.name} has no version ${version} (versions ${range})`;
    if (what === 'encode') throw new EncodeError(msg);
    throw new DecodeError(msg, 0);
  }
}

export function decode<Fs extends readonly Field[]>(schema: MessageSchema<Fs>, version: number, r: Reader, flexible: boolean): StructOf<Fs> {
  checkVersion(schema, version, 'decode');
  return readFields(r, schema.fields, version, flexible) as StructOf<Fs>;
}

export function encode<Fs extends readonly Field[]>(
  schema: MessageSchema<Fs>,
  version: number,
  value: InputOf<Fs>,
  flexible: boolean,
  w = new Writer(),
): Writer {
  checkVersion(schema, version, 'encode');
  writeFields(w, schema.fields, value, { version, flexible, dropsIgnorable: schema.dropsIgnorable }, schema.name);
  return w;
}
