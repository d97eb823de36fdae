/**
 * kcat 1.7.1 on librdkafka 2.0.2 (Debian) against the in-process broker: metadata, keyed
 * produce/consume, every compression codec (checked in the stored segment, since librdkafka 2.0.2
 * silently sends uncompressed batches when the broker's advertised Produce range lacks v0),
 * headers and the idempotent producer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { createTopics } from '../helpers/kafkajs.js';
import { randomTopic } from '../helpers/names.js';
import { waitFor } from '../helpers/wait.js';
import { run, runOk, start } from '../helpers/proc.js';
import { COMPRESSION, readStoredBatches } from '../helpers/segments.js';
import { haveKcat } from './peers.js';

const KCAT = 'kcat';

let tb: TestBroker;

beforeAll(async () => {
  if (!haveKcat) throw new Error('kcat is not installed: run scripts/install-deps.sh');
  tb = await startTestBroker();
});

afterAll(async () => {
  await tb?.stop();
});

/** Lines "key:value" with awkward but newline-free bytes: UTF-8, tabs, spaces, colons in values. */
function keyedLines(n: number, tag: string): Array<{ key: string; value: string }> {
  const out: Array<{ key: string; value: string }> = [];
  for (let i = 0; i < n; i++) {
    out.push({ key: `k${i}-${tag}`, value: `v${i} ünïcødé ✓ tab\there a:b:c ${'x'.repeat(i % 7)}` });
  }
  return out;
}

function produceArgs(topic: string, extra: string[] = []): string[] {
  return ['-b', tb.bootstrap, '-P', '-t', topic, '-K:', '-X', 'message.timeout.ms=15000', ...extra];
}

function consumeArgs(topic: string, extra: string[] = []): string[] {
  return ['-b', tb.bootstrap, '-C', '-t', topic, '-e', '-o', 'beginning', '-X', 'fetch.wait.max.ms=100', ...extra];
}

async function produce(topic: string, lines: Array<{ key: string; value: string }>, extra: string[] = []) {
  const stdin = lines.map((l) => `${l.key}:${l.value}\n`).join('');
  const r = await runOk(KCAT, produceArgs(topic, extra), { stdin, timeoutMs: 30_000 });
  // kcat reports failed deliveries on stderr but may still exit 0.
  expect(r.stderr).not.toMatch(/fail|error/i);
  return r;
}

interface KcatJson {
  topic: string;
  partition: number;
  offset: number;
  tstype: string;
  ts: number;
  headers?: string[];
  key: string | null;
  payload: string | null;
}

async function consumeJson(topic: string, extra: string[] = []): Promise<KcatJson[]> {
  const r = await runOk(KCAT, consumeArgs(topic, ['-J', ...extra]), { timeoutMs: 30_000 });
  return r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as KcatJson);
}

