/**
 * The one error the engine throws for a failure whose message is the whole story for the user
 * (a bad bootstrap address, a broker that cannot be reached, a data directory in use). The
 * engine does not know how it is shown: cli/run.ts prints the message as one line and exits 1,
 * adding the pointer to --help for a usage mistake, and the stack of `cause` under MQ_DEBUG.
 *
 *   throw new ReportableError('Please provide valid host:port like host1:9091,host2:9092', { usage: true });
 *   throw new ReportableError(`Could not connect to ${address} (connection refused)`, { cause: err });
 */
export class ReportableError extends Error {
  /** The user asked for something malformed (the command line), not an operation that failed. */
  readonly usage: boolean;

  constructor(message: string, opts: { usage?: boolean; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ReportableError';
    this.usage = opts.usage ?? false;
  }
}
