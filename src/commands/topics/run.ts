/**
 * mq-topics actions. Validation follows TopicCommandOptions.checkArgs; errors during an action
 * read `Error while executing topic command : <message>` (on stderr: see README).
 */
import type { Io } from '../../cli/io.js';
import { CommandError, UsageError } from '../../cli/errors.js';
import { createOutput, type Output } from '../../cli/output.js';
import { openSession, type Session } from '../../engine/client/connect.js';
import type { Cluster } from '../../engine/client/cluster.js';
import { KafkaResponseError, throwIfError } from '../../engine/client/errors.js';
import { uuidFromBase64, uuidToBase64 } from '../../engine/protocol/uuid.js';
import { ErrorCode, errorName } from '../../engine/protocol/error-codes.js';
import { validateTopicConfig } from '../../engine/log/topic-config.js';
import { liveBrokers } from '../../engine/client/admin/cluster.js';
import { describeConfigs, type ConfigEntryInfo } from '../../engine/client/admin/configs.js';
import { ResourceType } from '../../engine/protocol/config-resources.js';
import {
  createPartitions,
  createTopic as createTopicRequest,
  deleteTopics as deleteTopicsRequest,
  describeTopicPartitions,
  describeTopics,
  listTopicNames,
  listTopics,
  type NewTopic,
  type TopicInfo,
} from '../../engine/client/admin/topics.js';
import { conflicts, exactlyOneAction, isSet, requireArgument, sessionOptions, q, type ConnectionFlags } from '../shared/options.js';
import { selectTopics } from '../shared/topic-filter.js';
import { nonDefaultConfigs, partitionLine, topicSummaryLine } from './format.js';
import { copyTopic } from './copy.js';
import { printPartitionChoices } from './partition-for-key.js';

export interface TopicsOptions extends ConnectionFlags {
  list?: boolean;
  create?: boolean;
  delete?: boolean;
  alter?: boolean;
  describe?: boolean;
  topic?: string;
  topicId?: string;
  config?: string[];
  deleteConfig?: string[];
  partitions?: string;
  replicationFactor?: string;
  replicaAssignment?: string;
  underReplicatedPartitions?: boolean;
  unavailablePartitions?: boolean;
  underMinIsrPartitions?: boolean;
  atMinIsrPartitions?: boolean;
  topicsWithOverrides?: boolean;
  ifExists?: boolean;
  ifNotExists?: boolean;
  excludeInternal?: boolean;
  partitionSizeLimitPerResponse?: string;
  partitionForKey?: string;
  copy?: boolean;
  from?: string;
  to?: string;
  bootstrapServerTo?: string;
  commandConfigTo?: string;
  output?: string;
  color?: boolean;
}

const ACTIONS = ['create', 'list', 'alter', 'describe', 'delete'] as const;
const REPORTS = ['underReplicatedPartitions', 'underMinIsrPartitions', 'atMinIsrPartitions', 'unavailablePartitions'] as const;
const COLLISION_WARNING =
  "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.";

/** Kafka's "Option X can't be used with option Y" for every action not in `allowed`. */
function onlyWithActions(opts: Record<string, unknown>, key: string, allowed: readonly string[], extra: readonly string[] = []): void {
  if (!isSet(opts, key)) return;
  const invalid = [...ACTIONS.filter((a) => !allowed.includes(a)), ...extra];
  conflicts(opts, key, invalid);
}

function parseIntArg(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\s*-?\d+\s*$/.test(value) || !Number.isSafeInteger(Number(value)) || Math.abs(Number(value)) > 2 ** 31 - 1) {
    throw new UsageError(`Cannot parse argument '${value}' of option ${name}`);
  }
  return Number(value);
}

/** mq's own actions (--partition-for-key, --copy): each alone, with only its own options. */
const MQ_ACTIONS = ['partitionForKey', 'copy'] as const;
const COPY_OPTIONS = ['from', 'to', 'bootstrapServerTo', 'commandConfigTo'] as const;
const KAFKA_ONLY = [
  'topicId', 'config', 'deleteConfig', 'replicationFactor', 'replicaAssignment', 'ifExists', 'ifNotExists', 'excludeInternal',
  'topicsWithOverrides', ...REPORTS,
] as const;

