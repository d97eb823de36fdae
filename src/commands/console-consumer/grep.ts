/**
 * --grep / --grep-key / --grep-header: which records the console consumer prints. A record
 * matches when every condition given matches (value, key, and each header condition: some header
 * of that name whose value matches). Keys, values and header values are read as UTF-8; a null
 * key or value matches nothing.
 *
 * Scanning a million records must stay fast, so a pattern without regular-expression syntax is
 * searched in the record bytes (Buffer.indexOf) with no per-record allocation: the next hit in a
 * buffer is remembered, so a buffer is searched once however many records it holds. Other
 * patterns decode the bytes to a string for RegExp.test.
 */
import { UsageError } from '../../cli/errors.js';
import type { RecordCursor } from '../../engine/client/record-reader.js';

/** True when the bytes data[start, end) match. */
type BytesTest = (data: Buffer, start: number, end: number) => boolean;

function compile(source: string, flag: string, ignoreCase: boolean): RegExp {
  try {
    return new RegExp(source, ignoreCase ? 'i' : '');
  } catch (err) {
    throw new UsageError(`Invalid value '${source}' for option --${flag}: ${(err as Error).message}`);
  }
}

/** A literal (no RegExp syntax) is searched as bytes. */
const META = /[\\^$.|?*+()[\]{}]/;

function bytesTest(source: string, flag: string, ignoreCase: boolean): BytesTest {
  if (source.length > 0 && !ignoreCase && !META.test(source)) return literalTest(Buffer.from(source, 'utf8'));
  const re = compile(source, flag, ignoreCase);
  return (data, start, end) => re.test(data.toString('utf8', start, end));
}

/**
 * indexOf over the whole buffer from the record's start; the hit is kept, so the records before
 * it are answered without searching again (each buffer is searched once, front to back).
 */
function literalTest(needle: Buffer): BytesTest {
  let lastData: Buffer | null = null;
  let searchedFrom = 0;
  let hit = -1;
  return (data, start, end) => {
    if (data !== lastData || start < searchedFrom || (hit >= 0 && hit < start)) {
      lastData = data;
      searchedFrom = start;
      hit = data.indexOf(needle, start);
    }
    return hit >= 0 && hit + needle.length <= end;
  };
}

export interface GrepOptions {
  grep?: string;
  grepKey?: string;
  grepHeader?: string[];
  /** --grep-ignore-case: every pattern ignores case (RegExp flag i). */
  grepIgnoreCase?: boolean;
}

/** The record filter the options ask for, or null when there is none. */
export function recordFilter(o: GrepOptions): ((c: RecordCursor) => boolean) | null {
  const tests: Array<(c: RecordCursor) => boolean> = [];
  const ic = Boolean(o.grepIgnoreCase);
  if (o.grepKey !== undefined) {
    const t = bytesTest(o.grepKey, 'grep-key', ic);
    tests.push((c) => c.keyLength >= 0 && t(c.data, c.keyStart, c.keyStart + c.keyLength));
  }
  for (const spec of o.grepHeader ?? []) {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw new UsageError(`Invalid value '${spec}' for option --grep-header: use name=REGEX`);
    const name = spec.slice(0, eq);
    const re = compile(spec.slice(eq + 1), 'grep-header', ic);
    tests.push((c) => c.headerCount > 0 && c.headers().some((h) => h.key === name && h.value !== null && re.test(h.value.toString('utf8'))));
  }
  if (o.grep !== undefined) {
    const t = bytesTest(o.grep, 'grep', ic);
    tests.push((c) => c.valueLength >= 0 && t(c.data, c.valueStart, c.valueStart + c.valueLength));
  }
  if (tests.length === 0) return null;
  if (tests.length === 1) return tests[0]!;
  return (c) => tests.every((t) => t(c));
}
