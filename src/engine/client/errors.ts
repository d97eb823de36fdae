/**
 * What goes wrong in our protocol client, and the one line a user sees for it.
 *
 *   throw new ProtocolClientError(`Could not connect to ${host}:${port} (connection refused)`, host, port, 'ECONNREFUSED');
 *   throwIfError(res.errorCode, res.errorMessage, 'CreateTopics');        // KafkaResponseError unless NONE
 *   if (isConnectionLost(err)) ...                                         // worth a retry after a metadata refresh
 *   throw toReportableError(err, { remote: true });                        // one line for cli/run.ts
 */
import { ReportableError } from '../errors.js';
import { ErrorCode, errorName } from '../protocol/error-codes.js';
import { SecurityConfigError } from './security.js';

/** A connection-level failure: the broker could not be reached, went away, or answered garbage. */
export class ProtocolClientError extends Error {
  constructor(
    message: string,
    readonly host: string,
    readonly port: number,
    /** ECONNREFUSED, ETIMEDOUT, ENOTFOUND, NO_ANSWER (accepted, never answered), NOT_KAFKA, CLOSED, TLS, SASL, UNSUPPORTED_VERSION, DECODE, ... */
    readonly code: string,
  ) {
    super(message);
    this.name = 'ProtocolClientError';
  }
}

/** Codes of a connection that went away or never answered: worth a retry after a metadata refresh. */
const CONNECTION_LOST = new Set(['CLOSED', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'NO_ANSWER', 'REQUEST_TIMED_OUT', 'EPIPE']);

/** True when `err` says a broker connection was lost (its broker stopped or moved away), not that a request was wrong. */
export function isConnectionLost(err: unknown): boolean {
  return err instanceof ProtocolClientError && CONNECTION_LOST.has(err.code);
}

/** An error code in a response, with Kafka's error name and the broker's message if any. */
export class KafkaResponseError extends Error {
  readonly errorName: string;
  constructor(
    readonly errorCode: number,
    readonly brokerMessage: string | null = null,
    context = '',
  ) {
    super(brokerMessage || `${context}${context ? ': ' : ''}${errorName(errorCode)}`);
    this.errorName = errorName(errorCode);
    this.name = 'KafkaResponseError';
  }
}

export function throwIfError(errorCode: number, errorMessage?: string | null, context = ''): void {
  if (errorCode !== ErrorCode.NONE) throw new KafkaResponseError(errorCode, errorMessage ?? null, context);
}

/** Where the bootstrap address came from, so a failure to reach it says what to change. */
export type BootstrapSource =
  | { kind: 'flag'; flag: string }
  | { kind: 'env'; name: string }
  | { kind: 'file'; path: string }
  | { kind: 'context'; name: string; file: string };

/** The sentence after "Could not connect to ...": is anything there, and where the address came from. */
export function connectionHint(source: BootstrapSource = { kind: 'flag', flag: '--bootstrap-server' }): string {
  const q = 'Is a Kafka broker running there?';
  switch (source.kind) {
    case 'flag':
      return `${q} Leave out ${source.flag} to use the local mq broker.`;
    case 'env':
      return `${q} The address came from ${source.name}; unset it to use the local mq broker.`;
    case 'file':
      return `${q} The address came from bootstrap.servers in ${source.path}.`;
    case 'context':
      return `${q} The address came from the context '${source.name}' in ${source.file}; choose another with --context or mq-config use-context.`;
  }
}

/** Failures where the hint does not help: the address answered, just not as asked. */
const NO_HINT = new Set(['TLS', 'SASL', 'NOT_KAFKA']);

/**
 * One line for a client error, or null when `err` is not one. `remote`: the user named the
 * cluster, so a failed connection gets the hint naming where the address came from.
 */
export function describeClientError(err: unknown, opts: { remote?: boolean; source?: BootstrapSource } = {}): string | null {
  if (err instanceof SecurityConfigError) return err.message;
  if (err instanceof ProtocolClientError) {
    const connectFailure = /^Could not connect/.test(err.message);
    return connectFailure && opts.remote && !NO_HINT.has(err.code) ? `${err.message}. ${connectionHint(opts.source)}` : err.message;
  }
  if (err instanceof KafkaResponseError) return err.brokerMessage ? err.brokerMessage : err.message;
  return null;
}

/** A ReportableError for a client failure (the original error kept as `cause`); anything else unchanged. */
export function toReportableError(err: unknown, opts: { remote?: boolean; source?: BootstrapSource } = {}): Error {
  if (err instanceof ReportableError) return err;
  const line = describeClientError(err, opts);
  if (line === null) return err instanceof Error ? err : new Error(String(err));
  return new ReportableError(line, { cause: err });
}
