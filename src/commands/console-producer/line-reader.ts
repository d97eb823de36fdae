/**
 * Kafka's LineMessageReader: one record per line, `[headers<delimiter>][key<separator>]value`,
 * with the same properties, defaults, checks and error texts (tools/src/main/java/org/apache/kafka/tools/LineMessageReader.java).
 */

export interface ProducedHeader {
  key: string;
  value: Buffer | null;
}

export interface LineRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: ProducedHeader[];
  /** Only from --input-format json. */
  partition?: number;
  timestamp?: string;
}

/** A problem with a line or with the reader's configuration; the producer stops on it. */
export class LineReaderError extends Error {
  constructor(
    message: string,
    /** For a line without its key separator or headers delimiter: which one, and what it is. */
    readonly missing?: { what: string; demarcation: string; lineNumber: number; line: string },
  ) {
    super(message);
    this.name = 'LineReaderError';
  }
}

const NAMED: Readonly<Record<string, string>> = { '\t': 'TAB', ' ': 'SPACE' };

/** A separator as a person reads it: the invisible ones by name (TAB, SPACE), others in quotes. */
export function describeSeparator(s: string): string {
  return NAMED[s] ?? `'${s.replace(/\t/g, '\\t')}'`;
}

export interface LineReaderConfig {
  parseKey: boolean;
  keySeparator: string;
  parseHeaders: boolean;
  headersDelimiter: string;
  headersSeparator: string;
  headersKeySeparator: string;
  ignoreError: boolean;
  nullMarker: string | undefined;
}

const bool = (v: string): boolean => v.trim().toLowerCase() === 'true';

/** LineMessageReader.configure: defaults, then the properties, then the consistency checks. */
export function lineReaderConfig(props: ReadonlyMap<string, string>): LineReaderConfig {
  const c: LineReaderConfig = {
    parseKey: false,
    keySeparator: '\t',
    parseHeaders: false,
    headersDelimiter: '\t',
    headersSeparator: ',',
    headersKeySeparator: ':',
    ignoreError: false,
    nullMarker: undefined,
  };
  const get = (k: string) => props.get(k);
  if (get('key.separator') !== undefined) c.keySeparator = get('key.separator')!;
  if (get('parse.key') !== undefined) c.parseKey = bool(get('parse.key')!);
  if (get('headers.delimiter') !== undefined) c.headersDelimiter = get('headers.delimiter')!;
  if (get('headers.separator') !== undefined) c.headersSeparator = get('headers.separator')!;
  if (get('headers.key.separator') !== undefined) c.headersKeySeparator = get('headers.key.separator')!;
  if (get('ignore.error') !== undefined) c.ignoreError = bool(get('ignore.error')!);
  if (get('parse.headers') !== undefined) c.parseHeaders = bool(get('parse.headers')!);
  if (c.headersDelimiter === c.headersSeparator) throw new LineReaderError('headers.delimiter and headers.separator may not be equal');
  if (c.headersDelimiter === c.headersKeySeparator) throw new LineReaderError('headers.delimiter and headers.key.separator may not be equal');
  if (c.headersSeparator === c.headersKeySeparator) throw new LineReaderError('headers.separator and headers.key.separator may not be equal');
  if (get('null.marker') !== undefined) c.nullMarker = get('null.marker')!;
  if (c.nullMarker !== undefined) {
    if (c.keySeparator === c.nullMarker) throw new LineReaderError('null.marker and key.separator may not be equal');
    if (c.headersSeparator === c.nullMarker) throw new LineReaderError('null.marker and headers.separator may not be equal');
    if (c.headersDelimiter === c.nullMarker) throw new LineReaderError('null.marker and headers.delimiter may not be equal');
    if (c.headersKeySeparator === c.nullMarker) throw new LineReaderError('null.marker and headers.key.separator may not be equal');
  }
  return c;
}

/**
 * Java's String.split(regex): split on a regular expression and drop trailing empty strings; an
 * input without any match comes back whole (so "" gives [""]).
 */
export function javaSplit(s: string, re: RegExp): string[] {
  const parts = s.split(re);
  if (parts.length === 1) return parts;
  // A zero-width match at the start produces no leading empty string in Java 8+.
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

function toRegExp(javaRegex: string): RegExp {
  try {
    return new RegExp(javaRegex, 'u');
  } catch {
    try {
      return new RegExp(javaRegex);
    } catch (err) {
      throw new LineReaderError(`Invalid headers.separator '${javaRegex}': ${(err as Error).message}`);
    }
  }
}

export class LineReader {
  private lineNumber = 0;
  private readonly separatorRe: RegExp;

  constructor(readonly config: LineReaderConfig) {
    this.separatorRe = toRegExp(config.headersSeparator);
  }

  /**
   * Parses the next line (without its line terminator). Line numbers count from 1; a caller that
   * skips lines itself passes the number.
   */
  parse(line: string, lineNumber?: number): LineRecord {
    const c = this.config;
    const n = lineNumber ?? ++this.lineNumber;
    this.lineNumber = n;
    const headers = c.parseHeaders ? this.section(line, 0, c.headersDelimiter, 'headers delimiter', n) : null;
    const headerOffset = headers === null ? 0 : headers.length + c.headersDelimiter.length;
    const key = c.parseKey ? this.section(line, headerOffset, c.keySeparator, 'key separator', n) : null;
    const keyOffset = key === null ? 0 : key.length + c.keySeparator.length;
    const value = line.slice(headerOffset + keyOffset);
    const m = c.nullMarker;
    return {
      key: key !== null && key !== m ? Buffer.from(key, 'utf8') : null,
      value: value !== m ? Buffer.from(value, 'utf8') : null,
      headers: headers !== null && headers !== m ? this.splitHeaders(headers, n) : [],
    };
  }

  private section(line: string, start: number, demarcation: string, name: string, n: number): string | null {
    const index = line.indexOf(demarcation, start);
    if (index === -1) {
      if (this.config.ignoreError) return null;
      throw new LineReaderError(`No ${name} found on line number ${n}: '${line}'`, { what: name, demarcation, lineNumber: n, line });
    }
    return line.slice(start, index);
  }

  private splitHeaders(headers: string, n: number): ProducedHeader[] {
    const c = this.config;
    return javaSplit(headers, this.separatorRe).map((pair) => {
      const index = pair.indexOf(c.headersKeySeparator);
      if (index === -1) {
        if (c.ignoreError) return { key: pair, value: null };
        throw new LineReaderError(`No header key separator found in pair '${pair}' on line number ${n}`);
      }
      const key = pair.slice(0, index);
      if (key === c.nullMarker) {
        throw new LineReaderError(`Header keys should not be equal to the null marker '${c.nullMarker}' as they can't be null`);
      }
      const value = pair.slice(index + c.headersKeySeparator.length);
      return { key, value: value === c.nullMarker ? null : Buffer.from(value, 'utf8') };
    });
  }
}
