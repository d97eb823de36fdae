/**
 * mq-console-consumer's options checked and turned into a plan (what to read, from where, how to
 * print it), with Kafka's ConsoleConsumerOptions messages. Pure: no I/O; run.ts carries it out.
 */
import { randomInt } from 'node:crypto';
import { CommandError, UsageError } from '../../cli/errors.js';
import { mergedProperties } from '../shared/properties.js';
import { autoOffsetReset } from '../shared/consumer-properties.js';
import { parseTimeSpec } from './time-spec.js';

export interface ConsumerOptions {
  topic?: string;
  include?: string;
  whitelist?: string;
  partition?: string;
  offset?: string;
  fromBeginning?: boolean;
  group?: string;
  maxMessages?: string;
  timeoutMs?: string;
  skipMessageOnError?: boolean;
  isolationLevel?: string;
  consumerProperty?: string[];
  commandProperty?: string[];
  consumerConfig?: string;
  commandConfig?: string;
  formatter?: string;
  property?: string[];
  formatterProperty?: string[];
  formatterConfig?: string;
  keyDeserializer?: string;
  valueDeserializer?: string;
  enableSystestEvents?: boolean;
  bootstrapServer?: string;
  dataDir?: string;
  verbose?: boolean;
  output?: string;
  color?: boolean;
  /** mq's own: a time range (time-spec.ts) and a search (grep.ts). */
  fromTime?: string;
  toTime?: string;
  grep?: string;
  grepKey?: string;
  grepHeader?: string[];
  grepIgnoreCase?: boolean;
  /** Kafka's ERROR line when --timeout-ms ends the consumer. */
  strictTimeout?: boolean;
  /** Aborted on SIGINT/SIGTERM (set by main). */
  signal?: AbortSignal;
}

export const FORMATTERS = new Set([
  'org.apache.kafka.tools.consumer.DefaultMessageFormatter',
  'kafka.tools.DefaultMessageFormatter',
  'org.apache.kafka.tools.consumer.NoOpMessageFormatter',
  'kafka.tools.NoOpMessageFormatter',
  'org.apache.kafka.tools.consumer.LoggingMessageFormatter',
  'kafka.tools.LoggingMessageFormatter',
]);

/**
 * max.partition.fetch.bytes unless set: Java's 1 MiB costs a round trip per MiB, and with one
 * request ahead the broker's time per request is what the consumer waits for; 4 MiB answers
 * halve the total time on a local broker. Output and commits are the same.
 */
const PARTITION_FETCH_BYTES = 4 * 1024 * 1024;

/** FetchRequest isolation levels (IsolationLevel.java). */
const READ_UNCOMMITTED = 0;
const READ_COMMITTED = 1;

function nonNegInt(v: string, flag: string): number {
  if (!/^\d+$/.test(v.trim())) throw new UsageError(`Invalid value '${v}' for option --${flag}: not a non-negative integer`);
  return Number(v);
}

export interface Plan {
  topics: string[] | null;
  pattern: RegExp | null;
  partition: number | null;
  offset: 'earliest' | 'latest' | number;
  groupId: string;
  userGroup: boolean;
  autoCommit: boolean;
  reset: 'earliest' | 'latest' | 'none';
  /** --from-time / --to-time (epoch ms) or --grep: a range read (range.ts). */
  fromTime: number | null;
  toTime: number | null;
  search: boolean;
  maxMessages: number;
  timeoutMs: number;
  isolationLevel: number;
  /** fetch.max.wait.ms */
  maxWaitMs: number;
  /** max.partition.fetch.bytes */
  partitionMaxBytes: number;
  clientId: string;
  consumerProps: Map<string, string>;
  configFile: string | undefined;
}

