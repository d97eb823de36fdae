/**
 * mq-get-offsets: Kafka's kafka-get-offsets (GetOffsetShell): topic:partition:offset lines.
 */
import { Command } from 'commander';
import { systemIo, type Io } from '../../cli/io.js';
import { runProgram } from '../../cli/run.js';
import { MQ_VERSION } from '../../version.js';
import { addConnectionOptions, addOutputOptions } from '../shared/options.js';
import type { GetOffsetsOptions } from './run.js';
import { withSharedOptions } from '../shared/tool-program.js';

/** Runs the tool with its options; tests pass their own to see what argv parses to. */
export type Runner = (opts: GetOffsetsOptions) => Promise<void>;

export function getOffsetsProgram(io: Io, runner?: Runner): Command {
  const program = new Command('mq-get-offsets')
    .description('An interactive shell for getting topic-partition offsets.')
    .version(MQ_VERSION, '--version', 'Display the mq version.')
    .helpOption('-h, --help', 'Print usage information.')
    .allowExcessArguments(false);
  addConnectionOptions(program, { brokerList: true, configFlags: ['--command-config'], configHelp: 'Property file containing configs to be passed to the admin client.' });
  program
    .option('--topic-partitions <list>', 'Comma separated list of topic-partition patterns to get the offsets for, with the format of: ([^:,]*)(?::(?:([0-9]*)|(?:([0-9]*)-([0-9]*))))? The first group is an optional regex for the topic name; the second a partition number, or a range (lower inclusive, upper exclusive). Cannot be used with --topic/--partitions.')
    .option('--topic <topic>', 'The topic to get the offsets for. It also accepts a regular expression. If not present, all authorized topics are queried.')
    .option('--partitions <ids>', 'Comma separated list of partition ids to get the offsets for. If not present, all partitions of the topics are queried.')
    .option('--time <time>', 'timestamp of the offsets before that: -1 or latest, -2 or earliest, -3 or max-timestamp, -4 or earliest-local, -5 or latest-tiered, or a timestamp in ms', 'latest')
    .option('--exclude-internal-topics', 'By default, internal topics are included. If specified, internal topics are excluded.');
  addOutputOptions(program);
  program.action(async (opts: GetOffsetsOptions) => {
    if (runner) return runner(opts);
    const { runGetOffsets } = await import('./run.js');
    await runGetOffsets(opts, io);
  });
  return program;
}

export async function main(argv: string[], io: Io = systemIo()): Promise<number> {
  return runProgram(withSharedOptions(getOffsetsProgram(io), io), argv, io);
}
