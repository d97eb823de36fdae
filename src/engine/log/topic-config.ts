/**
 * Kafka's topic-level configs (as of Apache Kafka 3.9): name, type, default, valid values and the
 * broker property that supplies the default when the topic has no override. DescribeConfigs,
 * CreateTopics and AlterConfigs all read this one table, and error texts follow Kafka's
 * ConfigException wording so the tools print the same lines as Kafka's.
 */
import { parseConfigValue, type ConfigDefType } from '../config/config-def.js';

export type ConfigType = 'long' | 'int' | 'double' | 'string' | 'boolean' | 'list' | 'class';

export interface TopicConfigDef {
  name: string;
  type: ConfigType;
  /** Kafka's default, as DescribeConfigs prints it. */
  default: string;
  /** Broker properties that override the default, strongest first (log.retention.ms before .hours). */
  brokerSynonyms: readonly string[];
  /** Returns Kafka's reason text (the part after "for configuration x: ") or undefined if valid. */
  validate?: (value: string) => string | undefined;
  /** Deprecated in 3.x and removed in Kafka 4.0. */
  removedIn4?: boolean;
}

const LONG_MAX = '9223372036854775807';

function atLeast(min: number) {
  return (v: string) => (Number(v) < min ? `Value must be at least ${min}` : undefined);
}

function between(min: number, max: number) {
  return (v: string) => {
    const n = Number(v);
    if (n < min) return `Value must be at least ${min}`;
    if (n > max) return `Value must be no more than ${max}`;
    return undefined;
  };
}

function oneOf(values: readonly string[]) {
  return (v: string) => (values.includes(v.trim()) ? undefined : `String must be one of: ${values.join(', ')}`);
}

function listOf(values: readonly string[]) {
  return (v: string) => {
    for (const item of splitList(v)) {
      if (!values.includes(item)) return `String must be one of: ${values.join(', ')}`;
    }
    return undefined;
  };
}

function gzipLevel(v: string) {
  const n = Number(v);
  return n === -1 || (n >= 1 && n <= 9) ? undefined : 'Value must be between 1 and 9 or -1';
}

/** Throttled-replica lists are "*" or "partition:broker" pairs. */
function throttledReplicas(v: string) {
  const items = splitList(v);
  if (items.length === 1 && items[0] === '*') return undefined;
  for (const item of items) {
    if (!/^\d+:\d+$/.test(item)) {
      return 'Value must be a comma-separated list of [partitionId]:[brokerId] pairs or the wildcard "*"';
    }
  }
  return undefined;
}

