/**
 * Output helpers: Kafka's printf tables, colour decisions, JSON, EPIPE.
 */
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../../src/cli/io.js';
import { colorLevel, createOutput, kafkaTable } from '../../../src/cli/output.js';
import { preprocessTopicRegex, selectTopics } from '../../../src/commands/shared/topic-filter.js';
import { parseAddConfig } from '../../../src/commands/configs/run.js';
import { parseReplicaAssignment, parseTopicConfigs } from '../../../src/commands/topics/run.js';
import { parseTopicPartitions, parseTime } from '../../../src/commands/get-offsets/run.js';

describe('kafkaTable', () => {
  it("reproduces consumer-groups' offsets table (§5.4)", () => {
    const t = kafkaTable(
      [
        { header: 'GROUP', minWidth: 15 },
        { header: 'TOPIC', minWidth: 15 },
        { header: 'PARTITION', width: 10 },
        { header: 'CURRENT-OFFSET', width: 15 },
        { header: 'LOG-END-OFFSET', width: 15 },
        { header: 'LAG', width: 15 },
        { header: 'CONSUMER-ID', minWidth: 15 },
        { header: 'HOST', minWidth: 15 },
        'CLIENT-ID',
      ],
      [['my-group', 'test', 0, 5, 7, 2, 'console-consumer-2f0c1d5e-6a8b-4c1e-9d8e-0f1a2b3c4d5e', '/127.0.0.1', 'console-consumer']],
    );
    // Java: String.format("%-15s %-15s %-10s %-15s %-15s %-15s %-53s %-15s %s", ...)
    const f = (c: (string | number)[]) =>
      [[c[0], 15], [c[1], 15], [c[2], 10], [c[3], 15], [c[4], 15], [c[5], 15], [c[6], 53], [c[7], 15]].map(([v, w]) => String(v).padEnd(w as number)).join(' ') + ' ' + c[8];
    expect(t).toBe(
      f(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID']) + '\n' +
        f(['my-group', 'test', 0, 5, 7, 2, 'console-consumer-2f0c1d5e-6a8b-4c1e-9d8e-0f1a2b3c4d5e', '/127.0.0.1', 'console-consumer']),
    );
    expect(t.split('\n')[1]).toBe('my-group        test            0          5               7               2               console-consumer-2f0c1d5e-6a8b-4c1e-9d8e-0f1a2b3c4d5e /127.0.0.1      console-consumer');
  });
  it('never truncates, pads the last column only when asked', () => {
    expect(kafkaTable([{ header: 'A', width: 2 }, 'B'], [['abcd', 'x']])).toBe('A  B\nabcd x');
    expect(kafkaTable([{ header: 'A', minWidth: 3 }, { header: 'B', width: 4 }], [['a', 'b']], { padLast: true, trailing: ' ' })).toBe('A   B    \na   b    ');
  });
});

describe('colorLevel', () => {
  const tty = { isTTY: true } as never;
  const pipe = {} as never;
  it('follows --no-color, NO_COLOR, FORCE_COLOR, TERM=dumb and the TTY', () => {
    expect(colorLevel(tty, {})).toBeGreaterThan(0);
    expect(colorLevel(pipe, {})).toBe(0);
    expect(colorLevel(tty, { NO_COLOR: '1' })).toBe(0);
    expect(colorLevel(tty, { NO_COLOR: '' })).toBeGreaterThan(0);
    expect(colorLevel(tty, {}, false)).toBe(0);
    expect(colorLevel(pipe, { FORCE_COLOR: '1' })).toBe(1);
    expect(colorLevel(tty, { FORCE_COLOR: '0' })).toBe(0);
    expect(colorLevel(tty, { TERM: 'dumb' })).toBe(0);
  });
});

describe('Output', () => {
  it('writes JSON documents and lines; no colour when piped', () => {
    const cap = captureIo({ env: {} });
    const out = createOutput(cap.io, { format: 'json' });
    out.document({ a: 1n, b: [1] });
    void out.jsonLine({ c: 'x' });
    expect(cap.stdout()).toBe('{"a":1,"b":[1]}\n{"c":"x"}\n');
    expect(out.colors.out.red('x')).toBe('x');
  });
  it('stops quietly once stdout is closed (EPIPE)', () => {
    const cap = captureIo({ env: {} });
    const out = createOutput(cap.io);
    cap.io.stdout.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    expect(out.closed).toBe(true);
    expect(() => out.line('x')).toThrow('stdout was closed');
  });
  it('record sink: one write per flush, nothing on an empty flush; after EPIPE the listeners hear it once and flush drops the rest', async () => {
    const cap = captureIo({ env: {} });
    const out = createOutput(cap.io);
    const sink = out.recordSink();
    sink.buffer.text('a\n');
    sink.buffer.buffer(Buffer.from('b\n'));
    await sink.flush();
    await sink.flush();
    expect(cap.stdout()).toBe('a\nb\n');
    let heard = 0;
    out.onClosed(() => heard++);
    cap.io.stdout.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    cap.io.stdout.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    expect(heard).toBe(1);
    expect(sink.closed).toBe(true);
    sink.buffer.text('c\n');
    await sink.flush();
    expect(cap.stdout()).toBe('a\nb\n');
    expect(sink.buffer.length).toBe(0);
    // A listener added after the close hears it at once.
    out.onClosed(() => heard++);
    expect(heard).toBe(2);
  });
  it('shows no spinner when stderr is not a terminal', async () => {
    const cap = captureIo({ env: {} });
    const out = createOutput(cap.io, { spinnerDelayMs: 0 });
    expect(await out.spin('x', new Promise((r) => setTimeout(() => r(5), 30)))).toBe(5);
    expect(cap.stderr()).toBe('');
  });
});

describe('argument parsers', () => {
  it("topic regex preprocessing and full matching (TopicFilter.IncludeList)", () => {
    expect(preprocessTopicRegex(' "a, b" ')).toBe('a|b');
    expect(selectTopics(['__consumer_offsets', 'test', 'test2'], 'test', false)).toEqual(['test']);
    expect(selectTopics(['__consumer_offsets', 'test', 'test2'], 'test.*', false)).toEqual(['test', 'test2']);
    expect(selectTopics(['__consumer_offsets', 'test'], '.*', true)).toEqual(['test']);
    expect(() => selectTopics(['a'], 'a(', false)).toThrow('a( is an invalid regex.');
  });
  it('--add-config with brackets', () => {
    expect([...parseAddConfig('k1=v1,k2=[a,b],k3 = v3,k4=')]).toEqual([['k1', 'v1'], ['k2', 'a,b'], ['k3', 'v3'], ['k4', '']]);
    expect(() => parseAddConfig('k1')).toThrow('requirement failed: Invalid entity config: all configs to be added must be in the format "key=val".');
    expect(() => parseAddConfig('k$=1')).toThrow('Invalid character found for config key: k$');
  });
  it('--replica-assignment and --config', () => {
    expect(parseReplicaAssignment('1:2, 3:4')).toEqual([[1, 2], [3, 4]]);
    expect(() => parseReplicaAssignment('1:1')).toThrow('Partition replica lists may not contain duplicate entries: 1');
    expect(() => parseReplicaAssignment('1,2:3')).toThrow('Partition 1 has different replication factor: [2, 3]');
    expect([...parseTopicConfigs(['retention.ms = 5'])]).toEqual([['retention.ms', '5']]);
    expect(() => parseTopicConfigs(['a=b=c'])).toThrow(/format "key=val"/);
    expect(() => parseTopicConfigs(['foo=1'])).toThrow('Unknown topic config name: foo');
  });
  it('--time and --topic-partitions', () => {
    expect(['latest', 'earliest', 'max-timestamp', '-1', '123'].map(parseTime)).toEqual([-1, -2, -3, -1, 123]);
    expect(() => parseTime('yesterday')).toThrow(/^Error occurred: Malformed time argument yesterday\. Please use -1 or latest/);
    const [r] = parseTopicPartitions('t.*:1-3', false);
    expect([r!.topic('t1'), r!.topic('x'), r!.partition(0), r!.partition(1), r!.partition(3)]).toEqual([true, false, false, true, false]);
    expect(() => parseTopicPartitions('a:b:c', false)).toThrow('Error occurred: Invalid rule specification: a:b:c');
  });
});
