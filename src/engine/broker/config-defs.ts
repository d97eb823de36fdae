/**
 * Types and ranges of the broker properties mq reads, as Kafka's KafkaConfig defines them
 * (server/.../config/AbstractKafkaConfig.java with ServerLogConfigs, ServerConfigs,
 * SocketServerConfigs, GroupCoordinatorConfig). A value of the wrong type or out of range stops
 * the broker before it starts, with Kafka's ConfigException text, as kafka-server-start does; keys
 * not listed here are kept and not checked (Kafka logs them as unused).
 */
import { atLeast, checkConfigValue, listOf, oneOf, type ConfigDefType, type ConfigValidator } from '../config/config-def.js';

type Def = readonly [ConfigDefType, ConfigValidator?];

export const BROKER_CONFIG_DEFS: ReadonlyMap<string, Def> = new Map<string, Def>([
  ['node.id', ['INT']],
  ['num.partitions', ['INT', atLeast(1)]],
  ['default.replication.factor', ['INT']],
  ['auto.create.topics.enable', ['BOOLEAN']],
  ['delete.topic.enable', ['BOOLEAN']],
  ['message.max.bytes', ['INT', atLeast(0)]],
  ['socket.request.max.bytes', ['INT', atLeast(1)]],
  // SocketServerConfigs: -1 (Kafka's default) means unbounded.
  ['queued.max.request.bytes', ['LONG']],
  ['connections.max.idle.ms', ['LONG']],
  // LegacyRecord.RECORD_OVERHEAD_V0
  ['log.segment.bytes', ['INT', atLeast(14)]],
  ['log.roll.ms', ['LONG']],
  ['log.roll.hours', ['INT', atLeast(1)]],
  ['log.roll.jitter.ms', ['LONG']],
  ['log.roll.jitter.hours', ['INT', atLeast(0)]],
  ['log.retention.ms', ['LONG']],
  ['log.retention.minutes', ['INT']],
  ['log.retention.hours', ['INT']],
  ['log.retention.bytes', ['LONG']],
  ['log.retention.check.interval.ms', ['LONG', atLeast(1)]],
  ['log.index.interval.bytes', ['INT', atLeast(0)]],
  ['log.index.size.max.bytes', ['INT', atLeast(4)]],
  ['log.flush.interval.messages', ['LONG', atLeast(1)]],
  ['log.flush.interval.ms', ['LONG']],
  ['log.cleanup.policy', ['LIST', listOf(['compact', 'delete'])]],
  ['log.message.timestamp.type', ['STRING', oneOf(['CreateTime', 'LogAppendTime'])]],
  ['log.message.timestamp.before.max.ms', ['LONG', atLeast(0)]],
  ['log.message.timestamp.after.max.ms', ['LONG', atLeast(0)]],
  ['log.preallocate', ['BOOLEAN']],
  ['compression.type', ['STRING', oneOf(['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'])]],
  ['min.insync.replicas', ['INT', atLeast(1)]],
  ['offsets.retention.minutes', ['INT', atLeast(1)]],
  ['offsets.retention.check.interval.ms', ['LONG', atLeast(1)]],
  ['group.initial.rebalance.delay.ms', ['INT']],
  ['group.min.session.timeout.ms', ['INT']],
  ['group.max.session.timeout.ms', ['INT']],
  ['group.max.size', ['INT', atLeast(1)]],
  // TransactionStateManagerConfig / TransactionLogConfig
  ['transaction.max.timeout.ms', ['INT', atLeast(1)]],
  ['transaction.abort.timed.out.transaction.cleanup.interval.ms', ['INT', atLeast(1)]],
  ['transactional.id.expiration.ms', ['INT', atLeast(1)]],
  ['transaction.remove.expired.transaction.cleanup.interval.ms', ['INT', atLeast(1)]],
  ['transaction.state.log.num.partitions', ['INT', atLeast(1)]],
  ['transaction.state.log.segment.bytes', ['INT', atLeast(1)]],
  ['transaction.partition.verification.enable', ['BOOLEAN']],
  ['offsets.topic.num.partitions', ['INT', atLeast(1)]],
  ['mq.fsync', ['BOOLEAN']],
]);

/** The first broker property (in the order given) Kafka's ConfigDef would refuse, as its ConfigException text. */
export function brokerConfigProblem(entries: Iterable<readonly [string, string]>): string | undefined {
  for (const [name, value] of entries) {
    const def = BROKER_CONFIG_DEFS.get(name);
    if (!def) continue;
    const problem = checkConfigValue(name, value, def[0], def[1]);
    if (problem) return problem;
  }
  return undefined;
}
