/**
 * The APIs and versions kafkajs never sends (flexible versions used by the Java client and
 * librdkafka, IncrementalAlterConfigs, DescribeCluster, lookups by topic id...), checked with our
 * own codec on a real socket.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { randomGroup, randomTopic } from '../../helpers/names.js';
import { rawRequest } from '../../helpers/raw.js';
import { Fetch } from '../../../src/engine/protocol/messages/01-fetch.js';
import { ListOffsets } from '../../../src/engine/protocol/messages/02-list-offsets.js';
import { Metadata } from '../../../src/engine/protocol/messages/03-metadata.js';
import { OffsetCommit } from '../../../src/engine/protocol/messages/08-offset-commit.js';
import { OffsetFetch } from '../../../src/engine/protocol/messages/09-offset-fetch.js';
import { ListGroups } from '../../../src/engine/protocol/messages/16-list-groups.js';
import { ApiVersions } from '../../../src/engine/protocol/messages/18-api-versions.js';
import { CreateTopics } from '../../../src/engine/protocol/messages/19-create-topics.js';
import { DeleteTopics } from '../../../src/engine/protocol/messages/20-delete-topics.js';
import { InitProducerId } from '../../../src/engine/protocol/messages/22-init-producer-id.js';
import { OffsetForLeaderEpoch } from '../../../src/engine/protocol/messages/23-offset-for-leader-epoch.js';
import { DescribeConfigs } from '../../../src/engine/protocol/messages/32-describe-configs.js';
import { CreatePartitions } from '../../../src/engine/protocol/messages/37-create-partitions.js';
import { IncrementalAlterConfigs } from '../../../src/engine/protocol/messages/44-incremental-alter-configs.js';
import { OffsetDelete } from '../../../src/engine/protocol/messages/47-offset-delete.js';
import { DescribeCluster } from '../../../src/engine/protocol/messages/60-describe-cluster.js';
import type { ApiSchema, RequestInput } from '../../../src/engine/protocol/schema.js';
import { waitFor } from '../../helpers/wait.js';

let tb: TestBroker;
beforeAll(async () => {
  tb = await startTestBroker();
});
afterAll(async () => {
  await tb?.stop();
});

const req = <A extends ApiSchema>(api: A, version: number, body: RequestInput<A>) => rawRequest(tb.bootstrap, api, version, body);

async function createTopic(name: string, partitions = 1, configs: { name: string; value: string }[] = []) {
  const r = await req(CreateTopics, 7, {
    topics: [{ name, numPartitions: partitions, replicationFactor: -1, assignments: [], configs }],
    timeoutMs: 5000,
    validateOnly: false,
  });
  const topic = r.topics[0]!;
  expect(topic.errorCode).toBe(0);
  return topic;
}

async function produce(topic: string, count: number) {
  const kafka = new Kafka({ brokers: [tb.bootstrap], logLevel: logLevel.NOTHING });
  const p = kafka.producer();
  await p.connect();
  for (let i = 0; i < count; i++) await p.send({ topic, messages: [{ value: `m${i}`, timestamp: String(1_700_000_000_000 + i) }] });
  await p.disconnect();
}

describe('ApiVersions', () => {
  it('advertises the ranges kafka-protocol.md recommends, from the handler registry', async () => {
    const r = await req(ApiVersions, 3, { clientSoftwareName: 'mq-test', clientSoftwareVersion: '1' });
    expect(r.errorCode).toBe(0);
    const ranges = Object.fromEntries(r.apiKeys.map((k) => [k.apiKey, `${k.minVersion}-${k.maxVersion}`]));
    expect(ranges).toEqual({
      0: '0-9', 1: '4-12', 2: '1-9', 3: '0-12', 8: '2-8', 9: '1-8', 10: '0-4', 11: '0-9', 12: '0-4', 13: '0-5', 14: '0-5',
      15: '0-5', 16: '0-5', 18: '0-4', 19: '0-7', 20: '0-6', 21: '0-2', 22: '0-5', 23: '2-4', 24: '0-5', 25: '0-4', 26: '0-4',
      27: '0-1', 28: '0-4', 32: '0-4', 33: '0-2', 37: '0-3', 35: '0-4', 42: '0-2', 44: '0-1', 47: '0-0', 60: '0-1', 61: '0-0', 65: '0-0',
      66: '0-1', 75: '0-0',
    });
  });

  it('answers v0 (kafka-python 2.0.2 probe) too', async () => {
    const r = await req(ApiVersions, 0, {});
    expect(r.errorCode).toBe(0);
    expect(r.apiKeys.length).toBeGreaterThan(20);
  });
});

describe('topics by id and flexible versions', () => {
  it('creates with v7 (topic id returned) and finds the topic by id with Metadata v12', async () => {
    const t = randomTopic();
    const created = await createTopic(t, 2);
    expect(created.topicId).toMatch(/^[0-9a-f]{32}$/);
    expect(created.numPartitions).toBe(2);
    expect(created.replicationFactor).toBe(1);
    const byId = await req(Metadata, 12, { topics: [{ topicId: created.topicId, name: null }], includeTopicAuthorizedOperations: false });
    expect(byId.topics[0]).toMatchObject({ errorCode: 0, name: t, topicId: created.topicId });
    expect(byId.brokers[0]).toMatchObject({ nodeId: 1, host: '127.0.0.1', port: tb.port });
    const deleted = await req(DeleteTopics, 6, { topics: [{ name: null, topicId: created.topicId }], timeoutMs: 5000 });
    expect(deleted.responses[0]).toMatchObject({ name: t, errorCode: 0 });
  });

  it('Metadata v0 with an empty list means every topic; v1+ empty means none', async () => {
    const t = randomTopic();
    await createTopic(t);
    expect((await req(Metadata, 0, { topics: [] })).topics.map((x) => x.name)).toContain(t);
    expect((await req(Metadata, 1, { topics: [] })).topics).toEqual([]);
    expect((await req(Metadata, 1, { topics: null })).topics.map((x) => x.name)).toContain(t);
  });

  it('answers an unknown topic without auto-creation when the client says so', async () => {
    const t = randomTopic();
    const r = await req(Metadata, 9, { topics: [{ name: t }], allowAutoTopicCreation: false });
    expect(r.topics[0]!.errorCode).toBe(3);
    const auto = await req(Metadata, 9, { topics: [{ name: t }], allowAutoTopicCreation: true });
    expect(auto.topics[0]!.errorCode).toBe(0);
    const invalid = await req(Metadata, 9, { topics: [{ name: 'no spaces allowed' }], allowAutoTopicCreation: true });
    expect(invalid.topics[0]!.errorCode).toBe(17);
  });

  it('reads with Fetch v12 and ListOffsets v7 (max timestamp)', async () => {
    const t = randomTopic();
    await createTopic(t);
    await produce(t, 3);
    const fetched = await req(Fetch, 12, {
      maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 1, sessionId: 0, sessionEpoch: -1,
      topics: [
        {
          topic: t,
          partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 1, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20 }],
        },
      ],
      forgottenTopicsData: [], rackId: '',
    });
    const p = fetched.responses[0]!.partitions[0]!;
    expect(p).toMatchObject({ errorCode: 0, highWatermark: 3, lastStableOffset: 3, logStartOffset: 0, preferredReadReplica: -1 });
    expect(p.records!.length).toBeGreaterThan(61);
    expect(p.records!.readBigInt64BE(0)).toBe(1n); // starts with the batch holding offset 1
    const max = await req(ListOffsets, 7, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [{ name: t, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -3 }] }],
    });
    expect(max.topics[0]!.partitions[0]).toMatchObject({ errorCode: 0, offset: 2, timestamp: 1_700_000_000_002, leaderEpoch: 0 });
  });

  it('answers OFFSET_OUT_OF_RANGE beyond the high watermark and parks a fetch at the end until data arrives', async () => {
    const t = randomTopic();
    await createTopic(t);
    const fetchAt = (offset: number, maxWaitMs: number) =>
      req(Fetch, 11, {
        replicaId: -1,
        maxWaitMs,
        minBytes: 1,
        maxBytes: 1 << 20,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [{ topic: t, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
        forgottenTopicsData: [],
        rackId: '',
      });
    expect((await fetchAt(5, 0)).responses[0]!.partitions[0]!.errorCode).toBe(1);
    // Produce only once the broker has parked the fetch (found nothing and waits on the partition), so
    // the answer below can only come from the produce waking it.
    const parking = vi.spyOn(tb.broker.services.fetchWaiters, 'wait');
    const started = Date.now();
    const parked = fetchAt(0, 10_000);
    await waitFor(() => parking.mock.calls.some(([partitions]) => [...partitions].some(([topic]) => topic === t)), { message: 'the fetch parked' });
    parking.mockRestore();
    await produce(t, 1);
    const r = await parked;
    expect(r.responses[0]!.partitions[0]!.highWatermark).toBe(1);
    expect(Date.now() - started).toBeLessThan(9000); // woken by the produce, not by max_wait_ms
  });
});

describe('configs', () => {
  it('IncrementalAlterConfigs sets, appends and deletes topic configs', async () => {
    const t = randomTopic();
    await createTopic(t, 1, [{ name: 'retention.ms', value: '1000' }]);
    const alter = (configs: { name: string; configOperation: number; value: string | null }[]) =>
      req(IncrementalAlterConfigs, 1, { resources: [{ resourceType: 2, resourceName: t, configs }], validateOnly: false });
    expect((await alter([{ name: 'segment.bytes', configOperation: 0, value: '2000000' }])).responses[0]!.errorCode).toBe(0);
    expect((await alter([{ name: 'cleanup.policy', configOperation: 2, value: 'compact' }])).responses[0]!.errorCode).toBe(0);
    expect((await alter([{ name: 'retention.ms', configOperation: 1, value: null }])).responses[0]!.errorCode).toBe(0);
    const bad = await alter([{ name: 'retention.ms', configOperation: 0, value: 'soon' }]);
    expect(bad.responses[0]).toMatchObject({ errorCode: 40, errorMessage: 'Invalid value soon for configuration retention.ms: Not a number of type LONG' });
    const d = await req(DescribeConfigs, 4, {
      resources: [{ resourceType: 2, resourceName: t, configurationKeys: null }],
      includeSynonyms: true,
      includeDocumentation: false,
    });
    const by = new Map(d.results[0]!.configs.map((c) => [c.name, c]));
    expect(by.get('segment.bytes')).toMatchObject({ value: '2000000', configSource: 1 });
    expect(by.get('cleanup.policy')).toMatchObject({ value: 'delete,compact', configSource: 1, configType: 7 });
    expect(by.get('retention.ms')).toMatchObject({ value: '604800000', configSource: 5, configType: 5 });
  });

  it('describes and alters dynamic broker configs, which survive a restart', async () => {
    const r = await req(IncrementalAlterConfigs, 1, {
      resources: [{ resourceType: 4, resourceName: '1', configs: [{ name: 'log.retention.ms', configOperation: 0, value: '3600000' }] }],
      validateOnly: false,
    });
    expect(r.responses[0]!.errorCode).toBe(0);
    const refused = await req(IncrementalAlterConfigs, 1, {
      resources: [{ resourceType: 4, resourceName: '1', configs: [{ name: 'node.id', configOperation: 0, value: '7' }] }],
      validateOnly: false,
    });
    expect(refused.responses[0]!.errorCode).toBe(40);
    await tb.restart();
    const d = await req(DescribeConfigs, 4, {
      resources: [{ resourceType: 4, resourceName: '1', configurationKeys: ['log.retention.ms', 'num.partitions'] }],
      includeSynonyms: false,
      includeDocumentation: false,
    });
    const by = new Map(d.results[0]!.configs.map((c) => [c.name, c]));
    expect(by.get('log.retention.ms')).toMatchObject({ value: '3600000', configSource: 2 });
    expect(by.get('num.partitions')).toMatchObject({ value: '1', configSource: 5 });
    await req(IncrementalAlterConfigs, 1, {
      resources: [{ resourceType: 4, resourceName: '1', configs: [{ name: 'log.retention.ms', configOperation: 1, value: null }] }],
      validateOnly: false,
    });
  });
});

describe('cluster, producers, partitions, groups', () => {
  it('DescribeCluster names this broker as controller', async () => {
    const r = await req(DescribeCluster, 1, { includeClusterAuthorizedOperations: false, endpointType: 1 });
    expect(r).toMatchObject({ errorCode: 0, controllerId: 1, brokers: [{ brokerId: 1, host: '127.0.0.1', port: tb.port }] });
    expect(r.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('InitProducerId v4 hands out fresh ids and bumps epochs', async () => {
    const a = await req(InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 });
    const b = await req(InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 });
    expect(a.errorCode).toBe(0);
    expect(b.producerId).toBeGreaterThan(a.producerId);
    const bumped = await req(InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: a.producerId, producerEpoch: 0 });
    expect(bumped).toMatchObject({ errorCode: 0, producerId: a.producerId, producerEpoch: 1 });
  });

  it("CreatePartitions answers with the controller's messages", async () => {
    const t = randomTopic();
    await createTopic(t, 3);
    const grow = (count: number) => req(CreatePartitions, 3, { topics: [{ name: t, count, assignments: null }], timeoutMs: 5000, validateOnly: false });
    expect((await grow(2)).results[0]).toMatchObject({ errorCode: 37, errorMessage: `The topic ${t} currently has 3 partition(s); 2 would not be an increase.` });
    expect((await grow(3)).results[0]).toMatchObject({ errorCode: 37, errorMessage: 'Topic already has 3 partition(s).' });
    expect((await grow(4)).results[0]).toMatchObject({ errorCode: 0 });
  });

  it('OffsetCommit v8 and OffsetFetch v8 (batched groups) round-trip committed offsets', async () => {
    const t = randomTopic();
    const g = randomGroup();
    await createTopic(t, 2);
    const commit = await req(OffsetCommit, 8, {
      groupId: g,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      topics: [{ name: t, partitions: [{ partitionIndex: 1, committedOffset: 42, committedLeaderEpoch: -1, committedMetadata: 'meta' }] }],
    });
    expect(commit.topics[0]!.partitions[0]!.errorCode).toBe(0);
    const fetched = await req(OffsetFetch, 8, {
      groups: [{ groupId: g, topics: null }, { groupId: 'no-such-group', topics: [{ name: t, partitionIndexes: [0] }] }],
      requireStable: false,
    });
    expect(fetched.groups[0]!.topics[0]!.partitions[0]).toMatchObject({ partitionIndex: 1, committedOffset: 42, metadata: 'meta', errorCode: 0 });
    expect(fetched.groups[1]!.topics[0]!.partitions[0]).toMatchObject({ partitionIndex: 0, committedOffset: -1, errorCode: 0 });
    const listed = await req(ListGroups, 5, { statesFilter: ['Empty'], typesFilter: ['classic'] });
    expect(listed.groups).toContainEqual({ groupId: g, protocolType: '', groupState: 'Empty', groupType: 'classic' });
    const del = await req(OffsetDelete, 0, { groupId: g, topics: [{ name: t, partitions: [{ partitionIndex: 1 }] }] });
    expect(del.errorCode).toBe(0);
    const after = await req(OffsetFetch, 7, { groupId: g, topics: null, requireStable: false });
    expect(after.topics).toEqual([]);
  });

  it('OffsetForLeaderEpoch answers the log end for the one epoch', async () => {
    const t = randomTopic();
    await createTopic(t);
    await produce(t, 2);
    const r = await req(OffsetForLeaderEpoch, 4, {
      replicaId: -1,
      topics: [{ topic: t, partitions: [{ partition: 0, currentLeaderEpoch: 0, leaderEpoch: 0 }] }],
    });
    expect(r.topics[0]!.partitions[0]).toMatchObject({ errorCode: 0, leaderEpoch: 0, endOffset: 2 });
  });
});

describe('dynamic broker configs reach the logs', () => {
  it('a topic without an override follows a changed log.retention.ms at once', async () => {
    const t = randomTopic();
    await createTopic(t);
    const log = () => tb.broker.services.log.partition(t, 0)!;
    expect(log().logConfig.retentionMs).toBe(604_800_000);
    const set = await req(IncrementalAlterConfigs, 1, {
      resources: [{ resourceType: 4, resourceName: '1', configs: [{ name: 'log.retention.ms', configOperation: 0, value: '60000' }] }],
      validateOnly: false,
    });
    expect(set.responses[0]!.errorCode).toBe(0);
    expect(log().logConfig.retentionMs).toBe(60_000);
    await req(IncrementalAlterConfigs, 1, {
      resources: [{ resourceType: 4, resourceName: '1', configs: [{ name: 'log.retention.ms', configOperation: 1, value: null }] }],
      validateOnly: false,
    });
    expect(log().logConfig.retentionMs).toBe(604_800_000);
  });
});
