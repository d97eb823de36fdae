/**
 * DescribeConfigs / AlterConfigs logic shared by the config handlers and CreateTopics: the
 * effective topic config with Kafka's sources and types, and the broker's and groups' dynamic
 * configs (dynamic-configs.ts keeps those).
 */
import { effectiveConfig, TOPIC_CONFIG_BY_NAME, TOPIC_CONFIGS, type ConfigType } from '../log/topic-config.js';
import type { BrokerServices } from './services.js';
import { ConfigSource } from '../protocol/config-resources.js';
import { BROKER_DEFAULTS } from './config.js';

const CONFIG_TYPE: Record<ConfigType, number> = { boolean: 1, string: 2, int: 3, long: 5, double: 6, list: 7, class: 8 };

export interface ConfigEntry {
  name: string;
  value: string | null;
  readOnly: boolean;
  isDefault: boolean;
  configSource: number;
  isSensitive: boolean;
  synonyms: { name: string; value: string | null; source: number }[];
  configType: number;
  documentation: string | null;
}

/** Broker properties whose Kafka default is null (a coarser sibling such as .hours supplies it). */
const PRIMARIES_WITHOUT_DEFAULT: ReadonlySet<string> = new Set(['log.retention.ms', 'log.retention.minutes', 'log.roll.ms', 'log.roll.jitter.ms', 'log.flush.interval.ms']);

/** Kafka's defaults of the coarser synonyms (they are not topic configs' primaries). */
const SECONDARY_DEFAULTS: Readonly<Record<string, string>> = {
  'log.retention.hours': '168',
  'log.roll.hours': '168',
  'log.roll.jitter.hours': '0',
};

/** The Kafka default (DEFAULT_CONFIG synonym) of a broker property, undefined when Kafka has none. */
function kafkaBrokerDefault(name: string): string | undefined {
  if (PRIMARIES_WITHOUT_DEFAULT.has(name)) return undefined;
  const secondary = SECONDARY_DEFAULTS[name];
  if (secondary !== undefined) return secondary;
  const topicDef = TOPIC_CONFIGS.find((d) => d.brokerSynonyms[0] === name);
  return topicDef ? topicDef.default : BROKER_DEFAULTS[name];
}

/** Kafka's brokerConfigSynonyms: log.retention.{ms,minutes,hours} and the like form one family. */
function brokerSynonymFamily(name: string): readonly string[] {
  return TOPIC_CONFIGS.find((d) => d.brokerSynonyms.includes(name))?.brokerSynonyms ?? [name];
}

type Synonym = ConfigEntry['synonyms'][number];

/**
 * Kafka's ConfigHelper.configSynonyms: every value any synonym has, by source (per-broker dynamic,
 * cluster-default dynamic, static, Kafka default), then everything before the first entry named
 * `name` is dropped. So log.retention.hours=168 alone does not show under retention.ms, but a
 * dynamic log.retention.ms lists the .hours values after it.
 */
function configSynonyms(s: BrokerServices, name: string, family: readonly string[], perBroker: boolean): Synonym[] {
  const all: Synonym[] = [];
  const layers = [
    ...(perBroker ? [['dynamic-broker', ConfigSource.DYNAMIC_BROKER_CONFIG] as const] : []),
    ['dynamic-default', ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG] as const,
    ['static', ConfigSource.STATIC_BROKER_CONFIG] as const,
  ];
  for (const [layer, source] of layers) {
    for (const n of family) {
      const value = s.settings.layerValue(n, layer);
      if (value !== undefined) all.push({ name: n, value, source });
    }
  }
  for (const n of family) {
    const value = kafkaBrokerDefault(n);
    if (value !== undefined) all.push({ name: n, value, source: ConfigSource.DEFAULT_CONFIG });
  }
  const first = all.findIndex((syn) => syn.name === name);
  return first < 0 ? [] : all.slice(first);
}

/**
 * Every topic config with its effective value. Only settings the operator set explicitly (or
 * changed at runtime) count as broker-supplied; mq's own defaults are reported as defaults. The
 * source is Kafka's: the topic override, else the first synonym's source, else DEFAULT_CONFIG.
 */
