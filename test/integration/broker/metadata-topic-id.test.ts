/**
 * Metadata lookups by topic id as the Java admin client sends them (kafka-topics --describe
 * --topic-id): topic id set and the name left at its JSON default "" instead of null.
 *
 * Found by suite B (test/reference/suite-b-kafka-tools-on-mq.test.ts): mq took "" for a name,
 * answered UNKNOWN_TOPIC_OR_PARTITION with a zero topic id, and the admin client threw
 * `IllegalStateException: Use errors() when managing topic using topic name`
 * (MetadataResponse.errorsByTopicId), so the tool failed for 3.9 and 4.x alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { randomTopic } from '../../helpers/names.js';
import { rawRequest } from '../../helpers/raw.js';
import { Metadata } from '../../../src/engine/protocol/messages/03-metadata.js';
import { CreateTopics } from '../../../src/engine/protocol/messages/19-create-topics.js';
import type { ApiSchema, RequestInput } from '../../../src/engine/protocol/schema.js';

let tb: TestBroker;
beforeAll(async () => {
  tb = await startTestBroker();
});
afterAll(async () => {
  await tb?.stop();
});

const req = <A extends ApiSchema>(api: A, version: number, body: RequestInput<A>) => rawRequest(tb.bootstrap, api, version, body);
const ZERO = '00000000000000000000000000000000';

describe('Metadata by topic id', () => {
  it('finds the topic when the name is "" (Java admin) as well as null', async () => {
    const t = randomTopic('byid');
    const created = await req(CreateTopics, 7, {
      topics: [{ name: t, numPartitions: 2, replicationFactor: -1, assignments: [], configs: [] }],
      timeoutMs: 5000,
      validateOnly: false,
    });
    const topicId = created.topics[0]!.topicId;
    expect(topicId).not.toBe(ZERO);
    for (const name of ['', null]) {
      const r = await req(Metadata, 12, { topics: [{ topicId, name }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      expect(r.topics).toHaveLength(1);
      expect(r.topics[0]).toMatchObject({ errorCode: 0, name: t, topicId });
      expect(r.topics[0]!.partitions).toHaveLength(2);
    }
  });

  it('an unknown id is UNKNOWN_TOPIC_ID with that id, never a zero id', async () => {
    const unknown = '0123456789abcdef0123456789abcdef';
    const r = await req(Metadata, 12, { topics: [{ topicId: unknown, name: '' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    expect(r.topics[0]).toMatchObject({ errorCode: 100, name: null, topicId: unknown });
  });

  it('a lookup by name still works with a zero id (and does not auto-create "")', async () => {
    const t = randomTopic('byname');
    await req(CreateTopics, 7, {
      topics: [{ name: t, numPartitions: 1, replicationFactor: -1, assignments: [], configs: [] }],
      timeoutMs: 5000,
      validateOnly: false,
    });
    const r = await req(Metadata, 12, { topics: [{ topicId: ZERO, name: t }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    expect(r.topics[0]).toMatchObject({ errorCode: 0, name: t });
    expect(r.topics[0]!.topicId).not.toBe(ZERO);
  });
});
