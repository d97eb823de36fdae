/**
 * Issue 12 item 6 on the wire: CreateTopics refuses the names Kafka reserves for its internal
 * topics, and topic configs given to CreateTopics, AlterConfigs and IncrementalAlterConfigs are
 * checked by type and range with Kafka's ConfigException text (INVALID_CONFIG).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { randomTopic } from '../../helpers/names.js';
import { rawRequest } from '../../helpers/raw.js';
import { CreateTopics } from '../../../src/engine/protocol/messages/19-create-topics.js';
import { AlterConfigs } from '../../../src/engine/protocol/messages/33-alter-configs.js';
import { IncrementalAlterConfigs } from '../../../src/engine/protocol/messages/44-incremental-alter-configs.js';
import { Metadata } from '../../../src/engine/protocol/messages/03-metadata.js';
import { ErrorCode } from '../../../src/engine/protocol/error-codes.js';

let tb: TestBroker;

beforeAll(async () => {
  tb = await startTestBroker();
});

afterAll(async () => {
  await tb?.stop();
});

async function create(name: string, configs: { name: string; value: string }[] = []) {
  const r = await rawRequest(tb.bootstrap, CreateTopics, 7, {
    topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs }],
    timeoutMs: 5000,
    validateOnly: false,
  });
  return r.topics[0]!;
}

describe('reserved topic names', () => {
  it.each(['__consumer_offsets', '__transaction_state', '__share_group_state', '__cluster_metadata'])('CreateTopics %s: INVALID_REQUEST, nothing created', async (name) => {
    expect(await create(name)).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Creation of internal topic ${name} is prohibited.` });
    expect(tb.broker.services.log.topic(name)).toBeUndefined();
  });

  it('a Metadata request does not auto-create __consumer_offsets', async () => {
    const r = await rawRequest(tb.bootstrap, Metadata, 12, {
      topics: [{ topicId: '00000000-0000-0000-0000-000000000000', name: '__consumer_offsets' }],
      allowAutoTopicCreation: true,
      includeTopicAuthorizedOperations: false,
    });
    expect(r.topics[0]!.errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    expect(tb.broker.services.log.topic('__consumer_offsets')).toBeUndefined();
  });

  it('a name that only looks internal is a user topic', async () => {
    expect((await create(randomTopic('__consumer_offsets_copy'))).errorCode).toBe(0);
  });
});

describe('topic configs by type and range', () => {
  it('CreateTopics: INVALID_CONFIG with the ConfigException text', async () => {
    expect(await create(randomTopic('cfg'), [{ name: 'segment.bytes', value: 'abc' }])).toMatchObject({
      errorCode: ErrorCode.INVALID_CONFIG,
      errorMessage: 'Invalid value abc for configuration segment.bytes: Not a number of type INT',
    });
    expect(await create(randomTopic('cfg'), [{ name: 'segment.bytes', value: '5' }])).toMatchObject({
      errorCode: ErrorCode.INVALID_CONFIG,
      errorMessage: 'Invalid value 5 for configuration segment.bytes: Value must be at least 14',
    });
    expect(await create(randomTopic('cfg'), [{ name: 'message.timestamp.after.max.ms', value: '-1' }])).toMatchObject({
      errorCode: ErrorCode.INVALID_CONFIG,
      errorMessage: 'Invalid value -1 for configuration message.timestamp.after.max.ms: Value must be at least 0',
    });
  });

  it('AlterConfigs and IncrementalAlterConfigs: INVALID_CONFIG, the old value kept', async () => {
    const t = randomTopic('alter');
    expect((await create(t, [{ name: 'segment.bytes', value: '2000000' }])).errorCode).toBe(0);
    const legacy = await rawRequest(tb.bootstrap, AlterConfigs, 2, {
      resources: [{ resourceType: 2, resourceName: t, configs: [{ name: 'segment.bytes', value: '99999999999' }] }],
      validateOnly: false,
    });
    expect(legacy.responses[0]).toMatchObject({ errorCode: ErrorCode.INVALID_CONFIG, errorMessage: 'Invalid value 99999999999 for configuration segment.bytes: Not a number of type INT' });
    const incremental = await rawRequest(tb.bootstrap, IncrementalAlterConfigs, 1, {
      resources: [{ resourceType: 2, resourceName: t, configs: [{ name: 'max.message.bytes', configOperation: 0, value: '-3' }] }],
      validateOnly: false,
    });
    expect(incremental.responses[0]).toMatchObject({ errorCode: ErrorCode.INVALID_CONFIG, errorMessage: 'Invalid value -3 for configuration max.message.bytes: Value must be at least 0' });
    expect(tb.broker.services.log.topic(t)!.configs['segment.bytes']).toBe('2000000');
  });
});
