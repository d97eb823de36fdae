/**
 * mq-console-consumer: Kafka's kafka-console-consumer flags. The body (run.ts) loads lazily.
 * SIGINT/SIGTERM stop the consumer cleanly: the summary is printed and the exit code is 0.
 */
import { Command, Option } from 'commander';
import { systemIo, type Io } from '../../cli/io.js';
import { runInterruptible } from '../../cli/run.js';
import { collect } from '../shared/options.js';
import { MQ_VERSION } from '../../version.js';
import type { ConsumerOptions } from './plan.js';
import { withSharedOptions } from '../shared/tool-program.js';

/** Runs the tool with its options; tests pass their own to see what argv parses to. */
export type Runner = (opts: ConsumerOptions) => Promise<void>;

/** commander's options as the tool takes them (Kafka's dotted --consumer.config lands as consumerConfig). */
export function toOptions(opts: Record<string, unknown>, signal?: AbortSignal): ConsumerOptions {
  return { ...opts, consumerConfig: opts['consumer.config'] as string | undefined, signal };
}

export function consumerProgram(io: Io, signal?: AbortSignal, runner?: Runner): Command {
  return new Command('mq-console-consumer')
    .description('This tool helps to read data from Kafka topics and outputs it to standard output.')
    .version(MQ_VERSION, '--version', 'Display mq version.')
    .helpOption('-h, --help', 'Print usage information.')
    .option('--topic <topic>', 'The topic to consume on.')
    .option('--include <regex>', 'Regular expression specifying list of topics to include for consumption.')
    .addOption(new Option('--whitelist <regex>', 'DEPRECATED, use --include instead').hideHelp())
    .option('--partition <partition>', 'The partition to consume from. Consumption starts from the end of the partition unless --offset is specified.')
    .option('--offset <offset>', "The offset to start consuming from: a non-negative number, 'earliest' or 'latest' (default: latest).")
    .option('--from-beginning', 'If the consumer does not already have an established offset to consume from, start with the earliest message present in the log rather than the latest message.')
    .option('--group <group>', 'The consumer group id of the consumer.')
    .option('--max-messages <n>', 'The maximum number of messages to consume before exiting. If not set, consumption is continual.')
    .option('--timeout-ms <ms>', 'If specified, exit if no message is available for consumption for the specified interval.')
    .option('--skip-message-on-error', 'If there is an error when processing a message, skip it instead of halt.')
    .option('--isolation-level <level>', 'read_committed or read_uncommitted (default: read_uncommitted).')
    .option('--formatter <class>', 'The name of a class to use for formatting Kafka messages for display (default: org.apache.kafka.tools.consumer.DefaultMessageFormatter).')
    .option('--property <key=value>', 'Formatter properties: print.timestamp, print.key, print.offset, print.partition, print.headers, print.value, key.separator, line.separator, headers.separator, null.literal, key.deserializer, value.deserializer (repeatable).', collect, [])
    .addOption(new Option('--formatter-property <key=value>', 'Alias of --property (KIP-1147).').argParser(collect).default([]))
    .option('--formatter-config <file>', 'Formatter properties file (--property wins).')
    .option('--key-deserializer <class>', 'Sets key.deserializer of the formatter.')
    .option('--value-deserializer <class>', 'Sets value.deserializer of the formatter.')
    .option('--consumer-property <key=value>', 'Consumer properties (repeatable).', collect, [])
    .addOption(new Option('--command-property <key=value>', 'Alias of --consumer-property (KIP-1147).').argParser(collect).default([]))
    .option('--consumer.config <file>', 'Consumer config properties file (--consumer-property wins).')
    .addOption(new Option('--command-config <file>', 'Alias of --consumer.config (KIP-1147).'))
    .option('--from-time <time>', "mq: start each partition at the first record at or after this time: 'now', -1h / -30m / -2d (back from now), ISO-8601 or epoch ms (no group is used).")
    .option('--to-time <time>', 'mq: stop each partition before the first record later than this time (same forms as --from-time); the end is resolved at start.')
    .option('--grep <regex>', 'mq: print only records whose value matches (JavaScript regular expression); reads up to the log end at start and prints "Matched N of M messages".')
    .option('--grep-key <regex>', 'mq: print only records whose key matches (with --grep: both must match).')
    .option('--grep-header <name=regex>', 'mq: print only records with a header of that name whose value matches (repeatable; all must match).', collect)
    .option('--grep-ignore-case', 'mq: --grep, --grep-key and --grep-header patterns ignore case.')
    .option('--strict-timeout', "mq: when --timeout-ms ends the consumer, print Kafka's ERROR line for the TimeoutException (exit code stays 0).")
    .option('--enable-systest-events', 'Print shutdown_complete at the end.')
    .option('--bootstrap-server <servers>', 'The server(s) to connect to (default: $MQ_BOOTSTRAP_SERVER, or the local mq broker)')
    .option('--data-dir <dir>', 'data directory of the local broker (default: $MQ_DATA_DIR, $XDG_DATA_HOME/mq or ~/.local/share/mq)')
    .addOption(new Option('--output <format>', "'text' (Kafka's formatter) or 'json' (JSON Lines: topic, partition, offset, timestamp, key, value, headers)").choices(['text', 'json']).default('text'))
    .option('--no-color', 'never use colour')
    .option('--verbose', 'log client activity to stderr')
    .action(async (opts: Record<string, unknown>) => {
      const o = toOptions(opts, signal);
      if (runner) return runner(o);
      const { run } = await import('./run.js');
      await run(o, io);
    });
}

export async function main(argv: string[], io: Io = systemIo(), signal?: AbortSignal): Promise<number> {
  return runInterruptible((sig) => withSharedOptions(consumerProgram(io, sig), io), argv, io, signal);
}
