/**
 * Errors that commands throw; cli/run.ts is the one place that turns them into a message and an
 * exit code. Usage mistakes and failed operations both exit 1 (Kafka's tools do too), but a
 * usage error adds a pointer to --help.
 *
 *   throw new UsageError('Missing required argument "[topic]"');          // stderr + "See '<tool> --help'.", exit 1
 *   throw new CommandError('Error while executing topic command : ...');   // stderr, exit 1
 *   throw new CommandError('', ExitCode.FAILURE);                          // silent exit 1
 *   throw new OutputClosedError();                                         // stdout closed: silent exit 0
 */

/** The tools' exit codes. Kafka's tools exit 1 on every failure (Exit.exit(1)); so does mq. */
export const ExitCode = {
  /** Done, or stopped by a signal or a closed stdout; also --help and --version. */
  OK: 0,
  /** A usage mistake or a failed operation. */
  FAILURE: 1,
  /** mq-broker status: no broker is running (LSB init-script convention, "program is not running"). */
  NOT_RUNNING: 3,
  /** The console producer stopped by Ctrl-C (128 + SIGINT, as a shell reports a process killed by it). */
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.FAILURE,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

/** stdout's reader went away (EPIPE): stop quietly. */
export class OutputClosedError extends Error {
  constructor() {
    super('stdout was closed');
    this.name = 'OutputClosedError';
  }
}
