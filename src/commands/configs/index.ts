/**
 * mq-configs: Kafka's kafka-configs for topics, brokers and groups (describe, alter).
 */
import { Command } from 'commander';
import { systemIo, type Io } from '../../cli/io.js';
import { runProgram } from '../../cli/run.js';
import { MQ_VERSION } from '../../version.js';
import { addConnectionOptions, addOutputOptions, collect } from '../shared/options.js';
import type { ConfigsOptions } from './run.js';
import { withSharedOptions } from '../shared/tool-program.js';

/** Runs the tool with its options; tests pass their own to see what argv parses to. */
export type Runner = (opts: ConfigsOptions) => Promise<void>;

export function configsProgram(io: Io, argv: readonly string[] = [], runner?: Runner): Command {
  const program = new Command('mq-configs')
    .description('This tool helps to manipulate and describe entity config for a topic, client, user, broker, ip, client-metrics or group')
    .version(MQ_VERSION, '--version', 'Display the mq version.')
    .helpOption('-h, --help', 'Print usage information.')
    .allowExcessArguments(false);
  addConnectionOptions(program, { configFlags: ['--command-config'], configHelp: 'Property file containing configs to be passed to the admin client.' });
  program
    .option('--describe', 'List configs for the given entity.')
    .option('--alter', 'Alter the configuration for the entity.')
    .option('--all', 'List all configs for the given entity, including static configs and defaults.')
    .option('--entity-type <type>', 'Type of entity (topics/brokers/groups; Kafka also has clients/users/ips/client-metrics/broker-loggers)', collect)
    .option('--entity-name <name>', 'Name of entity (topic name/broker id/group id)', collect)
    .option('--entity-default', 'Default entity name for brokers (applies to the cluster-wide default)')
    .option('--topic <topic>', 'The topic\'s name.')
    .option('--broker <id>', 'The broker\'s ID.')
    .option('--broker-defaults', 'The config defaults for all brokers.')
    .option('--group <group>', 'The group\'s ID.')
    .option('--broker-logger <id>', 'The broker\'s ID for its logger config.')
    .option('--add-config <k=v,...>', 'Key Value pairs of configs to add. Square brackets can be used to group values which contain commas: \'k1=v1,k2=[v1,v2,v2],k3=v3\'.')
    .option('--add-config-file <file>', 'Path to a properties file with configs to add.')
    .option('--delete-config <k,...>', 'config keys to remove \'k1,k2\'')
    .option('--force', 'Suppress console prompts');
  addOutputOptions(program);
  program.action(async (opts: ConfigsOptions) => {
    if (runner) return runner(opts);
    const { runConfigs } = await import('./run.js');
    await runConfigs(opts, io, argv);
  });
  return program;
}

export async function main(argv: string[], io: Io = systemIo()): Promise<number> {
  return runProgram(withSharedOptions(configsProgram(io, argv), io), argv, io);
}
