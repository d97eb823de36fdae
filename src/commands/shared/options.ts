/**
 * Options every tool shares, and Kafka's validation messages.
 *
 *   const program = new Command('mq-topics');
 *   addConnectionOptions(program, { brokerList: false, configFlags: ['--command-config'] });
 *   addOutputOptions(program);                   // --output text|json, --no-color
 *   ... .action(async (opts) => {
 *     exactlyOneAction(opts, ['list', 'describe', ...], 'Command must include exactly one action: ...');
 *     conflicts(opts, 'partitions', ['list']);   // Option "[partitions]" can't be used with option "[list]"
 *     requireArgument(opts, 'topic');            // Missing required argument "[topic]"
 *     const session = await openSession(sessionOptions(opts, 'mq-topics'), io);
 *   });
 *
 * Kafka option names map to commander's camelCase keys (--bootstrap-server -> bootstrapServer);
 * messages name options as jopt-simple does ("[bootstrap-server]").
 */
import { type Command, Option } from 'commander';
import { UsageError } from '../../cli/errors.js';
import type { SessionOptions } from '../../engine/client/connect.js';

export const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

export interface ConnectionFlags {
  bootstrapServer?: string;
  brokerList?: string;
  commandConfig?: string;
  dataDir?: string;
  verbose?: boolean;
  [key: string]: unknown;
}

export interface ConnectionOptionSpec {
  /** Accept the deprecated --broker-list alias (3.x console producer, get-offsets, perf). */
  brokerList?: boolean;
  /** Properties-file flags, e.g. ['--command-config'] or ['--producer.config', '--command-config']. */
  configFlags?: string[];
  /** Help text for the properties file. */
  configHelp?: string;
}

export function addConnectionOptions(cmd: Command, spec: ConnectionOptionSpec = {}): Command {
  cmd.option(
    '--bootstrap-server <servers>',
    'Kafka cluster to use, host:port[,host:port...] (default: $MQ_BOOTSTRAP_SERVER, or the local mq broker of the data directory, started when needed)',
  );
  if (spec.brokerList) cmd.addOption(new Option('--broker-list <servers>', 'deprecated alias of --bootstrap-server').hideHelp());
  for (const flag of spec.configFlags ?? ['--command-config']) {
    cmd.option(`${flag} <file>`, spec.configHelp ?? 'client properties file (security.protocol, sasl.*, ssl.*, bootstrap.servers)');
  }
  cmd.option('--data-dir <dir>', 'data directory of the local broker (default: $MQ_DATA_DIR, $XDG_DATA_HOME/mq or ~/.local/share/mq)');
  cmd.option('--connect-timeout-ms <ms>', 'how long to wait for a broker to accept and answer a connection (default: socket.connection.setup.timeout.ms, 10000)');
  cmd.option('--context <name>', 'named cluster from ~/.config/mq/config (default: $MQ_CONTEXT, then the current context; see mq-config)');
  cmd.option('--verbose', 'log client activity to stderr');
  return cmd;
}

export function addOutputOptions(cmd: Command, { json = true }: { json?: boolean } = {}): Command {
  if (json) cmd.addOption(new Option('--output <format>', "output format: 'text' (Kafka's) or 'json'").choices(['text', 'json']).default('text'));
  cmd.option('--no-color', 'never use colour (also NO_COLOR=1)');
  return cmd;
}

/** camelCase key -> Kafka option name: bootstrapServer -> bootstrap-server. */
export function kafkaName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

/** jopt-simple's rendering of an option: "[name]". */
export function q(key: string): string {
  return `"[${kafkaName(key)}]"`;
}

export function isSet(opts: Record<string, unknown>, key: string): boolean {
  const v = opts[key];
  return v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0);
}

export function exactlyOneAction(opts: Record<string, unknown>, actions: readonly string[], message: string): string {
  const given = actions.filter((a) => isSet(opts, a));
  if (given.length !== 1) throw new UsageError(message);
  return given[0]!;
}

/** Kafka's `Missing required argument "[topic]"` when `key` is not set. */
export function requireArgument(opts: Record<string, unknown>, key: string): void {
  if (!isSet(opts, key)) throw new UsageError(`Missing required argument ${q(key)}`);
}

/** Kafka's `Option "[a]" can't be used with option "[b]"` when `key` is set with any of `others`. */
export function conflicts(opts: Record<string, unknown>, key: string, others: readonly string[]): void {
  if (!isSet(opts, key)) return;
  for (const o of others) if (isSet(opts, o)) throw new UsageError(`Option ${q(key)} can't be used with option ${q(o)}`);
}

/** SessionOptions from the shared flags. `configFiles` defaults to --command-config. */
export function sessionOptions(flags: ConnectionFlags, clientId: string, configFiles?: (string | undefined)[]): SessionOptions {
  return {
    bootstrapServer: flags.bootstrapServer ?? flags.brokerList,
    bootstrapFlag: flags.bootstrapServer === undefined && flags.brokerList !== undefined ? '--broker-list' : undefined,
    dataDir: flags.dataDir,
    configFiles: (configFiles ?? [flags.commandConfig]).filter((f): f is string => typeof f === 'string'),
    clientId,
    verbose: flags.verbose,
  };
}

/**
 * What a program's action is called with for `argv`, without running the tool: the tests' argv ->
 * options tables. `build` makes the program with the given runner; commander's own errors
 * (unknown option, missing argument) reject as CommanderError.
 */
export async function parsedOptions<T>(build: (runner: (opts: T) => Promise<void>) => Command, argv: readonly string[]): Promise<T> {
  let parsed: { opts: T } | undefined;
  const program = build(async (opts) => {
    parsed = { opts };
  });
  const quiet = (cmd: Command): void => {
    cmd.exitOverride();
    cmd.configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} });
    cmd.commands.forEach(quiet);
  };
  quiet(program);
  await program.parseAsync([...argv], { from: 'user' });
  if (!parsed) throw new Error(`${program.name()} ran no action for ${argv.join(' ')}`);
  return parsed.opts;
}
