/**
 * Errors that commands throw; cli/run.ts is the one place that turns them into a message and an
 * exit code. Usage mistakes and failed operations both exit 1 (Kafka's tools do too), but a
 * usage error adds a pointer to --help.
 *
 *   throw new UsageError('Missing required argument "[topic]"');          // stderr + "See '<tool> --help'.", exit 1
 *   throw new CommandError('Error while executing topic command : ...');   // stderr, exit 1
 *   throw new CommandError('', 3);                                         // silent exit 3
 *   throw new OutputClosedError();                                         // stdout closed: silent exit 0
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
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
