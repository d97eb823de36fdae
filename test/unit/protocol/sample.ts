/**
 * Builds sample values from message descriptors, for generated codec tests: every field present
 * in a version gets a non-default value (arrays get two elements, tagged fields are set), and on
 * "null" runs every field nullable in that version is null instead.
 */
import { inRange, type Field, type MessageSchema } from '../../../src/engine/protocol/schema.js';

export type Struct = Record<string, any>;

export interface SampleOptions {
  /** Put null in every field that is nullable at this version. */
  nulls?: boolean;
  /** Elements per array (default 2). */
  arrayLength?: number;
  seed?: number;
}

function hex32(n: number): string {
  let s = '';
  for (let i = 0; i < 32; i++) s += ((n * 7 + i * 13) % 16).toString(16);
  return s;
}

function primitive(type: string, f: Field, n: number): unknown {
  switch (type) {
    case 'bool':
      return f.default === true ? false : true;
    case 'int8':
      return (n % 100) + 3;
    case 'int16':
      return 1000 + (n % 1000);
    case 'uint16':
      return 60000 + (n % 1000);
    case 'int32':
      return n % 2 === 0 ? 100_000 + n : -100_000 - n;
    case 'uint32':
      return 3_000_000_000 + n;
    case 'int64':
      return n % 2 === 0 ? 2 ** 40 + n : -(2 ** 35) - n;
    case 'float64':
      return n + 0.5;
    case 'string':
      return `${f.name}-é${n}`;
    case 'bytes':
    case 'records':
      return Buffer.from([n & 0xff, 1, 2, (n * 3) & 0xff]);
    case 'uuid':
      return hex32(n);
    default:
      throw new Error(`no sample for ${type}`);
  }
}

export function sampleStruct(fields: readonly Field[], version: number, opts: SampleOptions = {}, counter = { n: opts.seed ?? 1 }): Struct {
  const out: Struct = {};
  const len = opts.arrayLength ?? 2;
  for (const f of fields) {
    if (!inRange(f.versions, version)) continue;
    const n = counter.n++;
    if (opts.nulls && inRange(f.nullable, version)) {
      out[f.name] = null;
      continue;
    }
    if (f.type === 'struct') out[f.name] = sampleStruct(f.fields!, version, opts, counter);
    else if (f.type === '[]struct') {
      out[f.name] = Array.from({ length: len }, () => sampleStruct(f.fields!, version, opts, counter));
    } else if (f.type.startsWith('[]')) {
      out[f.name] = Array.from({ length: len }, (_, i) => primitive(f.type.slice(2), f, n + i));
    } else out[f.name] = primitive(f.type, f, n);
  }
  return out;
}

export function sample(schema: MessageSchema, version: number, opts: SampleOptions = {}): Struct {
  return sampleStruct(schema.fields, version, opts);
}

/** The fields of `value` that exist in `version`, recursively: what a decoder must reproduce. */
export function project(fields: readonly Field[], version: number, value: Struct): Struct {
  const out: Struct = {};
  for (const f of fields) {
    if (!inRange(f.versions, version)) continue;
    const v = value[f.name];
    if (v == null || (f.type !== 'struct' && f.type !== '[]struct')) out[f.name] = v;
    else if (f.type === 'struct') out[f.name] = project(f.fields!, version, v);
    else out[f.name] = (v as Struct[]).map((x) => project(f.fields!, version, x));
  }
  return out;
}

/** The same fields with extra, unknown tagged fields added to every struct (for skip tests). */
export function withUnknownTags(fields: readonly Field[], firstTag = 1000): Field[] {
  const extra = (k: number): Field => ({
    name: `__unknown${k}`,
    type: k % 2 === 0 ? 'string' : 'int64',
    versions: { min: 0, max: Infinity },
    nullable: { min: 1, max: 0 },
    tagged: { min: 0, max: Infinity },
    tag: firstTag + k,
    ignorable: false,
    nullableAnywhere: false,
  });
  return [
    ...fields.map((f) => (f.fields ? { ...f, fields: withUnknownTags(f.fields, firstTag) } : f)),
    extra(0),
    extra(1),
  ];
}

/** Sets the unknown tagged fields added by withUnknownTags on every struct of a value. */
export function fillUnknownTags(fields: readonly Field[], version: number, value: Struct): Struct {
  const out: Struct = { ...value, __unknown0: 'mystery', __unknown1: 42 };
  for (const f of fields) {
    if (!f.fields || !inRange(f.versions, version) || value[f.name] == null) continue;
    out[f.name] =
      f.type === 'struct'
        ? fillUnknownTags(f.fields, version, value[f.name])
        : (value[f.name] as Struct[]).map((x) => fillUnknownTags(f.fields!, version, x));
  }
  return out;
}
