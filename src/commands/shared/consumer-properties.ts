/**
 * The consumer properties mq's consumers (mq-console-consumer, mq-consumer-perf-test) honour,
 * and a warning for each one they are given and do not: a setting that is accepted and silently ignored looks like it worked (Kafka's
 * own clients log unknown names as "supplied but are not used yet", AbstractConfig.logUnused).
 */
import { UsageError } from '../../cli/errors.js';

/** What the console consumer (console-consumer/run.ts) reads. */
export const CONSOLE_CONSUMER_PROPERTIES: readonly string[] = [
  'group.id',
  'auto.offset.reset',
  'isolation.level',
  'auto.commit.interval.ms',
  'max.partition.fetch.bytes',
  ...commonConsumerProperties(),
];

/**
 * What mq-consumer-perf-test (consumer-perf-test/run.ts) reads. As in Kafka's
 * ConsumerPerformance, --group, --fetch-size and --from-latest replace group.id,
 * max.partition.fetch.bytes and auto.offset.reset, so those are not used.
 */
export const PERF_CONSUMER_PROPERTIES: readonly string[] = commonConsumerProperties();

/** The group and fetch timings both consumers read, and what the connection (connect.ts, security.ts) reads. */
function commonConsumerProperties(): string[] {
  return [
    'bootstrap.servers',
    'client.id',
    'enable.auto.commit',
    'fetch.max.wait.ms',
    'session.timeout.ms',
    'max.poll.interval.ms',
    'heartbeat.interval.ms',
    'security.protocol',
    'sasl.mechanism',
    'sasl.jaas.config',
    'ssl.truststore.location',
    'ssl.truststore.password',
    'ssl.truststore.type',
    'ssl.truststore.certificates',
    'ssl.keystore.location',
    'ssl.keystore.password',
    'ssl.keystore.type',
    'ssl.keystore.key',
    'ssl.keystore.certificate.chain',
    'ssl.key.password',
    'ssl.endpoint.identification.algorithm',
    'ssl.protocol',
    'ssl.enabled.protocols',
  ];
}

/** The given properties that `honoured` does not list, in the order given. */
export function unhonoured(props: ReadonlyMap<string, string>, honoured: readonly string[]): string[] {
  return [...props.keys()].filter((k) => !honoured.includes(k));
}

/** The warning for a property that is accepted but not acted on. */
export function unhonouredWarning(name: string, tool: string): string {
  return `WARN The consumer property '${name}' is accepted but not used by ${tool}; it has no effect.`;
}

/** auto.offset.reset, checked as Kafka's ConfigDef does (ConsumerConfig: in("latest", "earliest", "none")). */
export function autoOffsetReset(value: string | undefined): 'earliest' | 'latest' | 'none' | undefined {
  if (value === undefined) return undefined;
  if (value === 'earliest' || value === 'latest' || value === 'none') return value;
  throw new UsageError(`Invalid value ${value} for configuration auto.offset.reset: String must be one of: latest, earliest, none`);
}
