/**
 * kafka-python 2.0.2 (Debian python3-kafka, run with /usr/bin/python3) against the in-process
 * broker. It does not negotiate: ApiVersions v0 plus a pipelined Metadata v0 probe, then fixed
 * versions (Produce 7, Fetch 4, ListOffsets 1, Metadata 1; admin up to CreateTopics 3).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { createTopics, topicPartitions } from '../helpers/kafkajs.js';
import { randomGroup, randomTopic } from '../helpers/names.js';
import { waitFor } from '../helpers/wait.js';
import { runOk } from '../helpers/proc.js';
import { COMPRESSION, readStoredBatches } from '../helpers/segments.js';
import { decodeRecords, describeFailure, encodeRecords, haveKafkaPython, haveKcat, jsonLines, runFixture, type InRecord } from './peers.js';

let tb: TestBroker;

beforeAll(async () => {
  if (!haveKafkaPython) throw new Error('kafka-python is not installed for /usr/bin/python3: run scripts/install-deps.sh');
  tb = await startTestBroker();
});

afterAll(async () => {
  await tb?.stop();
});

function sampleRecords(n: number, partitions = 1): InRecord[] {
  const out: InRecord[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      key: Buffer.from(`key-${i}`),
      // Binary values, including bytes that are not valid UTF-8 and NULs.
      value: Buffer.concat([Buffer.from(`value-${i}-`), Buffer.from([0, 255, 254, i & 255]), Buffer.from('✓')]),
      headers: [
        ['h1', Buffer.from(`one-${i}`)],
        ['bin', Buffer.from([0, 1, 2, 250])],
      ],
      partition: i % partitions,
    });
  }
  return out;
}

async function produce(topic: string, records: InRecord[], extra: string[] = []) {
  const r = await runFixture('kp_produce.py', [tb.bootstrap, topic, ...extra], { stdin: encodeRecords(records) });
  expect(r.code, describeFailure(r)).toBe(0);
  return jsonLines<{ topic: string; partition: number; offset: number }>(r.stdout);
}

async function consume(topic: string, expected: number) {
  const r = await runFixture('kp_consume.py', [tb.bootstrap, topic, String(expected), '8000']);
  expect(r.code, describeFailure(r)).toBe(0);
  return decodeRecords(r.stdout);
}

describe('kafka-python 2.0.2', () => {
  it('KafkaProducer sends keyed records with headers; KafkaConsumer reads them back identically', async () => {
    const topic = randomTopic('kp-roundtrip');
    await createTopics(tb.bootstrap, [{ topic, numPartitions: 1 }]);
    const records = sampleRecords(20);

    const acks = await produce(topic, records);
    expect(acks).toEqual(records.map((_, i) => ({ topic, partition: 0, offset: i })));

    const got = await consume(topic, records.length);
    expect(got).toHaveLength(20);
    got.forEach((r, i) => {
      expect(r.topic).toBe(topic);
      expect(r.partition).toBe(0);
      expect(r.offset).toBe(i);
      expect(r.key).toEqual(records[i]!.key);
      expect(r.value).toEqual(records[i]!.value);
      expect(r.headers).toEqual(records[i]!.headers);
      expect(r.timestamp).toBeGreaterThan(0);
    });

    const batches = await readStoredBatches(tb.dataDir, topic, 0);
    expect(batches.every((b) => b.magic === 2)).toBe(true);
    expect(batches.reduce((n, b) => n + b.recordCount, 0)).toBe(20);
  });

  it('round trips across several partitions and null keys/values', async () => {
    const topic = randomTopic('kp-parts');
    await createTopics(tb.bootstrap, [{ topic, numPartitions: 3 }]);
    const records: InRecord[] = sampleRecords(12, 3);
    records.push({ key: null, value: Buffer.from('no key'), partition: 1 });
    records.push({ key: Buffer.from('tombstone'), value: null, partition: 2 });

    const acks = await produce(topic, records);
    const perPartition = [0, 1, 2].map((p) => acks.filter((a) => a.partition === p).map((a) => a.offset));
    expect(perPartition).toEqual([
      [0, 1, 2, 3],
      [0, 1, 2, 3, 4],
      [0, 1, 2, 3, 4],
    ]);

    const got = await consume(topic, records.length);
    expect(got).toHaveLength(records.length);
    for (const p of [0, 1, 2]) {
      const sent = records.filter((r) => r.partition === p);
      const recv = got.filter((r) => r.partition === p);
      expect(recv.map((r) => r.offset)).toEqual(sent.map((_, i) => i));
      expect(recv.map((r) => [r.key, r.value])).toEqual(sent.map((r) => [r.key ?? null, r.value ?? null]));
    }
  });

  for (const codec of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
    // snappy, lz4 and zstd need python3-snappy, python3-lz4, python3-zstandard (install-deps.sh).
    it(`produces ${codec}-compressed batches that read back identically`, async () => {
      const topic = randomTopic(`kp-${codec}`);
      await createTopics(tb.bootstrap, [{ topic, numPartitions: 1 }]);
      const records = sampleRecords(30).map((r) => ({ ...r, value: Buffer.concat([r.value!, Buffer.from('z'.repeat(200))]) }));
      await produce(topic, records, ['all', codec]);
      const batches = await readStoredBatches(tb.dataDir, topic, 0);
      expect(batches.length).toBeGreaterThan(0);
      expect(batches.map((b) => b.compression)).toEqual(batches.map(() => COMPRESSION[codec]));
      expect(batches.reduce((n, b) => n + b.recordCount, 0)).toBe(30);
      const got = await consume(topic, records.length);
      expect(got.map((r) => r.value)).toEqual(records.map((r) => r.value));
      expect(got.map((r) => r.headers)).toEqual(records.map((r) => r.headers));
    });
  }

  for (const acks of ['0', '1'] as const) {
    it(`acks=${acks} produce is stored and readable`, async () => {
      const topic = randomTopic(`kp-acks${acks}`);
      await createTopics(tb.bootstrap, [{ topic, numPartitions: 1 }]);
      const records = sampleRecords(10);
      const acked = await produce(topic, records, [acks]);
      // With acks=0 the broker sends no response and kafka-python reports offset -1.
      expect(acked.map((a) => a.offset)).toEqual(records.map((_, i) => (acks === '0' ? -1 : i)));
      await waitFor(async () => (await readStoredBatches(tb.dataDir, topic, 0)).reduce((n, b) => n + b.recordCount, 0) === 10, {
        timeoutMs: 10_000,
        message: 'all 10 records stored',
      });
      const got = await consume(topic, 10);
      expect(got.map((r) => [r.offset, r.key, r.value])).toEqual(records.map((r, i) => [i, r.key, r.value]));
    });
  }

  it('beginning/end offsets and offsets_for_times (ListOffsets v1)', async () => {
    const topic = randomTopic('kp-offsets');
    await createTopics(tb.bootstrap, [{ topic, numPartitions: 2 }]);
    const records = sampleRecords(6, 2);
    await produce(topic, records);
    const got = await consume(topic, 6);
    const ts1 = got.find((r) => r.partition === 1 && r.offset === 1)!.timestamp;

    const r = await runFixture('kp_offsets.py', [tb.bootstrap, topic, String(ts1)]);
    expect(r.code, describeFailure(r)).toBe(0);
    const o = jsonLines<{ beginning: Record<string, number>; end: Record<string, number>; for_time: Record<string, [number, number] | null> }>(r.stdout)[0]!;
    expect(o.beginning).toEqual({ '0': 0, '1': 0 });
    expect(o.end).toEqual({ '0': 3, '1': 3 });
    // The first record of partition 1 whose timestamp is >= ts1 (offset 0 may share the millisecond).
    const p1 = got.filter((x) => x.partition === 1);
    const firstAtOrAfter = p1.find((x) => x.timestamp >= ts1)!;
    expect(o.for_time['1']).toEqual([firstAtOrAfter.offset, firstAtOrAfter.timestamp]);

    const future = await runFixture('kp_offsets.py', [tb.bootstrap, topic, String(Date.now() + 3_600_000)]);
    expect(future.code, describeFailure(future)).toBe(0);
    // No record at or after that time: kafka-python maps offset -1 to None.
    expect(jsonLines<{ for_time: Record<string, unknown> }>(future.stdout)[0]!.for_time).toEqual({ '0': null, '1': null });
  });

  it('KafkaConsumer in a group (FindCoordinator v0, JoinGroup v2, OffsetCommit v2) commits and resumes', async () => {
    const topic = randomTopic('kp-group');
    const group = randomGroup('kp');
    await createTopics(tb.bootstrap, [{ topic, numPartitions: 2 }]);
    const records = sampleRecords(10, 2);
    await produce(topic, records);

    const first = await runFixture('kp_group.py', [tb.bootstrap, topic, group, '10', '30000']);
    expect(first.code, describeFailure(first)).toBe(0);
    const got = decodeRecords(first.stdout);
    expect(got.map((r) => `${r.partition}:${r.offset}:${String(r.key)}`).sort()).toEqual(
      records.map((r, i) => `${r.partition}:${Math.floor(i / 2)}:${String(r.key)}`).sort(),
    );
    expect(jsonLines<{ committed?: unknown }>(first.stdout).find((l) => l.committed)?.committed).toEqual([
      [0, 5],
      [1, 5],
    ]);

    await produce(topic, [{ key: Buffer.from('next'), value: Buffer.from('n'), partition: 1 }]);
    const second = await runFixture('kp_group.py', [tb.bootstrap, topic, group, '1', '30000']);
    expect(second.code, describeFailure(second)).toBe(0);
    expect(decodeRecords(second.stdout).map((r) => [r.partition, r.offset, r.key?.toString()])).toEqual([[1, 5, 'next']]);
    expect(jsonLines<{ committed?: unknown }>(second.stdout).find((l) => l.committed)?.committed).toEqual([
      [0, 5],
      [1, 6],
    ]);
  });

  it('KafkaAdminClient.create_topics creates a topic with N partitions', async () => {
    const topic = randomTopic('kp-admin');
    const r = await runFixture('kp_admin.py', [tb.bootstrap, 'create', topic, '4']);
    expect(r.code, describeFailure(r)).toBe(0);
    expect(jsonLines(r.stdout)[0]).toMatchObject({ created: topic });

    // Seen by an independent client (kafkajs) ...
    expect(await topicPartitions(tb.bootstrap, topic)).toEqual([0, 1, 2, 3]);
    // ... by kcat ...
    if (haveKcat) {
      const md = await runOk('kcat', ['-b', tb.bootstrap, '-L', '-t', topic], { timeoutMs: 20_000 });
      expect(md.stdout).toContain(`topic "${topic}" with 4 partitions:`);
    }
    // ... and by kafka-python itself.
    const list = await runFixture('kp_admin.py', [tb.bootstrap, 'list']);
    expect(list.code, describeFailure(list)).toBe(0);
    expect((jsonLines<{ topics: string[] }>(list.stdout)[0]!).topics).toContain(topic);

    // Add partitions (CreatePartitions v1), describe (DescribeConfigs v2), then delete (DeleteTopics v3).
    const grown = await runFixture('kp_admin.py', [tb.bootstrap, 'partitions', topic, '6']);
    expect(grown.code, describeFailure(grown)).toBe(0);
    expect(await topicPartitions(tb.bootstrap, topic)).toEqual([0, 1, 2, 3, 4, 5]);
    const described = await runFixture('kp_admin.py', [tb.bootstrap, 'describe', topic]);
    expect(described.code, describeFailure(described)).toBe(0);
    const configs = jsonLines<{ configs: Record<string, { value: string | null; source: number }> }>(described.stdout)[0]!.configs;
    // DEFAULT_CONFIG (5) for a topic created without configs.
    expect(configs['cleanup.policy']).toEqual({ value: 'delete', source: 5 });

    // Creating it again is refused with TOPIC_ALREADY_EXISTS (36).
    const again = await runFixture('kp_admin.py', [tb.bootstrap, 'create', topic, '4']);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/TopicAlreadyExists|36/);

    const deleted = await runFixture('kp_admin.py', [tb.bootstrap, 'delete', topic]);
    expect(deleted.code, describeFailure(deleted)).toBe(0);
    const after = await runFixture('kp_admin.py', [tb.bootstrap, 'list']);
    expect((jsonLines<{ topics: string[] }>(after.stdout)[0]!).topics).not.toContain(topic);
  });
});