describe('kcat (librdkafka 2.0.2)', () => {
  it('-L lists the broker and the topics with their partitions', async () => {
    const a = randomTopic('kcat-meta');
    const b = randomTopic('kcat-meta');
    await createTopics(tb.bootstrap, [
      { topic: a, numPartitions: 1 },
      { topic: b, numPartitions: 3 },
    ]);

    const text = await runOk(KCAT, ['-b', tb.bootstrap, '-L'], { timeoutMs: 20_000 });
    expect(text.stdout).toContain(`broker 1 at ${tb.bootstrap}`);
    expect(text.stdout).toContain(`topic "${a}" with 1 partitions:`);
    expect(text.stdout).toContain(`topic "${b}" with 3 partitions:`);

    const json = await runOk(KCAT, ['-b', tb.bootstrap, '-L', '-J'], { timeoutMs: 20_000 });
    const md = JSON.parse(json.stdout) as {
      brokers: Array<{ id: number; name: string }>;
      topics: Array<{ topic: string; partitions: Array<{ partition: number; leader: number; replicas: Array<{ id: number }>; isrs: Array<{ id: number }> }> }>;
    };
    expect(md.brokers).toEqual([{ id: 1, name: tb.bootstrap }]);
    const tb3 = md.topics.find((t) => t.topic === b);
    expect(tb3?.partitions.map((p) => p.partition).sort()).toEqual([0, 1, 2]);
    for (const p of tb3!.partitions) {
      expect(p.leader).toBe(1);
      expect(p.replicas).toEqual([{ id: 1 }]);
      expect(p.isrs).toEqual([{ id: 1 }]);
    }

    // Metadata for a single topic (-t) as well.
    const one = await runOk(KCAT, ['-b', tb.bootstrap, '-L', '-t', a], { timeoutMs: 20_000 });
    expect(one.stdout).toContain(`topic "${a}" with 1 partitions:`);
    expect(one.stdout).not.toContain(b);
  });

  it('produces keyed records from stdin and consumes them back byte for byte', async () => {
    const topic = randomTopic('kcat-keyed');
    await createTopics(tb.bootstrap, [{ topic, numPartitions: 1 }]);
    const lines = keyedLines(50, 'plain');
    await produce(topic, lines);

    const formatted = await runOk(KCAT, consumeArgs(topic, ['-f', '%k:%s\n']), { timeoutMs: 30_000 });
    const expected = Buffer.from(lines.map((l) => `${l.key}:${l.value}\n`).join(''), 'utf8');
    expect(formatted.stdoutBytes.equals(expected)).toBe(true);

    const records = await consumeJson(topic);
    expect(records.map((r) => r.offset)).toEqual(lines.map((_, i) => i));
    expect(records.map((r) => [r.key, r.payload])).toEqual(lines.map((l) => [l.key, l.value]));
    expect(new Set(records.map((r) => r.partition))).toEqual(new Set([0]));
    expect(records.every((r) => r.tstype === 'create' && r.ts > 0)).toBe(true);

    // What the broker stored: plain v2 batches covering offsets 0..49.
    const batches = await readStoredBatches(tb.dataDir, topic, 0);
    expect(batches.length).toBeGreaterThan(0);
    expect(batches.every((b) => b.magic === 2 && b.compression === COMPRESSION.none)).toBe(true);
    expect(batches.reduce((n, b) => n + b.recordCount, 0)).toBe(50);
  });

  it('consumes from a given offset and reports the end of the partition', async () => {
    const topic = randomTopic('kcat-offset');
    await createTopics(tb.bootstrap, [{ topic, numPartitions: 1 }]);
    const lines = keyedLines(10, 'off');
    await produce(topic, lines);
    const r = await runOk(KCAT, ['-b', tb.bootstrap, '-C', '-t', topic, '-p', '0', '-o', '7', '-e', '-f', '%o %k\n'], {
      timeoutMs: 30_000,
    });
    expect(r.stdout).toBe('7 k7-off\n8 k8-off\n9 k9-off\n');
    expect(r.stderr).toMatch(/Reached end of topic .* \[0\] at offset 10/);
    // Negative (relative to end) offsets go through ListOffsets(latest).
    const tail = await runOk(KCAT, ['-b', tb.bootstrap, '-C', '-t', topic, '-p', '0', '-o', '-2', '-e', '-f', '%o\n'], {
      timeoutMs: 30_000,
    });
    expect(tail.stdout).toBe('8\n9\n');
  });

  for (const codec of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
    it(`round trips with compression.codec=${codec} and stores compressed batches`, async () => {
      const topic = randomTopic(`kcat-${codec}`);
      await createTopics(tb.bootstrap, [{ topic, numPartitions: 1 }]);
      const lines = keyedLines(200, codec).map((l) => ({ ...l, value: l.value + ' ' + 'compressible '.repeat(20) }));
      await produce(topic, lines, ['-X', `compression.codec=${codec}`, '-X', 'linger.ms=50']);

      const batches = await readStoredBatches(tb.dataDir, topic, 0);
      expect(batches.length).toBeGreaterThan(0);
      // Every stored batch carries the codec: librdkafka did not fall back to no compression.
      expect(batches.map((b) => b.compression)).toEqual(batches.map(() => COMPRESSION[codec]));
      expect(batches.reduce((n, b) => n + b.recordCount, 0)).toBe(200);
      // And it really is compressed: the log is far smaller than the payload.
      const stored = batches.reduce((n, b) => n + b.batchLength + 12, 0);
      const raw = lines.reduce((n, l) => n + Buffer.byteLength(l.key) + Buffer.byteLength(l.value), 0);
      expect(stored).toBeLessThan(raw / 2);

      const formatted = await runOk(KCAT, consumeArgs(topic, ['-f', '%k:%s\n']), { timeoutMs: 30_000 });
      const expected = Buffer.from(lines.map((l) => `${l.key}:${l.value}\n`).join(''), 'utf8');
      expect(formatted.stdoutBytes.equals(expected)).toBe(true);
    });
  }

  it('round trips record headers (-H)', async () => {
    const topic = randomTopic('kcat-headers');
    await createTopics(tb.bootstrap, [{ topic, numPartitions: 1 }]);
    const lines = keyedLines(5, 'hdr');
    await produce(topic, lines, ['-H', 'trace=abc-123', '-H', 'lang=ünï', '-H', 'empty=', '-H', 'trace=second']);

    const records = await consumeJson(topic);
    expect(records).toHaveLength(5);
    for (const r of records) {
      // Order and duplicates preserved.
      expect(r.headers).toEqual(['trace', 'abc-123', 'lang', 'ünï', 'empty', '', 'trace', 'second']);
    }
    const f = await runOk(KCAT, consumeArgs(topic, ['-f', '%k|%h\n']), { timeoutMs: 30_000 });
    expect(f.stdout.split('\n')[0]).toBe('k0-hdr|trace=abc-123,lang=ünï,empty=,trace=second');
  });

  it('produces with the idempotent producer (InitProducerId, sequence numbers)', async () => {
    const topic = randomTopic('kcat-idem');
    await createTopics(tb.bootstrap, [{ topic, numPartitions: 1 }]);
    const lines = keyedLines(30, 'idem');
    await produce(topic, lines, ['-X', 'enable.idempotence=true']);

    const batches = await readStoredBatches(tb.dataDir, topic, 0);
    expect(batches.length).toBeGreaterThan(0);
    const pid = batches[0]!.producerId;
    expect(pid).toBeGreaterThanOrEqual(0n);
    expect(batches.every((b) => b.producerId === pid && b.producerEpoch >= 0)).toBe(true);
    // Sequences start at 0 and continue across batches.
    let seq = 0;
    for (const b of batches) {
      expect(b.baseSequence).toBe(seq);
      seq += b.recordCount;
    }
    expect(seq).toBe(30);

    const records = await consumeJson(topic);
    expect(records.map((r) => [r.offset, r.key, r.payload])).toEqual(lines.map((l, i) => [i, l.key, l.value]));
  });

  it('spreads keyed records over partitions and each partition reads back in order', async () => {
    const topic = randomTopic('kcat-parts');
    await createTopics(tb.bootstrap, [{ topic, numPartitions: 3 }]);
    const lines = keyedLines(60, 'p');
    await produce(topic, lines);
    const records = await consumeJson(topic);
    expect(records).toHaveLength(60);
    const byPartition = new Map<number, KcatJson[]>();
    for (const r of records) byPartition.set(r.partition, [...(byPartition.get(r.partition) ?? []), r]);
    expect(byPartition.size).toBeGreaterThan(1);
    for (const [p, rs] of byPartition) {
      expect(rs.map((r) => r.offset)).toEqual(rs.map((_, i) => i));
      // Same key always lands in the same partition; stored record counts agree.
      const stored = await readStoredBatches(tb.dataDir, topic, p);
      expect(stored.reduce((n, b) => n + b.recordCount, 0)).toBe(rs.length);
    }
    // Per-partition order of the keys follows the input order.
    const inputOrder = new Map(lines.map((l, i) => [l.key, i]));
    for (const rs of byPartition.values()) {
      const idx = rs.map((r) => inputOrder.get(r.key!)!);
      expect(idx).toEqual([...idx].sort((x, y) => x - y));
    }
  });

  it('auto-creates a topic on first produce (auto.create.topics.enable defaults to true)', async () => {
    const topic = randomTopic('kcat-auto');
    await produce(topic, [{ key: 'a', value: '1' }]);
    const md = await runOk(KCAT, ['-b', tb.bootstrap, '-L', '-t', topic], { timeoutMs: 20_000 });
    expect(md.stdout).toContain(`topic "${topic}" with 1 partitions:`);
    const f = await runOk(KCAT, consumeArgs(topic, ['-f', '%k=%s@%o\n']), { timeoutMs: 30_000 });
    expect(f.stdout).toBe('a=1@0\n');
  });

  it('keeps empty and null (-Z) values and keys apart', async () => {
    const topic = randomTopic('kcat-null');
    await createTopics(tb.bootstrap, [{ topic, numPartitions: 1 }]);
    // Without -Z an empty value is a zero-length value; with -Z it is null.
    await produce(topic, [{ key: 'empty', value: '' }]);
    await produce(topic, [{ key: 'null', value: '' }], ['-Z']);
    await produce(topic, [{ key: '', value: 'nullkey' }], ['-Z']);
    const records = await consumeJson(topic);
    expect(records.map((r) => [r.offset, r.key, r.payload])).toEqual([
      [0, 'empty', ''],
      [1, 'null', null],
      [2, null, 'nullkey'],
    ]);
  });

  it('round trips a ~900 KB record (larger than the default fetch partition size of 1 MB minus overhead)', async () => {
    const topic = randomTopic('kcat-big');
    await createTopics(tb.bootstrap, [{ topic, numPartitions: 1 }]);
    const big = 'B'.repeat(900_000);
    await produce(topic, [
      { key: 'small', value: 's' },
      { key: 'big', value: big },
      { key: 'after', value: 'a' },
    ]);
    const f = await runOk(KCAT, consumeArgs(topic, ['-f', '%k %S\n']), { timeoutMs: 30_000 });
    expect(f.stdout).toBe('small 1\nbig 900000\nafter 1\n');
    const raw = await runOk(KCAT, consumeArgs(topic, ['-o', '1', '-c', '1', '-f', '%s']), { timeoutMs: 30_000 });
    expect(raw.stdout === big).toBe(true);
  });

  it('starts at a timestamp (-o s@ms) through ListOffsets by time', async () => {
    const topic = randomTopic('kcat-ts');
    await createTopics(tb.bootstrap, [{ topic, numPartitions: 1 }]);
    // Explicit create timestamps per record with -K and -T? kcat has no per-line timestamp flag,
    // so produce in two runs and split at a time between them.
    await produce(topic, [{ key: 'early', value: '1' }]);
    const first = await consumeJson(topic);
    const splitAt = first[0]!.ts + 1;
    await waitFor(() => Date.now() > splitAt + 5, { timeoutMs: 2_000, intervalMs: 5 });
    await produce(topic, [{ key: 'late', value: '2' }]);
    const r = await runOk(KCAT, ['-b', tb.bootstrap, '-C', '-t', topic, '-p', '0', '-o', `s@${splitAt}`, '-e', '-f', '%k@%o\n'], {
      timeoutMs: 30_000,
    });
    expect(r.stdout).toBe('late@1\n');
  });

  it('reads from an offset inside a compressed batch (whole batch returned, client skips)', async () => {
    const topic = randomTopic('kcat-midbatch');
    await createTopics(tb.bootstrap, [{ topic, numPartitions: 1 }]);
    const lines = keyedLines(50, 'mid');
    await produce(topic, lines, ['-X', 'compression.codec=zstd', '-X', 'linger.ms=100']);
    const batches = await readStoredBatches(tb.dataDir, topic, 0);
    // The records went out in few batches, so offset 23 is inside one.
    const holder = batches.find((b) => b.baseOffset <= 23n && b.baseOffset + BigInt(b.lastOffsetDelta) >= 23n)!;
    expect(holder.baseOffset < 23n).toBe(true);
    const r = await runOk(KCAT, ['-b', tb.bootstrap, '-C', '-t', topic, '-p', '0', '-o', '23', '-c', '3', '-f', '%o %k\n'], { timeoutMs: 30_000 });
    expect(r.stdout).toBe('23 k23-mid\n24 k24-mid\n25 k25-mid\n');
  });

  it('a waiting consumer receives a record produced later (Fetch long-poll wakes up)', async () => {
    const topic = randomTopic('kcat-longpoll');
    await createTopics(tb.bootstrap, [{ topic, numPartitions: 1 }]);
    // The consumer's fetch.wait.max.ms is long, so only a wake-up on append delivers quickly.
    const consumer = start(
      KCAT,
      ['-b', tb.bootstrap, '-C', '-t', topic, '-p', '0', '-o', 'beginning', '-c', '1', '-X', 'fetch.wait.max.ms=20000', '-f', '%k:%s\n', '-d', 'fetch'],
      { timeoutMs: 30_000 },
    );
    // Wait until kcat has sent a fetch for offset 0 (now parked on the broker), then produce.
    await waitFor(() => /Fetch topic .* \[0\] at offset 0/.test(consumer.stderr), { timeoutMs: 15_000, message: 'kcat fetching at offset 0' });
    await produce(topic, [{ key: 'late', value: 'arrival' }]);
    const producedAt = Date.now();
    const r = await consumer.done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('late:arrival\n');
    // Delivered well before fetch.wait.max.ms (20 s) would have expired.
    expect(Date.now() - producedAt).toBeLessThan(5_000);
  });

  it('kcat -G consumes as a single member of a balanced group and commits', async () => {
    const topic = randomTopic('kcat-group');
    const group = `kcat-g-${topic}`;
    await createTopics(tb.bootstrap, [{ topic, numPartitions: 2 }]);
    const lines = keyedLines(20, 'grp');
    await produce(topic, lines);
    const r = await runOk(
      KCAT,
      ['-b', tb.bootstrap, '-G', group, '-o', 'beginning', '-c', '20', '-X', 'auto.offset.reset=earliest', '-X', 'enable.auto.commit=true', '-X', 'auto.commit.interval.ms=100', '-f', '%p %o %k\n', topic],
      { timeoutMs: 40_000 },
    );
    const rows = r.stdout.trim().split('\n');
    expect(rows).toHaveLength(20);
    expect(new Set(rows.map((l) => l.split(' ')[2]))).toEqual(new Set(lines.map((l) => l.key)));
    for (const p of ['0', '1']) {
      const offs = rows.filter((l) => l.startsWith(p + ' ')).map((l) => Number(l.split(' ')[1]));
      expect(offs).toEqual(offs.map((_, i) => i));
    }
  });

  it('fails cleanly for a topic that does not exist when auto-creation is off for consumers', async () => {
    const topic = randomTopic('kcat-missing');
    const r = await run(KCAT, ['-b', tb.bootstrap, '-L', '-t', topic, '-J', '-X', 'allow.auto.create.topics=false'], { timeoutMs: 20_000 });
    // Metadata v4 with allow_auto_topic_creation=false: the broker answers UNKNOWN_TOPIC_OR_PART.
    expect(r.code).toBe(0);
    const md = JSON.parse(r.stdout) as { topics: Array<{ topic: string; error?: string }> };
    const t = md.topics.find((x) => x.topic === topic);
    expect(t?.error).toMatch(/Unknown topic|UNKNOWN_TOPIC/i);
  });
});