function validateMqAction(opts: TopicsOptions, action: (typeof MQ_ACTIONS)[number]): void {
  const o = opts as Record<string, unknown>;
  for (const other of [...ACTIONS, ...MQ_ACTIONS]) if (other !== action) conflicts(o, action, [other]);
  conflicts(o, action, KAFKA_ONLY);
  if (action === 'partitionForKey') {
    conflicts(o, action, COPY_OPTIONS);
    if (!isSet(o, 'topic') && !isSet(o, 'partitions')) throw new UsageError('--partition-for-key needs --topic (to look up its partition count) or --partitions N');
    conflicts(o, 'topic', ['partitions']);
    const n = parseIntArg(opts.partitions, 'partitions');
    if (n !== undefined && n < 1) throw new CommandError('The partitions must be greater than 0');
  } else {
    conflicts(o, action, ['topic', 'partitions']);
    requireArgument(o, 'from');
    requireArgument(o, 'to');
    if (opts.from === opts.to && opts.bootstrapServerTo === undefined && opts.commandConfigTo === undefined) {
      throw new UsageError('--from and --to name the same topic on the same cluster; give another --to, or --bootstrap-server-to for another cluster');
    }
  }
}

export function validateTopicsOptions(opts: TopicsOptions): void {
  const o = opts as Record<string, unknown>;
  const mq = MQ_ACTIONS.find((a) => isSet(o, a));
  if (mq) return validateMqAction(opts, mq);
  for (const k of COPY_OPTIONS) if (isSet(o, k)) throw new UsageError(`Option ${q(k)} can only be used with option ${q('copy')}`);
  exactlyOneAction(o, ACTIONS, 'Command must include exactly one action: --list, --describe, --create, --alter or --delete');
  if (opts.describe && opts.ifExists && !opts.topic && !opts.topicId) {
    throw new UsageError('--topic or --topic-id is required to describe a topic');
  }
  if (!opts.list && !opts.describe) requireArgument(o, 'topic');
  if (opts.alter) {
    if (isSet(o, 'config')) {
      throw new UsageError(`Option ${q('config')} can't be used with option ${q('alter')} (To alter topic configurations, the mq-configs tool can be used.)`);
    }
    requireArgument(o, 'partitions');
  }
  onlyWithActions(o, 'config', ['alter', 'create']);
  onlyWithActions(o, 'partitions', ['alter', 'create']);
  onlyWithActions(o, 'replicationFactor', ['create']);
  onlyWithActions(o, 'replicaAssignment', ['alter', 'create']);
  if (opts.create) conflicts(o, 'replicaAssignment', ['partitions', 'replicationFactor']);
  for (const r of REPORTS) onlyWithActions(o, r, ['describe'], ['topicsWithOverrides']);
  onlyWithActions(o, 'topicsWithOverrides', ['describe'], REPORTS);
  onlyWithActions(o, 'ifExists', ['alter', 'delete', 'describe']);
  onlyWithActions(o, 'ifNotExists', ['create']);
  onlyWithActions(o, 'excludeInternal', ['list', 'describe']);
  parseIntArg(opts.partitions, 'partitions');
  parseIntArg(opts.replicationFactor, 'replication-factor');
  parseIntArg(opts.partitionSizeLimitPerResponse, 'partition-size-limit-per-response');
}

/** Kafka's parseReplicaAssignment: "1:2,3:4" -> partition -> broker ids. */
export function parseReplicaAssignment(list: string): number[][] {
  const out: number[][] = [];
  list.split(',').forEach((part, i) => {
    const ids = part.split(':').map((s) => {
      const t = s.trim();
      if (!/^-?\d+$/.test(t)) throw new CommandError(`Error while executing topic command : For input string: "${t}"`);
      return Number(t);
    });
    const dups = [...new Set(ids.filter((x, j) => ids.indexOf(x) !== j))];
    if (dups.length) throw new CommandError(`Error while executing topic command : Partition replica lists may not contain duplicate entries: ${dups.join(',')}`);
    out.push(ids);
    if (ids.length !== out[0]!.length) throw new CommandError(`Error while executing topic command : Partition ${i} has different replication factor: [${ids.join(', ')}]`);
  });
  return out;
}

