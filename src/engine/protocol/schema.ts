/**
 * Message descriptors in the vocabulary of Kafka's JSON message definitions
 * (clients/src/main/resources/common/message/*.json): every field names the versions it exists
 * in, the versions where it may be null, whether it may be dropped silently at versions that
 * lack it ("ignorable"), and (for flexible versions) an optional tag. One descriptor covers
 * every version of a request or response; codec.ts reads it both ways.
 *
 * The descriptors are also the protocol's TypeScript types, in the spirit of kafka-protocol-rs's
 * one struct per message: `field('memberId', 'string', '0+')` carries its name and type as
 * literals, so `RequestOf<typeof JoinGroup>` is the decoded request a handler sees and
 * `ResponseInput<typeof JoinGroup>` the object it may return, checked by the compiler.
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

export type ArrayOfPrimitive = `[]${Exclude<PrimitiveType, 'records'>}`;
export type FieldType = PrimitiveType | ArrayOfPrimitive | 'struct' | '[]struct';

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
  /**
   * Kafka's "ignorable": at a version without the field, a non-default value may be dropped
   * instead of refused (see MessageSchema.dropsIgnorable for where mq allows that). Otherwise the
   * encoder refuses, as Kafka's generated write() does ("Attempted to write a non-default X at
   * version N").
   */
  readonly ignorable: boolean;
  /** Type-level: whether any version may carry null (decoded type gains `| null`). */
  readonly nullableAnywhere: boolean;
  readonly fields?: readonly Field[];
}

/** A field whose name, wire type, nullability and children are known to the compiler. */
export interface TypedField<N extends string, T extends FieldType, Nl extends boolean, C extends readonly Field[]> extends Field {
  readonly name: N;
  readonly type: T;
  readonly nullableAnywhere: Nl;
  readonly fields: C;
}

export interface MessageSchema<Fs extends readonly Field[] = readonly Field[]> {
  readonly name: string;
  /** Versions this message can be encoded and decoded at. */
  readonly valid: VersionRange;
  /**
   * Whether the encoder drops ignorable fields a version lacks. True for responses and embedded
   * data, which a broker or an assignor writes from one shape for every version (as Kafka's
   * handlers do). False for requests: the client chose the version, so a field it cannot send
   * there is a bug in the caller, refused even where Kafka marks it ignorable (DeleteTopics v6
   * given v0-5's topicNames).
   */
  readonly dropsIgnorable: boolean;
  readonly fields: Fs;
}

export interface ApiSchema<Req extends readonly Field[] = readonly Field[], Res extends readonly Field[] = readonly Field[]> {
  readonly apiKey: number;
  readonly name: string;
  /** Every version the descriptor can encode and decode. */
  readonly valid: VersionRange;
  readonly flexible: VersionRange;
  readonly request: MessageSchema<Req>;
  readonly response: MessageSchema<Res>;
}

// ---------------------------------------------------------------------------------------------
// Types derived from descriptors

type PrimitiveValue<T> = T extends 'bool'
  ? boolean
  : T extends 'string' | 'uuid'
    ? string
    : T extends 'bytes' | 'records'
      ? Buffer
      : number;

/**
 * 'decoded': what the decoder returns (every field present, arrays mutable, bytes as Buffer).
 * 'input': what the encoder takes (fields optional, arrays read-only, any Uint8Array, and record
 * data as several chunks written as one field).
 */
type Mode = 'decoded' | 'input';

type ArrayOf<E, M extends Mode> = M extends 'input' ? readonly E[] : E[];

type ScalarValue<T, M extends Mode> = M extends 'input'
  ? T extends 'records'
    ? Uint8Array | readonly Uint8Array[]
    : T extends 'bytes'
      ? Uint8Array
      : PrimitiveValue<T>
  : PrimitiveValue<T>;

type BaseValue<T, C, M extends Mode> = T extends 'struct'
  ? C extends readonly Field[]
    ? MessageOf<C, M>
    : never
  : T extends '[]struct'
    ? C extends readonly Field[]
      ? ArrayOf<MessageOf<C, M>, M>
      : never
    : T extends `[]${infer E}`
      ? ArrayOf<PrimitiveValue<E>, M>
      : ScalarValue<T, M>;

type ValueOf<F, M extends Mode> = F extends { readonly type: infer T; readonly nullableAnywhere: infer Nl; readonly fields: infer C }
  ? Nl extends true
    ? BaseValue<T, C, M> | null
    : BaseValue<T, C, M>
  : never;

