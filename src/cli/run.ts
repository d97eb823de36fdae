/**
 * Runs a commander program against an Io and returns the exit code. Nothing here calls
 * process.exit: bin/ sets process.exitCode, so pending output is flushed first.
 *
 *   export const main = (argv: string[], io = systemIo()) => runProgram(topicsProgram(io), argv, io);
 *
 * Choices that differ from Kafka's JVM tools (see README): --help goes to stdout with exit 0;
 * usage errors print one line plus a pointer to --help on stderr and exit 1. Commander's parse
 * errors use jopt-simple's wording (`--foo is not a recognized option`, `Option --topic requires
 * an argument`), plus commander's "Did you mean --partitions?" for a near miss. The engine's
 * ReportableError and our protocol client's failures become one line;
 * stacks only with MQ_DEBUG.
 */
import { type Command, CommanderError } from 'commander';
import type { Io } from './io.js';
import { colorLevel } from './color.js';
import { startSpinner } from './output.js';
import { CommandError, ExitCode, OutputClosedError, UsageError } from './errors.js';
import { ReportableError } from '../engine/errors.js';
import { KAFKA_ERRORS_ENV } from './kafka-text.js';

function commanderMessage(err: CommanderError): string {
  const msg = err.message.replace(/^error: /, '');
  let m: RegExpExecArray | null;
  if (err.code === 'commander.unknownOption' && (m = /unknown option '([^']+)'/.exec(msg))) {
    // commander's suggestion (Damerau-Levenshtein over the visible long options), in one line.
    const similar = /\(Did you mean (--[^?\s]+)\?\)/.exec(msg);
    return `${m[1]} is not a recognized option${similar ? `. Did you mean ${similar[1]}?` : ''}`;
  }
  if (err.code === 'commander.optionMissingArgument' && (m = /option '([^']+)' argument missing/.exec(msg))) {
    return `Option ${m[1]!.split(/[ ,]/).find((s) => s.startsWith('--')) ?? m[1]} requires an argument`;
  }
  if (err.code === 'commander.excessArguments') return `Found non-option arguments: ${msg.replace(/^too many arguments.*?Got (\d+).*$/, '$1 extra')}`;
  return `${msg.charAt(0).toUpperCase()}${msg.slice(1)}`;
}

/** Writes an error to stderr, in red when stderr is a colour terminal (NO_COLOR, --no-color honoured). */
async function errorWriter(io: Io, argv: string[]): Promise<(text: string) => void> {
  const level = colorLevel(io.stderr, io.env, argv.includes('--no-color') ? false : undefined);
  if (level === 0) return (text) => void io.stderr.write(text);
  const { Chalk } = await import('chalk');
  const red = new Chalk({ level }).red;
  return (text) => void io.stderr.write(text.split('\n').map((l) => (l ? red(l) : l)).join('\n'));
}

/**
 * Every tool that talks to a cluster takes --context and --connect-timeout-ms: addConnectionOptions
 * declares them (with its help text); a tool declaring its connection flags itself gets them here.
 */
function acceptConnectionFlags(program: Command): void {
  const has = (long: string) => program.options.some((o) => o.long === long);
  if (!has('--bootstrap-server')) return;
  if (!has('--connect-timeout-ms')) program.option('--connect-timeout-ms <ms>', 'how long to wait for a broker to accept and answer a connection (default 10000)');
  if (!has('--context')) program.option('--context <name>', 'named cluster from ~/.config/mq/config (see mq-config)');
}

/**
 * --connect-timeout-ms and --context (addConnectionOptions) reach the engine through its
 * environment, as MQ_CONNECT_TIMEOUT_MS and MQ_CONTEXT, so every tool honours them whatever
 * session options it builds; the flag wins over a variable already set.
 */
function bridgeConnectionFlags(opts: Record<string, unknown>, io: Io): void {
  const timeout = opts.connectTimeoutMs;
  if (typeof timeout === 'string') {
    if (!/^\d+$/.test(timeout.trim()) || Number(timeout) <= 0) throw new UsageError(`Invalid value for --connect-timeout-ms: '${timeout}' (a number of milliseconds)`);
    io.env = { ...io.env, MQ_CONNECT_TIMEOUT_MS: timeout.trim() };
  }
  if (typeof opts.context === 'string') io.env = { ...io.env, MQ_CONTEXT: opts.context };
}

export async function runProgram(program: Command, argv: string[], io: Io): Promise<number> {
  const name = program.name();
  const configure = (cmd: Command): void => {
    cmd.exitOverride();
    cmd.configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: () => {},
    });
    cmd.commands.forEach(configure);
  };
  configure(program);
  io.waiting ??= (text) => startSpinner(io, text);
  acceptConnectionFlags(program);
  if (!program.options.some((o) => o.long === '--kafka-errors')) {
    program.option('--kafka-errors', "print errors with the Java exception class names Kafka's tools print (also MQ_KAFKA_ERRORS=1)");
  }
  program.hook('preAction', (root, action) => {
    if (root.opts().kafkaErrors === true || action.opts().kafkaErrors === true) io.env = { ...io.env, [KAFKA_ERRORS_ENV]: '1' };
    bridgeConnectionFlags(action.opts(), io);
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ExitCode.OK;
  } catch (err) {
    const fail = await errorWriter(io, argv);
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return ExitCode.OK;
      fail(`${name}: ${commanderMessage(err)}\nSee '${name} --help'.\n`);
      return ExitCode.FAILURE;
    }
    if (err instanceof UsageError || (err instanceof ReportableError && err.usage)) {
      fail(`${name}: ${err.message}\nSee '${name} --help'.\n`);
      return ExitCode.FAILURE;
    }
    if (err instanceof OutputClosedError || (err as NodeJS.ErrnoException)?.code === 'EPIPE') return ExitCode.OK;
    if (err instanceof CommandError || err instanceof ReportableError) {
      if (err.message) fail(`${err.message}\n`);
      if (io.env.MQ_DEBUG && err.cause instanceof Error && err.cause.stack) fail(`${err.cause.stack}\n`);
      return err instanceof CommandError ? err.exitCode : ExitCode.FAILURE;
    }
    const { describeClientError } = await import('../engine/client/errors.js');
    const line = describeClientError(err);
    if (line !== null) {
      fail(`${line}\n`);
      if (io.env.MQ_DEBUG) fail(`${(err as Error).stack}\n`);
      return ExitCode.FAILURE;
    }
    const e = err as Error;
    fail(`${name}: unexpected error: ${e?.message ?? String(err)}\n`);
    if (io.env.MQ_DEBUG) fail(`${e?.stack}\n`);
    else fail(`Run again with MQ_DEBUG=1 for the stack trace, and report it as a bug.\n`);
    return ExitCode.FAILURE;
  }
}

/**
 * Runs a long-running tool (consumers, producers, perf tests) whose program takes an abort signal:
 * SIGINT and SIGTERM abort it so it can finish cleanly (flush, print its summary) instead of
 * dying mid-write. Tests pass their own signal and no process handlers are installed.
 */
export async function runInterruptible(
  build: (signal: AbortSignal) => Command,
  argv: string[],
  io: Io,
  signal?: AbortSignal,
): Promise<number> {
  if (signal) return runProgram(build(signal), argv, io);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await runProgram(build(controller.signal), argv, io);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
