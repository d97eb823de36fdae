/**
 * mq-transactions: Kafka's kafka-transactions.sh (TransactionsCommand, KIP-664) for looking at
 * transactions and recovering from hanging ones. The commands and options are Kafka's:
 *
 *   mq-transactions list [--duration-filter MS] [--transactional-id-pattern REGEX]
 *   mq-transactions describe --transactional-id ID
 *   mq-transactions describe-producers --topic T --partition P [--broker-id B]
 *   mq-transactions abort --topic T --partition P (--start-offset O | --producer-id I --producer-epoch E --coordinator-epoch C)
 *   mq-transactions find-hanging (--broker-id B | --topic T [--partition P]) [--max-transaction-timeout MIN]
 *   mq-transactions forceTerminateTransaction --transactionalId ID      (Kafka 4.x)
 */
import { Command } from 'commander';
import { systemIo, type Io } from '../../cli/io.js';
import { runProgram } from '../../cli/run.js';
import { withSharedOptions } from '../shared/tool-program.js';
import { MQ_VERSION } from '../../version.js';
import { addConnectionOptions, addOutputOptions } from '../shared/options.js';
import type { TransactionsAction, TransactionsFlags } from './run.js';

/** Runs one command with its flags (the program's and the command's); tests pass their own to see what argv parses to. */
export type Runner = (action: TransactionsAction, flags: TransactionsFlags) => Promise<void>;

export function transactionsProgram(io: Io, runner?: Runner): Command {
  const program = new Command('mq-transactions')
    .description('This tool is used to analyze the transactional state of producers in the cluster. It can be used to detect and recover from hanging transactions.')
    .version(MQ_VERSION, '-v, --version', 'show the version of this Kafka distribution and exit')
    .helpOption('-h, --help', 'show this help message and exit');
  addConnectionOptions(program, { configHelp: 'property file containing configs to be passed to admin client' });
  addOutputOptions(program);

  const run = (action: TransactionsAction) => async (_opts: unknown, cmd: Command) => {
    const flags = cmd.optsWithGlobals<TransactionsFlags>();
    if (runner) return runner(action, flags);
    const { runTransactions } = await import('./run.js');
    await runTransactions(action, flags, io);
  };

  program
    .command('list')
    .description('list transactions')
    .option('--duration-filter <ms>', 'Duration (in millis) to filter by: if < 0, all transactions will be returned; otherwise, only transactions running longer than this duration will be returned')
    .option('--transactional-id-pattern <regex>', 'Transactional id regular expression pattern to filter by')
    .action(run('list'));
  program
    .command('describe')
    .description('describe the state of an active transactional-id')
    .requiredOption('--transactional-id <id>', 'transactional id')
    .action(run('describe'));
  program
    .command('describe-producers')
    .description('describe the states of active producers for a topic partition')
    .option('--broker-id <id>', 'optional broker id to describe the producer state on a specific replica')
    .requiredOption('--topic <topic>', 'topic name')
    .requiredOption('--partition <partition>', 'partition number')
    .action(run('describe-producers'));
  program
    .command('abort')
    .description('abort a hanging transaction (requires administrative privileges)')
    .requiredOption('--topic <topic>', 'topic name')
    .requiredOption('--partition <partition>', 'partition number')
    .option('--start-offset <offset>', 'start offset of the transaction to abort (brokers on 3.0 and above)')
    .option('--producer-id <id>', 'producer id (brokers older than 3.0, with --producer-epoch and --coordinator-epoch)')
    .option('--producer-epoch <epoch>', 'producer epoch')
    .option('--coordinator-epoch <epoch>', 'coordinator epoch')
    .action(run('abort'));
  program
    .command('find-hanging')
    .description('find hanging transactions')
    .option('--broker-id <id>', 'broker id to search for hanging transactions')
    .option('--max-transaction-timeout <minutes>', 'maximum transaction timeout in minutes to limit the scope of the search (15 minutes by default)')
    .option('--topic <topic>', 'topic name to limit search to (required if --partition is specified)')
    .option('--partition <partition>', 'partition number')
    .action(run('find-hanging'));
  program
    .command('forceTerminateTransaction')
    .description('Force abort an ongoing transaction on transactionalId (requires administrative privileges)')
    .requiredOption('--transactionalId <id>', 'transactional id')
    .action(run('forceTerminateTransaction'));
  return program;
}

export async function main(argv: string[], io: Io = systemIo()): Promise<number> {
  return runProgram(withSharedOptions(transactionsProgram(io), io), argv, io);
}