/** ConsoleConsumerOptions' checks, with Kafka's messages (tools/src/main/java/org/apache/kafka/tools/consumer/ConsoleConsumerOptions.java). */
export function plan(o: ConsumerOptions): Plan {
  const include = o.include ?? o.whitelist;
  const sources = [o.topic, include].filter((x) => x !== undefined).length;
  if (sources !== 1) throw new UsageError('Exactly one of --include/--topic is required. ');
  if (o.partition !== undefined && o.topic === undefined) throw new UsageError('The topic is required when partition is specified.');
  if (o.offset !== undefined && o.partition === undefined) throw new UsageError('The partition is required when offset is specified.');
  if (o.group !== undefined && o.partition !== undefined) throw new UsageError('Options group and partition cannot be specified together.');
  if (o.fromBeginning && o.offset !== undefined) throw new UsageError('Options from-beginning and offset cannot be specified together.');
  const configFile = o.consumerConfig ?? o.commandConfig;
  const props = mergedProperties(configFile, [...(o.consumerProperty ?? []), ...(o.commandProperty ?? [])], '--consumer-property');
  const groupIds = new Set<string>();
  const group = o.group ?? props.get('group.id');
  if (o.group !== undefined) groupIds.add(o.group);
  if (props.get('group.id') !== undefined) groupIds.add(props.get('group.id')!);
  if (groupIds.size > 1) {
    throw new UsageError(
      `The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer.config') do not match. Detected group ids: ${[...groupIds].map((g) => `'${g}'`).join(', ')}`,
    );
  }
  const explicitReset = autoOffsetReset(props.get('auto.offset.reset'));
  if (o.fromBeginning && explicitReset !== undefined && explicitReset !== 'earliest') {
    throw new CommandError(`Can't simultaneously specify --from-beginning and 'auto.offset.reset=${explicitReset}', please remove one option`);
  }
  const search = o.grep !== undefined || o.grepKey !== undefined || (o.grepHeader ?? []).length > 0;
  const ranged = search || o.fromTime !== undefined || o.toTime !== undefined;
  if (ranged && group !== undefined) {
    throw new UsageError('Options --from-time, --to-time and --grep read partitions directly (no group, nothing committed): remove --group.');
  }
  if (o.fromTime !== undefined && (o.fromBeginning || o.offset !== undefined)) {
    throw new UsageError(`Option from-time cannot be specified together with ${o.fromBeginning ? 'from-beginning' : 'offset'}.`);
  }
  const now = Date.now();
  const fromTime = o.fromTime !== undefined ? parseTimeSpec(o.fromTime, 'from-time', now) : null;
  const toTime = o.toTime !== undefined ? parseTimeSpec(o.toTime, 'to-time', now) : null;
  if (fromTime !== null && toTime !== null && toTime < fromTime) throw new UsageError(`--to-time (${new Date(toTime).toISOString()}) is before --from-time (${new Date(fromTime).toISOString()}).`);
  // A range or a search without a start reads what exists: from the earliest record.
  let offset: Plan['offset'] = o.fromBeginning || ranged ? 'earliest' : 'latest';
  if (o.offset !== undefined) {
    const v = o.offset.trim().toLowerCase();
    if (v === 'earliest' || v === 'latest') offset = v;
    else if (/^\d+$/.test(v) && Number.isSafeInteger(Number(v))) offset = Number(v);
    else throw new UsageError(`The provided offset value '${o.offset}' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.`);
  }
  const isolation = (o.isolationLevel ?? props.get('isolation.level') ?? 'read_uncommitted').trim();
  if (isolation !== 'read_uncommitted' && isolation !== 'read_committed') {
    throw new UsageError(`Invalid value ${isolation} for configuration isolation.level: String must be one of: read_committed, read_uncommitted`);
  }
  let pattern: RegExp | null = null;
  if (include !== undefined) {
    try {
      pattern = new RegExp(`^(?:${include})$`);
    } catch (err) {
      throw new UsageError(`Invalid --include regular expression '${include}': ${(err as Error).message}`);
    }
  }
  const reset = explicitReset ?? (o.fromBeginning ? 'earliest' : 'latest');
  const autoCommitProp = props.get('enable.auto.commit');
  return {
    topics: o.topic !== undefined ? [o.topic] : null,
    pattern,
    partition: o.partition !== undefined ? nonNegInt(o.partition, 'partition') : null,
    offset,
    groupId: group ?? `console-consumer-${randomInt(100000)}`,
    userGroup: group !== undefined,
    autoCommit: autoCommitProp !== undefined ? autoCommitProp.trim().toLowerCase() === 'true' : group !== undefined,
    reset,
    fromTime,
    toTime,
    search,
    maxMessages: o.maxMessages !== undefined ? nonNegInt(o.maxMessages, 'max-messages') : Infinity,
    timeoutMs: o.timeoutMs !== undefined ? nonNegInt(o.timeoutMs, 'timeout-ms') : Infinity,
    isolationLevel: isolation === 'read_committed' ? READ_COMMITTED : READ_UNCOMMITTED,
    partitionMaxBytes: /^\d+$/.test((props.get('max.partition.fetch.bytes') ?? '').trim()) ? Math.max(1, Number(props.get('max.partition.fetch.bytes'))) : PARTITION_FETCH_BYTES,
    maxWaitMs: /^\d+$/.test((props.get('fetch.max.wait.ms') ?? '').trim()) ? Number(props.get('fetch.max.wait.ms')) : 500,
    clientId: props.get('client.id') ?? 'console-consumer',
    consumerProps: props,
    configFile,
  };
}