describe('kcat against a broker capped to old versions (versionCaps)', () => {
  let old: TestBroker;
  beforeAll(async () => {
    // Produce 3 / Fetch 4 / ListOffsets 1 / Metadata 1: the oldest RecordBatch-era versions.
    old = await startTestBroker({ versionCaps: { 0: 3, 1: 4, 2: 1, 3: 1 } });
  });
  afterAll(async () => {
    await old?.stop();
  });

  it('still round trips keyed records and headers', async () => {
    const topic = randomTopic('kcat-old');
    await createTopics(old.bootstrap, [{ topic, numPartitions: 1 }]);
    const lines = keyedLines(10, 'old');
    const stdin = lines.map((l) => `${l.key}:${l.value}\n`).join('');
    const p = await runOk(KCAT, ['-b', old.bootstrap, '-P', '-t', topic, '-K:', '-H', 'v=old', '-d', 'protocol'], { stdin, timeoutMs: 30_000 });
    // librdkafka really used the capped versions.
    expect(p.stderr).toMatch(/Sent ProduceRequest \(v3,/);
    const c = await runOk(KCAT, ['-b', old.bootstrap, '-C', '-t', topic, '-e', '-o', 'beginning', '-J', '-d', 'protocol'], { timeoutMs: 30_000 });
    expect(c.stderr).toMatch(/Sent FetchRequest \(v4,/);
    const got = c.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as KcatJson);
    expect(got.map((r) => [r.offset, r.key, r.payload, r.headers])).toEqual(lines.map((l, i) => [i, l.key, l.value, ['v', 'old']]));
  });
});

describe('kcat across a broker restart', () => {
  it('keeps produced records and the idempotent producer keeps working after restart', async () => {
    const rb = await startTestBroker();
    try {
      const topic = randomTopic('kcat-restart');
      await createTopics(rb.bootstrap, [{ topic, numPartitions: 1 }]);
      const before = keyedLines(10, 'before');
      const stdin = (ls: typeof before) => ls.map((l) => `${l.key}:${l.value}\n`).join('');
      await runOk(KCAT, ['-b', rb.bootstrap, '-P', '-t', topic, '-K:', '-X', 'enable.idempotence=true'], { stdin: stdin(before), timeoutMs: 30_000 });
      await rb.restart();
      const after = keyedLines(10, 'after');
      await runOk(KCAT, ['-b', rb.bootstrap, '-P', '-t', topic, '-K:', '-X', 'enable.idempotence=true'], { stdin: stdin(after), timeoutMs: 30_000 });
      const r = await runOk(KCAT, ['-b', rb.bootstrap, '-C', '-t', topic, '-e', '-o', 'beginning', '-f', '%o %k:%s\n'], { timeoutMs: 30_000 });
      expect(r.stdout).toBe([...before, ...after].map((l, i) => `${i} ${l.key}:${l.value}\n`).join(''));
      const batches = await readStoredBatches(rb.dataDir, topic, 0);
      const pids = [...new Set(batches.map((b) => b.producerId))];
      // Two producer sessions, two distinct producer ids, both >= 0.
      expect(pids).toHaveLength(2);
      expect(pids.every((p) => p >= 0n)).toBe(true);
    } finally {
      await rb.stop();
    }
  });
});
