/**
 * Property lists as Kafka's console tools build them: `key=value` flags (CommandLineUtils.
 * parseKeyValueArgs: split at the first '=', no escapes, `key` alone = empty value) over a
 * Java properties file.
 */
import { UsageError } from '../../cli/errors.js';
import { readPropertiesFile, PropertiesError } from '../../engine/config/properties.js';
import { CommandError } from '../../cli/errors.js';

export function keyValueArgs(args: readonly string[] | undefined, flag: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const a of args ?? []) {
    const eq = a.indexOf('=');
    const key = eq < 0 ? a : a.slice(0, eq);
    if (key.trim() === '') throw new UsageError(`Invalid ${flag} '${a}': expected key=value`);
    m.set(key, eq < 0 ? '' : a.slice(eq + 1));
  }
  return m;
}

/** A properties file (when given), then the key=value flags over it. */
export function mergedProperties(file: string | undefined, args: readonly string[] | undefined, flag: string): Map<string, string> {
  const m = new Map<string, string>();
  if (file !== undefined) {
    try {
      for (const [k, v] of readPropertiesFile(file)) m.set(k, v);
    } catch (err) {
      if (err instanceof PropertiesError) throw new CommandError(`Could not read properties file: ${err.message}`);
      throw err;
    }
  }
  for (const [k, v] of keyValueArgs(args, flag)) m.set(k, v);
  return m;
}
