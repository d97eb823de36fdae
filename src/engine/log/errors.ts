/**
 * The one error type the storage engine throws for conditions the broker answers with a Kafka
 * error code (out of range offsets, sequence problems, bad configs). Anything else is a bug or an
 * I/O failure.
 */
import { ErrorCode, type ErrorName } from '../protocol/error-codes.js';

export class LogError extends Error {
  readonly code: number;
  readonly errorName: ErrorName;

  constructor(name: ErrorName, message: string) {
    super(message);
    this.name = 'LogError';
    this.errorName = name;
    this.code = ErrorCode[name];
  }
}
