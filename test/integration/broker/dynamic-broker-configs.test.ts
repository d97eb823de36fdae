/**
 * Dynamic broker configs come in two independent sets, as in Kafka: this broker's own (resource
 * name = node id, DYNAMIC_BROKER_CONFIG) and the cluster defaults (resource name "",
 * `kafka-configs --broker-defaults`, DYNAMIC_DEFAULT_BROKER_CONFIG).
 *
 * Found with Kafka's own kafka-configs against mq (test/reference/suite-b-kafka-tools-on-mq.test.ts):
 * mq kept one set for both, so a --broker-defaults value was described as broker 1's
 * DYNAMIC_BROKER_CONFIG, the default entity described nothing (3.9's legacy --delete-config then
 * failed with "Invalid config(s)"), and a legacy AlterConfigs of the defaults wiped broker 1's set.
 * Expected values are those Kafka 4.3 answers for the same sequence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { randomTopic } from '../../helpers/names.js';
import { rawRequest } from '../../helpers/raw.js';
import { CreateTopics } from '../../../src/engine/protocol/messages/19-create-topics.js';
import { DescribeConfigs } from '../../../src/engine/protocol/messages/32-describe-configs.js';
import { AlterConfigs } from '../../../src/engine/protocol/messages/33-alter-configs.js';
import { IncrementalAlterConfigs } from '../../../src/engine/protocol/messages/44-incremental-alter-configs.js';
import type { ApiSchema, RequestInput } from '../../../src/engine/protocol/schema.js';

let tb: TestBroker;
beforeAll(async () => {
  tb = await startTestBroker();
});
afterAll(async () => {
  await tb?.stop();
});

const BROKER = 4;
const TOPIC = 2;
const Source = { TOPIC: 1, BROKER: 2, DEFAULT_BROKER: 3, STATIC: 4, DEFAULT: 5 } as const;

const req = <A extends ApiSchema>(api: A, version: number, body: RequestInput<A>) => rawRequest(tb.bootstrap, api, version, body);

async function describeConfigs(resourceType: number, resourceName: string, keys: string[] | null) {
  const r = await req(DescribeConfigs, 4, {
    resources: [{ resourceType, resourceName, configurationKeys: keys }],
    includeSynonyms: true,
    includeDocumentation: false,
  });
  expect(r.results[0]!.errorCode).toBe(0);
  return new Map(r.results[0]!.configs.map((c) => [c.name, c]));
}

async function incremental(resourceName: string, configs: { name: string; op: number; value: string | null }[]) {
  const r = await req(IncrementalAlterConfigs, 1, {
    resources: [{ resourceType: BROKER, resourceName, configs: configs.map((c) => ({ name: c.name, configOperation: c.op, value: c.value })) }],
    validateOnly: false,
  });
  expect(r.responses[0]).toMatchObject({ errorCode: 0 });
}

async function legacyAlter(resourceName: string, configs: Record<string, string>) {
  const r = await req(AlterConfigs, 2, {
    resources: [{ resourceType: BROKER, resourceName, configs: Object.entries(configs).map(([name, value]) => ({ name, value })) }],
    validateOnly: false,
  });
  expect(r.responses[0]).toMatchObject({ errorCode: 0 });
}

describe('dynamic broker configs: per broker and cluster default', () => {
  it('keeps the two sets apart and reports Kafka sources and synonyms', async () => {
    await incremental('1', [{ name: 'log.retention.ms', op: 0, value: '700000' }]);
    // kafka-configs 3.9 --alter --broker-defaults sends the legacy AlterConfigs with the full set
    // of the default entity: it must not touch broker 1's own set.
    await legacyAlter('', { 'log.retention.bytes': '123456789' });

    const b1 = await describeConfigs(BROKER, '1', ['log.retention.ms', 'log.retention.bytes', 'num.partitions']);
    expect(b1.get('log.retention.ms')).toMatchObject({
      value: '700000',
      configSource: Source.BROKER,
      synonyms: [
        { name: 'log.retention.ms', value: '700000', source: Source.BROKER },
        { name: 'log.retention.hours', value: '168', source: Source.DEFAULT },
      ],
    });
    expect(b1.get('log.retention.bytes')).toMatchObject({
      value: '123456789',
      configSource: Source.DEFAULT_BROKER,
      synonyms: [
        { name: 'log.retention.bytes', value: '123456789', source: Source.DEFAULT_BROKER },
        { name: 'log.retention.bytes', value: '-1', source: Source.DEFAULT },
      ],
    });
    expect(b1.get('num.partitions')).toMatchObject({ value: '1', configSource: Source.DEFAULT });

    // The default entity describes only its own dynamic entries, with only that synonym.
    const dflt = await describeConfigs(BROKER, '', null);
    expect([...dflt.keys()]).toEqual(['log.retention.bytes']);
    expect(dflt.get('log.retention.bytes')).toMatchObject({
      value: '123456789',
      configSource: Source.DEFAULT_BROKER,
      synonyms: [{ name: 'log.retention.bytes', value: '123456789', source: Source.DEFAULT_BROKER }],
    });

    // Topics inherit both, each with its own source.
    const topic = randomTopic('dyn');
    const created = await req(CreateTopics, 7, {
      topics: [{ name: topic, numPartitions: 1, replicationFactor: -1, assignments: [], configs: [] }],
      timeoutMs: 5000,
      validateOnly: false,
    });
    expect(created.topics[0]!.errorCode).toBe(0);
    const t = await describeConfigs(TOPIC, topic, ['retention.ms', 'retention.bytes']);
    expect(t.get('retention.ms')).toMatchObject({
      value: '700000',
      configSource: Source.BROKER,
      synonyms: [
        { name: 'log.retention.ms', value: '700000', source: Source.BROKER },
        { name: 'log.retention.hours', value: '168', source: Source.DEFAULT },
      ],
    });
    expect(t.get('retention.bytes')).toMatchObject({ value: '123456789', configSource: Source.DEFAULT_BROKER });

    // Both sets survive a restart, still apart.
    await tb.restart();
    expect((await describeConfigs(BROKER, '1', ['log.retention.ms'])).get('log.retention.ms')).toMatchObject({ value: '700000', configSource: Source.BROKER });
    expect([...(await describeConfigs(BROKER, '', null)).keys()]).toEqual(['log.retention.bytes']);

    // Deleting from one set leaves the other.
    await incremental('', [{ name: 'log.retention.bytes', op: 1, value: null }]);
    expect((await describeConfigs(BROKER, '', null)).size).toBe(0);
    expect((await describeConfigs(BROKER, '1', ['log.retention.bytes'])).get('log.retention.bytes')).toMatchObject({ value: '-1', configSource: Source.DEFAULT });
    expect((await describeConfigs(BROKER, '1', ['log.retention.ms'])).get('log.retention.ms')).toMatchObject({ value: '700000', configSource: Source.BROKER });
    await incremental('1', [{ name: 'log.retention.ms', op: 1, value: null }]);
    expect((await describeConfigs(TOPIC, topic, ['retention.ms'])).get('retention.ms')).toMatchObject({ value: '604800000', configSource: Source.DEFAULT, synonyms: [] });
  });

  it('a per-broker value wins over the cluster default of the same key', async () => {
    await incremental('', [{ name: 'log.retention.ms', op: 0, value: '111111' }]);
    await incremental('1', [{ name: 'log.retention.ms', op: 0, value: '222222' }]);
    expect((await describeConfigs(BROKER, '1', ['log.retention.ms'])).get('log.retention.ms')).toMatchObject({
      value: '222222',
      configSource: Source.BROKER,
      synonyms: [
        { name: 'log.retention.ms', value: '222222', source: Source.BROKER },
        { name: 'log.retention.ms', value: '111111', source: Source.DEFAULT_BROKER },
        { name: 'log.retention.hours', value: '168', source: Source.DEFAULT },
      ],
    });
    await incremental('1', [{ name: 'log.retention.ms', op: 1, value: null }]);
    expect((await describeConfigs(BROKER, '1', ['log.retention.ms'])).get('log.retention.ms')).toMatchObject({ value: '111111', configSource: Source.DEFAULT_BROKER });
    await incremental('', [{ name: 'log.retention.ms', op: 1, value: null }]);
  });
});
