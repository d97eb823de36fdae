/**
 * How much the broker logs (`mq-broker start --log-level`): debug adds every connection opened
 * and closed, info (the default) adds refused requests, warn keeps only problems. Its own
 * module so the command line can name the levels without loading the broker.
 */
export type LogLevel = 'debug' | 'info' | 'warn';

/** What the broker logs through (streamLogger in broker.ts, or a test's). */
export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  debug(msg: string): void;
}
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn'];