/** Kafka's parseTopicConfigsToBeAdded: split on \s*=\s*, exactly two parts, then LogConfig.validate. */
export function parseTopicConfigs(configs: readonly string[]): Map<string, string> {
  const pairs = configs.map((c) => {
    const parts = c.split(/\s*=\s*/);
    while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop(); // Java's split drops trailing empties
    return parts;
  });
  if (!pairs.every((p) => p.length === 2)) {
    throw new UsageError('requirement failed: Invalid topic config: all configs to be added must be in the format "key=val".');
  }
  const props = new Map<string, string>();
  for (const [k, v] of pairs) props.set(k!.trim(), v!.trim());
  for (const [k, v] of props) {
    const problem = validateTopicConfig(k, v);
    if (problem) throw new CommandError(`Error while executing topic command : ${problem}`);
  }
  return props;
}

function actionError(err: unknown, session: Session): Error {
  if (err instanceof CommandError || err instanceof UsageError) return err;
  const mapped = session.error(err);
  if (err instanceof KafkaResponseError) return new CommandError(`Error while executing topic command : ${mapped.message}`);
  return mapped;
}

function ensureTopicExists(found: readonly string[], requested: string | undefined, required: boolean): void {
  if (requested !== undefined && requested !== '' && required && found.length === 0) {
    throw new CommandError(`Error while executing topic command : Topic '${requested}' does not exist as expected`);
  }
}

export async function runTopics(opts: TopicsOptions, io: Io): Promise<void> {
  validateTopicsOptions(opts);
  const out = createOutput(io, { format: opts.output, color: opts.color });
  if (opts.deleteConfig?.length) {
    out.status('delete-config option is no longer supported and deprecated since version 4.0. The config will be fully removed in future releases.');
  }
  // Client-side checks that need no broker come before connecting.
  let create: CreateArgs | undefined;
  if (opts.create) {
    const partitions = parseIntArg(opts.partitions, 'partitions');
    const rf = parseIntArg(opts.replicationFactor, 'replication-factor');
    if (rf !== undefined && (rf > 32767 || rf < 1)) throw new CommandError('The replication factor must be between 1 and 32767 inclusive');
    if (partitions !== undefined && partitions < 1) throw new CommandError('The partitions must be greater than 0');
    const assignment = opts.replicaAssignment ? parseReplicaAssignment(opts.replicaAssignment) : undefined;
    create = { partitions, rf, assignment, configs: parseTopicConfigs(opts.config ?? []) };
  }
  let topicIdHex: string | undefined;
  if (opts.describe && opts.topicId !== undefined) {
    try {
      topicIdHex = uuidFromBase64(opts.topicId);
    } catch {
      throw new CommandError(`Error while executing topic command : Invalid topic id: ${opts.topicId}`);
    }
    if (/^0+$/.test(topicIdHex)) topicIdHex = undefined; // Kafka ignores the zero id
    else if (opts.topic !== undefined && opts.ifExists) out.line('Only topic id will be used when both --topic and --topic-id are specified and topicId is not Uuid.ZERO_UUID');
  }

  if (opts.partitionForKey !== undefined && opts.topic === undefined) {
    printPartitionChoices(out, opts.partitionForKey, undefined, parseIntArg(opts.partitions, 'partitions')!);
    return;
  }

  const session = await openSession(sessionOptions(opts, 'mq-topics'), io);
  try {
    const cluster = await session.cluster();
    if (opts.partitionForKey !== undefined) await partitionsForKey(cluster, opts.topic!, opts.partitionForKey, out);
    else if (opts.copy) await copyTopic(session, opts, out, io);
    else if (create) await createTopic(cluster, opts, create, out, session);
    else if (opts.list) await list(cluster, opts, out);
    else if (opts.describe) await describe(cluster, opts, topicIdHex, out);
    else if (opts.alter) await alter(cluster, opts, out);
    else if (opts.delete) await deleteTopics(cluster, opts);
  } catch (err) {
    throw actionError(err, session);
  } finally {
    await session.close();
  }
}

