/**
 * The consumer properties mq-console-consumer honours, and a warning for each one it is given
 * and does not: a setting that is accepted and silently ignored looks like it worked (Kafka's
 * own clients log unknown names as "supplied but are not used yet", AbstractConfig.logUnused).
 */
import { UsageError } from '../../cli/errors.js';

/** What the console consumer (run.ts), the connection (connect.ts) and security.ts read. */
const HONOURED: ReadonlySet<string> = new Set([
  'bootstrap.servers',
  'client.id',
  'group.id',
  'auto.offset.reset',
  'isolation.level',
  'enable.auto.commit',
  'auto.commit.interval.ms',
  'max.partition.fetch.bytes',
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
]);

/** The given properties mq does not act on, in the order given. */
export function unhonoured(props: ReadonlyMap<string, string>): string[] {
  return [...props.keys()].filter((k) => !HONOURED.has(k));
}

/** One warning line per property that is accepted but not acted on. */
export function unhonouredWarning(name: string): string {
  return `WARN The consumer property '${name}' is accepted but not used by mq-console-consumer; it has no effect.`;
}

/** auto.offset.reset, checked as Kafka's ConfigDef does (ConsumerConfig: in("latest", "earliest", "none")). */
export function autoOffsetReset(value: string | undefined): 'earliest' | 'latest' | 'none' | undefined {
  if (value === undefined) return undefined;
  if (value === 'earliest' || value === 'latest' || value === 'none') return value;
  throw new UsageError(`Invalid value ${value} for configuration auto.offset.reset: String must be one of: latest, earliest, none`);
}
