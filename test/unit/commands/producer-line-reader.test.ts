import { describe, expect, it } from 'vitest';
import { LineReader, lineReaderConfig, javaSplit } from '../../../src/commands/console-producer/line-reader.js';
import { parseJsonRecord } from '../../../src/commands/shared/json-record.js';

const reader = (props: Record<string, string> = {}) => new LineReader(lineReaderConfig(new Map(Object.entries(props))));
const str = (b: Buffer | null) => (b === null ? null : b.toString('utf8'));
const view = (r: ReturnType<LineReader['parse']>) => ({ key: str(r.key), value: str(r.value), headers: r.headers.map((h) => [h.key, str(h.value)]) });

describe('LineMessageReader', () => {
  it('defaults: the whole line is the value', () => {
    expect(view(reader().parse('a\tb'))).toEqual({ key: null, value: 'a\tb', headers: [] });
  });
  it('parse.key splits at the first key separator; the value may contain more', () => {
    expect(view(reader({ 'parse.key': 'true' }).parse('k\tv\tw'))).toEqual({ key: 'k', value: 'v\tw', headers: [] });
    expect(view(reader({ 'parse.key': ' TRUE ', 'key.separator': '::' }).parse('k::v'))).toEqual({ key: 'k', value: 'v', headers: [] });
  });
  it('booleans are true only for "true"', () => {
    expect(view(reader({ 'parse.key': 'yes' }).parse('k\tv')).key).toBe(null);
  });
  it("missing key separator: Kafka's message with the line number", () => {
    const r = reader({ 'parse.key': 'true' });
    r.parse('a\tb');
    expect(() => r.parse('no separator')).toThrow("No key separator found on line number 2: 'no separator'");
  });
  it('ignore.error: missing key separator gives a null key and the whole line as value', () => {
    expect(view(reader({ 'parse.key': 'true', 'ignore.error': 'true' }).parse('abc'))).toEqual({ key: null, value: 'abc', headers: [] });
  });
  it('headers, key and value', () => {
    const r = reader({ 'parse.headers': 'true', 'parse.key': 'true' });
    expect(view(r.parse('h1:v1,h2:v2\tkey\tvalue'))).toEqual({ key: 'key', value: 'value', headers: [['h1', 'v1'], ['h2', 'v2']] });
  });
  it('header order and repeated keys are kept; values may contain the key separator', () => {
    expect(view(reader({ 'parse.headers': 'true' }).parse('a:1,a:2:3,b:\tv')).headers).toEqual([['a', '1'], ['a', '2:3'], ['b', '']]);
  });
  it('headers.separator is a regular expression', () => {
    expect(view(reader({ 'parse.headers': 'true', 'headers.separator': '[;|]' }).parse('a:1;b:2|c:3\tv')).headers).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
    ]);
  });
  it('missing headers delimiter and header key separator errors', () => {
    expect(() => reader({ 'parse.headers': 'true' }).parse('nothing')).toThrow("No headers delimiter found on line number 1: 'nothing'");
    expect(() => reader({ 'parse.headers': 'true' }).parse('a:1,bad\tv')).toThrow("No header key separator found in pair 'bad' on line number 1");
    expect(view(reader({ 'parse.headers': 'true', 'ignore.error': 'true' }).parse('a:1,bad\tv')).headers).toEqual([['a', '1'], ['bad', null]]);
  });
  it('null.marker: key, value and header values; whole header section', () => {
    const r = reader({ 'parse.headers': 'true', 'parse.key': 'true', 'null.marker': 'NULL' });
    expect(view(r.parse('h:NULL\tNULL\tNULL'))).toEqual({ key: null, value: null, headers: [['h', null]] });
    expect(view(r.parse('NULL\tk\tv'))).toEqual({ key: 'k', value: 'v', headers: [] });
    expect(() => r.parse('NULL:x\tk\tv')).toThrow("Header keys should not be equal to the null marker 'NULL' as they can't be null");
  });
  it('configuration checks', () => {
    expect(() => reader({ 'headers.delimiter': ',' })).toThrow('headers.delimiter and headers.separator may not be equal');
    expect(() => reader({ 'headers.delimiter': ':' })).toThrow('headers.delimiter and headers.key.separator may not be equal');
    expect(() => reader({ 'headers.separator': ':' })).toThrow('headers.separator and headers.key.separator may not be equal');
    expect(() => reader({ 'null.marker': '\t' })).toThrow('null.marker and key.separator may not be equal');
    expect(() => reader({ 'null.marker': ',', 'key.separator': '|' })).toThrow('null.marker and headers.separator may not be equal');
  });
  it('Java String.split semantics', () => {
    expect(javaSplit('a,b,,', /,/)).toEqual(['a', 'b']);
    expect(javaSplit('', /,/)).toEqual(['']);
    expect(javaSplit(',a', /,/)).toEqual(['', 'a']);
  });
  it('UTF-8 keys and values', () => {
    const r = reader({ 'parse.key': 'true' }).parse('ключ\tзначение ✓');
    expect(r.key!.equals(Buffer.from('ключ'))).toBe(true);
    expect(r.value!.equals(Buffer.from('значение ✓'))).toBe(true);
  });
});

describe('JSON Lines input', () => {
  it('reads the consumer format, base64 markers included', () => {
    const r = parseJsonRecord(
      JSON.stringify({ topic: 't', partition: 2, offset: 7, timestamp: 5, key: '/w==', keyEncoding: 'base64', value: 'v', headers: [{ key: 'h', value: null }, { key: 'b', value: 'AAE=', valueEncoding: 'base64' }] }),
      1,
    );
    expect(r.key!.equals(Buffer.from([0xff]))).toBe(true);
    expect(str(r.value)).toBe('v');
    expect(r.partition).toBe(2);
    expect(r.timestamp).toBe('5');
    expect(r.headers.map((h) => [h.key, h.value === null ? null : [...h.value]])).toEqual([['h', null], ['b', [0, 1]]]);
  });
  it('accepts headers as an object and missing fields', () => {
    const r = parseJsonRecord('{"value":"x","headers":{"a":"1"}}', 1);
    expect(r.key).toBe(null);
    expect(r.partition).toBeUndefined();
    expect(r.headers.map((h) => [h.key, str(h.value)])).toEqual([['a', '1']]);
  });
  it('reports bad lines with their number', () => {
    expect(() => parseJsonRecord('{oops', 3)).toThrow(/Invalid JSON on line number 3/);
    expect(() => parseJsonRecord('[1]', 4)).toThrow('Expected a JSON object on line number 4');
    expect(() => parseJsonRecord('{"value":1}', 5)).toThrow('value must be a string or null on line number 5');
    expect(() => parseJsonRecord('{"value":"x","valueEncoding":"hex"}', 6)).toThrow("Unknown valueEncoding 'hex' on line number 6: expected 'base64'");
    expect(() => parseJsonRecord('{"value":"x","partition":-1}', 7)).toThrow('"partition" must be a non-negative integer on line number 7');
  });
});
