/**
 * Broker settings, in Kafka's own property names so a server.properties written for Kafka works
 * here. Values come from (later wins): the defaults below, an optional properties file, and
 * --override key=value. Unknown keys are kept (and ignored), as Kafka does.
 */
import { readPropertiesFile } from '../config/properties.js';

export const BROKER_DEFAULTS: Readonly<Record<string, string>> = {
  'node.id': '1',
  'num.partitions': '1',
  'default.replication.factor': '1',
  'auto.create.topics.enable': 'true',
  'delete.topic.enable': 'true',
  'message.max.bytes': '1048588',
  'socket.request.max.bytes': '104857600',
  'log.segment.bytes': '1073741824',
  'log.roll.hours': '168',
  'log.retention.hours': '168',
  'log.retention.bytes': '-1',
  'log.retention.check.interval.ms': '300000',
  'log.index.interval.bytes': '4096',
  'log.cleanup.policy': 'delete',
  'log.message.timestamp.type': 'CreateTime',
  'compression.type': 'producer',
  'min.insync.replicas': '1',
  'offsets.retention.minutes': '10080',
  'offsets.retention.check.interval.ms': '600000',
  // Kafka waits 3 s before the first rebalance of a new group; a local broker answers at once.
  'group.initial.rebalance.delay.ms': '0',
  'group.min.session.timeout.ms': '6000',
  'group.max.session.timeout.ms': '1800000',
  'group.max.size': '2147483647',
  'transaction.max.timeout.ms': '900000',
  'transaction.abort.timed.out.transaction.cleanup.interval.ms': '10000',
  'transactional.id.expiration.ms': '604800000',
  'transaction.remove.expired.transaction.cleanup.interval.ms': '3600000',
  'transaction.state.log.num.partitions': '50',
  'transaction.state.log.segment.bytes': '104857600',
  'transaction.partition.verification.enable': 'true',
  'offsets.topic.num.partitions': '50',
};

/**
 * Kafka keeps two sets of dynamic broker configs: per broker (`kafka-configs --broker 1`, source
 * DYNAMIC_BROKER_CONFIG) and cluster-wide defaults (`--broker-defaults`, resource name "", source
 * DYNAMIC_DEFAULT_BROKER_CONFIG). A per-broker value wins over a default one, and both win over
 * the static (file/--override) settings.
 */
export type DynamicScope = 'broker' | 'default';

/** Where a broker setting's current value comes from, strongest first. */
export type SettingSource = 'dynamic-broker' | 'dynamic-default' | 'static' | 'default';

export class BrokerSettings {
  private readonly values: Map<string, string>;
  /** Keys set by the operator (file or --override); the rest are mq's defaults. */
  private readonly statics = new Map<string, string>();
  /** Keys changed at runtime through AlterConfigs for this broker (resource name = node id). */
  private readonly dynamicBroker = new Map<string, string>();
  /** Keys changed at runtime through AlterConfigs for the cluster default (resource name ""). */
  private readonly dynamicDefault = new Map<string, string>();

  constructor(overrides: Iterable<[string, string]> = []) {
    this.values = new Map(Object.entries(BROKER_DEFAULTS));
    for (const [k, v] of overrides) {
      this.values.set(k, v);
      this.statics.set(k, v);
    }
  }

  /** Settings that did not come from mq's defaults (what Kafka calls static/dynamic broker config), strongest value per key. */
  explicit(): Record<string, string> {
    return Object.fromEntries([...this.statics, ...this.dynamicDefault, ...this.dynamicBroker]);
  }

  isStatic(key: string): boolean {
    return this.statics.has(key);
  }

  isDynamic(key: string): boolean {
    return this.dynamicBroker.has(key) || this.dynamicDefault.has(key);
  }

  /** The value `key` has in one layer (undefined when that layer does not set it). */
  layerValue(key: string, layer: Exclude<SettingSource, 'default'>): string | undefined {
    if (layer === 'dynamic-broker') return this.dynamicBroker.get(key);
    if (layer === 'dynamic-default') return this.dynamicDefault.get(key);
    return this.statics.get(key);
  }

  sourceOf(key: string): SettingSource {
    if (this.dynamicBroker.has(key)) return 'dynamic-broker';
    if (this.dynamicDefault.has(key)) return 'dynamic-default';
    if (this.statics.has(key)) return 'static';
    return 'default';
  }

  setDynamic(key: string, value: string | undefined, scope: DynamicScope = 'broker'): void {
    const layer = scope === 'broker' ? this.dynamicBroker : this.dynamicDefault;
    if (value === undefined) layer.delete(key);
    else layer.set(key, value);
    const effective = this.dynamicBroker.get(key) ?? this.dynamicDefault.get(key) ?? this.statics.get(key) ?? BROKER_DEFAULTS[key];
    if (effective === undefined) this.values.delete(key);
    else this.values.set(key, effective);
  }

  static fromSources(propertiesFile: string | undefined, overrides: Iterable<[string, string]>): BrokerSettings {
    const all: [string, string][] = [];
    if (propertiesFile) all.push(...readPropertiesFile(propertiesFile));
    all.push(...overrides);
    return new BrokerSettings(all);
  }

  get(key: string): string | undefined {
    return this.values.get(key);
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  string(key: string, fallback = ''): string {
    return this.values.get(key) ?? fallback;
  }

  number(key: string, fallback = 0): number {
    const v = this.values.get(key);
    if (v === undefined || v.trim() === '') return fallback;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new Error(`Invalid value ${v} for configuration ${key}: Not a number`);
    return n;
  }

  bool(key: string, fallback = false): boolean {
    const v = this.values.get(key);
    if (v === undefined) return fallback;
    return v.trim().toLowerCase() === 'true';
  }

  entries(): [string, string][] {
    return [...this.values];
  }

  /** A plain object for modules that take Kafka property names (log defaults, groups). */
  toObject(): Record<string, string> {
    return Object.fromEntries(this.values);
  }
}
