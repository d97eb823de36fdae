/**
 * mq-producer-perf-test: Kafka's kafka-producer-perf-test flags (argparse4j style: `--producer-props
 * k=v k=v ...`). With no arguments it prints the help and exits 0, as Kafka does. The body
 * (run.ts) loads only when the command runs. SIGINT/SIGTERM stop sending; the summary still prints.
 */
import { Command, Option } from 'commander';
import { systemIo, type Io } from '../../cli/io.js';
import { runInterruptible } from '../../cli/run.js';
import { MQ_VERSION } from '../../version.js';
import type { ProducerPerfOptions } from './run.js';
import { withSharedOptions } from '../shared/tool-program.js';

/** Runs the tool with its options; tests pass their own to see what argv parses to. */
export type Runner = (opts: ProducerPerfOptions) => Promise<void>;

/** commander's options as the tool takes them (Kafka's dotted --producer.config lands as producerConfig). */
export function toOptions(opts: Record<string, unknown>, signal?: AbortSignal): ProducerPerfOptions {
  return { ...opts, producerConfig: opts['producer.config'] as string | undefined, signal };
}

export function producerPerfProgram(io: Io, signal?: AbortSignal, runner?: Runner): Command {
  return new Command('mq-producer-perf-test')
    .description(
      'This tool is used to verify the producer performance. To enable transactions, you can specify a transactional id or set a transaction duration using --transaction-duration-ms. '
        + 'There are three ways to specify the transactional id: set transactional.id=<id> via --command-property, set transactional.id=<id> in the config file via --command-config, or use --transactional-id <id>.',
    )
    .version(MQ_VERSION, '--version', 'Display mq version.')
    .helpOption('-h, --help', 'show this help message and exit')
    .option('--topic <TOPIC>', 'produce messages to this topic')
    .option('--num-records <NUM-RECORDS>', 'number of messages to produce')
    .option('--record-size <RECORD-SIZE>', 'message size in bytes. Note that you must provide exactly one of --record-size or --payload-file or --payload-monotonic.')
    .option('--payload-file <PAYLOAD-FILE>', 'file to read the message payloads from. This works only for UTF-8 encoded text files. Payloads will be read from this file and a payload will be randomly selected when sending messages.')
    .option('--payload-monotonic', 'payload is monotonically increasing integer.')
    .option('--payload-delimiter <PAYLOAD-DELIMITER>', 'provides delimiter to be used when --payload-file is provided. Defaults to new line. Note that this parameter will be ignored if --payload-file is not provided. (default: \\n)')
    .option('--throughput <THROUGHPUT>', 'throttle maximum message throughput to *approximately* THROUGHPUT messages/sec. Set this to -1 to disable throttling.')
    .option('--producer-props <PROP-NAME=PROP-VALUE...>', 'kafka producer related configuration properties like bootstrap.servers,client.id etc. These configs take precedence over those passed via --producer.config.')
    .addOption(new Option('--command-property <PROP-NAME=PROP-VALUE...>', 'Alias of --producer-props (KIP-1147).'))
    .option('--producer.config <CONFIG-FILE>', 'producer config properties file.')
    .addOption(new Option('--command-config <CONFIG-FILE>', 'Alias of --producer.config (KIP-1147).'))
    .option('--print-metrics', 'print out metrics at the end of the test (not supported by mq: a note is printed instead).')
    .option(
      '--transactional-id <TRANSACTIONAL-ID>',
      'The transactional id to use. This config takes precedence over the transactional.id specified via --command-property or --command-config. '
        + 'Note that if the transactional id is not specified while --transaction-duration-ms is provided, the default value for the transactional id will be performance-producer- followed by a random uuid.',
    )
    .option(
      '--transaction-duration-ms <TRANSACTION-DURATION>',
      'The maximum duration of each transaction. The commitTransaction will be called after this time has elapsed. The value should be greater than 0. '
        + 'If the transactional id is specified via --command-property, --command-config or --transactional-id but --transaction-duration-ms is not specified, the default value will be 3000.',
    )
    .option('--bootstrap-server <servers>', 'The server(s) to connect to (default: bootstrap.servers from --producer-props/--producer.config, $MQ_BOOTSTRAP_SERVER, or the local mq broker)')
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
  return runInterruptible((sig) => withSharedOptions(producerPerfProgram(io, sig), io), argv.length === 0 ? ['--help'] : argv, io, signal);
}
