/**
 * mq-console-producer: Kafka's kafka-console-producer flags, reading lines from stdin.
 * The command body lives in run.ts and is loaded only when the command runs (fast --help).
 */
import { Command, Option } from 'commander';
import { systemIo, type Io } from '../../cli/io.js';
import { runInterruptible } from '../../cli/run.js';
import { collect } from '../shared/options.js';
import { MQ_VERSION } from '../../version.js';
import type { ProducerOptions } from './run.js';
import { withSharedOptions } from '../shared/tool-program.js';

/** Runs the tool with its options; tests pass their own to see what argv parses to. */
export type Runner = (opts: ProducerOptions) => Promise<void>;

/** commander's options as the tool takes them (Kafka's dotted --producer.config lands as producerConfig). */
export function toOptions(opts: Record<string, unknown>, signal?: AbortSignal): ProducerOptions {
  return { ...opts, producerConfig: opts['producer.config'] as string | undefined, signal };
}

export function producerProgram(io: Io, signal?: AbortSignal, runner?: Runner): Command {
  const p = new Command('mq-console-producer')
    .description('This tool helps to read data from standard input and publish it to Kafka.')
    .version(MQ_VERSION, '--version', 'Display mq version.')
    .helpOption('-h, --help', 'Print usage information.')
    .option('--topic <topic>', 'REQUIRED: The topic id to produce messages to.')
    .option('--bootstrap-server <servers>', 'The server(s) to connect to, host:port[,host:port] (default: $MQ_BOOTSTRAP_SERVER, or the local mq broker)')
    .addOption(new Option('--broker-list <servers>', 'DEPRECATED, use --bootstrap-server instead').hideHelp())
    .option('--data-dir <dir>', 'data directory of the local broker (default: $MQ_DATA_DIR, $XDG_DATA_HOME/mq or ~/.local/share/mq)')
    .option('--sync', 'If set message send requests to the brokers are synchronously, one at a time as they arrive.')
    .option('--compression-codec [codec]', "The compression codec: either 'none', 'gzip', 'snappy', 'lz4', or 'zstd'. If specified without value, then it defaults to 'gzip'")
    .option('--batch-size <size>', 'Number of bytes to send in a single batch (default: 16384; 512 KiB when stdin is not a terminal).')
    .option('--max-partition-memory-bytes <bytes>', 'The buffer size allocated for a partition (batch.size; wins over --batch-size).')
    .option('--message-send-max-retries <n>', 'Number of retries for retriable errors (default: 3).')
    .option('--retry-backoff-ms <ms>', 'Wait before retrying (default: 100).')
    .option('--timeout <ms>', 'linger.ms: how long a batch waits for more records when not full (default: 1000).')
    .option('--request-required-acks <acks>', 'The required acks of the producer requests: all, -1, 0 or 1 (default: -1).')
    .option('--request-timeout-ms <ms>', 'The ack timeout of the producer requests (default: 30000 in mq; 1500 in Kafka).')
    .option('--metadata-expiry-ms <ms>', 'metadata.max.age.ms: accepted, not honoured (a warning says so).')
    .option('--max-block-ms <ms>', 'max.block.ms: how long to wait for the topic\'s metadata (default: 60000).')
    .option('--max-memory-bytes <bytes>', 'buffer.memory: bytes of records waiting to be sent before reading pauses (default: 33554432).')
    .option('--socket-buffer-size <bytes>', 'send.buffer.bytes: accepted, not honoured (a warning says so).')
    .option('--line-reader <class>', 'The class name of the reader (only org.apache.kafka.tools.LineMessageReader).')
    .option('--property <key=value>', 'Line reader properties: parse.key, key.separator, parse.headers, headers.delimiter, headers.separator, headers.key.separator, null.marker, ignore.error (repeatable).', collect, [])
    .addOption(new Option('--reader-property <key=value>', 'Alias of --property (KIP-1147).').argParser(collect).default([]))
    .option('--reader-config <file>', 'Line reader properties file (--property wins).')
    .option('--producer-property <key=value>', 'Producer properties, e.g. acks=1, compression.type=lz4, checked as Kafka checks them; one not honoured by mq gets a warning (repeatable)', collect, [])
    .addOption(new Option('--command-property <key=value>', 'Alias of --producer-property (KIP-1147).').argParser(collect).default([]))
    .option('--producer.config <file>', 'Producer config properties file (--producer-property wins).')
    .addOption(new Option('--command-config <file>', 'Alias of --producer.config (KIP-1147).'))
    .addOption(new Option('--input-format <format>', "'text' (Kafka's line reader) or 'json' (JSON Lines as written by mq-console-consumer --output json)").choices(['text', 'json']).default('text'))
    .option('--verbose', 'log client activity to stderr')
    .action(async (opts: Record<string, unknown>) => {
      const o = toOptions(opts, signal);
      if (runner) return runner(o);
      const { run } = await import('./run.js');
      await run(o, io);
    });
  return p;
}

/**
 * SIGINT/SIGTERM stop reading stdin; what was read is still sent (as Kafka's shutdown hook
 * flushes the producer), then the exit code is 130.
 */
export async function main(argv: string[], io: Io = systemIo(), signal?: AbortSignal): Promise<number> {
  return runInterruptible((sig) => withSharedOptions(producerProgram(io, sig), io), argv, io, signal);
}
