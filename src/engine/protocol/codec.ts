/**
 * The one generic encoder/decoder. Given a message descriptor and a version it handles version
 * gating, classic versus compact (flexible) encodings, nulls, defaults and tagged fields, for
 * requests and responses alike. Handlers and clients only ever see plain objects.
 */
import { DecodeError, Reader } from './reader.js';
import { inRange, type Field, type MessageSchema } from './schema.js';
import { Writer } from './writer.js';

export type Struct = Record<string, any>;

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
      return inRange(f.nullable, version) ? null : defaults(f.fields!, version);
    default:
      return 0;
  }
}

function defaults(fields: readonly Field[], version: number): Struct {
  const out: Struct = {};
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
    return readStruct(r, f.fields!, version, flexible);
  }
  if (f.type.startsWith('[]')) {
    const elem = f.type.slice(2);
    const n = r.arrayLength(flexible, minSize(elem, flexible));
    if (n < 0) {
      if (!nullable) throw new DecodeError(`null for non-nullable array ${f.name}`, r.offset);
      return null;
    }
    const out = new Array(n);
    if (elem === 'struct') {
      for (let i = 0; i < n; i++) out[i] = readStruct(r, f.fields!, version, flexible);
    } else {
      for (let i = 0; i < n; i++) out[i] = readPrimitive(r, elem, false, flexible);
    }
    return out;
  }
  return readPrimitive(r, f.type, nullable, flexible);
}

function readTaggedFields(r: Reader, fields: readonly Field[], version: number, out: Struct): void {
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

export function readStruct(r: Reader, fields: readonly Field[], version: number, flexible: boolean): Struct {
  const out: Struct = {};
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

// ---------------------------------------------------------------------------------------------
// Encoding

function writePrimitive(w: Writer, type: string, v: any, flexible: boolean): void {
  switch (type) {
    case 'bool':
      w.bool(Boolean(v));
      return;
    case 'int8':
      w.int8(v ?? 0);
      return;
    case 'int16':
      w.int16(v ?? 0);
      return;
    case 'uint16':
      w.uint16(v ?? 0);
      return;
    case 'int32':
      w.int32(v ?? 0);
      return;
    case 'uint32':
      w.uint32(v ?? 0);
      return;
    case 'int64':
      w.int64(Number(v ?? 0));
      return;
    case 'float64':
      w.float64(v ?? 0);
      return;
    case 'uuid':
      w.uuid(v ?? '');
      return;
    case 'string':
      if (flexible) w.compactNullableString(v);
      else w.nullableString(v);
      return;
    case 'bytes':
    case 'records':
      if (Array.isArray(v)) {
        // Record data read from several places of a segment: written as one field, no copy.
        const total = v.reduce((n: number, b: Uint8Array) => n + b.length, 0);
        if (flexible) w.uvarint(total + 1);
        else w.int32(total);
        for (const b of v) w.raw(b);
        return;
      }
      if (flexible) w.compactNullableBytes(v);
      else w.nullableBytes(v);
      return;
    default:
      throw new Error(`unknown type ${type}`);
  }
}

function writeValue(w: Writer, f: Field, v: any, version: number, flexible: boolean): void {
  const nullable = inRange(f.nullable, version);
  if (f.type === 'struct') {
    if (nullable) {
      if (v == null) {
        w.int8(-1);
        return;
      }
      w.int8(1);
    }
    writeStruct(w, f.fields!, v ?? {}, version, flexible);
    return;
  }
  if (f.type.startsWith('[]')) {
    const elem = f.type.slice(2);
    if (v == null) {
      // A null for a non-nullable array is written as empty: lenient towards handlers.
      w.arrayLength(nullable ? null : 0, flexible);
      return;
    }
    w.arrayLength(v.length, flexible);
    if (elem === 'struct') {
      for (const item of v) writeStruct(w, f.fields!, item, version, flexible);
    } else {
      for (const item of v) writePrimitive(w, elem, item, flexible);
    }
    return;
  }
  if (v == null && !nullable) {
    if (f.type === 'string') v = '';
    else if (f.type === 'bytes' || f.type === 'records') v = Buffer.alloc(0);
  }
  writePrimitive(w, f.type, v, flexible);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a == null || b == null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Buffer.isBuffer(a) || Buffer.isBuffer(b)) return Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  }
  const ka = Object.keys(a as object);
  return ka.every((k) => sameValue((a as Struct)[k], (b as Struct)[k]));
}

/**
 * Whether a tagged field holds its default and can be left off the wire. Structs compare field by
 * field (a struct equal to its defaults is omitted, as Kafka does); a nullable array whose
 * default is null is written whenever it is not null, even when empty.
 */
function isDefault(f: Field, v: unknown, version: number): boolean {
  if (v === undefined) return true;
  const d = defaultFor(f, version);
  if (Array.isArray(v)) return v.length === 0 && Array.isArray(d);
  if (f.type === 'struct' && v !== null && d !== null) {
    const full = { ...(d as Struct), ...(v as Struct) };
    return sameValue(full, d);
  }
  return sameValue(v, d);
}

export function writeStruct(w: Writer, fields: readonly Field[], value: Struct, version: number, flexible: boolean): void {
  let tagged: Field[] | undefined;
  for (const f of fields) {
    if (!inRange(f.versions, version)) continue;
    const v = value[f.name];
    if (flexible && inRange(f.tagged, version)) {
      if (!isDefault(f, v, version)) (tagged ??= []).push(f);
      continue;
    }
    writeValue(w, f, v === undefined ? defaultFor(f, version) : v, version, flexible);
  }
  if (!flexible) return;
  if (!tagged) {
    w.uvarint(0);
    return;
  }
  tagged.sort((a, b) => a.tag! - b.tag!);
  w.uvarint(tagged.length);
  for (const f of tagged) {
    const inner = new Writer(64);
    writeValue(inner, f, value[f.name], version, true);
    const body = inner.toBuffer();
    w.uvarint(f.tag!).uvarint(body.length).raw(body);
  }
}

// ---------------------------------------------------------------------------------------------

export function decode(schema: MessageSchema, version: number, r: Reader, flexible: boolean): Struct {
  return readStruct(r, schema.fields, version, flexible);
}

export function encode(schema: MessageSchema, version: number, value: Struct, flexible: boolean, w = new Writer()): Writer {
  writeStruct(w, schema.fields, value, version, flexible);
  return w;
}
