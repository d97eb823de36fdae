/**
 * mq-topics: Kafka's kafka-topics (create, list, describe, alter, delete), same flags and output;
 * plus mq's own --partition-for-key (partition-for-key.ts) and --copy (copy.ts).
 */
import { Command, Option } from 'commander';
import { systemIo, type Io } from '../../cli/io.js';
import { runProgram } from '../../cli/run.js';
import { MQ_VERSION } from '../../version.js';
import { addConnectionOptions, addOutputOptions, collect } from '../shared/options.js';
import type { TopicsOptions } from './run.js';
import { withSharedOptions } from '../shared/tool-program.js';

/** Runs the tool with its options; tests pass their own to see what argv parses to. */
export type Runner = (opts: TopicsOptions) => Promise<void>;

export function topicsProgram(io: Io, runner?: Runner): Command {
  const program = new Command('mq-topics')
    .description('This tool helps to create, delete, describe, or change a topic.')
    .version(MQ_VERSION, '--version', 'Display the mq version.')
    .helpOption('-h, --help', 'Print usage information.')
    .allowExcessArguments(false);
  addConnectionOptions(program, { configFlags: ['--command-config'], configHelp: 'Property file containing configs to be passed to the admin client.' });
  program
    .option('--list', 'List all available topics.')
    .option('--create', 'Create a new topic.')
    .option('--delete', 'Delete a topic.')
    .option('--alter', 'Alter the number of partitions and replica assignment. (To alter topic configurations, the mq-configs tool can be used.)')
    .option('--describe', 'List details for the given topics.')
    .option('--topic <topic>', 'The topic to create, alter, describe or delete. It also accepts a regular expression, except for --create option.')
    .option('--topic-id <topic-id>', 'The topic-id to describe.')
    .option('--config <name=value>', 'A topic configuration override for the topic being created (repeatable). Supported only with --create.', collect)
    .addOption(new Option('--delete-config <name>', 'No longer supported (deprecated since Kafka 4.0); ignored.').argParser(collect))
    .option('--partitions <n>', 'The number of partitions for the topic being created or altered. If not supplied with --create, the topic uses the cluster default.')
    .option('--replication-factor <n>', 'The replication factor for each partition in the topic being created. If not supplied, the topic uses the cluster default.')
    .option('--replica-assignment <list>', 'A list of manual partition-to-broker assignments for the topic being created or altered: b1:b2,b3:b4,...')
    .option('--under-replicated-partitions', 'If set when describing topics, only show under-replicated partitions.')
    .option('--unavailable-partitions', 'If set when describing topics, only show partitions whose leader is not available.')
    .option('--under-min-isr-partitions', 'If set when describing topics, only show partitions whose isr count is less than the configured minimum.')
    .option('--at-min-isr-partitions', 'If set when describing topics, only show partitions whose isr count is equal to the configured minimum.')
    .option('--topics-with-overrides', 'If set when describing topics, only show topics that have overridden configs.')
    .option('--if-exists', 'If set when altering or deleting or describing topics, the action will only execute if the topic exists.')
    .option('--if-not-exists', 'If set when creating topics, the create request will not fail if the topic already exists.')
    .option('--exclude-internal', 'Exclude internal topics when listing or describing topics. By default, the internal topics are included.')
    .option('--partition-for-key <key>', 'mq: print the partition each partitioner (Java\'s, librdkafka\'s) picks for the key in --topic (or for --partitions N).')
    .option('--copy', 'mq: copy the records of topic --from to topic --to (keys, headers, timestamps and partitions kept), creating --to if missing.')
    .option('--from <topic>', 'The topic to copy from (with --copy).')
    .option('--to <topic>', 'The topic to copy to (with --copy).')
    .option('--bootstrap-server-to <servers>', 'The cluster to copy to (with --copy; default: the one copied from).')
    .option('--command-config-to <file>', 'Property file for the client of the cluster copied to (with --copy).')
    .option('--partition-size-limit-per-response <n>', 'The maximum partition size to be included in one DescribeTopicPartitions response (accepted; mq uses Metadata).');
  addOutputOptions(program);
  program.action(async (opts: TopicsOptions) => {
    if (runner) return runner(opts);
    const { runTopics } = await import('./run.js');
    await runTopics(opts, io);
  });
  return program;
}

export async function main(argv: string[], io: Io = systemIo()): Promise<number> {
  return runProgram(withSharedOptions(topicsProgram(io), io), argv, io);
}
