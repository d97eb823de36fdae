/**
 * The metadata files the broker reads at start (meta/cluster.json, meta/topics.json,
 * meta/dynamic-configs.json, meta/producer-ids.json, and per partition log-start-offset and
 * producer-state.json), each checked against its schema before a byte of it is used. A damaged file stops the start with one line that names the file, the JSON
 * path of the problem and how to recover; nothing is guessed, because a file read wrongly does
 * more harm than a broker that does not start (a topic missing from topics.json would be
 * re-created under a new id with its configs lost). Kafka refuses to start on a bad
 * meta.properties the same way (MetaPropertiesEnsemble.verify in metadata/.../properties/). The
 * one exception is the producer-state snapshot, which the log rebuilds (the loader warns instead).
 *
 * The validators are hand-written: a Check<T> returns the typed value or throws SchemaProblem
 * with the JSON path ($.topics[2].name) of what is wrong.
 */
import { ReportableError } from '../errors.js';
import { readJsonIfExists } from './atomic-file.js';
import type { FsPort } from './fs-port.js';
import { nodeFs } from './node-fs.js';
import { topicNameProblem } from './topic-name.js';

/** The one error a damaged metadata file produces; its message is the whole story for the user. */
export class MetaFileError extends ReportableError {
  constructor(
    readonly file: string,
    readonly problem: string,
    recovery: string,
  ) {
    super(`Cannot start the broker: ${file} ${problem}. ${recovery}`);
    this.name = 'MetaFileError';
  }
}

export class SchemaProblem extends Error {
  constructor(
    readonly at: string,
    readonly problem: string,
  ) {
    super(`${at}: ${problem}`);
    this.name = 'SchemaProblem';
  }
}