export function splitList(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

const def = (
  name: string,
  type: ConfigType,
  dflt: string,
  brokerSynonyms: readonly string[],
  validate?: (v: string) => string | undefined,
  removedIn4?: boolean,
): TopicConfigDef => ({ name, type, default: dflt, brokerSynonyms, validate, ...(removedIn4 ? { removedIn4 } : {}) });

/** Sorted by name, like Kafka's DescribeConfigs output. */
export const TOPIC_CONFIGS: readonly TopicConfigDef[] = [
  def('cleanup.policy', 'list', 'delete', ['log.cleanup.policy'], listOf(['compact', 'delete'])),
  def('compression.gzip.level', 'int', '-1', ['compression.gzip.level'], gzipLevel),
  def('compression.lz4.level', 'int', '9', ['compression.lz4.level'], between(1, 17)),
  def('compression.type', 'string', 'producer', ['compression.type'], oneOf(['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'])),
  def('compression.zstd.level', 'int', '3', ['compression.zstd.level'], between(-131072, 22)),
  def('delete.retention.ms', 'long', '86400000', ['log.cleaner.delete.retention.ms'], atLeast(0)),
  def('file.delete.delay.ms', 'long', '60000', ['log.segment.delete.delay.ms'], atLeast(0)),
  def('flush.messages', 'long', LONG_MAX, ['log.flush.interval.messages'], atLeast(1)),
  def('flush.ms', 'long', LONG_MAX, ['log.flush.interval.ms'], atLeast(0)),
  def('follower.replication.throttled.replicas', 'list', '', [], throttledReplicas),
  def('index.interval.bytes', 'int', '4096', ['log.index.interval.bytes'], atLeast(0)),
  def('leader.replication.throttled.replicas', 'list', '', [], throttledReplicas),
  def('local.retention.bytes', 'long', '-2', ['log.local.retention.bytes'], atLeast(-2)),
  def('local.retention.ms', 'long', '-2', ['log.local.retention.ms'], atLeast(-2)),
  def('max.compaction.lag.ms', 'long', LONG_MAX, ['log.cleaner.max.compaction.lag.ms'], atLeast(1)),
  def('max.message.bytes', 'int', '1048588', ['message.max.bytes'], atLeast(0)),
  def('message.downconversion.enable', 'boolean', 'true', ['log.message.downconversion.enable'], undefined, true),
  def('message.format.version', 'string', '3.0-IV1', ['log.message.format.version'], undefined, true),
  def('message.timestamp.after.max.ms', 'long', LONG_MAX, ['log.message.timestamp.after.max.ms'], atLeast(0)),
  def('message.timestamp.before.max.ms', 'long', LONG_MAX, ['log.message.timestamp.before.max.ms'], atLeast(0)),
  def('message.timestamp.difference.max.ms', 'long', LONG_MAX, ['log.message.timestamp.difference.max.ms'], atLeast(0), true),
  def('message.timestamp.type', 'string', 'CreateTime', ['log.message.timestamp.type'], oneOf(['CreateTime', 'LogAppendTime'])),
  def('min.cleanable.dirty.ratio', 'double', '0.5', ['log.cleaner.min.cleanable.ratio'], between(0, 1)),
  def('min.compaction.lag.ms', 'long', '0', ['log.cleaner.min.compaction.lag.ms'], atLeast(0)),
  def('min.insync.replicas', 'int', '1', ['min.insync.replicas'], atLeast(1)),
  def('preallocate', 'boolean', 'false', ['log.preallocate']),
  def('remote.log.copy.disable', 'boolean', 'false', []),
  def('remote.log.delete.on.disable', 'boolean', 'false', []),
  def('remote.storage.enable', 'boolean', 'false', []),
  def('retention.bytes', 'long', '-1', ['log.retention.bytes']),
  def('retention.ms', 'long', '604800000', ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'], atLeast(-1)),
  def('segment.bytes', 'int', '1073741824', ['log.segment.bytes'], atLeast(14)),
  def('segment.index.bytes', 'int', '10485760', ['log.index.size.max.bytes'], atLeast(4)),
  def('segment.jitter.ms', 'long', '0', ['log.roll.jitter.ms', 'log.roll.jitter.hours'], atLeast(0)),
  def('segment.ms', 'long', '604800000', ['log.roll.ms', 'log.roll.hours'], atLeast(1)),
  def('unclean.leader.election.enable', 'boolean', 'false', ['unclean.leader.election.enable']),
];

export const TOPIC_CONFIG_BY_NAME: ReadonlyMap<string, TopicConfigDef> = new Map(TOPIC_CONFIGS.map((d) => [d.name, d]));

/** Kafka's ConfigException text: "Invalid value <v> for configuration <name>: <reason>". */
function invalid(name: string, value: string, reason: string): string {
  return `Invalid value ${value} for configuration ${name}: ${reason}`;
}

/** Checks that `value` parses as the config's type (ConfigDef.parseType, shared with the broker and the tools). */
function checkType(type: ConfigType, value: string): string | undefined {
  const upper = type.toUpperCase() as ConfigDefType;
  const parsed = parseConfigValue(upper, value.trim());
  return 'reason' in parsed ? parsed.reason : undefined;
}

/**
 * Validates one topic config. Returns undefined when valid, otherwise Kafka's error text:
 * "Unknown topic config name: x" or "Invalid value x for configuration y: reason".
 */
export function validateTopicConfig(name: string, value: string | null | undefined): string | undefined {
  const d = TOPIC_CONFIG_BY_NAME.get(name);
  if (!d) return `Unknown topic config name: ${name}`;
  if (value === null || value === undefined) return invalid(name, 'null', 'Value must be non-null');
  const typeProblem = checkType(d.type, value);
  if (typeProblem) return invalid(name, value, typeProblem);
  const problem = d.validate?.(value);
  return problem ? invalid(name, value, problem) : undefined;
}

/** Validates a whole override set; returns the first problem, as Kafka does. */
export function validateTopicConfigs(overrides: Readonly<Record<string, string>>): string | undefined {
  for (const [k, v] of Object.entries(overrides)) {
    const p = validateTopicConfig(k, v);
    if (p) return p;
  }
  return undefined;
}

export type BrokerSettings = Readonly<Record<string, string | number | boolean | undefined>>;

export type ConfigSource = 'topic' | 'broker' | 'default';

export interface EffectiveConfigEntry {
  name: string;
  value: string;
  source: ConfigSource;
  /** The broker property that supplied the value when source is 'broker'. */
  brokerSynonym?: string;
  type: ConfigType;
}

/** Multipliers for broker synonyms in coarser units (log.retention.hours → ms). */
const UNIT_MS: Record<string, number> = {
  'log.retention.minutes': 60_000,
  'log.retention.hours': 3_600_000,
  'log.roll.hours': 3_600_000,
  'log.roll.jitter.hours': 3_600_000,
};

function brokerValue(d: TopicConfigDef, settings: BrokerSettings): { value: string; synonym: string } | undefined {
  for (const syn of d.brokerSynonyms) {
    const raw = settings[syn];
    if (raw === undefined) continue;
    const s = String(raw).trim();
    const unit = UNIT_MS[syn];
    if (unit) return { value: String(Number(s) * unit), synonym: syn };
    // Kafka's retention.ms of -1 is "forever" whatever unit the broker used.
    return { value: s, synonym: syn };
  }
  return undefined;
}

/**
 * The effective value of every topic config: the topic's override, else the broker setting
 * (log.retention.ms, then .minutes, then .hours), else Kafka's default.
 */
export function effectiveConfig(
  overrides: Readonly<Record<string, string>>,
  brokerSettings: BrokerSettings = {},
): Map<string, EffectiveConfigEntry> {
  const out = new Map<string, EffectiveConfigEntry>();
  for (const d of TOPIC_CONFIGS) {
    const o = overrides[d.name];
    if (o !== undefined) {
      out.set(d.name, { name: d.name, value: o, source: 'topic', type: d.type });
      continue;
    }
    const b = brokerValue(d, brokerSettings);
    if (b) out.set(d.name, { name: d.name, value: b.value, source: 'broker', brokerSynonym: b.synonym, type: d.type });
    else out.set(d.name, { name: d.name, value: d.default, source: 'default', type: d.type });
  }
  return out;
}

/** The settings the storage engine itself acts on, parsed to numbers (Long.MAX → Infinity). */
export interface LogConfig {
  segmentBytes: number;
  segmentMs: number;
  segmentIndexBytes: number;
  retentionMs: number;
  retentionBytes: number;
  indexIntervalBytes: number;
  flushMessages: number;
  flushMs: number;
  maxMessageBytes: number;
  logAppendTime: boolean;
  cleanupPolicy: string[];
  /** message.timestamp.before.max.ms / after.max.ms: how far a CreateTime record may be from the broker's clock. */
  timestampBeforeMaxMs: number;
  timestampAfterMaxMs: number;
}

function num(v: string): number {
  const t = v.trim();
  // Kafka uses Long.MAX_VALUE as "never"; beyond 2^53 a JS number is not exact anyway.
  if (/^\+?9223372036854775807$/.test(t)) return Infinity;
  return Number(t);
}

export function logConfigFrom(effective: Map<string, EffectiveConfigEntry>): LogConfig {
  const get = (n: string) => effective.get(n)!.value;
  return {
    segmentBytes: num(get('segment.bytes')),
    segmentMs: num(get('segment.ms')),
    segmentIndexBytes: num(get('segment.index.bytes')),
    retentionMs: num(get('retention.ms')),
    retentionBytes: num(get('retention.bytes')),
    indexIntervalBytes: num(get('index.interval.bytes')),
    flushMessages: num(get('flush.messages')),
    flushMs: num(get('flush.ms')),
    maxMessageBytes: num(get('max.message.bytes')),
    logAppendTime: get('message.timestamp.type').trim() === 'LogAppendTime',
    cleanupPolicy: splitList(get('cleanup.policy')),
    timestampBeforeMaxMs: num(get('message.timestamp.before.max.ms')),
    timestampAfterMaxMs: num(get('message.timestamp.after.max.ms')),
  };
}

/** Broker-level settings of the log layer that are not topic configs. */
export interface BrokerLogDefaults {
  numPartitions: number;
  retentionCheckIntervalMs: number;
  /** The whole effective topic config with no overrides (what a new topic gets). */
  topicDefaults: LogConfig;
}

export function brokerLogDefaults(settings: BrokerSettings = {}): BrokerLogDefaults {
  const n = (k: string, d: number) => (settings[k] === undefined ? d : Number(settings[k]));
  return {
    numPartitions: n('num.partitions', 1),
    retentionCheckIntervalMs: n('log.retention.check.interval.ms', 300_000),
    topicDefaults: logConfigFrom(effectiveConfig({}, settings)),
  };
}
