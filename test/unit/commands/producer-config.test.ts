/** Kafka's ProducerConfig checks (type, range, Kafka's texts) and the warnings for what mq does not honour. */
import { describe, expect, it } from 'vitest';
import { checkProducerConfig } from '../../../src/commands/shared/producer-config.js';
import { describeSeparator } from '../../../src/commands/console-producer/line-reader.js';

const check = (entries: Record<string, string>) => checkProducerConfig(new Map(Object.entries(entries)));
const refusal = (entries: Record<string, string>) => {
  try {
    check(entries);
  } catch (err) {
    return (err as Error).message;
  }
  return 'accepted';
};

describe('checkProducerConfig', () => {
  it('refuses values as ConfigDef does, with its message', () => {
    expect(refusal({ 'linger.ms': '9223372036854775808' })).toBe('Invalid value 9223372036854775808 for configuration linger.ms: Not a number of type LONG');
    expect(refusal({ 'batch.size': '2147483648' })).toBe('Invalid value 2147483648 for configuration batch.size: Not a number of type INT');
    expect(refusal({ 'batch.size': '1.5' })).toBe('Invalid value 1.5 for configuration batch.size: Not a number of type INT');
    expect(refusal({ 'compression.gzip.level': '0' })).toBe('Invalid value 0 for configuration compression.gzip.level: Value must be between 1 and 9 or equal to -1');
    expect(refusal({ 'compression.zstd.level': '23' })).toBe('Invalid value 23 for configuration compression.zstd.level: Value must be no more than 22');
    expect(refusal({ 'metadata.max.idle.ms': '10' })).toBe('Invalid value 10 for configuration metadata.max.idle.ms: Value must be at least 5000');
    expect(refusal({ acks: '2' })).toBe('Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1');
  });

  it('refuses enable.idempotence=true with what idempotence cannot work with, as ProducerConfig does', () => {
    expect(refusal({ 'enable.idempotence': 'true', acks: '1' })).toBe('Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.');
    expect(refusal({ 'enable.idempotence': 'true', retries: '0' })).toBe('Must set retries to non-zero when using the idempotent producer.');
    expect(refusal({ 'enable.idempotence': 'true', 'max.in.flight.requests.per.connection': '6' })).toBe(
      'Must set max.in.flight.requests.per.connection to at most 5 to use the idempotent producer.',
    );
    expect(refusal({ acks: '1', retries: '0', 'max.in.flight.requests.per.connection': '6' })).toBe('accepted');
  });

  it('accepts what Kafka accepts: signs, surrounding blanks, booleans in any case, 0 where the range starts at 0', () => {
    expect(check({ 'linger.ms': ' +5 ', 'batch.size': '0', 'enable.idempotence': 'FALSE', 'compression.gzip.level': '-1', acks: ' all ' })).toEqual([]);
  });

  it('warns once per property accepted but not honoured, and only for values mq does not do', () => {
    expect(check({ 'metadata.max.age.ms': '1000', 'compression.zstd.level': '9' }).map((w) => w.split(' is ')[0])).toEqual([
      'WARN metadata.max.age.ms=1000',
      'WARN compression.zstd.level=9',
    ]);
    // Honoured since the producer has Kafka's delivery semantics: no warning.
    expect(check({ acks: '0', 'delivery.timeout.ms': '120000', 'retry.backoff.max.ms': '500' })).toEqual([]);
    expect(check({ 'enable.idempotence': 'True' })).toEqual([]);
    expect(check({ 'partitioner.ignore.keys': 'false', 'partitioner.availability.timeout.ms': '0', acks: '1' })).toEqual([]);
    expect(check({ 'bogus.key': 'x' })).toEqual(["WARN The configuration 'bogus.key' was supplied but isn't a known config."]);
  });

  it('leaves security properties to the connection', () => {
    expect(check({ 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'PLAIN', 'ssl.truststore.location': '/x' })).toEqual([]);
  });
});

describe('describeSeparator', () => {
  it('names the invisible separators and quotes the others', () => {
    expect(describeSeparator('\t')).toBe('TAB');
    expect(describeSeparator(' ')).toBe('SPACE');
    expect(describeSeparator('::')).toBe("'::'");
  });
});