export function describeTopicConfigs(
  s: BrokerServices,
  overrides: Readonly<Record<string, string>>,
  keys: readonly string[] | null,
  includeSynonyms: boolean,
  _includeDocs: boolean,
): ConfigEntry[] {
  const explicit = s.settings.explicit();
  const effective = effectiveConfig(overrides, explicit);
  const out: ConfigEntry[] = [];
  for (const e of effective.values()) {
    if (keys && !keys.includes(e.name)) continue;
    const def = TOPIC_CONFIG_BY_NAME.get(e.name)!;
    const primary = def.brokerSynonyms[0];
    const brokerSyns = primary ? configSynonyms(s, primary, def.brokerSynonyms, true) : [];
    const source = e.source === 'topic' ? ConfigSource.DYNAMIC_TOPIC_CONFIG : (brokerSyns[0]?.source ?? ConfigSource.DEFAULT_CONFIG);
    const synonyms: Synonym[] = [];
    if (includeSynonyms) {
      if (e.source === 'topic') synonyms.push({ name: e.name, value: e.value, source: ConfigSource.DYNAMIC_TOPIC_CONFIG });
      synonyms.push(...brokerSyns);
    }
    out.push({
      name: e.name,
      value: e.value,
      readOnly: false,
      isDefault: source === ConfigSource.DEFAULT_CONFIG,
      configSource: source,
      isSensitive: false,
      synonyms,
      configType: CONFIG_TYPE[e.type] ?? 0,
      documentation: null,
    });
  }
  return out;
}

/**
 * The broker resource: `perBroker` (resource name = node id) lists every setting, the cluster
 * default entity (resource name "") only its dynamic defaults, as Kafka's ConfigHelper does.
 */
export function describeBrokerConfigs(s: BrokerServices, keys: readonly string[] | null, perBroker: boolean): ConfigEntry[] {
  const names = perBroker ? new Set([...Object.keys(BROKER_DEFAULTS), ...Object.keys(s.settings.explicit())]) : new Set(Object.keys(s.dynamicConfigs.broker('default')));
  const out: ConfigEntry[] = [];
  for (const name of [...names].sort()) {
    if (keys && !keys.includes(name)) continue;
    // The default entity lists only its own layer (checked against Kafka 4.3: no DEFAULT_CONFIG
    // synonym there, unlike the same key described on the broker itself).
    const all = configSynonyms(s, name, brokerSynonymFamily(name), perBroker);
    const synonyms = perBroker ? all : all.filter((syn) => syn.source === ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
    const source = synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG;
    const value = perBroker ? (s.settings.get(name) ?? null) : (s.dynamicConfigs.broker('default')[name] ?? null);
    const sensitive = /password|secret|jaas/i.test(name);
    out.push({
      name,
      value: sensitive ? null : value,
      readOnly: false,
      isDefault: source === ConfigSource.DEFAULT_CONFIG,
      configSource: source,
      isSensitive: sensitive,
      synonyms: sensitive ? synonyms.map((syn) => ({ ...syn, value: null })) : synonyms,
      configType: 2,
      documentation: null,
    });
  }
  return out;
}

/** Broker settings clients may change at runtime (kafka-configs --entity-type brokers). */
export const DYNAMIC_BROKER_CONFIGS: ReadonlySet<string> = new Set([
  'log.retention.ms',
  'log.retention.bytes',
  'log.segment.bytes',
  'log.roll.ms',
  'log.cleanup.policy',
  'log.message.timestamp.type',
  'message.max.bytes',
  'compression.type',
  'min.insync.replicas',
  'num.partitions',
  'auto.create.topics.enable',
  'log.retention.check.interval.ms',
]);

/** Group configs (KIP-848 era; Kafka 3.9+ accepts these for groups). */
export const GROUP_CONFIGS: Readonly<Record<string, { default: string; type: number }>> = {
  'consumer.session.timeout.ms': { default: '45000', type: 3 },
  'consumer.heartbeat.interval.ms': { default: '5000', type: 3 },
  'share.session.timeout.ms': { default: '45000', type: 3 },
  'share.heartbeat.interval.ms': { default: '5000', type: 3 },
  'share.record.lock.duration.ms': { default: '30000', type: 3 },
  'share.auto.offset.reset': { default: 'latest', type: 2 },
  'share.isolation.level': { default: 'read_uncommitted', type: 2 },
};
