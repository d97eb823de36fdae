/**
 * Turns client-side failures (kafkajs errors, our protocol client's errors, properties problems)
 * into one human line. No kafkajs import: errors are recognised by name, so cli/run.ts can use
 * this without loading kafkajs.
 *
 *   try { ... } catch (err) { throw toCommandError(err, { remote: true }) }
 *   describeClientError(err)   // string | null (null = not a client error we know)
 */
import { CommandError } from '../../cli/errors.js';
import { KafkaResponseError, ProtocolClientError } from './protocol-client.js';
import { SecurityConfigError } from './security.js';

export const LOCAL_HINT = 'Is a Kafka broker running there? Leave out --bootstrap-server to use the local mq broker.';

interface KafkaJsLike extends Error {
  type?: string;
  code?: string | number;
  broker?: string;
  cause?: unknown;
  originalError?: unknown;
}

function reasonFromNodeError(msg: string): string {
  if (/ECONNREFUSED/.test(msg)) return 'connection refused';
  if (/ENOTFOUND|EAI_AGAIN/.test(msg)) return 'unknown host';
  if (/ETIMEDOUT|Connection timeout/i.test(msg)) return 'connection timed out';
  if (/EHOSTUNREACH|ENETUNREACH/.test(msg)) return 'host unreachable';
  if (/ECONNRESET/.test(msg)) return 'connection reset by peer';
  return msg.replace(/^Connection error: /, '');
}

/** One line for a client error, or null when `err` is not one. */
export function describeClientError(err: unknown, opts: { remote?: boolean } = {}): string | null {
  if (err instanceof SecurityConfigError) return err.message;
  if (err instanceof ProtocolClientError) {
    const connectFailure = /^Could not connect/.test(err.message);
    return connectFailure && opts.remote && err.code !== 'TLS' && err.code !== 'SASL' ? `${err.message}. ${LOCAL_HINT}` : err.message;
  }
  if (err instanceof KafkaResponseError) {
    return err.brokerMessage ? `${err.brokerMessage}` : `${err.message}`;
  }
  if (!(err instanceof Error)) return null;
  const e = err as KafkaJsLike;
  if (!e.name?.startsWith('KafkaJS')) return null;
  // Retried errors wrap the last failure.
  if (e.name === 'KafkaJSNumberOfRetriesExceeded' || e.name === 'KafkaJSNonRetriableError') {
    const inner = e.cause ?? e.originalError;
    if (inner instanceof Error && inner !== err) return describeClientError(inner, opts) ?? inner.message;
  }
  if (e.name === 'KafkaJSConnectionError' || e.name === 'KafkaJSConnectionClosedError') {
    const where = e.broker ?? 'the broker';
    if (e.name === 'KafkaJSConnectionClosedError') return `The connection to ${where} was closed by the broker`;
    const line = `Could not connect to ${where} (${reasonFromNodeError(e.message)})`;
    return opts.remote ? `${line}. ${LOCAL_HINT}` : line;
  }
  if (e.name === 'KafkaJSRequestTimeoutError') return `Timed out waiting for ${e.broker ?? 'the broker'} to answer`;
  if (e.name === 'KafkaJSSASLAuthenticationError') return `Authentication failed: ${e.message.replace(/^SASL \S+ authentication failed: /, '')}`;
  if (e.name === 'KafkaJSBrokerNotFound' || e.name === 'KafkaJSNoBrokerAvailableError') return `No broker available: ${e.message}`;
  if (e.type && e.type !== 'UNKNOWN') return `${e.message} (${e.type})`;
  if (e.name === 'KafkaJSAggregateError') {
    const errors = (e as unknown as { errors?: unknown[] }).errors ?? [];
    const lines = errors.map((x) => describeClientError(x, opts) ?? String((x as Error)?.message ?? x));
    if (lines.length) return [...new Set(lines)].join('; ');
  }
  return e.message;
}

/** CommandError for a client failure (the original error is kept as `cause`). */
export function toCommandError(err: unknown, opts: { remote?: boolean } = {}): Error {
  if (err instanceof CommandError) return err;
  const line = describeClientError(err, opts);
  if (line === null) return err instanceof Error ? err : new Error(String(err));
  const ce = new CommandError(line);
  (ce as { cause?: unknown }).cause = err;
  return ce;
}