interface CreateArgs {
  partitions?: number;
  rf?: number;
  assignment?: number[][];
  configs: Map<string, string>;
}

async function partitionsForKey(cluster: Cluster, topic: string, key: string, out: Output): Promise<void> {
  let info: TopicInfo | undefined;
  try {
    [info] = await describeTopics(cluster, [topic]);
  } catch (err) {
    if (err instanceof KafkaResponseError && err.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) throw new CommandError(`Topic '${topic}' does not exist`);
    throw err;
  }
  if (!info || info.partitions.length === 0) throw new CommandError(`Topic '${topic}' does not exist`);
  printPartitionChoices(out, key, topic, info.partitions.length);
}

/** Kafka's refusal of an unreachable replication factor, then what to do instead on mq's single local broker. */
const LOCAL_RF_HINT =
  'The local mq broker is a single broker, so its topics have replication factor 1. For replication, start a local multi-broker Apache Kafka with `mq-cluster up` (then --bootstrap-server localhost:29092), or create the topic on a cluster with that many brokers: --bootstrap-server host:port.';

async function createTopic(cluster: Cluster, opts: TopicsOptions, c: CreateArgs, out: Output, session: Session): Promise<void> {
  const name = opts.topic!;
  if (name === '') throw new CommandError(`Error while executing topic command : The given topic name '' cannot be represented in a request.`);
  if (!out.json && (name.includes('.') || name.includes('_'))) out.line(COLLISION_WARNING);
  const controller = await cluster.controller();
  const topic: NewTopic = { name, partitions: c.partitions, replicationFactor: c.rf, assignment: c.assignment, configs: c.configs };
  const t = await out.spin(`Creating topic ${name}`, createTopicRequest(controller, topic));
  if (t.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS && opts.ifNotExists) return;
  if (t.errorCode === ErrorCode.INVALID_REPLICATION_FACTOR && !session.target.remote) {
    throw new CommandError(`Error while executing topic command : ${t.errorMessage ?? errorName(t.errorCode)}\n${LOCAL_RF_HINT}`);
  }
  throwIfError(t.errorCode, t.errorMessage, `Topic ${name}`);
  if (out.json) out.document({ created: name, topicId: t.topicId });
  else out.line(`Created topic ${name}.`);
}

async function list(cluster: Cluster, opts: TopicsOptions, out: Output): Promise<void> {
  const all = await out.spin('Listing topics', listTopicNames(cluster, { includeInternal: true }));
  const topics = selectTopics(all, opts.topic, Boolean(opts.excludeInternal));
  if (out.json) out.document({ topics });
  // Kafka joins the names with \n and prints the result once, so no topics is one empty line.
  else out.line(topics.join('\n'));
}

interface DescribedTopic {
  topic: TopicInfo;
  entries: ConfigEntryInfo[];
}

