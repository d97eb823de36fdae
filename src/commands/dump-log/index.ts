/**
 * mq-dump-log: Kafka's kafka-dump-log (DumpLogSegments): prints the batches and records of log
 * segment files and the entries of their indexes, reading the files directly (no broker).
 */
import { Command, Option } from 'commander';
import { systemIo, type Io } from '../../cli/io.js';
import { runProgram } from '../../cli/run.js';
import { withSharedOptions } from '../shared/tool-program.js';
import { MQ_VERSION } from '../../version.js';
import { addOutputOptions } from '../shared/options.js';
import type { DumpLogOptions } from './run.js';

/** Runs the tool with its options; tests pass their own to see what argv parses to. */
export type Runner = (opts: DumpLogOptions) => Promise<void>;

export function dumpLogProgram(io: Io, runner?: Runner): Command {
  const program = new Command('mq-dump-log')
    .description('This tool helps to parse a log file and dump its contents to the console, useful for debugging a seemingly corrupt log segment.')
    .version(MQ_VERSION, '--version', 'Display the mq version.')
    .helpOption('-h, --help', 'Print usage information.')
    .allowExcessArguments(false)
    .option('--files <file1,file2,...>', 'REQUIRED: The comma separated list of data and index log files to be dumped.')
    .option('--print-data-log', 'If set, printing the messages content when dumping data logs. Automatically set if any decoder option is specified.')
    .option('--deep-iteration', 'If set, uses deep instead of shallow iteration. Automatically set if print-data-log is enabled.')
    .option('--skip-record-metadata', 'Whether to skip printing metadata for each record.')
    .option('--verify-index-only', 'If set, just verify the index log without printing its content.')
    .option('--index-sanity-check', 'If set, just checks the index sanity without printing its content. This is the same check that is executed on broker startup to determine if an index needs rebuilding or not.')
    .option('--max-bytes <size>', 'Limit the amount of total batches read in bytes avoiding reading the whole .log file(s).', String(2_147_483_647))
    .addOption(new Option('--max-message-size <size>', 'Size of largest message.').default('5242880'));
  addOutputOptions(program, { json: false });
  program.action(async (opts: DumpLogOptions) => {
    if (runner) return runner(opts);
    const { runDumpLog } = await import('./run.js');
    await runDumpLog(opts, io);
  });
  return program;
}

export async function main(argv: string[], io: Io = systemIo()): Promise<number> {
  return runProgram(withSharedOptions(dumpLogProgram(io), io), argv, io);
}
