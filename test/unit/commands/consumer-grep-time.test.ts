import { describe, expect, it } from 'vitest';
import { recordFilter } from '../../../src/commands/console-consumer/grep.js';
import { parseTimeSpec } from '../../../src/commands/console-consumer/time-spec.js';
import { RecordCursor } from '../../../src/engine/client/record-reader.js';

/** A cursor over `values` laid end to end in one buffer, as records sit in a fetched batch. */
function records(values: string[]): Array<(c: RecordCursor) => void> {
  const data = Buffer.from(values.join(''));
  let at = 0;
  return values.map((v) => {
    const start = at;
    at += Buffer.byteLength(v);
    return (c: RecordCursor) => {
      c.data = data;
      c.valueStart = start;
      c.valueLength = Buffer.byteLength(v);
      c.keyLength = -1;
      c.headerCount = 0;
    };
  });
}

function matches(filter: (c: RecordCursor) => boolean, values: string[]): boolean[] {
  const c = new RecordCursor();
  return records(values).map((set) => {
    set(c);
    return filter(c);
  });
}

describe('--grep', () => {
  it('a literal matches inside one record only, never across records of the same buffer', () => {
    const f = recordFilter({ grep: 'abc' })!;
    // "ab|c" straddles two records; "abc" is whole in the 3rd and 5th.
    expect(matches(f, ['xxab', 'cxx', 'zabcz', 'none', 'abc', ''])).toEqual([false, false, true, false, true, false]);
  });

  it('the remembered hit is per buffer: a new buffer is searched afresh', () => {
    const f = recordFilter({ grep: 'hit' })!;
    expect(matches(f, ['a', 'b', 'hit'])).toEqual([false, false, true]);
    expect(matches(f, ['hit', 'a'])).toEqual([true, false]);
    expect(matches(f, ['a', 'hit'])).toEqual([false, true]);
  });

  it('regular expressions and UTF-8; a null value matches nothing', () => {
    const f = recordFilter({ grep: '^é\\d+$' })!;
    expect(matches(f, ['é12', 'xé12', 'é'])).toEqual([true, false, false]);
    const c = new RecordCursor();
    c.valueLength = -1;
    expect(recordFilter({ grep: 'x' })!(c)).toBe(false);
    expect(recordFilter({})).toBeNull();
  });

  it('--grep-ignore-case applies to literals too', () => {
    expect(matches(recordFilter({ grep: 'fail', grepIgnoreCase: true })!, ['FAILED', 'Fail', 'ok'])).toEqual([true, true, false]);
    expect(matches(recordFilter({ grep: 'fail' })!, ['FAILED', 'fail'])).toEqual([false, true]);
  });

  it('bad patterns and header specs are usage errors', () => {
    expect(() => recordFilter({ grep: '(' })).toThrow("Invalid value '(' for option --grep");
    expect(() => recordFilter({ grepHeader: ['novalue'] })).toThrow('use name=REGEX');
  });
});

describe('--from-time / --to-time values', () => {
  const now = Date.UTC(2024, 4, 1, 12, 0, 0);
  it.each([
    ['now', now],
    ['NOW', now],
    ['-1h', now - 3_600_000],
    ['-1h30m', now - 5_400_000],
    ['-2d', now - 2 * 86_400_000],
    ['-500ms', now - 500],
    ['1714564800000', 1714564800000],
    ['2024-05-01T10:00:00Z', Date.UTC(2024, 4, 1, 10)],
    ['2024-05-01T10:00:00.250+02:00', Date.UTC(2024, 4, 1, 8, 0, 0, 250)],
    ['2024-05-01', Date.UTC(2024, 4, 1)],
  ])('%s', (spec, want) => {
    expect(parseTimeSpec(spec, 'from-time', now)).toBe(want);
  });

  it.each(['yesterday', '-1y', '1h', 'May 1 2024', '2024-13-01T00:00:00Z', ''])('refuses %j', (spec) => {
    expect(() => parseTimeSpec(spec, 'to-time', now)).toThrow(`Invalid value '${spec}' for option --to-time`);
  });
});
