/**
 * Issue 12 item 1: a Produce batch with a correct CRC and malformed contents is refused
 * (INVALID_RECORD from v8, CORRUPT_MESSAGE before; INVALID_TIMESTAMP with record_errors),
 * nothing of it is stored, the other partitions of the same request are appended, and a
 * consumer then reads the partition to its end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { createTopics, kafkaClient } from '../../helpers/kafkajs.js';
import { randomTopic } from '../../helpers/names.js';
import { goodRecords, poisonBatches, rawBatch, record } from '../../helpers/poison.js';
import { rawRequest } from '../../helpers/raw.js';
import { readStoredBatches } from '../../helpers/segments.js';
import { Produce } from '../../../src/engine/protocol/messages/00-produce.js';
import { ErrorCode } from '../../../src/engine/protocol/error-codes.js';

let tb: TestBroker;

beforeAll(async () => {
  tb = await startTestBroker();
});

afterAll(async () => {
  await tb?.stop();
});

type Part = { index: number; records: Buffer };

async function produce(topic: string, parts: Part[], version = 9) {
  const res = await rawRequest(tb.bootstrap, Produce, version, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: parts.map((p) => ({ index: p.index, records: p.records })) }],
  });
  return res.responses[0]!.partitionResponses;
}

async function readAll(topic: string, partition: number, expected: number): Promise<string[]> {
  const consumer = kafkaClient(tb.bootstrap).consumer({ groupId: `g-${topic}-${partition}` });
  await consumer.connect();
  const values: string[] = [];
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${values.length} of ${expected}`)), 15_000);
      consumer
        .run({
          eachMessage: async ({ partition: p, message }) => {
            if (p !== partition) return;
            values.push(message.value?.toString() ?? '');
            if (values.length >= expected) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return values;
}

describe('poison batches', () => {
  it('refuses every poison batch on v9 with INVALID_RECORD and on v7 with CORRUPT_MESSAGE, storing nothing', async () => {
    const topic = randomTopic('poison');
    await createTopics(tb.bootstrap, [{ topic, numPartitions: 1 }]);
    for (const [name, batch] of Object.entries(poisonBatches())) {
      for (const [version, code] of [
        [9, ErrorCode.INVALID_RECORD],
        [7, ErrorCode.CORRUPT_MESSAGE],
      ] as const) {
        const [p] = await produce(topic, [{ index: 0, records: batch }], version);
        expect({ name, version, code: p!.errorCode, baseOffset: p!.baseOffset }).toEqual({ name, version, code, baseOffset: -1 });
        // error_message is a v8+ field.
        if (version >= 8) expect(p!.errorMessage, name).toBeTruthy();
      }
    }
    expect(await readStoredBatches(tb.dataDir, topic, 0)).toEqual([]);
  });

  it('answers Kafka\'s messages for magic 1 and for trailing bytes', async () => {
    const topic = randomTopic('poison-msg');
    await createTopics(tb.bootstrap, [{ topic }]);
    const magic1 = rawBatch({ records: goodRecords(1), count: 1, magic: 1 });
    const [m] = await produce(topic, [{ index: 0, records: magic1 }]);
    expect(m).toMatchObject({
      errorCode: ErrorCode.INVALID_RECORD,
      errorMessage: 'Produce requests with version 9 are only allowed to contain record batches with magic version 2',
    });
    const [t] = await produce(topic, [{ index: 0, records: poisonBatches()['trailing bytes after the last record']! }]);
    expect(t).toMatchObject({ errorCode: ErrorCode.INVALID_RECORD, errorMessage: 'Incorrect declared batch size, records still remaining in file' });
  });

  it('appends the other partitions of the same request, and a consumer reads the refused partition to its end', async () => {
    const topic = randomTopic('poison-mixed');
    await createTopics(tb.bootstrap, [{ topic, numPartitions: 2 }]);
    const good = (n: number) => rawBatch({ records: Buffer.concat(Array.from({ length: n }, (_, i) => record({ offsetDelta: i, value: Buffer.from(`ok${i}`) }))), count: n });
    const [p0, p1] = await produce(topic, [
      { index: 0, records: good(3) },
      { index: 1, records: poisonBatches()['negative record length']! },
    ]);
    expect(p0).toMatchObject({ errorCode: 0, baseOffset: 0 });
    expect(p1).toMatchObject({ errorCode: ErrorCode.INVALID_RECORD, baseOffset: -1 });
    const [after] = await produce(topic, [{ index: 1, records: good(2) }]);
    expect(after).toMatchObject({ errorCode: 0, baseOffset: 0 });
    expect(await readAll(topic, 0, 3)).toEqual(['ok0', 'ok1', 'ok2']);
    expect(await readAll(topic, 1, 2)).toEqual(['ok0', 'ok1']);
  });

  it('refuses timestamps outside message.timestamp.before/after.max.ms with INVALID_TIMESTAMP and record_errors', async () => {
    const topic = randomTopic('poison-ts');
    await createTopics(tb.bootstrap, [
      { topic, configEntries: [{ name: 'message.timestamp.before.max.ms', value: '3600000' }, { name: 'message.timestamp.after.max.ms', value: '3600000' }] },
    ]);
    const now = Date.now();
    const records = Buffer.concat([record({ offsetDelta: 0 }), record({ offsetDelta: 1, timestampDelta: -now })]);
    const batch = rawBatch({ records, count: 2, baseTimestamp: now });
    const [p] = await produce(topic, [{ index: 0, records: batch }]);
    expect(p).toMatchObject({ errorCode: ErrorCode.INVALID_TIMESTAMP, errorMessage: 'One or more records have been rejected due to invalid timestamp' });
    expect(p!.recordErrors).toHaveLength(1);
    expect(p!.recordErrors[0]!.batchIndex).toBe(1);
    expect(p!.recordErrors[0]!.batchIndexErrorMessage).toMatch(/^Timestamp 0 of message with offset 1 is out of range\. The timestamp should be within \[\d+, \d+\]$/);
    const [ok] = await produce(topic, [{ index: 0, records: rawBatch({ records: goodRecords(2), count: 2, baseTimestamp: now }) }]);
    expect(ok).toMatchObject({ errorCode: 0, baseOffset: 0 });
  });
});
