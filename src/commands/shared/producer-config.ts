/**
 * Kafka's ProducerConfig for the producing tools (mq-console-producer, mq-producer-perf-test):
 * each property's type and valid range as its ConfigDef declares them
 * (clients/src/main/java/org/apache/kafka/clients/producer/ProducerConfig.java), so a wrong value
 * fails with Kafka's ConfigException text before anything connects, and what mq's producer does
 * with it. A property mq accepts but does not honour is never silent: it gets one warning line
 * naming it. Security properties (security.protocol, ssl.*, sasl.*) belong to the connection
 * (engine/client/security.ts) and are not looked at here.
 *
 *   const warnings = checkProducerConfig(props);   // throws ProducerConfigError on a bad value
 *   for (const w of warnings) out.warn(w);
 */

import { atLeast, between, checkConfigValue, INT_MAX, oneOf, type ConfigDefType, type ConfigValidator } from '../../engine/config/config-def.js';

type ConfigType = ConfigDefType;

interface ProducerConfigDef {
  type: ConfigType;
  /** Kafka's validator: the reason text (after "for configuration x: ") when the parsed value is out of range. */
  validate?: ConfigValidator;
  /** Why mq does not do what this value asks for; undefined when mq honours it. */
  notHonoured?: (value: string) => string | undefined;
}

/** A property value Kafka's ConfigDef would refuse; the message is Kafka's ConfigException text. */
export class ProducerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProducerConfigError';
  }
}

/** CompressionType.GZIP.levelValidator(): Deflater's 1..9, or -1 for its default. */
const gzipLevel = (_v: string, n: number) => (n === -1 || (n >= 1 && n <= 9) ? undefined : 'Value must be between 1 and 9 or equal to -1');

/** Any value given: mq does not do this. */
const never = (why: string) => () => why;
const NOT_USED = "mq's producer does not use it";
const DEFAULT_LEVEL = "mq compresses at the codec's default level";

const PRODUCER_CONFIGS: ReadonlyMap<string, ProducerConfigDef> = new Map<string, ProducerConfigDef>([
  // Honoured by the tools (engine/client/producer.ts, connect.ts).
  ['bootstrap.servers', { type: 'LIST' }],
  ['client.id', { type: 'STRING' }],
  ['acks', { type: 'STRING', validate: oneOf(['all', '-1', '0', '1']) }],
  ['compression.type', { type: 'STRING', validate: oneOf(['none', 'gzip', 'snappy', 'lz4', 'zstd']) }],
  ['batch.size', { type: 'INT', validate: atLeast(0) }],
  ['linger.ms', { type: 'LONG', validate: atLeast(0) }],
  ['buffer.memory', { type: 'LONG', validate: atLeast(0) }],
  ['retries', { type: 'INT', validate: between(0, INT_MAX) }],
  ['retry.backoff.ms', { type: 'LONG', validate: atLeast(0) }],
  ['request.timeout.ms', { type: 'INT', validate: atLeast(0) }],
  ['max.request.size', { type: 'INT', validate: atLeast(0) }],
  ['max.block.ms', { type: 'LONG', validate: atLeast(0) }],
  ['max.in.flight.requests.per.connection', { type: 'INT', validate: atLeast(1) }],
  // Idempotence, retries and delivery.timeout.ms as Kafka's client resolves them: delivery-config.ts.
  ['enable.idempotence', { type: 'BOOLEAN' }],
  ['delivery.timeout.ms', { type: 'INT', validate: atLeast(0) }],
  ['retry.backoff.max.ms', { type: 'LONG', validate: atLeast(0) }],
  // mq-producer-perf-test's transactions (engine/client/transactions.ts) use both.
  ['transaction.timeout.ms', { type: 'INT' }],
  ['transactional.id', { type: 'STRING' }],
  // mq compresses gzip and zstd at Kafka's default levels (zlib's -1, zstd's 3) and lz4 at its library's own.
  ['compression.gzip.level', { type: 'INT', validate: gzipLevel, notHonoured: (v) => (Number(v) === -1 ? undefined : DEFAULT_LEVEL) }],
  ['compression.lz4.level', { type: 'INT', validate: between(1, 17), notHonoured: never(DEFAULT_LEVEL) }],
  ['compression.zstd.level', { type: 'INT', validate: between(-131072, 22), notHonoured: (v) => (Number(v) === 3 ? undefined : DEFAULT_LEVEL) }],
  ['partitioner.class', { type: 'CLASS', notHonoured: never("mq partitions as Kafka's default partitioner does") }],
  ['partitioner.ignore.keys', { type: 'BOOLEAN', notHonoured: (v) => (v.toLowerCase() === 'true' ? 'keyed records are still partitioned by the hash of their key' : undefined) }],
  [
    'partitioner.adaptive.partitioning.enable',
    { type: 'BOOLEAN', notHonoured: (v) => (v.toLowerCase() === 'true' ? 'records without a key switch partitions round robin, not by broker load' : undefined) },
  ],
  ['partitioner.availability.timeout.ms', { type: 'LONG', validate: atLeast(0), notHonoured: (v) => (v === '0' ? undefined : NOT_USED) }],
  ['key.serializer', { type: 'CLASS', notHonoured: never('records are sent as the bytes read') }],
  ['value.serializer', { type: 'CLASS', notHonoured: never('records are sent as the bytes read') }],
  ['interceptor.classes', { type: 'LIST', notHonoured: never('mq runs no Java plugins') }],
  ['metric.reporters', { type: 'LIST', notHonoured: never('mq has no client metrics') }],
  ['metrics.num.samples', { type: 'INT', validate: atLeast(1), notHonoured: never('mq has no client metrics') }],
  ['metrics.sample.window.ms', { type: 'LONG', validate: atLeast(0), notHonoured: never('mq has no client metrics') }],
  ['metrics.recording.level', { type: 'STRING', validate: oneOf(['INFO', 'DEBUG', 'TRACE']), notHonoured: never('mq has no client metrics') }],
  ['enable.metrics.push', { type: 'BOOLEAN', notHonoured: never('mq has no client metrics') }],
  ['send.buffer.bytes', { type: 'INT', validate: atLeast(-1), notHonoured: never('the operating system sizes the socket buffers') }],
  ['receive.buffer.bytes', { type: 'INT', validate: atLeast(-1), notHonoured: never('the operating system sizes the socket buffers') }],
  ['metadata.max.age.ms', { type: 'LONG', validate: atLeast(0), notHonoured: never('metadata is refreshed when a partition\'s leader fails') }],
  ['metadata.max.idle.ms', { type: 'LONG', validate: atLeast(5000), notHonoured: never(NOT_USED) }],
  ['metadata.recovery.strategy', { type: 'STRING', notHonoured: never(NOT_USED) }],
  ['reconnect.backoff.ms', { type: 'LONG', validate: atLeast(0), notHonoured: never(NOT_USED) }],
  ['reconnect.backoff.max.ms', { type: 'LONG', validate: atLeast(0), notHonoured: never(NOT_USED) }],
  ['socket.connection.setup.timeout.ms', { type: 'LONG', notHonoured: never(NOT_USED) }],
  ['socket.connection.setup.timeout.max.ms', { type: 'LONG', notHonoured: never(NOT_USED) }],
  ['connections.max.idle.ms', { type: 'LONG', notHonoured: never(NOT_USED) }],
  ['client.dns.lookup', { type: 'STRING', validate: oneOf(['use_all_dns_ips', 'resolve_canonical_bootstrap_servers_only']), notHonoured: never(NOT_USED) }],
  ['security.providers', { type: 'STRING', notHonoured: never('mq runs no Java plugins') }],
]);

