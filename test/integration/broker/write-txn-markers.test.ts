/**
 * WriteTxnMarkers on mq's broker: the marker a coordinator (or mq-transactions abort) asks a
 * leader to write lands in the partition's log as a control batch with the producer's id and
 * epoch and the coordinator epoch, at v0 (Kafka 3.9's admin) and v1; an unknown partition answers
 * UNKNOWN_TOPIC_OR_PARTITION and the other partitions are still written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { createTopics } from '../../helpers/kafkajs.js';
import { randomTopic } from '../../helpers/names.js';
import { rawRequest } from '../../helpers/raw.js';
import { partitionPath, readStoredBatches } from '../../helpers/segments.js';
import { WriteTxnMarkers } from '../../../src/engine/protocol/messages/27-write-txn-markers.js';
import { ErrorCode } from '../../../src/engine/protocol/error-codes.js';
import { decodeControlBatch, ControlType } from '../../../src/engine/protocol/control-batch.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

let tb: TestBroker;
beforeAll(async () => {
  tb = await startTestBroker();
});
afterAll(async () => {
  await tb?.stop();
});

describe('WriteTxnMarkers', () => {
  it.each([0, 1])('v%i writes COMMIT and ABORT control batches and answers per partition', async (version) => {
    const topic = randomTopic('markers');
    await createTopics(tb.bootstrap, [{ topic, numPartitions: 2 }]);
    const res = await rawRequest(tb.bootstrap, WriteTxnMarkers, version, {
      markers: [
        { producerId: 7, producerEpoch: 3, transactionResult: true, coordinatorEpoch: 5, topics: [{ name: topic, partitionIndexes: [0, 1] }] },
        { producerId: 8, producerEpoch: 0, transactionResult: false, coordinatorEpoch: 5, topics: [{ name: topic, partitionIndexes: [1] }, { name: 'no-such-topic', partitionIndexes: [0] }] },
      ],
    });
    expect(res.markers).toEqual([
      { producerId: 7, topics: [{ name: topic, partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 1, errorCode: 0 }] }] },
      {
        producerId: 8,
        topics: [
          { name: topic, partitions: [{ partitionIndex: 1, errorCode: 0 }] },
          { name: 'no-such-topic', partitions: [{ partitionIndex: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }] },
        ],
      },
    ]);
    const p1 = await readStoredBatches(tb.dataDir, topic, 1);
    const seen = p1.map((b) => ({
      control: b.control,
      transactional: b.transactional,
      producerId: b.producerId,
      producerEpoch: b.producerEpoch,
      offset: b.baseOffset,
    }));
    expect(seen).toEqual([
      { control: true, transactional: true, producerId: 7n, producerEpoch: 3, offset: 0n },
      { control: true, transactional: true, producerId: 8n, producerEpoch: 0, offset: 1n },
    ]);
    const bytes = await readFile(join(partitionPath(tb.dataDir, topic, 1), p1[0]!.file));
    expect(decodeControlBatch(bytes, p1[0]!.position)).toEqual({ controlType: ControlType.commit, coordinatorEpoch: 5 });
    expect(decodeControlBatch(bytes, p1[1]!.position)).toEqual({ controlType: ControlType.abort, coordinatorEpoch: 5 });
    expect((await readStoredBatches(tb.dataDir, topic, 0)).length).toBe(1);
  });
});
