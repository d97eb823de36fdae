import { describe, expect, it } from 'vitest';
import { javaFixed, simpleDateFormat } from '../../../src/commands/shared/java-format.js';
import { Stats, Throttler, percentiles } from '../../../src/commands/producer-perf-test/stats.js';
import { parseProducerProps } from '../../../src/commands/producer-perf-test/run.js';
import { countRecords } from '../../../src/engine/client/record-reader.js';
import { rangeAssign } from '../../../src/engine/client/group-member.js';
import { headerLine, resultLine } from '../../../src/commands/consumer-perf-test/run.js';
import { encodeBatch } from '../../../src/engine/client/record-batch-writer.js';

describe('javaFixed (Java printf %.nf, HALF_UP)', () => {
  it.each([
    [1.005, 2, '1.01'],
    [0.125, 2, '0.13'],
    [2.5, 0, '3'],
    [1234.56789, 4, '1234.5679'],
    [0, 1, '0.0'],
    [9.99, 1, '10.0'],
    [-1.25, 1, '-1.3'],
    [1e-7, 4, '0.0000'],
    [NaN, 4, 'NaN'],
    [Infinity, 4, 'Infinity'],
  ])('%s with %s digits -> %s', (x, d, want) => expect(javaFixed(x, d)).toBe(want));
});

describe('simpleDateFormat', () => {
  it("formats Kafka's default pattern in local time", () => {
    const d = new Date(2024, 0, 2, 3, 4, 5, 6).getTime();
    expect(simpleDateFormat('yyyy-MM-dd HH:mm:ss:SSS')(d)).toBe('2024-01-02 03:04:05:006');
    expect(simpleDateFormat("yy/M/d 'at' h a")(d)).toBe('24/1/2 at 3 AM');
  });
  it('refuses unknown letters like Java', () => expect(() => simpleDateFormat('yyyy-qq')).toThrow("Illegal pattern character 'q'"));
});

describe('producer Stats', () => {
  it('prints the window line and the total line in Kafka format', () => {
    let t = 1000;
    const lines: string[] = [];
    const s = new Stats(4, 5000, (l) => lines.push(l), () => t);
    s.record(3, 100, 1000);
    s.record(5, 100, 2000);
    t = 6000;
    s.record(10, 100, 6000); // window closes
    expect(lines).toEqual(['3 records sent, 0.6 records/sec (0.00 MB/sec), 6.0 ms avg latency, 10.0 ms max latency.']);
    s.record(2, 100, 6000);
    t = 9000;
    expect(s.totalLine()).toBe('4 records sent, 0.500000 records/sec (0.00 MB/sec), 5.00 ms avg latency, 10.00 ms max latency, 5 ms 50th, 10 ms 95th, 10 ms 99th, 10 ms 99.9th.');
  });
  it('percentiles index (int)(p*size) of the sorted samples', () => {
    expect(percentiles(Int32Array.from([5, 1, 4, 2, 3]), 5, [0.5, 0.999])).toEqual([3, 5]);
    expect(percentiles(new Int32Array(3), 0, [0.5])).toEqual([0]);
  });
  it('samples at most ~500k latencies', () => {
    const s = new Stats(2_000_000, 5000, () => {});
    expect((s as unknown as { latencies: Int32Array }).latencies.length).toBe(500001);
  });
});

describe('Throttler (Kafka ThroughputThrottler)', () => {
  it('throttles only when ahead of the target rate; -1 never', () => {
    const t = new Throttler(100, 0);
    expect(t.shouldThrottle(50, 1000)).toBe(false);
    expect(t.shouldThrottle(150, 1000)).toBe(true);
    expect(t.shouldThrottle(5, 0)).toBe(false);
    expect(new Throttler(-1, 0).shouldThrottle(1e9, 1)).toBe(false);
  });
});

describe('--producer-props parsing', () => {
  it('splits k=v', () => expect([...parseProducerProps(['acks=1', 'linger.ms=5'])]).toEqual([['acks', '1'], ['linger.ms', '5']]));
  it.each(['acks', 'acks=', 'a=b=c'])('%s is an invalid property', (p) => expect(() => parseProducerProps([p])).toThrow(`Invalid property: ${p}`));
});

describe('countRecords', () => {
  const rec = (v: string, k: string | null = null) => ({ key: k === null ? null : Buffer.from(k), value: Buffer.from(v), headers: [], timestamp: 1 });
  async function batchAt(base: number, records: ReturnType<typeof rec>[], codec: 'none' | 'gzip' | 'lz4' = 'none') {
    const b = await encodeBatch(records, codec);
    b.writeBigInt64BE(BigInt(base), 0);
    return b;
  }
  it('counts messages and key+value bytes, skipping offsets below the position', async () => {
    const data = Buffer.concat([await batchAt(0, [rec('aa'), rec('bbb', 'k')]), await batchAt(2, [rec('cccc'), rec('d')])]);
    expect(await countRecords(data, 0)).toEqual({ messages: 4, bytes: 2 + 4 + 4 + 1, nextOffset: 4 });
    expect(await countRecords(data, 1)).toEqual({ messages: 3, bytes: 4 + 4 + 1, nextOffset: 4 });
    expect(await countRecords(data, 3)).toEqual({ messages: 1, bytes: 1, nextOffset: 4 });
  });
  it('stops at the limit and ignores a truncated last batch', async () => {
    const data = Buffer.concat([await batchAt(0, [rec('aa'), rec('bb'), rec('cc')]), (await batchAt(3, [rec('x')])).subarray(0, 40)]);
    expect(await countRecords(data, 0, 2)).toEqual({ messages: 2, bytes: 4, nextOffset: 2 });
    expect(await countRecords(data, 0)).toEqual({ messages: 3, bytes: 6, nextOffset: 3 });
  });
  it.each(['gzip', 'lz4'] as const)('counts uncompressed sizes of %s batches', async (codec) => {
    const data = await batchAt(10, [rec('hello', 'k1'), rec('world')], codec);
    expect(await countRecords(data, 11)).toEqual({ messages: 1, bytes: 5, nextOffset: 12 });
    expect(await countRecords(data, 0)).toEqual({ messages: 2, bytes: 12, nextOffset: 12 });
  });
});

describe('consumer perf lines', () => {
  it('header and result row', () => {
    expect(headerLine(false)).toBe('start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec');
    expect(headerLine(true)).toBe('time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec');
    const fmt = (ms: number) => String(ms);
    expect(resultLine(fmt, 0, 2000, 1048576, 1000, 500)).toBe('0, 2000, 1.0000, 0.5000, 1000, 500.0000, 500, 1500, 0.6667, 666.6667');
    expect(resultLine(fmt, 5, 5, 0, 0, 0)).toBe('5, 5, 0.0000, NaN, 0, NaN, 0, 0, NaN, NaN');
  });
  it('range assignor', () => {
    expect([...rangeAssign(['b', 'a'], 5)]).toEqual([['a', [0, 1, 2]], ['b', [3, 4]]]);
    expect([...rangeAssign(['a', 'b', 'c'], 1)]).toEqual([['a', [0]], ['b', []], ['c', []]]);
  });
});
