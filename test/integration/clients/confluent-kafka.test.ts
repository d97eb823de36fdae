/**
 * confluent-kafka-python 1.7.0 on librdkafka 2.0.2 (Debian python3-confluent-kafka, run with
 * /usr/bin/python3) against the in-process broker: Producer with delivery reports, and a
 * Consumer in a group (FindCoordinator, JoinGroup, SyncGroup, OffsetFetch/Commit).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { createTopics } from '../../helpers/kafkajs.js';
import { randomGroup, randomTopic } from '../../helpers/names.js';
import { COMPRESSION, readStoredBatches } from '../../helpers/segments.js';
import { decodeRecords, describeFailure, encodeRecords, haveConfluentKafka, haveKafkaPython, jsonLines, runFixture, type InRecord } from './peers.js';

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

describe('confluent-kafka-python 1.7.0 (librdkafka 2.0.2)', () => {
  it('Producer and a group Consumer round trip keys, values, headers, partitions and offsets', async () => {
    const topic = randomTopic('ck-roundtrip');
    const group = randomGroup('ck');
    await createTopics(tb.bootstrap, [{ topic, numPartitions: 2 }]);
    const records = sampleRecords(16, 2);

    const reports = await produce(topic, records);
    expect(reports).toHaveLength(16);
    for (const p of [0, 1]) {
      expect(reports.filter((r) => r.partition === p).map((r) => r.offset).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    }

    const { records: got, committed } = await consume(topic, group, records.length);
    expect(got).toHaveLength(16);
    for (const p of [0, 1]) {
      const sent = records.filter((r) => r.partition === p);
      const recv = got.filter((r) => r.partition === p);
      expect(recv.map((r) => r.offset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(recv.map((r) => r.key)).toEqual(sent.map((r) => r.key));
      expect(recv.map((r) => r.value)).toEqual(sent.map((r) => r.value));
      expect(recv.map((r) => r.headers)).toEqual(sent.map((r) => r.headers));
    }
    // The group committed the next offset to read on both partitions.
    expect(committed).toEqual([
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

  it('lz4-compressed idempotent produce is stored compressed and consumed back', async () => {
    const topic = randomTopic('ck-lz4');
    await createTopics(tb.bootstrap, [{ topic, numPartitions: 1 }]);
    const records = sampleRecords(40).map((r) => ({ ...r, value: Buffer.concat([r.value!, Buffer.alloc(300, 'q')]) }));
    await produce(topic, records, ['compression.type=lz4', 'enable.idempotence=true', 'linger.ms=50']);
    const batches = await readStoredBatches(tb.dataDir, topic, 0);
    expect(batches.map((b) => b.compression)).toEqual(batches.map(() => COMPRESSION.lz4));
    expect(batches.every((b) => b.producerId >= 0n)).toBe(true);
    const { records: got } = await consume(topic, randomGroup('ck-lz4'), 40);
    expect(got.map((r) => r.value)).toEqual(records.map((r) => r.value));
  });

  it.runIf(haveKafkaPython)('reads what kafka-python produced (cross-client)', async () => {
    const topic = randomTopic('ck-cross');
    await createTopics(tb.bootstrap, [{ topic, numPartitions: 1 }]);
    const records = sampleRecords(5);
    const r = await runFixture('kp_produce.py', [tb.bootstrap, topic], { stdin: encodeRecords(records) });
    expect(r.code, describeFailure(r)).toBe(0);
    const { records: got } = await consume(topic, randomGroup('ck-cross'), 5);
    expect(got.map((x) => [x.offset, x.key, x.value, x.headers])).toEqual(records.map((x, i) => [i, x.key, x.value, x.headers]));
  });
});
