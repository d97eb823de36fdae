/**
 * mq-consumer-perf-test: Kafka's kafka-consumer-perf-test flags (jopt-simple style). The body
 * (run.ts) loads only when the command runs. --messages has the 4.x alias --num-records;
 * --broker-list, --threads and --num-fetch-threads (3.x) are accepted.
 */
import { Command, Option } from 'commander';
import { systemIo, type Io } from '../../cli/io.js';
import { runInterruptible } from '../../cli/run.js';
import { MQ_VERSION } from '../../version.js';
import type { ConsumerPerfOptions } from './run.js';
import { withSharedOptions } from '../shared/tool-program.js';

/** Runs the tool with its options; tests pass their own to see what argv parses to. */
export type Runner = (opts: ConsumerPerfOptions) => Promise<void>;

/** commander's options as the tool takes them (Kafka's dotted --consumer.config lands as consumerConfig). */
export function toOptions(opts: Record<string, unknown>, signal?: AbortSignal): ConsumerPerfOptions {
  return { ...opts, consumerConfig: opts['consumer.config'] as string | undefined, signal };
}

export function consumerPerfProgram(io: Io, signal?: AbortSignal, runner?: Runner): Command {
  return new Command('mq-consumer-perf-test')
    .description('This tool is used to verify the consumer performance.')
    .version(MQ_VERSION, '--version', 'Display mq version.')
    .helpOption('-h, --help', 'Print usage information.')
    .option('--topic <topic>', 'REQUIRED: The topic to consume from.')
    .option('--messages <count>', 'REQUIRED: The number of messages to send or consume')
    .addOption(new Option('--num-records <count>', 'Alias of --messages (Kafka 4.x).'))
    .option('--bootstrap-server <servers>', 'The server(s) to connect to (default: bootstrap.servers from --consumer.config, $MQ_BOOTSTRAP_SERVER, or the local mq broker)')
    .addOption(new Option('--broker-list <servers>', 'DEPRECATED, use --bootstrap-server instead').hideHelp())
    .option('--group <gid>', 'The group id to consume on. (default: perf-consumer-<random>)')
    .option('--fetch-size <size>', 'The amount of data to fetch in a single request. (default: 1048576)')
    .option('--from-latest', 'If the consumer does not already have an established offset to consume from, start with the latest message present in the log rather than the earliest message.')
    .option('--socket-buffer-size <size>', 'The size of the tcp RECV size. (accepted, not used)')
    .option('--consumer.config <config file>', 'Consumer config properties file.')
    .addOption(new Option('--command-config <config file>', 'Alias of --consumer.config (KIP-1147).'))
    .option('--print-metrics', 'Print out the metrics. (not supported by mq: a note is printed instead)')
    .option('--show-detailed-stats', 'If set, stats are reported for each reporting interval as configured by reporting-interval')
    .option('--timeout [milliseconds]', 'The maximum allowed time in milliseconds between returned records. (default: 10000)')
    .option('--reporting-interval <interval_ms>', 'Interval in milliseconds at which to print progress info. (default: 5000)')
    .option('--date-format <date format>', 'The date format to use for formatting the time field. See java.text.SimpleDateFormat for options. (default: yyyy-MM-dd HH:mm:ss:SSS)')
    .option('--hide-header', 'If set, skips printing the header for the stats')
    .addOption(new Option('--threads <n>', 'DEPRECATED, ignored').hideHelp())
    .addOption(new Option('--num-fetch-threads <n>', 'DEPRECATED, ignored').hideHelp())
    .option('--data-dir <dir>', 'data directory of the local broker (default: $MQ_DATA_DIR, $XDG_DATA_HOME/mq or ~/.local/share/mq)')
    .option('--verbose', 'log client activity to stderr')
    .action(async (opts: Record<string, unknown>) => {
      const o = toOptions(opts, signal);
      if (runner) return runner(o);
      const { run } = await import('./run.js');
      await run(o, io);
    });
}

export async function main(argv: string[], io: Io = systemIo(), signal?: AbortSignal): Promise<number> {
  return runInterruptible((sig) => withSharedOptions(consumerPerfProgram(io, sig), io), argv, io, signal);
}