export type Check<T> = (v: unknown, at: string) => T;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string ${JSON.stringify(v).slice(0, 60)}`;
  if (typeof v === 'number' || typeof v === 'boolean') return `${typeof v} ${v}`;
  return typeof v;
}

export const str: Check<string> = (v, at) => {
  if (typeof v !== 'string') throw new SchemaProblem(at, `expected a string, found ${describe(v)}`);
  return v;
};

export function int(min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): Check<number> {
  return (v, at) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new SchemaProblem(at, `expected an integer, found ${describe(v)}`);
    if (v < min || v > max) throw new SchemaProblem(at, max === Number.MAX_SAFE_INTEGER ? `expected an integer >= ${min}, found ${v}` : `expected an integer from ${min} to ${max}, found ${v}`);
    return v;
  };
}

export function matching(re: RegExp, what: string): Check<string> {
  return (v, at) => {
    const s = str(v, at);
    if (!re.test(s)) throw new SchemaProblem(at, `expected ${what}, found ${describe(s)}`);
    return s;
  };
}

export function array<T>(item: Check<T>): Check<T[]> {
  return (v, at) => {
    if (!Array.isArray(v)) throw new SchemaProblem(at, `expected an array, found ${describe(v)}`);
    return v.map((x, i) => item(x, `${at}[${i}]`));
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const keyPath = (at: string, k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? `${at}.${k}` : `${at}[${JSON.stringify(k)}]`);

/** An object whose every value passes `value` (configs: name -> value). */
export function record<T>(value: Check<T>): Check<Record<string, T>> {
  return (v, at) => {
    if (!isObject(v)) throw new SchemaProblem(at, `expected an object, found ${describe(v)}`);
    const out: Record<string, T> = {};
    for (const [k, x] of Object.entries(v)) out[k] = value(x, keyPath(at, k));
    return out;
  };
}

type Shape = Record<string, Check<unknown>>;
type Optional<T> = Check<T> & { optional: true };
type Out<S extends Shape> = { [K in keyof S as S[K] extends Optional<unknown> ? never : K]: S[K] extends Check<infer T> ? T : never } & {
  [K in keyof S as S[K] extends Optional<unknown> ? K : never]?: S[K] extends Check<infer T> ? T : never;
};

export function optional<T>(check: Check<T>): Optional<T> {
  return Object.assign((v: unknown, at: string) => check(v, at), { optional: true as const });
}

/** An object with these fields (others are kept out, so a later release may add fields). */
export function object<S extends Shape>(shape: S): Check<Out<S>> {
  return (v, at) => {
    if (!isObject(v)) throw new SchemaProblem(at, `expected an object, found ${describe(v)}`);
    const out: Record<string, unknown> = {};
    for (const [k, check] of Object.entries(shape)) {
      if (!(k in v) || v[k] === undefined) {
        if ((check as Partial<Optional<unknown>>).optional) continue;
        throw new SchemaProblem(keyPath(at, k), 'is missing');
      }
      out[k] = check(v[k], keyPath(at, k));
    }
    return out as Out<S>;
  };
}

/** The format version every file starts with: a newer one is refused, not misread. */
export function version(supported: number): Check<number> {
  return (v, at) => {
    const n = int(1)(v, at);
    if (n > supported) throw new SchemaProblem(at, `format version ${n} is newer than this broker reads (${supported}); start a newer mq`);
    return n;
  };
}

const topicName: Check<string> = (v, at) => {
  const name = str(v, at);
  const bad = topicNameProblem(name);
  if (bad) throw new SchemaProblem(at, bad.replace(/^Topic name is invalid: /, 'not a legal topic name: '));
  return name;
};

// ---- the files ------------------------------------------------------------------------------

export const META_FORMAT_VERSION = 1;

export const clusterFile = object({
  version: version(META_FORMAT_VERSION),
  clusterId: matching(/^[A-Za-z0-9_-]{1,64}$/, 'a cluster id'),
  nodeId: int(0, 2 ** 31 - 1),
});
export type ClusterFile = ReturnType<typeof clusterFile>;

const topicEntry = object({
  name: topicName,
  id: matching(/^[0-9a-f]{32}$/, 'a topic id of 32 hex digits'),
  partitions: int(1, 1_000_000),
  configs: record(str),
});

export const topicsFile: Check<{ version: number; topics: ReturnType<typeof topicEntry>[] }> = (v, at) => {
  const f = object({ version: version(META_FORMAT_VERSION), topics: array(topicEntry) })(v, at);
  const names = new Set<string>();
  const ids = new Set<string>();
  f.topics.forEach((t, i) => {
    if (names.has(t.name)) throw new SchemaProblem(`${at}.topics[${i}].name`, `topic '${t.name}' is listed twice`);
    if (ids.has(t.id)) throw new SchemaProblem(`${at}.topics[${i}].id`, `topic id ${t.id} is listed twice`);
    names.add(t.name);
    ids.add(t.id);
  });
  return f;
};
export type TopicsFile = ReturnType<typeof topicsFile>;

export const dynamicConfigsFile = object({
  version: version(1),
  broker: record(str),
  brokerDefault: optional(record(str)),
  groups: record(record(str)),
});
export type DynamicConfigsFile = ReturnType<typeof dynamicConfigsFile>;

export const producerIdsFile = object({ version: version(1), nextBlock: int(0) });
export type ProducerIdsFile = ReturnType<typeof producerIdsFile>;

/** Per partition: `logs/<topic>-<p>/log-start-offset`. */
export const logStartOffsetFile = object({ version: version(1), logStartOffset: int(0) });

/** Per partition: `logs/<topic>-<p>/producer-state.json`, a snapshot that can always be rebuilt from the log. */
export const producerStateFile = object({
  version: version(1),
  offset: int(0),
  producers: array(
    object({
      producerId: int(0),
      epoch: int(0),
      batches: array(object({ firstSeq: int(0), lastSeq: int(0), baseOffset: int(0), lastOffset: int(0) })),
      // Added with transactions; a snapshot of an earlier mq has none of them.
      coordinatorEpoch: optional(int(-1)),
      lastTimestamp: optional(int()),
      currentTxnFirstOffset: optional(int(-1)),
    }),
  ),
});

/** What to do about each file, said in the refusal. */
export const RECOVERY = {
  cluster: 'Restore it from a backup; moving it away gives the data directory a new cluster id.',
  topics: 'Restore it from a backup, or move it away to start with no topics; the topic directories under logs/ are kept aside, not deleted.',
  dynamicConfigs: 'Restore it from a backup, or move it away to start without dynamic broker and group configs.',
  producerIds: 'Restore it from a backup, or move it away; producer ids then start again from 0 and idempotent producers must restart.',
  logStartOffset: 'Restore it from a backup, or move it away; the partition then starts at its oldest segment and deleted records below it may show again.',
  producerState: 'The producer state is rebuilt from the log instead.',
} as const;

/**
 * Reads a metadata file and checks it: undefined when it does not exist, the typed value when it
 * is valid, MetaFileError (naming the file, the JSON path and the recovery) otherwise.
 */
export async function readMetaFile<T>(file: string, check: Check<T>, recovery: string, fs: FsPort = nodeFs): Promise<T | undefined> {
  let raw: unknown;
  try {
    raw = await readJsonIfExists<unknown>(file, fs);
  } catch (e) {
    if (e instanceof SyntaxError) throw new MetaFileError(file, `is not valid JSON (${e.message})`, recovery);
    throw e;
  }
  if (raw === undefined) return undefined;
  try {
    return check(raw, '$');
  } catch (e) {
    if (e instanceof SchemaProblem) throw new MetaFileError(file, `is damaged: at ${e.at}: ${e.problem}`, recovery);
    throw e;
  }
}
