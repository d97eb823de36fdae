/**
 * Java .properties parsing with java.util.Properties' rules, because users hand mq the same
 * server.properties and client.properties files they give Kafka: `#`/`!` comments, `=`, `:` or
 * whitespace as separator, backslash line continuations, and \t \n \r \f \uXXXX escapes.
 */
import { readFileSync } from 'node:fs';

export class PropertiesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PropertiesError';
  }
}

/** Logical lines: physical lines joined where a line ends in an odd number of backslashes. */
function logicalLines(text: string): string[] {
  const physical = text.split(/\r\n|\r|\n/);
  const out: string[] = [];
  let pending: string | null = null;
  for (const raw of physical) {
    const line: string = pending === null ? raw : raw.replace(/^[ \t\f]+/, '');
    if (pending === null) {
      const trimmed = line.replace(/^[ \t\f]+/, '');
      if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith('!')) continue;
    }
    let slashes = 0;
    for (let i = line.length - 1; i >= 0 && line[i] === '\\'; i--) slashes++;
    if (slashes % 2 === 1) {
      pending = (pending ?? '') + line.slice(0, -1);
      continue;
    }
    out.push((pending ?? '') + line);
    pending = null;
  }
  if (pending !== null) out.push(pending);
  return out;
}

function unescape(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = s[++i];
    if (n === undefined) break;
    switch (n) {
      case 't':
        out += '\t';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 'f':
        out += '\f';
        break;
      case 'u': {
        const hex = s.slice(i + 1, i + 5);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new PropertiesError(`Malformed \\uxxxx encoding: \\u${hex}`);
        out += String.fromCharCode(parseInt(hex, 16));
        i += 4;
        break;
      }
      default:
        out += n;
    }
  }
  return out;
}

export function parseProperties(text: string): Map<string, string> {
  const props = new Map<string, string>();
  for (const line of logicalLines(text)) {
    const s = line.replace(/^[ \t\f]+/, '');
    let i = 0;
    // The key ends at the first unescaped '=', ':' or whitespace.
    while (i < s.length) {
      const c = s[i]!;
      if (c === '\\') {
        i += 2;
        continue;
      }
      if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f') break;
      i++;
    }
    const key = unescape(s.slice(0, i));
    let j = i;
    while (j < s.length && (s[j] === ' ' || s[j] === '\t' || s[j] === '\f')) j++;
    if (j < s.length && (s[j] === '=' || s[j] === ':')) j++;
    while (j < s.length && (s[j] === ' ' || s[j] === '\t' || s[j] === '\f')) j++;
    props.set(key, unescape(s.slice(j)));
  }
  return props;
}

export function readPropertiesFile(path: string): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new PropertiesError(`${path} (No such file or directory)`);
    if (code === 'EISDIR') throw new PropertiesError(`${path} (Is a directory)`);
    throw new PropertiesError(`${path}: ${(err as Error).message}`);
  }
  return parseProperties(text);
}

/** Parses `key=value` as given to --override / --config / --property. */
export function parseKeyValue(arg: string): [string, string] {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw new PropertiesError(`Invalid property '${arg}': expected key=value`);
  return [arg.slice(0, eq).trim(), arg.slice(eq + 1)];
}
