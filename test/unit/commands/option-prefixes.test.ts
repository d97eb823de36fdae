/**
 * expandPrefixes on the tools' real programs: which argv tokens it rewrites and which it must
 * leave alone (values, everything after `--`, short options, unknown names).
 */
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../../src/cli/io.js';
import { UsageError } from '../../../src/cli/errors.js';
import { expandPrefixes } from '../../../src/commands/shared/option-prefixes.js';
import { topicsProgram } from '../../../src/commands/topics/index.js';
import { producerPerfProgram } from '../../../src/commands/producer-perf-test/index.js';
import { consumerProgram } from '../../../src/commands/console-consumer/index.js';

const topics = () => topicsProgram(captureIo().io);

describe('expandPrefixes', () => {
  it('writes each prefix in full, in both --name value and --name=value forms', () => {
    expect(expandPrefixes(topics(), ['--desc', '--topic=t', '--excl', '--if-e'])).toEqual(['--describe', '--topic=t', '--exclude-internal', '--if-exists']);
    expect(expandPrefixes(topics(), ['--partition=4', '--he'])).toEqual(['--partitions=4', '--help']);
  });

  it('leaves values, short options, unknown names and everything after -- alone', () => {
    expect(expandPrefixes(topics(), ['--topic', '--desc', '-h', '--frob', '--', '--desc'])).toEqual(['--topic', '--desc', '-h', '--frob', '--', '--desc']);
  });

  it('keeps variadic values and expands the options after them', () => {
    const perf = producerPerfProgram(captureIo().io);
    expect(expandPrefixes(perf, ['--producer-props', 'acks=1', 'linger.ms=5', '--thr', '-1', '--num-rec', '10'])).toEqual([
      '--producer-props',
      'acks=1',
      'linger.ms=5',
      '--throughput',
      '-1',
      '--num-records',
      '10',
    ]);
  });

  it('an exact name wins; an ambiguous prefix and --zookeeper are usage errors', () => {
    const consumer = consumerProgram(captureIo().io);
    expect(expandPrefixes(consumer, ['--partition', '0', '--prop', 'print.key=true'])).toEqual(['--partition', '0', '--property', 'print.key=true']);
    expect(() => expandPrefixes(consumer, ['--con', 'x'])).toThrow(UsageError);
    expect(() => expandPrefixes(consumer, ['--con', 'x'])).toThrow(
      'Option --con is ambiguous; possibilities: --consumer-property, --consumer.config',
    );
    expect(() => expandPrefixes(topics(), ['--zookeeper=zk:2181'])).toThrow(/^--zookeeper is not a recognized option\nNote: /);
  });

  it('a prefix every other candidate extends means the shortest (mq-topics --bootstrap, despite --bootstrap-server-to)', () => {
    expect(expandPrefixes(topics(), ['--bootstrap', 'h:1', '--list'])).toEqual(['--bootstrap-server', 'h:1', '--list']);
    expect(expandPrefixes(topics(), ['--bootstrap-server-t', 'h:2'])).toEqual(['--bootstrap-server-to', 'h:2']);
  });
});