async function describe(cluster: Cluster, opts: TopicsOptions, topicIdHex: string | undefined, out: Output): Promise<void> {
  const excludeInternal = Boolean(opts.excludeInternal);
  let names: string[];
  if (topicIdHex) {
    const all = await listTopics(cluster);
    const wanted = uuidToBase64(topicIdHex);
    const hit = all.find((t) => t.topicId === wanted && !(excludeInternal && t.isInternal));
    if (!hit && !opts.ifExists) throw new CommandError(`Error while executing topic command : TopicId '${opts.topicId}' does not exist as expected`);
    names = hit ? [hit.name] : [];
  } else {
    names = selectTopics(await listTopicNames(cluster, { includeInternal: true }), opts.topic, excludeInternal);
    ensureTopicExists(names, opts.topic, !opts.ifExists);
  }
  const { topics, configs, live } = await out.spin('Describing topics', async () => {
    // Kafka's tool looks topics up by id through Metadata (no ELR) and by name through DescribeTopicPartitions.
    const topics = topicIdHex ? await describeTopics(cluster, names) : await describeTopicPartitions(cluster, names);
    const configs = await describeConfigs(cluster, topics.map((t) => ({ type: ResourceType.TOPIC, name: t.name })));
    const live = new Set(await liveBrokers(cluster));
    return { topics, configs, live };
  });
  const described: DescribedTopic[] = topics
    .map((topic, i) => {
      const cfg = configs[i]!;
      if (cfg.errorCode !== ErrorCode.NONE) throw new KafkaResponseError(cfg.errorCode, cfg.errorMessage, `Topic ${topic.name}`);
      return { topic, entries: cfg.entries };
    })
    .sort((a, b) => (a.topic.name < b.topic.name ? -1 : a.topic.name > b.topic.name ? 1 : 0));

  const reports = REPORTS.filter((r) => opts[r]);
  const describeConfigsLine = reports.length === 0;
  const describePartitions = !opts.topicsWithOverrides;
  const lines: string[] = [];
  const json: unknown[] = [];
  for (const d of described) {
    const minIsr = Number(d.entries.find((e) => e.name === 'min.insync.replicas')?.value ?? '1');
    const rf = d.topic.partitions[0]?.replicas.length ?? 0;
    const keep = (p: TopicInfo['partitions'][number]): boolean => {
      if (describeConfigsLine) return true;
      const hasLeader = p.leader >= 0;
      return (
        (opts.underReplicatedPartitions === true && rf - p.isr.length > 0) ||
        (opts.unavailablePartitions === true && (!hasLeader || !live.has(p.leader))) ||
        (opts.underMinIsrPartitions === true && (!hasLeader || p.isr.length < minIsr)) ||
        (opts.atMinIsrPartitions === true && p.isr.length === minIsr)
      );
    };
    const showSummary = describeConfigsLine && (!opts.topicsWithOverrides || nonDefaultConfigs(d.entries).length > 0) && d.topic.partitions.length > 0;
    const parts = describePartitions ? d.topic.partitions.filter(keep) : [];
    if (showSummary) lines.push(topicSummaryLine(d.topic, d.entries));
    for (const p of parts) lines.push(partitionLine(d.topic.name, p));
    if (showSummary || parts.length) {
      json.push({
        name: d.topic.name,
        topicId: d.topic.topicId,
        partitionCount: d.topic.partitions.length,
        replicationFactor: rf,
        configs: Object.fromEntries(nonDefaultConfigs(d.entries).map((e) => [e.name, e.isSensitive ? null : e.value])),
        partitions: parts.map((p) => ({
          partition: p.partition,
          leader: p.leader >= 0 ? p.leader : null,
          replicas: p.replicas,
          isr: p.isr,
          elr: p.elr ?? null,
          lastKnownElr: p.lastKnownElr ?? null,
        })),
      });
    }
  }
  if (out.json) out.document({ topics: json });
  else out.lines(lines);
}

async function alter(cluster: Cluster, opts: TopicsOptions, out: Output): Promise<void> {
  const count = parseIntArg(opts.partitions, 'partitions')!;
  const assignment = opts.replicaAssignment ? parseReplicaAssignment(opts.replicaAssignment) : undefined;
  const topics = selectTopics(await listTopicNames(cluster, { includeInternal: true }), opts.topic, Boolean(opts.excludeInternal));
  ensureTopicExists(topics, opts.topic, !opts.ifExists);
  if (topics.length === 0) return;
  let current = new Map<string, number>();
  if (assignment) current = new Map((await describeTopics(cluster, topics)).map((t) => [t.name, t.partitions.length]));
  const controller = await cluster.controller();
  const results = await out.spin(
    'Adding partitions',
    createPartitions(controller, topics.map((name) => ({ name, count, assignments: assignment ? assignment.slice(current.get(name) ?? 0) : null }))),
  );
  for (const r of results) throwIfError(r.errorCode, r.errorMessage, `Topic ${r.name}`);
}

async function deleteTopics(cluster: Cluster, opts: TopicsOptions): Promise<void> {
  const topics = selectTopics(await listTopicNames(cluster, { includeInternal: true }), opts.topic, Boolean(opts.excludeInternal));
  ensureTopicExists(topics, opts.topic, !opts.ifExists);
  if (topics.length === 0) return;
  const controller = await cluster.controller();
  for (const r of await deleteTopicsRequest(controller, topics)) throwIfError(r.errorCode, r.errorMessage, `Topic ${r.name}`);
}
