/**
 * The messages view's filter, run on the server over the records it scans: a substring or a
 * regular expression, matched against the key, the value, header values (or header keys), or
 * any of them, each decoded as UTF-8.
 */
import { ApiError } from './api-error.js';

export type FilterIn = 'key' | 'value' | 'header' | 'any';

export interface FilterSpec {
  text: string;
  in: FilterIn;
  regex: boolean;
}

export interface FilterableRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: ReadonlyArray<{ key: string; value: Buffer | null }>;
}

/** Longest pattern accepted, so one request cannot ask for an enormous regular expression. */
const MAX_PATTERN = 1000;

export function compileFilter(spec: FilterSpec): (r: FilterableRecord) => boolean {
  if (spec.text.length > MAX_PATTERN) throw new ApiError(400, 'BAD_REQUEST', `filter is longer than ${MAX_PATTERN} characters`);
  let test: (s: string) => boolean;
  if (spec.regex) {
    let re: RegExp;
    try {
      re = new RegExp(spec.text, 'u');
    } catch (err) {
      throw new ApiError(400, 'BAD_REQUEST', `invalid regular expression: ${(err as Error).message}`);
    }
    test = (s) => re.test(s);
  } else test = (s) => s.includes(spec.text);
  const buf = (b: Buffer | null) => b !== null && test(b.toString('utf8'));
  return (r) => {
    if ((spec.in === 'key' || spec.in === 'any') && buf(r.key)) return true;
    if ((spec.in === 'value' || spec.in === 'any') && buf(r.value)) return true;
    if (spec.in === 'header' || spec.in === 'any') for (const h of r.headers) if (test(h.key) || buf(h.value)) return true;
    return false;
  };
}

export function parseFilterIn(s: string | null): FilterIn {
  if (s === null || s === '') return 'any';
  if (s === 'key' || s === 'value' || s === 'header' || s === 'any') return s;
  throw new ApiError(400, 'BAD_REQUEST', `filterIn must be key, value, header or any, not ${JSON.stringify(s)}`);
}
