/**
 * ListOffsets v8 (-4, earliest local) and v9 (-5, latest tiered), which the Java admin client
 * needs for kafka-get-offsets --time -4 / -5. Found by suite B: against mq (ListOffsets 1-7) the
 * tool printed `Skip getting offsets for topic-partition t-0 due to error:
 * UnsupportedVersionException: The node does not support LIST_OFFSETS with version in range [8,11]`.
 * Without tiered storage Kafka answers -4 with the log start offset and -5 with offset -1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { kafkaClient } from '../../helpers/kafkajs.js';
import { randomTopic } from '../../helpers/names.js';
import { rawRequest } from '../../helpers/raw.js';
import { ListOffsets } from '../../../src/engine/protocol/messages/02-list-offsets.js';
import { ApiVersions } from '../../../src/engine/protocol/messages/18-api-versions.js';
import { DeleteRecords } from '../../../src/engine/protocol/messages/21-delete-records.js';
import type { ApiSchema, RequestInput } from '../../../src/engine/protocol/schema.js';

let tb: TestBroker;
beforeAll(async () => {
  tb = await startTestBroker();
});
afterAll(async () => {
  await tb?.stop();
});

const req = <A extends ApiSchema>(api: A, version: number, body: RequestInput<A>) => rawRequest(tb.bootstrap, api, version, body);

async function listOffset(version: number, topic: string, timestamp: number) {
  const r = await req(ListOffsets, version, {
    replicaId: -1,
    isolationLevel: 0,
    topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp }] }],
  });
  return r.topics[0]!.partitions[0];
}

describe('ListOffsets v8/v9', () => {
  it('-4 is the log start offset, -5 is -1 (no tiered storage), the other specs unchanged', async () => {
    const topic = randomTopic('lo');
    const admin = kafkaClient(tb.bootstrap).admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
      const p = kafkaClient(tb.bootstrap).producer();
      await p.connect();
      await p.send({ topic, messages: Array.from({ length: 5 }, (_, i) => ({ value: `v${i}` })) });
      await p.disconnect();
      const del = await req(DeleteRecords, 2, { topics: [{ name: topic, partitions: [{ partitionIndex: 0, offset: 2 }] }], timeoutMs: 5000 });
      expect(del.topics[0]!.partitions[0]).toMatchObject({ errorCode: 0, lowWatermark: 2 });
    } finally {
      await admin.disconnect();
    }
    for (const v of [8, 9]) {
      expect(await listOffset(v, topic, -4)).toMatchObject({ errorCode: 0, offset: 2, timestamp: -1, leaderEpoch: 0 });
      expect(await listOffset(v, topic, -2)).toMatchObject({ errorCode: 0, offset: 2 });
      expect(await listOffset(v, topic, -1)).toMatchObject({ errorCode: 0, offset: 5 });
    }
    expect(await listOffset(9, topic, -5)).toMatchObject({ errorCode: 0, offset: -1, timestamp: -1, leaderEpoch: -1 });
  });

  it('advertises ListOffsets up to 9', async () => {
    const r = await req(ApiVersions, 3, { clientSoftwareName: 'mq-test', clientSoftwareVersion: '1' });
    expect(r.apiKeys.find((k: { apiKey: number }) => k.apiKey === 2)).toMatchObject({ minVersion: 1, maxVersion: 9 });
  });
});
