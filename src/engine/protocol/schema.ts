/**
 * Message descriptors in the vocabulary of Kafka's JSON message definitions
 * (clients/src/main/resources/common/message/*.json): every field names the versions it exists
 * in, the versions where it may be null, and (for flexible versions) an optional tag. One
 * descriptor covers every version of a request or response; codec.ts reads it both ways.
 */

export type PrimitiveType =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'float64'
  | 'string'
  | 'bytes'
  | 'records'
  | 'uuid';

export type FieldType = PrimitiveType | `[]${Exclude<PrimitiveType, 'records'>}` | 'struct' | '[]struct';

/** Inclusive version range; max Infinity for "N+". An empty range (min > max) means "none". */
export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

export interface Field {
  readonly name: string;
  readonly type: FieldType;
  readonly versions: VersionRange;
  readonly nullable: VersionRange;
  /** Versions in which the field travels as a tagged field (flexible versions only). */
  readonly tagged: VersionRange;
  readonly tag?: number;
  /** Value used when the field is absent from a version or from the wire. */
  readonly default?: unknown;
  readonly fields?: readonly Field[];
}

export interface MessageSchema {
  readonly name: string;
  readonly fields: readonly Field[];
}

export interface ApiSchema {
  readonly apiKey: number;
  readonly name: string;
  /** Every version the descriptor can encode and decode. */
  readonly valid: VersionRange;
  readonly flexible: VersionRange;
  readonly request: MessageSchema;
  readonly response: MessageSchema;
}

const NONE: VersionRange = { min: 1, max: 0 };

/** Parses Kafka's version notation: "3+", "0-4", "5", "none". */
export function versions(spec: string): VersionRange {
  const s = spec.trim();
  if (s === '' || s === 'none') return NONE;
  if (s.endsWith('+')) return { min: Number(s.slice(0, -1)), max: Infinity };
  const dash = s.indexOf('-');
  if (dash > 0) return { min: Number(s.slice(0, dash)), max: Number(s.slice(dash + 1)) };
  const n = Number(s);
  return { min: n, max: n };
}

export function inRange(r: VersionRange, v: number): boolean {
  return v >= r.min && v <= r.max;
}

export interface FieldOptions {
  nullable?: string;
  tagged?: string;
  tag?: number;
  default?: unknown;
}

/** A primitive field or an array of primitives: `field('throttleTimeMs', 'int32', '1+')`. */
export function field(name: string, type: Exclude<FieldType, 'struct' | '[]struct'>, vers: string, opts: FieldOptions = {}): Field {
  return {
    name,
    type,
    versions: versions(vers),
    nullable: versions(opts.nullable ?? 'none'),
    tagged: versions(opts.tagged ?? 'none'),
    tag: opts.tag,
    default: opts.default,
  };
}

/** An array of structs: `array('topics', '0+', [ ...fields ])`. */
export function array(name: string, vers: string, fields: Field[], opts: FieldOptions = {}): Field {
  return { ...field(name, 'int8', vers, opts), type: '[]struct', fields };
}

/** A single nested struct. */
export function struct(name: string, vers: string, fields: Field[], opts: FieldOptions = {}): Field {
  return { ...field(name, 'int8', vers, opts), type: 'struct', fields };
}

export interface ApiDefinition {
  apiKey: number;
  name: string;
  valid: string;
  flexible: string;
  request: Field[];
  response: Field[];
}

export function api(def: ApiDefinition): ApiSchema {
  return {
    apiKey: def.apiKey,
    name: def.name,
    valid: versions(def.valid),
    flexible: versions(def.flexible),
    request: { name: `${def.name}Request`, fields: def.request },
    response: { name: `${def.name}Response`, fields: def.response },
  };
}
