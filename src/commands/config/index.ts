/**
 * mq-config: named clusters ("contexts"), as kubectl config, kafkactl and rpk profiles have them.
 * Kafka has no such tool. Every tool takes --context NAME (or MQ_CONTEXT); without one, and
 * without --bootstrap-server or MQ_BOOTSTRAP_SERVER, the current context is used.
 *
 *   mq-config set-context prod --bootstrap-server k1:9092,k2:9092 --command-config ~/prod.properties
 *   mq-config use-context prod
 *   mq-config list-contexts
 *   mq-config current-context
 *   mq-config delete-context prod
 */
import { Command } from 'commander';
import { systemIo, type Io } from '../../cli/io.js';
import { runProgram } from '../../cli/run.js';
import { withSharedOptions } from '../shared/tool-program.js';
import { MQ_VERSION } from '../../version.js';
import { addOutputOptions } from '../shared/options.js';

export function configProgram(io: Io): Command {
  const program = new Command('mq-config')
    .description('Named clusters (contexts) for every mq tool, kept in $XDG_CONFIG_HOME/mq/config (default ~/.config/mq/config).')
    .version(MQ_VERSION, '--version', 'Display the mq version.')
    .helpOption('-h, --help', 'Print usage information.');
  const load = () => import('./run.js');
  program
    .command('set-context <name>')
    .description('Adds or replaces a context: a cluster by its bootstrap servers, and optionally a client properties file.')
    .requiredOption('--bootstrap-server <servers>', 'the cluster, host:port[,host:port...]')
    .option('--command-config <file>', 'client properties file (security.protocol, sasl.*, ssl.*) the tools read for this context')
    .action(async (name: string, opts: { bootstrapServer: string; commandConfig?: string }) => (await load()).setContext(name, opts, io));
  program
    .command('use-context <name>')
    .description('Makes a context the current one: tools use it when given no --bootstrap-server, --context or MQ_BOOTSTRAP_SERVER.')
    .action(async (name: string) => (await load()).useContext(name, io));
  const list = program.command('list-contexts').description('Lists the contexts; * marks the current one.');
  addOutputOptions(list);
  list.action(async (opts: { output?: string; color?: boolean }) => (await load()).listContexts(opts, io));
  program
    .command('current-context')
    .description('Prints the name of the current context.')
    .action(async () => (await load()).currentContext(io));
  program
    .command('delete-context <name>')
    .description('Removes a context (and makes none current if it was).')
    .action(async (name: string) => (await load()).deleteContext(name, io));
  return program;
}

export async function main(argv: string[], io: Io = systemIo()): Promise<number> {
  return runProgram(withSharedOptions(configProgram(io), io), argv, io);
}
