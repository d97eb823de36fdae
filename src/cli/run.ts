/**
 * Runs a commander program against an Io and returns the exit code. Nothing here calls
 * process.exit: bin/ sets process.exitCode, so pending output is flushed first.
 *
 * Choices that differ from Kafka's JVM tools (see README): --help goes to stdout with exit 0;
 * usage errors print one line plus a pointer to --help on stderr and exit 1.
 */
import { Command, CommanderError } from 'commander';
import type { Io } from './io.js';
import { CommandError, UsageError } from './errors.js';

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
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      const msg = err.message.replace(/^error: /, '');
      io.stderr.write(`${name}: ${msg.charAt(0).toUpperCase()}${msg.slice(1)}\nSee '${name} --help'.\n`);
      return 1;
    }
    if (err instanceof UsageError) {
      io.stderr.write(`${name}: ${err.message}\nSee '${name} --help'.\n`);
      return 1;
    }
    if (err instanceof CommandError) {
      if (err.message) io.stderr.write(`${err.message}\n`);
      return err.exitCode;
    }
    const e = err as Error;
    io.stderr.write(`${name}: unexpected error: ${e.message}\n`);
    if (io.env.MQ_DEBUG) io.stderr.write(`${e.stack}\n`);
    return 1;
  }
}
