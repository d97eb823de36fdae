/**
 * DescribeConfigs / AlterConfigs logic shared by the config handlers and CreateTopics: the
 * effective topic config with Kafka's sources and types, and the broker's and groups' dynamic
 * configs (persisted in meta/dynamic-configs.json).
 */
import { join } from 'node:path';
import { effectiveConfig, TOPIC_CONFIG_BY_NAME, type ConfigType } from '../log/topic-config.js';
import { readJsonIfExists, writeJsonAtomic } from '../log/atomic-file.js';
import type { BrokerServices } from './services.js';
import type { BrokerSettings } from './config.js';

export const ResourceType = { TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8, GROUP: 32 } as const;

export const ConfigSource = {
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  GROUP_CONFIG: 8,
} as const;

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
const PRIMARIES_WITHOUT_DEFAULT: ReadonlySet<string> = new Set(['log.retention.ms', 'log.roll.ms', 'log.roll.jitter.ms', 'log.flush.interval.ms']);

/**
 * Every topic config with its effective value. Only settings the operator set explicitly count
 * as broker-supplied (STATIC_BROKER_CONFIG); mq's own defaults are reported as defaults.
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
    // Kafka (ConfigHelper.configSynonyms) collects the broker synonyms in order and then drops
    // everything before the first entry named like the primary one (log.retention.ms for
    // retention.ms): a coarser sibling such as log.retention.hours in server.properties still sets
    // the value, but is neither listed nor makes the source STATIC_BROKER_CONFIG unless the
    // primary property is set too.
    const primary = def.brokerSynonyms[0];
    const primaryExplicit = primary !== undefined && explicit[primary] !== undefined;
    const source =
      e.source === 'topic'
        ? ConfigSource.DYNAMIC_TOPIC_CONFIG
        : e.source === 'broker' && primaryExplicit
          ? ConfigSource.STATIC_BROKER_CONFIG
          : ConfigSource.DEFAULT_CONFIG;
    const synonyms: ConfigEntry['synonyms'] = [];
    if (includeSynonyms) {
      if (e.source === 'topic') synonyms.push({ name: e.name, value: e.value, source: ConfigSource.DYNAMIC_TOPIC_CONFIG });
      if (primaryExplicit) {
        for (const syn of def.brokerSynonyms) {
          if (explicit[syn] !== undefined) synonyms.push({ name: syn, value: String(explicit[syn]), source: ConfigSource.STATIC_BROKER_CONFIG });
        }
      }
      // Kafka lists the primary broker property's default, and only when that property has one
      // (log.retention.ms has none: its default lives in log.retention.hours).
      if (primary && !PRIMARIES_WITHOUT_DEFAULT.has(primary)) synonyms.push({ name: primary, value: def.default, source: ConfigSource.DEFAULT_CONFIG });
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

interface DynamicConfigFile {
  version: 1;
  broker: Record<string, string>;
  groups: Record<string, Record<string, string>>;
}

/** Dynamic broker and group configs, kept in memory and written atomically on change. */
export class DynamicConfigs {
  private data: DynamicConfigFile = { version: 1, broker: {}, groups: {} };

  private constructor(private readonly file: string) {}

  static async open(dataDir: string, settings: BrokerSettings): Promise<DynamicConfigs> {
    const d = new DynamicConfigs(join(dataDir, 'meta', 'dynamic-configs.json'));
    const loaded = await readJsonIfExists<DynamicConfigFile>(d.file);
    if (loaded && loaded.version === 1) d.data = { version: 1, broker: loaded.broker ?? {}, groups: loaded.groups ?? {} };
    for (const [k, v] of Object.entries(d.data.broker)) settings.setDynamic(k, v);
    return d;
  }

  broker(): Readonly<Record<string, string>> {
    return this.data.broker;
  }

  group(name: string): Readonly<Record<string, string>> {
    return this.data.groups[name] ?? {};
  }

  async setBroker(values: Record<string, string>, settings: BrokerSettings): Promise<void> {
    for (const k of Object.keys(this.data.broker)) if (!(k in values)) settings.setDynamic(k, undefined);
    this.data.broker = { ...values };
    for (const [k, v] of Object.entries(values)) settings.setDynamic(k, v);
    await writeJsonAtomic(this.file, this.data);
  }

  async setGroup(name: string, values: Record<string, string>): Promise<void> {
    if (Object.keys(values).length === 0) delete this.data.groups[name];
    else this.data.groups[name] = { ...values };
    await writeJsonAtomic(this.file, this.data);
  }
}
