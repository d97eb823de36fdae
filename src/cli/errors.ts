/**
 * Errors that commands throw; cli/run.ts is the one place that turns them into a message and an
 * exit code. Usage mistakes and failed operations both exit 1 (Kafka's tools do too), but a
 * usage error adds a pointer to --help.
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
