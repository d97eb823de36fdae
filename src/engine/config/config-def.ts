/**
 * The type and range checks of Kafka's ConfigDef (clients/.../common/config/ConfigDef.java:
 * parseType, Range, ValidString, ValidList), shared by the producer properties of the tools, the
 * topic configs and the broker's settings, with Kafka's ConfigException text:
 * "Invalid value abc for configuration linger.ms: Not a number of type LONG".
 */

/** ConfigDef.Type, as Kafka spells it in "Not a number of type LONG". */
export type ConfigDefType = 'INT' | 'LONG' | 'DOUBLE' | 'BOOLEAN' | 'STRING' | 'LIST' | 'CLASS' | 'PASSWORD';

/** A validator: Kafka's reason text (after "for configuration x: ") when the parsed value is not valid. */
export type ConfigValidator = (value: string, n: number) => string | undefined;

export const INT_MIN = -(2 ** 31);
export const INT_MAX = 2 ** 31 - 1;

export function atLeast(min: number): ConfigValidator {
  return (_v, n) => (n < min ? `Value must be at least ${min}` : undefined);
}

export function between(min: number, max: number): ConfigValidator {
  return (_v, n) => (n < min ? `Value must be at least ${min}` : n > max ? `Value must be no more than ${max}` : undefined);
}

export function oneOf(values: readonly string[]): ConfigValidator {
  return (v) => (values.includes(v) ? undefined : `String must be one of: ${values.join(', ')}`);
}

/** ConfigDef.ValidList: every comma-separated item is one of `values`. */
export function listOf(values: readonly string[]): ConfigValidator {
  return (v) => {
    for (const item of v.split(',').map((s) => s.trim()).filter((s) => s.length > 0)) {
      if (!values.includes(item)) return `String must be one of: ${values.join(', ')}`;
    }
    return undefined;
  };
}

/** Kafka's ConfigException text. */
export function configException(name: string, value: string, reason: string): string {
  return `Invalid value ${value} for configuration ${name}: ${reason}`;
}

/** ConfigDef.parseType for the numeric and boolean types: Kafka's reason when `v` (trimmed) does not parse. */
export function parseConfigValue(type: ConfigDefType, v: string): { n: number } | { reason: string } {
  switch (type) {
    case 'INT':
    case 'LONG': {
      // Integer.parseInt / Long.parseLong: an optional sign and decimal digits, within the type's range.
      if (!/^[+-]?\d+$/.test(v)) return { reason: `Not a number of type ${type}` };
      const b = BigInt(v);
      const [min, max] = type === 'INT' ? [BigInt(INT_MIN), BigInt(INT_MAX)] : [-(2n ** 63n), 2n ** 63n - 1n];
      if (b < min || b > max) return { reason: `Not a number of type ${type}` };
      return { n: Number(b) };
    }
    case 'DOUBLE':
      return v === '' || Number.isNaN(Number(v)) ? { reason: 'Not a number of type DOUBLE' } : { n: Number(v) };
    case 'BOOLEAN':
      return /^(true|false)$/i.test(v) ? { n: 0 } : { reason: 'Expected value to be either true or false' };
    default:
      return { n: 0 };
  }
}

/**
 * Checks one value against its type and validator; returns Kafka's ConfigException text or
 * undefined. A number out of range is printed as parsed (Kafka prints the parsed Integer/Long).
 */
export function checkConfigValue(name: string, raw: string, type: ConfigDefType, validate?: ConfigValidator): string | undefined {
  const v = raw.trim();
  const parsed = parseConfigValue(type, v);
  if ('reason' in parsed) return configException(name, raw, parsed.reason);
  const problem = validate?.(v, parsed.n);
  if (problem === undefined) return undefined;
  return configException(name, type === 'INT' || type === 'LONG' ? String(parsed.n) : v, problem);
}
