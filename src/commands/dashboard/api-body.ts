/** Checks of a POST body's fields: each failure is a 400 with a one-line message naming the field. */
import { ErrorCode, errorName } from '../../engine/protocol/error-codes.js';
import { ApiError } from './api-error.js';

export type Body = Record<string, unknown>;

export function obj(v: unknown, what = 'the body'): Body {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ApiError(400, 'BAD_REQUEST', `${what} must be a JSON object`);
  return v as Body;
}

export function str(b: Body, key: string): string {
  const v = b[key];
  if (typeof v !== 'string' || v === '') throw new ApiError(400, 'BAD_REQUEST', `${key} must be a non-empty string`);
  return v;
}

export function optInt(b: Body, key: string, min: number): number | undefined {
  const v = b[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw new ApiError(400, 'BAD_REQUEST', `${key} must be an integer >= ${min}`);
  return v;
}

export function stringMap(v: unknown, what: string): Map<string, string> {
  if (v === undefined || v === null) return new Map();
  const o = obj(v, what);
  const m = new Map<string, string>();
  for (const [k, x] of Object.entries(o)) {
    if (typeof x !== 'string' && typeof x !== 'number' && typeof x !== 'boolean') throw new ApiError(400, 'BAD_REQUEST', `${what}.${k} must be a string`);
    m.set(k, String(x));
  }
  return m;
}

export function check(r: { errorCode: number; errorMessage?: string | null }, what: string): void {
  if (r.errorCode === ErrorCode.NONE) return;
  const status = r.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION || r.errorCode === ErrorCode.GROUP_ID_NOT_FOUND ? 404 : 400;
  throw new ApiError(status, errorName(r.errorCode), `${what}: ${r.errorMessage || errorName(r.errorCode)}`);
}

export function nullableString(v: unknown, what: string): Buffer | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string') throw new ApiError(400, 'BAD_REQUEST', `${what} must be a string or null`);
  return Buffer.from(v, 'utf8');
}