type MessageOf<Fs extends readonly Field[], M extends Mode> = readonly Field[] extends Fs
  ? Record<string, unknown> // a descriptor the compiler does not know (looked up by key at run time)
  : M extends 'input'
    ? { [F in Fs[number] as F['name']]?: ValueOf<F, M> }
    : { [F in Fs[number] as F['name']]: ValueOf<F, M> };

/** A decoded message: every field present (absent ones hold their defaults). */
export type StructOf<Fs extends readonly Field[]> = MessageOf<Fs, 'decoded'>;

/**
 * What may be handed to the encoder: every field optional (a missing one is written as its
 * default), no other keys (the encoder refuses unknown ones at run time).
 */
export type InputOf<Fs extends readonly Field[]> = MessageOf<Fs, 'input'>;

/** The decoded request a broker handler receives. */
export type RequestOf<A extends ApiSchema> = StructOf<A['request']['fields']>;
/** The decoded response a client receives. */
export type ResponseOf<A extends ApiSchema> = StructOf<A['response']['fields']>;
/** What a client may send. */
export type RequestInput<A extends ApiSchema> = InputOf<A['request']['fields']>;
/** What a broker handler may return. */
export type ResponseInput<A extends ApiSchema> = InputOf<A['response']['fields']>;
/** One element of an array field, e.g. `Element<RequestOf<typeof Produce>['topicData']>`. */
export type Element<A> = A extends readonly (infer E)[] ? E : never;

// ---------------------------------------------------------------------------------------------
// Building descriptors

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
  ignorable?: boolean;
}

type NullableIn<O> = O extends { nullable: string } ? true : false;

/** The options type of a field declared without options. */
type NoOptions = Record<never, never>;

function build(name: string, type: FieldType, vers: string, opts: FieldOptions, fields: readonly Field[] | undefined): Field {
  const nullable = versions(opts.nullable ?? 'none');
  return {
    name,
    type,
    versions: versions(vers),
    nullable,
    tagged: versions(opts.tagged ?? 'none'),
    tag: opts.tag,
    default: opts.default,
    ignorable: opts.ignorable === true,
    nullableAnywhere: nullable.min <= nullable.max,
    fields,
  };
}

/** A primitive field or an array of primitives: `field('throttleTimeMs', 'int32', '1+')`. */
export function field<N extends string, T extends PrimitiveType | ArrayOfPrimitive, O extends FieldOptions = NoOptions>(
  name: N,
  type: T,
  vers: string,
  opts?: O,
): TypedField<N, T, NullableIn<O>, readonly []> {
  return build(name, type, vers, opts ?? {}, undefined) as TypedField<N, T, NullableIn<O>, readonly []>;
}

/** An array of structs: `array('topics', '0+', [ ...fields ])`. */
export function array<N extends string, const C extends readonly Field[], O extends FieldOptions = NoOptions>(
  name: N,
  vers: string,
  fields: C,
  opts?: O,
): TypedField<N, '[]struct', NullableIn<O>, C> {
  return build(name, '[]struct', vers, opts ?? {}, fields) as TypedField<N, '[]struct', NullableIn<O>, C>;
}

/** A single nested struct. */
export function struct<N extends string, const C extends readonly Field[], O extends FieldOptions = NoOptions>(
  name: N,
  vers: string,
  fields: C,
  opts?: O,
): TypedField<N, 'struct', NullableIn<O>, C> {
  return build(name, 'struct', vers, opts ?? {}, fields) as TypedField<N, 'struct', NullableIn<O>, C>;
}

export interface ApiDefinition<Req extends readonly Field[], Res extends readonly Field[]> {
  apiKey: number;
  name: string;
  valid: string;
  flexible: string;
  request: Req;
  response: Res;
}

export function api<const Req extends readonly Field[], const Res extends readonly Field[]>(def: ApiDefinition<Req, Res>): ApiSchema<Req, Res> {
  const valid = versions(def.valid);
  return {
    apiKey: def.apiKey,
    name: def.name,
    valid,
    flexible: versions(def.flexible),
    request: { name: `${def.name}Request`, valid, dropsIgnorable: false, fields: def.request },
    response: { name: `${def.name}Response`, valid, dropsIgnorable: true, fields: def.response },
  };
}

/** A message outside the API registry (embedded protocols such as the consumer protocol's blobs). */
export function message<const Fs extends readonly Field[]>(name: string, valid: string, fields: Fs): MessageSchema<Fs> {
  return { name, valid: versions(valid), dropsIgnorable: true, fields };
}
