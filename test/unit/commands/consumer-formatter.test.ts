import { describe, expect, it } from 'vitest';
import { formatRecord, formatterConfig, type ConsumedRecord } from '../../../src/commands/console-consumer/formatter.js';
import { jsonLine, parseJsonRecord } from '../../../src/commands/shared/json-record.js';

const rec = (over: Partial<ConsumedRecord> = {}): ConsumedRecord => ({
  topic: 't',
  partition: 1,
  offset: '5',
  timestamp: '1700000000000',
  timestampType: 'CreateTime',
  key: Buffer.from('key'),
  value: Buffer.from('value'),
  headers: [],
  ...over,
});
const fmt = (props: Record<string, string>, r = rec()) => formatRecord(r, formatterConfig(new Map(Object.entries(props)))).toString('utf8');

describe('DefaultMessageFormatter', () => {
  it.each([
    [{}, 'value\n'],
    [{ 'print.key': 'true' }, 'key\tvalue\n'],
    [{ 'print.timestamp': 'true', 'print.key': 'true' }, 'CreateTime:1700000000000\tkey\tvalue\n'],
    [{ 'print.partition': 'true', 'print.offset': 'true', 'print.key': 'true' }, 'Partition:1\tOffset:5\tkey\tvalue\n'],
    [{ 'print.value': 'false', 'print.key': 'true' }, 'key\n'],
    [{ 'print.value': 'false' }, ''],
    [{ 'print.headers': 'true' }, 'NO_HEADERS\tvalue\n'],
    [{ 'print.offset': 'true', 'print.value': 'false' }, 'Offset:5\n'],
    [{ 'print.key': 'true', 'key.separator': ' | ', 'line.separator': '\r\n' }, 'key | value\r\n'],
    [{ 'print.key': 'TRUE ' }, 'key\tvalue\n'],
    [{ 'print.key': 'yes' }, 'value\n'],
    [
      { 'print.timestamp': 'true', 'print.partition': 'true', 'print.offset': 'true', 'print.headers': 'true', 'print.key': 'true' },
      'CreateTime:1700000000000\tPartition:1\tOffset:5\tNO_HEADERS\tkey\tvalue\n',
    ],
  ])('%j', (props, expected) => {
    expect(fmt(props)).toBe(expected);
  });

  it('headers with separator and null values; null key and value use null.literal', () => {
    const r = rec({ key: null, value: null, headers: [{ key: 'h1', value: Buffer.from('v1') }, { key: 'h2', value: null }] });
    expect(fmt({ 'print.headers': 'true', 'print.key': 'true' }, r)).toBe('h1:v1,h2:null\tnull\tnull\n');
    expect(fmt({ 'print.headers': 'true', 'headers.separator': ';', 'null.literal': '<nil>' }, r)).toBe('h1:v1;h2:<nil>\t<nil>\n');
  });

  it('LogAppendTime and no timestamp', () => {
    expect(fmt({ 'print.timestamp': 'true' }, rec({ timestampType: 'LogAppendTime' }))).toBe('LogAppendTime:1700000000000\tvalue\n');
    expect(fmt({ 'print.timestamp': 'true' }, rec({ timestampType: 'NoTimestampType', timestamp: '-1' }))).toBe('NO_TIMESTAMP\tvalue\n');
  });

  it('writes value bytes as they are (no re-encoding)', () => {
    const bytes = Buffer.from([0xff, 0x00, 0xfe]);
    expect(formatRecord(rec({ value: bytes }), formatterConfig(new Map())).equals(Buffer.concat([bytes, Buffer.from('\n')]))).toBe(true);
  });

  it('deserializers', () => {
    const long = Buffer.alloc(8);
    long.writeBigInt64BE(-42n);
    const int = Buffer.alloc(4);
    int.writeInt32BE(7);
    expect(fmt({ 'print.key': 'true', 'key.deserializer': 'org.apache.kafka.common.serialization.IntegerDeserializer', 'value.deserializer': 'org.apache.kafka.common.serialization.LongDeserializer' }, rec({ key: int, value: long }))).toBe('7\t-42\n');
    expect(() => fmt({ 'value.deserializer': 'com.example.Custom' })).toThrow(/Unsupported deserializer 'com.example.Custom'/);
    expect(() => fmt({ 'value.deserializer': 'org.apache.kafka.common.serialization.LongDeserializer' })).toThrow('Size of data received by LongDeserializer is not 8');
  });
});

describe('JSON Lines output', () => {
  it('plain UTF-8 record', () => {
    const line = jsonLine({ topic: 't', partition: 0, offset: '3', timestamp: '1700000000000', key: Buffer.from('k'), value: Buffer.from('v'), headers: [{ key: 'h', value: Buffer.from('x') }] });
    expect(line).toBe('{"topic":"t","partition":0,"offset":3,"timestamp":1700000000000,"key":"k","value":"v","headers":[{"key":"h","value":"x"}]}\n');
  });
  it('marks non-UTF-8 bytes as base64 and round trips through the producer parser', () => {
    const key = Buffer.from([0xff, 0xfe]);
    const value = Buffer.from([0xc3, 0x28]);
    const hv = Buffer.from([0x80]);
    const line = jsonLine({ topic: 't', partition: 2, offset: 0n, timestamp: 1, key, value, headers: [{ key: 'bin', value: hv }, { key: 'n', value: null }] });
    expect(JSON.parse(line)).toEqual({
      topic: 't', partition: 2, offset: 0, timestamp: 1,
      key: '//4=', keyEncoding: 'base64', value: 'wyg=', valueEncoding: 'base64',
      headers: [{ key: 'bin', value: 'gA==', valueEncoding: 'base64' }, { key: 'n', value: null }],
    });
    const back = parseJsonRecord(line.trimEnd(), 1);
    expect(back.key!.equals(key) && back.value!.equals(value) && back.headers[0]!.value!.equals(hv)).toBe(true);
    expect(back.headers[1]!.value).toBe(null);
    expect(back.partition).toBe(2);
  });
  it('null key and value', () => {
    expect(JSON.parse(jsonLine({ topic: 't', partition: 0, offset: 1, timestamp: 1, key: null, value: null, headers: [] }))).toMatchObject({ key: null, value: null });
  });
});