const isConnectionProperty = (name: string) => name === 'security.protocol' || name.startsWith('ssl.') || name.startsWith('sasl.');

/**
 * Validates every producer property as Kafka's ConfigDef does (the first bad one throws, as
 * KafkaProducer's constructor does) and returns one warning per property that mq accepts but does
 * not honour, and per property Kafka does not know (its AbstractConfig.logUnused warning).
 */
export function checkProducerConfig(props: ReadonlyMap<string, string>): string[] {
  const warnings: string[] = [];
  for (const [name, raw] of props) {
    if (isConnectionProperty(name)) continue;
    const def = PRODUCER_CONFIGS.get(name);
    if (def === undefined) {
      warnings.push(`WARN The configuration '${name}' was supplied but isn't a known config.`);
      continue;
    }
    const v = raw.trim();
    const problem = checkConfigValue(name, raw, def.type, def.validate);
    if (problem !== undefined) throw new ProducerConfigError(problem);
    const why = def.notHonoured?.(v);
    if (why !== undefined) warnings.push(`WARN ${name}=${v} is accepted but not honoured: ${why}.`);
  }
  checkIdempotence(props);
  return warnings;
}

/**
 * ProducerConfig.postProcessAndValidateIdempotenceConfigs: enable.idempotence=true set by the user
 * needs retries > 0, acks=all and at most 5 requests in flight (the tools' defaults satisfy all three).
 */
function checkIdempotence(props: ReadonlyMap<string, string>): void {
  if (props.get('enable.idempotence')?.trim().toLowerCase() !== 'true') return;
  if (numberProperty(props, 'retries', 1) === 0) throw new ProducerConfigError('Must set retries to non-zero when using the idempotent producer.');
  const acks = props.get('acks')?.trim() ?? 'all';
  if (acks !== 'all' && acks !== '-1') {
    throw new ProducerConfigError('Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.');
  }
  if (numberProperty(props, 'max.in.flight.requests.per.connection', 5) > 5) {
    throw new ProducerConfigError('Must set max.in.flight.requests.per.connection to at most 5 to use the idempotent producer.');
  }
}

/** A property checked by checkProducerConfig, as a number (or `dflt` when it is not set). */
export function numberProperty(props: ReadonlyMap<string, string>, name: string, dflt: number): number {
  const v = props.get(name);
  return v === undefined ? dflt : Number(v.trim());
}
