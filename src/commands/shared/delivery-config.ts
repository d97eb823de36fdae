/**
 * The producer's delivery settings as Kafka's client resolves them, after producer-config.ts has
 * checked each value's type and range: acks, idempotence (ProducerConfig.
 * postProcessAndValidateIdempotenceConfigs), retries and their backoff, and delivery.timeout.ms
 * (KafkaProducer.configureDeliveryTimeout). Kafka's producer is idempotent by default since 3.0
 * (KIP-679): when the user did not set enable.idempotence, a setting idempotence cannot live with
 * (acks other than all, retries=0, more than 5 requests in flight) quietly turns it off; when the
 * user asked for it, the same setting is refused with Kafka's ConfigException text.
 *
 *   const d = deliveryConfig(props, { retries: 3, lingerMs: 1000, requestTimeoutMs: 30000 }, warnings);
 */
import { numberProperty, ProducerConfigError } from './producer-config.js';

export interface DeliveryConfig {
  /** -1 (all), 0 or 1 */
  acks: number;
  idempotence: boolean;
  retries: number;
  retryBackoffMs: number;
  retryBackoffMaxMs: number;
  deliveryTimeoutMs: number;
  maxInFlight: number;
}

/** The tool's own defaults where they differ from the client's. */
export interface DeliveryDefaults {
  retries: number;
  lingerMs: number;
  requestTimeoutMs: number;
}

/** ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION_FOR_IDEMPOTENCE */
const MAX_IN_FLIGHT_FOR_IDEMPOTENCE = 5;

export function deliveryConfig(props: ReadonlyMap<string, string>, d: DeliveryDefaults, warnings: string[]): DeliveryConfig {
  const num = (key: string, dflt: number) => numberProperty(props, key, dflt);
  const acksText = (props.get('acks') ?? 'all').trim();
  const acks = acksText === 'all' ? -1 : Number(acksText);
  const retries = num('retries', d.retries);
  const maxInFlight = num('max.in.flight.requests.per.connection', 5);
  const userIdempotence = props.has('enable.idempotence');
  let idempotence = userIdempotence ? props.get('enable.idempotence')!.trim().toLowerCase() === 'true' : true;
  if (idempotence) {
    if (retries === 0) {
      if (userIdempotence) throw new ProducerConfigError('Must set retries to non-zero when using the idempotent producer.');
      idempotence = false;
    }
    if (acks !== -1) {
      if (userIdempotence) throw new ProducerConfigError('Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.');
      idempotence = false;
    }
    if (maxInFlight > MAX_IN_FLIGHT_FOR_IDEMPOTENCE) {
      if (userIdempotence) throw new ProducerConfigError('Must set max.in.flight.requests.per.connection to at most 5 to use the idempotent producer.');
      warnings.push(
        `WARN Idempotence will be disabled because max.in.flight.requests.per.connection is set to ${maxInFlight}, which is greater than 5. Please note that in v4.0.0 and onward, this will become an error.`,
      );
      idempotence = false;
    }
  }
  const lingerMs = num('linger.ms', d.lingerMs);
  const requestTimeoutMs = num('request.timeout.ms', d.requestTimeoutMs);
  const floor = Math.min(lingerMs + requestTimeoutMs, 2 ** 31 - 1);
  let deliveryTimeoutMs = num('delivery.timeout.ms', 120_000);
  if (deliveryTimeoutMs < floor) {
    if (props.has('delivery.timeout.ms')) throw new ProducerConfigError('delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms');
    warnings.push(`WARN delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms. Setting it to ${floor}.`);
    deliveryTimeoutMs = floor;
  }
  return {
    acks,
    idempotence,
    retries,
    retryBackoffMs: num('retry.backoff.ms', 100),
    retryBackoffMaxMs: num('retry.backoff.max.ms', 1000),
    deliveryTimeoutMs,
    maxInFlight,
  };
}
