/**
 * confluent-kafka-python 1.7.0 on librdkafka 2.0.2 (Debian python3-confluent-kafka, run with
 * /usr/bin/python3) against the in-process broker: Producer with delivery reports, and a
 * Consumer in a group (FindCoordinator, JoinGroup, SyncGroup, OffsetFetch/Commit).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { createTopics, topicPartitions } from '../helpers/kafkajs.js';
import { randomGroup, randomTopic } from '../helpers/names.js';
import { COMPRESSION, readStoredBatches } from '../helpers/segments.js';
import { decodeRecords, describeFailure, encodeRecords, haveConfluentKafka, jsonLines, runFixture, type InRecord } from './peers.js';

let tb: TestBroker;

beforeAll(async () => {
  if (!haveConfluentKafka) throw new Error('confluent-kafka is not installed for /usr/bin/python3: run scripts/install-deps.sh');
  tb = await startTestBroker();
});

afterAll(async () => {
  await tb?.stop();
});

function sampleRecords(n: number, partitions = 1): InRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    key: Buffer.from(`ck-key-${i}`),
    value: Buffer.concat([Buffer.from(`ck-value-${i}-`), Buffer.from([0, 0x80, 0xff, i & 255]), Buffer.from('ü'.repeat(i % 5))]),
    headers: [
      ['id', Buffer.from(String(i))],
      ['raw', Buffer.from([0xde, 0xad, 0xbe, 0xef])],
    ] as Array<[string, Buffer | null]>,
    partition: i % partitions,
  }));
}

async function produce(topic: string, records: InRecord[], conf: string[] = []) {
  const r = await runFixture('ck_produce.py', [tb.bootstrap, topic, ...conf], { stdin: encodeRecords(records) });
  expect(r.code, describeFailure(r)).toBe(0);
  return jsonLines<{ topic: string; partition: number; offset: number }>(r.stdout);
}

async function consume(topic: string, group: string, expected: number, conf: string[] = []) {
  const r = await runFixture('ck_consume.py', [tb.bootstrap, topic, group, String(expected), '30000', ...conf], { timeoutMs: 60_000 });
  expect(r.code, describeFailure(r)).toBe(0);
  const committed = jsonLines<{ committed?: Array<[number, number]> }>(r.stdout).find((l) => l.committed)?.committed;
  return { records: decodeRecords(r.stdout), committed };
}

const NO_GROUP = '-';

function expectSameRecords(got: Awaited<ReturnType<typeof consume>>['records'], sent: InRecord[], partitions: number[]) {
  expect(got).toHaveLength(sent.length);
  for (const p of partitions) {
    const s = sent.filter((r) => (r.partition ?? 0) === p);
    const recv = got.filter((r) => r.partition === p);
    expect(recv.map((r) => r.offset)).toEqual(s.map((_, i) => i));
    expect(recv.map((r) => r.key)).toEqual(s.map((r) => r.key ?? null));
    expect(recv.map((r) => r.value)).toEqual(s.map((r) => r.value ?? null));
    expect(recv.map((r) => r.headers)).toEqual(s.map((r) => r.headers ?? []));
    expect(recv.every((r) => r.timestamp > 0)).toBe(true);
  }
}

describe('confluent-kafka-python 1.7.0 (librdkafka 2.0.2)', () => {
  it('Producer delivery reports, then an assign()ed Consumer reads keys, values, headers and offsets back', async () => {
    const topic = randomTopic('ck-assign');
    await createTopics(tb.bootstrap, [{ topic, numPartitions: 2 }]);
    const records = sampleRecords(16, 2);

    const reports = await produce(topic, records);
    expect(reports).toHaveLength(16);
    for (const p of [0, 1]) {
      expect(reports.filter((r) => r.partition === p).map((r) => r.offset).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    }
    const { records: got } = await consume(topic, NO_GROUP, records.length);
    expectSameRecords(got, records, [0, 1]);
  });

  it('a Consumer with group.id subscribes, reads from earliest, commits, and a later member resumes there', async () => {
    const topic = randomTopic('ck-group');
    const group = randomGroup('ck');
    await createTopics(tb.bootstrap, [{ topic, numPartitions: 2 }]);
    const records = sampleRecords(16, 2);
    await produce(topic, records);

    const first = await consume(topic, group, records.length);
    expectSameRecords(first.records, records, [0, 1]);
    // The group committed the next offset to read on both partitions.
    expect(first.committed).toEqual([
      [0, 8],
      [1, 8],
    ]);

    // A second consumer in the same group starts at the committed offsets: new records only.
    const more = sampleRecords(2, 2).map((r) => ({ ...r, key: Buffer.from(`later-${r.partition}`) }));
    await produce(topic, more);
    const second = await consume(topic, group, 2);
    expect(second.records.map((r) => [r.partition, r.offset, r.key!.toString()]).sort()).toEqual([
      [0, 8, 'later-0'],
      [1, 8, 'later-1'],
    ]);
    expect(second.committed).toEqual([
      [0, 9],
      [1, 9],
    ]);
  });

  for (const codec of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
    it(`idempotent ${codec} produce is stored compressed with a producer id and consumed back`, async () => {
      const topic = randomTopic(`ck-${codec}`);
      await createTopics(tb.bootstrap, [{ topic, numPartitions: 1 }]);
      const records = sampleRecords(40).map((r) => ({ ...r, value: Buffer.concat([r.value!, Buffer.alloc(300, 'q')]) }));
      await produce(topic, records, [`compression.type=${codec}`, 'enable.idempotence=true', 'linger.ms=50']);
      const batches = await readStoredBatches(tb.dataDir, topic, 0);
      expect(batches.length).toBeGreaterThan(0);
      // librdkafka 2.0.2 silently sends uncompressed batches unless the broker advertises Produce v0
      // (gzip, snappy, lz4), FindCoordinator v0 (lz4) and Produce 7 + Fetch 10 (zstd).
      expect(batches.map((b) => b.compression)).toEqual(batches.map(() => COMPRESSION[codec]));
      expect(batches.every((b) => b.producerId >= 0n && b.producerId === batches[0]!.producerId)).toBe(true);
      expect(batches.reduce((n, b) => n + b.recordCount, 0)).toBe(40);
      const { records: got } = await consume(topic, NO_GROUP, 40);
      expectSameRecords(got, records, [0]);
    });
  }

  it('AdminClient: create with configs, describe, add partitions, metadata, delete', async () => {
    const topic = randomTopic('ck-admin');
    const admin = (...args: string[]) => runFixture('ck_admin.py', [tb.bootstrap, ...args]);

    const created = await admin('create', topic, '2', 'retention.ms=3600000', 'cleanup.policy=compact');
    expect(created.code, describeFailure(created)).toBe(0);
    expect(jsonLines(created.stdout)[0]).toEqual({ errors: { [topic]: null } });

    const again = await admin('create', topic, '2');
    expect(jsonLines(again.stdout)[0]).toEqual({ errors: { [topic]: 'TOPIC_ALREADY_EXISTS' } });

    const described = await admin('describe', topic);
    expect(described.code, describeFailure(described)).toBe(0);
    const configs = jsonLines<{ configs: Record<string, { value: string | null; default: boolean; source: number }> }>(described.stdout)[0]!.configs;
    expect(configs['retention.ms']).toMatchObject({ value: '3600000', default: false });
    expect(configs['cleanup.policy']).toMatchObject({ value: 'compact', default: false });
    expect(configs['segment.bytes']?.default).toBe(true);

    const grown = await admin('partitions', topic, '5');
    expect(grown.code, describeFailure(grown)).toBe(0);
    expect(jsonLines(grown.stdout)[0]).toEqual({ errors: { [topic]: null } });

    const md = await admin('metadata', topic);
    expect(md.code, describeFailure(md)).toBe(0);
    type ClusterMetadata = { error: string | null; partitions: number[]; brokers: [number, string, number][]; controller: number; cluster_id: string };
    const m = jsonLines<ClusterMetadata>(md.stdout)[0]!;
    expect(m.error).toBeNull();
    expect(m.partitions).toEqual([0, 1, 2, 3, 4]);
    expect(m.brokers).toEqual([[1, '127.0.0.1', tb.port]]);
    expect(m.controller).toBe(1);
    expect(m.cluster_id).toMatch(/\S+/);
    expect(await topicPartitions(tb.bootstrap, topic)).toEqual([0, 1, 2, 3, 4]);

    const deleted = await admin('delete', topic);
    expect(deleted.code, describeFailure(deleted)).toBe(0);
    expect(jsonLines(deleted.stdout)[0]).toEqual({ errors: { [topic]: null } });
    const gone = await admin('metadata', topic);
    expect(jsonLines<{ error: string | null }>(gone.stdout)[0]!.error).toBe('UNKNOWN_TOPIC_OR_PART');
  });

  it('AdminClient.list_groups (legacy ListGroups/DescribeGroups v0) shows a group after it consumed', async () => {
    const topic = randomTopic('ck-lg');
    const group = randomGroup('ck-lg');
    await createTopics(tb.bootstrap, [{ topic, numPartitions: 1 }]);
    await produce(topic, sampleRecords(1));
    await consume(topic, group, 1);
    const r = await runFixture('ck_admin.py', [tb.bootstrap, 'groups']);
    expect(r.code, describeFailure(r)).toBe(0);
    type GroupRow = { id: string; state: string; protocol_type: string; members: string[]; error: string | null };
    const groups = jsonLines<{ groups: GroupRow[] }>(r.stdout)[0]!.groups;
    const g = groups.find((x) => x.id === group);
    expect(g).toMatchObject({ id: group, state: 'Empty', protocol_type: 'consumer', members: [], error: null });
  });

  it('reads what kafka-python produced (cross-client)', async () => {
    const topic = randomTopic('ck-cross');
    await createTopics(tb.bootstrap, [{ topic, numPartitions: 1 }]);
    const records = sampleRecords(5);
    const r = await runFixture('kp_produce.py', [tb.bootstrap, topic], { stdin: encodeRecords(records) });
    expect(r.code, describeFailure(r)).toBe(0);
    const { records: got } = await consume(topic, NO_GROUP, 5);
    expectSameRecords(got, records, [0]);
  });
});
