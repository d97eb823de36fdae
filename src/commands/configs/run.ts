/**
 * ConfigCommand's rules for topics, brokers (and the broker default entity) and groups.
 * Describe: `Dynamic configs for topic t are:` then `  k=v sensitive=false synonyms={...}` sorted
 * by name. Alter: topics and groups through IncrementalAlterConfigs, brokers through the legacy
 * AlterConfigs with the full new set, as Kafka does.
 */
import type { Io } from '../../cli/io.js';
import { CommandError, UsageError } from '../../cli/errors.js';
import { createOutput, type Output } from '../../cli/output.js';
import { openSession } from '../../engine/client/connect.js';
import type { Cluster } from '../../engine/client/cluster.js';
import { KafkaResponseError } from '../../engine/client/errors.js';
import { loadClientProperties } from '../../engine/client/security.js';
import { ErrorCode } from '../../engine/protocol/error-codes.js';
import { liveBrokers } from '../../engine/client/admin/cluster.js';
import {
  alterConfigs,
  ConfigSource,
  configSourceName,
  describeConfigs,
  incrementalAlterConfigs,
  supportsLegacyAlterConfigs,
  type AlterConfigsResult,
  type ConfigEntryInfo,
} from '../../engine/client/admin/configs.js';
import { ResourceType } from '../../engine/protocol/config-resources.js';
import { listTopicNames } from '../../engine/client/admin/topics.js';
import { sessionOptions, type ConnectionFlags } from '../shared/options.js';

export interface ConfigsOptions extends ConnectionFlags {
  describe?: boolean;
  alter?: boolean;
  all?: boolean;
  entityType?: string[];
  entityName?: string[];
  entityDefault?: boolean;
  topic?: string;
  broker?: string;
  brokerDefaults?: boolean;
  group?: string;
  brokerLogger?: string;
  addConfig?: string;
  addConfigFile?: string;
  deleteConfig?: string;
  force?: boolean;
  output?: string;
  color?: boolean;
}

const KAFKA_TYPES = ['topics', 'clients', 'users', 'brokers', 'broker-loggers', 'ips', 'client-metrics', 'groups'];
const SUPPORTED: Record<string, { resource: number; dynamicSources: number[]; singular: string }> = {
  topics: { resource: ResourceType.TOPIC, dynamicSources: [ConfigSource.DYNAMIC_TOPIC_CONFIG], singular: 'topic' },
  brokers: { resource: ResourceType.BROKER, dynamicSources: [ConfigSource.DYNAMIC_BROKER_CONFIG], singular: 'broker' },
  'broker-loggers': { resource: ResourceType.BROKER_LOGGER, dynamicSources: [ConfigSource.DYNAMIC_BROKER_LOGGER_CONFIG], singular: 'broker-logger' },
  groups: { resource: ResourceType.GROUP, dynamicSources: [ConfigSource.DYNAMIC_GROUP_CONFIG], singular: 'group' },
};

/** A source as ConfigEntry.ConfigSource prints it. */
const sourceName = (id: number): string => configSourceName(id) ?? 'UNKNOWN';

interface Entity {
  type: string;
  /** undefined = every entity of the type; '' = the default entity (brokers). */
  name: string | undefined;
}

export function parseEntity(opts: ConfigsOptions): Entity {
  const generic = Boolean(opts.entityType?.length || opts.entityName?.length || opts.entityDefault);
  const specific: Entity[] = [];
  if (opts.topic !== undefined) specific.push({ type: 'topics', name: opts.topic });
  if (opts.broker !== undefined) specific.push({ type: 'brokers', name: opts.broker });
  if (opts.brokerDefaults) specific.push({ type: 'brokers', name: '' });
  if (opts.group !== undefined) specific.push({ type: 'groups', name: opts.group });
  if (opts.brokerLogger !== undefined) specific.push({ type: 'broker-loggers', name: opts.brokerLogger });
  if (generic && specific.length) throw new UsageError('--entity-{type,name,default} should not be used in conjunction with specific entity flags');
  let entity: Entity;
  if (specific.length) {
    if (specific.length > 1) throw new UsageError('Only one entity type is supported per command (except users and clients together)');
    entity = specific[0]!;
  } else {
    const types = opts.entityType ?? [];
    if (types.length === 0) throw new UsageError('At least one entity type must be specified');
    for (const t of types) {
      if (!KAFKA_TYPES.includes(t)) throw new UsageError(`Invalid entity type ${t}, the entity type must be one of ${KAFKA_TYPES.join(', ')}`);
    }
    if (types.length > 1) throw new UsageError('Only one entity type is supported per command (except users and clients together)');
    const names = opts.entityName ?? [];
    if (names.length > 1) throw new UsageError('At most one --entity-name or --entity-default may be given for each --entity-type');
    if (names.length && opts.entityDefault) throw new UsageError('At most one --entity-name or --entity-default may be given for each --entity-type');
    entity = { type: types[0]!, name: opts.entityDefault ? '' : names[0] };
  }
  if (!SUPPORTED[entity.type]) throw new CommandError(`mq-configs does not support entity type ${entity.type} yet (topics, brokers, broker-loggers and groups are supported)`);
  if (entity.type === 'brokers' || entity.type === 'broker-loggers') {
    if (entity.name !== undefined && entity.name !== '' && !/^\d+$/.test(entity.name)) {
      throw new UsageError(`The entity name for ${entity.type} must be a valid integer broker id, but it is: ${entity.name}`);
    }
  }
  if (entity.name === '' && entity.type !== 'brokers') throw new UsageError(`--entity-default is only supported for brokers here`);
  return entity;
}

/** --add-config: split on commas outside [], each on \s*=\s*, brackets removed from values. */
export function parseAddConfig(spec: string): Map<string, string> {
  const items = spec.split(/,(?=[^\]]*(?:\[|$))/).filter((s) => s !== '');
  const pairs = items.map((s) => s.split(/\s*=\s*/));
  if (!pairs.every((p) => p.length === 2)) {
    throw new UsageError('requirement failed: Invalid entity config: all configs to be added must be in the format "key=val".');
  }
  const out = new Map<string, string>();
  for (const [k, v] of pairs) {
    const key = k!.trim();
    if (!/^[a-zA-Z0-9._-]*$/.test(key)) throw new UsageError(`Invalid character found for config key: ${key}`);
    out.set(key, v!.replace(/\[?\]?/g, '').trim());
  }
  return out;
}

function entityLabel(e: Entity, all: boolean): string {
  const s = SUPPORTED[e.type]!;
  if (e.name === '') return `${all ? 'All' : 'Default'} configs for ${e.type} in the cluster are:`;
  return `${all ? 'All' : 'Dynamic'} configs for ${s.singular} ${e.name} are:`;
}

function entryLine(c: ConfigEntryInfo): string {
  const synonyms = c.synonyms.map((s) => `${sourceName(s.source)}:${s.name}=${c.isSensitive ? 'null' : s.value}`).join(', ');
  return `  ${c.name}=${c.isSensitive ? 'null' : c.value} sensitive=${c.isSensitive} synonyms={${synonyms}}`;
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

async function entityConfig(cluster: Cluster, e: Entity, name: string, all: boolean, synonyms: boolean): Promise<ConfigEntryInfo[]> {
  const s = SUPPORTED[e.type]!;
  const [res] = await describeConfigs(cluster, [{ type: s.resource, name }], { synonyms });
  // Kafka's brokers answer a missing topic with UNKNOWN_TOPIC_OR_PARTITION and no message, which
  // the tool prints as "This server does not host this topic-partition."; say what it means.
  if (e.type === 'topics' && res!.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
    throw new CommandError(`Topic '${name}' does not exist.`);
  }
  if (res!.errorCode !== ErrorCode.NONE) throw new KafkaResponseError(res!.errorCode, res!.errorMessage, `${s.singular} ${name}`);
  const sources: number[] = name === '' ? [ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG] : s.dynamicSources;
  return res!.entries.filter((c) => all || sources.includes(c.source)).sort(byName);
}

async function describe(cluster: Cluster, e: Entity, opts: ConfigsOptions, out: Output): Promise<void> {
  let names: string[];
  if (e.name !== undefined) names = [e.name];
  else if (e.type === 'topics') names = await listTopicNames(cluster, { includeInternal: true });
  else if (e.type === 'brokers') names = [...(await liveBrokers(cluster)).sort((a, b) => a - b).map(String), ''];
  else if (e.type === 'broker-loggers') names = (await liveBrokers(cluster)).sort((a, b) => a - b).map(String);
  else throw new UsageError(`An entity name must be specified with --describe of ${e.type}`);
  const all = Boolean(opts.all);
  const docs: unknown[] = [];
  for (const name of names) {
    const entries = await out.spin('Describing configs', entityConfig(cluster, e, name, all, true));
    if (out.json) {
      docs.push({
        entityType: e.type,
        entityName: name === '' ? null : name,
        configs: entries.map((c) => ({
          name: c.name,
          value: c.isSensitive ? null : c.value,
          source: sourceName(c.source),
          sensitive: c.isSensitive,
          readOnly: c.readOnly,
          synonyms: c.synonyms.map((s) => ({ source: sourceName(s.source), name: s.name, value: c.isSensitive ? null : s.value })),
        })),
      });
    } else {
      out.line(entityLabel({ ...e, name }, all));
      out.lines(entries.map(entryLine));
    }
  }
  if (out.json) out.document({ entities: docs });
}

async function alter(cluster: Cluster, e: Entity, opts: ConfigsOptions, out: Output): Promise<void> {
  const s = SUPPORTED[e.type]!;
  if (e.name === undefined) throw new UsageError(`An entity name must be specified with --alter of ${e.type}`);
  const toAdd = new Map<string, string>();
  if (opts.addConfig !== undefined) for (const [k, v] of parseAddConfig(opts.addConfig)) toAdd.set(k, v);
  if (opts.addConfigFile !== undefined) {
    let props: Map<string, string>;
    try {
      props = loadClientProperties(opts.addConfigFile);
    } catch (err) {
      throw new CommandError((err as Error).message);
    }
    for (const [k, v] of props) toAdd.set(k, v);
  }
  const toDelete = (opts.deleteConfig ?? '').split(',').map((k) => k.trim()).filter((k) => k !== '');
  const name = e.name;
  const current = await entityConfig(cluster, e, name, false, false);
  const invalid = toDelete.filter((k) => !current.some((c) => c.name === k));
  if (invalid.length) throw new CommandError(`Invalid config(s): ${invalid.join(',')}`);

  const target = e.type === 'brokers' || e.type === 'broker-loggers' ? (name === '' ? cluster.any() : await cluster.forNode(Number(name))) : cluster.any();
  let responses: AlterConfigsResult[];
  if (e.type === 'brokers' && supportsLegacyAlterConfigs(target)) {
    // Legacy AlterConfigs with the whole new dynamic set (sensitive values cannot be read back).
    const merged = new Map(current.filter((c) => !c.isSensitive && c.value !== null).map((c) => [c.name, c.value as string]));
    for (const [k, v] of toAdd) merged.set(k, v);
    for (const k of toDelete) merged.delete(k);
    responses = await alterConfigs(target, { type: s.resource, name, configs: merged });
  } else {
    responses = await incrementalAlterConfigs(target, { type: s.resource, name, set: toAdd, delete: toDelete });
  }
  for (const r of responses) {
    if (r.errorCode !== ErrorCode.NONE) throw new KafkaResponseError(r.errorCode, r.errorMessage, `${s.singular} ${name}`);
  }
  if (out.json) out.document({ entityType: e.type, entityName: name === '' ? null : name, updated: true });
  else if (name === '') out.line(`Completed updating default config for ${e.type} in the cluster.`);
  else out.line(`Completed updating config for ${s.singular} ${name}.`);
}

export async function runConfigs(opts: ConfigsOptions, io: Io, argv: readonly string[] = []): Promise<void> {
  const actions = [opts.describe, opts.alter].filter(Boolean).length;
  if (actions !== 1) throw new UsageError('Command must include exactly one action: --describe, --alter');
  const entity = parseEntity(opts);
  if (opts.alter) {
    if (opts.addConfig === undefined && opts.addConfigFile === undefined && opts.deleteConfig === undefined) {
      throw new UsageError('At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter');
    }
    if (opts.addConfig !== undefined && opts.addConfigFile !== undefined) throw new UsageError('Only one of --add-config or --add-config-file must be specified');
    if (opts.addConfig !== undefined) parseAddConfig(opts.addConfig);
  } else if (opts.addConfig !== undefined || opts.addConfigFile !== undefined || opts.deleteConfig !== undefined) {
    const o = opts.addConfig !== undefined ? 'add-config' : opts.addConfigFile !== undefined ? 'add-config-file' : 'delete-config';
    throw new UsageError(`Option "[${o}]" can't be used with option "[describe]"`);
  }
  const out = createOutput(io, { format: opts.output, color: opts.color });
  const session = await openSession(sessionOptions(opts, 'mq-configs'), io);
  try {
    const cluster = await session.cluster();
    if (opts.describe) await describe(cluster, entity, opts, out);
    else await alter(cluster, entity, opts, out);
  } catch (err) {
    if (err instanceof CommandError || err instanceof UsageError) throw err;
    const mapped = session.error(err);
    if (err instanceof KafkaResponseError) {
      // INVALID_CONFIG and friends: the message alone, as Kafka prints InvalidConfigurationException.
      if (err.errorCode === ErrorCode.INVALID_CONFIG || err.errorCode === ErrorCode.INVALID_REQUEST) throw new CommandError(mapped.message);
      throw new CommandError(`Error while executing config command with args '${argv.join(' ')}'\n${err.errorName}: ${mapped.message}`);
    }
    throw mapped;
  } finally {
    await session.close();
  }
}
