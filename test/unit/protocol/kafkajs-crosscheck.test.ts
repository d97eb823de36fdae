/**
 * Cross-checks against kafkajs 2.2.4's own encoders and decoders, for every API and version it
 * implements. Requests: kafkajs encodes, we decode (consuming every byte), named fields carry the
 * values kafkajs was given, and re-encoding our decoded value reproduces kafkajs's bytes exactly.
 * Responses: we encode a fully populated sample, kafkajs decodes it, and every value we wrote
 * shows up in what kafkajs read.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { decode, encode } from '../../../src/engine/protocol/codec.js';
import { encodeAssignment, encodeSubscription } from '../../../src/engine/protocol/consumer-protocol.js';
import { isFlexible } from '../../../src/engine/protocol/header.js';
import { Reader } from '../../../src/engine/protocol/reader.js';
import type { Field } from '../../../src/engine/protocol/schema.js';
import { schemaFor } from '../../../src/engine/protocol/messages/index.js';
import { sample } from './sample.js';

const require = createRequire(import.meta.url);
const kjs = (p: string) => require(`kafkajs/src/protocol/${p}`);
const Long = kjs('../utils/long.js');
const { RecordBatch } = kjs('recordBatch/v0/index.js');
const Record = kjs('recordBatch/record/v0/index.js');

/** kafkajs's encoder arguments: plain objects its untyped JavaScript reads by name. */
type Args = Record<string, unknown> | readonly unknown[];
/**
 * Our decoding of kafkajs's bytes and our sample responses, walked by field name for whichever API
 * the table row names (the descriptor comes from schemaFor at run time, so no static type exists).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above: one row type for every API
type Loose = Record<string, any>;
interface Api {
  dir: string;
  key: number;
  args: Args | (() => Args);
  /** Checks on our decoding of kafkajs's request. */
  check?: (d: Loose, v: number) => void;
  /** Adjusts our sample response so kafkajs can decode it (real records, valid blobs). */
  fixResponse?: (value: Loose, v: number) => void | Promise<void>;
  /** Leaf values kafkajs legitimately does not surface, by field name. */
  ignoreResponseFields?: string[];
}

const topics2 = (partitions: (p: number) => Args) => [
  { topic: 'topic-a', partitions: [partitions(0), partitions(1)] },
  { topic: 'topic-b', partitions: [partitions(5)] },
];

const apis: Api[] = [
  {
    dir: 'produce',
    key: 0,
    args: () => ({
      acks: -1,
      timeout: 30000,
      transactionalId: 'tx-1',
      producerId: Long.fromInt(99),
      producerEpoch: 3,
      topicData: [
        { topic: 'topic-a', partitions: [{ partition: 2, firstSequence: 0, messages: [{ key: 'k', value: 'v', timestamp: 1_700_000_000_000 }] }] },
      ],
    }),
    check: (d, v) => {
      expect(d.acks).toBe(-1);
      expect(d.timeoutMs).toBe(30000);
      expect(d.topicData[0].name).toBe('topic-a');
      expect(d.topicData[0].partitionData[0].index).toBe(2);
      expect(Buffer.isBuffer(d.topicData[0].partitionData[0].records)).toBe(true);
      if (v >= 3) expect(d.transactionalId).toBe('tx-1');
    },
  },
  {
    dir: 'fetch',
    key: 1,
    args: {
      replicaId: -1,
      maxWaitTime: 500,
      minBytes: 1,
      maxBytes: 10485760,
      isolationLevel: 1,
      sessionId: 0,
      sessionEpoch: -1,
      rackId: 'rack-z',
      topics: topics2((p) => ({ partition: p, fetchOffset: '123456789012', maxBytes: 1048576, currentLeaderEpoch: 4, logStartOffset: '7' })),
      forgottenTopics: [{ topic: 'old', partitions: [1, 2] }],
    },
    check: (d, v) => {
      expect(d).toMatchObject({ replicaId: -1, maxWaitMs: 500, minBytes: 1 });
      expect(d.topics[0].topic).toBe('topic-a');
      expect(d.topics[0].partitions[1]).toMatchObject({ partition: 1, fetchOffset: 123456789012, partitionMaxBytes: 1048576 });
      if (v >= 3) expect(d.maxBytes).toBe(10485760);
      if (v >= 4) expect(d.isolationLevel).toBe(1);
      if (v >= 5) expect(d.topics[0].partitions[0].logStartOffset).toBe(7);
      if (v >= 7) expect(d.forgottenTopicsData).toEqual([{ topic: 'old', partitions: [1, 2] }]);
      if (v >= 9) expect(d.topics[0].partitions[0].currentLeaderEpoch).toBe(4);
      if (v >= 11) expect(d.rackId).toBe('rack-z');
    },
    fixResponse: async (value, v) => {
      const batch = Buffer.from(
        (
          await RecordBatch({
            firstOffset: Long.fromInt(0),
            firstTimestamp: 1_700_000_000_000,
            maxTimestamp: 1_700_000_000_000,
            lastOffsetDelta: 0,
            records: [Record({ key: 'k', value: 'v' })],
          })
        ).buffer,
      );
      for (const t of value.responses) {
        for (const p of t.partitions) {
          p.records = v >= 4 ? batch : Buffer.alloc(0);
          if (p.abortedTransactions) for (const a of p.abortedTransactions) a.producerId = 5;
        }
      }
    },
    // kafkajs decodes records into messages and does not keep the raw bytes.
    ignoreResponseFields: ['records'],
  },
  {
    dir: 'listOffsets',
    key: 2,
    args: { replicaId: -1, isolationLevel: 1, topics: topics2((p) => ({ partition: p, timestamp: '-2', maxNumOffsets: 1 })) },
    check: (d, v) => {
      expect(d.replicaId).toBe(-1);
      expect(d.topics[1]).toEqual({ name: 'topic-b', partitions: [{ partitionIndex: 5, timestamp: -2, maxNumOffsets: 1, currentLeaderEpoch: -1 }] });
      if (v >= 2) expect(d.isolationLevel).toBe(1);
    },
  },
  {
    dir: 'metadata',
    key: 3,
    args: { topics: ['topic-a', 'topic-b'], allowAutoTopicCreation: false },
    check: (d, v) => {
      expect(d.topics.map((t: { name: string }) => t.name)).toEqual(['topic-a', 'topic-b']);
      if (v >= 4) expect(d.allowAutoTopicCreation).toBe(false);
    },
  },
  {
    dir: 'offsetCommit',
    key: 8,
    args: {
      groupId: 'g',
      groupGenerationId: 12,
      memberId: 'm-1',
      retentionTime: -1,
      topics: topics2((p) => ({ partition: p, offset: '42', metadata: p === 1 ? null : 'meta' })),
    },
    check: (d, v) => {
      expect(d.groupId).toBe('g');
      expect(d.topics[0].partitions[0]).toMatchObject({ partitionIndex: 0, committedOffset: 42, committedMetadata: 'meta' });
      expect(d.topics[0].partitions[1].committedMetadata).toBeNull();
      if (v >= 1) expect(d).toMatchObject({ generationIdOrMemberEpoch: 12, memberId: 'm-1' });
      if (v >= 2 && v <= 4) expect(d.retentionTimeMs).toBe(-1);
    },
  },
  {
    dir: 'offsetFetch',
    key: 9,
    args: { groupId: 'g', topics: topics2((p) => ({ partition: p })) },
    check: (d) => {
      expect(d.groupId).toBe('g');
      expect(d.topics).toEqual([
        { name: 'topic-a', partitionIndexes: [0, 1] },
        { name: 'topic-b', partitionIndexes: [5] },
      ]);
    },
  },
  {
    dir: 'findCoordinator',
    key: 10,
    args: { groupId: 'g-1', coordinatorType: 1 },
    check: (d, v) => {
      expect(d.key).toBe('g-1');
      if (v >= 1) expect(d.keyType).toBe(1);
    },
  },
  {
    dir: 'joinGroup',
    key: 11,
    args: {
      groupId: 'g',
      sessionTimeout: 30000,
      rebalanceTimeout: 60000,
      memberId: '',
      groupInstanceId: 'static-1',
      protocolType: 'consumer',
      groupProtocols: [{ name: 'RoundRobinAssigner', metadata: encodeSubscription({ topics: ['topic-a'] }, 0) }],
    },
    check: (d, v) => {
      expect(d).toMatchObject({ groupId: 'g', sessionTimeoutMs: 30000, memberId: '', protocolType: 'consumer' });
      expect(d.protocols[0].name).toBe('RoundRobinAssigner');
      if (v >= 1) expect(d.rebalanceTimeoutMs).toBe(60000);
      if (v >= 5) expect(d.groupInstanceId).toBe('static-1');
    },
  },
  {
    dir: 'heartbeat',
    key: 12,
    args: { groupId: 'g', groupGenerationId: 3, memberId: 'm', groupInstanceId: null },
    check: (d) => expect(d).toMatchObject({ groupId: 'g', generationId: 3, memberId: 'm' }),
  },
  {
    dir: 'leaveGroup',
    key: 13,
    args: { groupId: 'g', memberId: 'm', groupInstanceId: 'i' },
    check: (d, v) => {
      expect(d.groupId).toBe('g');
      if (v <= 2) expect(d.memberId).toBe('m');
      else expect(d.members).toEqual([{ memberId: 'm', groupInstanceId: 'i', reason: null }]);
    },
  },
  {
    dir: 'syncGroup',
    key: 14,
    args: {
      groupId: 'g',
      generationId: 2,
      memberId: 'm',
      groupInstanceId: null,
      groupAssignment: [{ memberId: 'm', memberAssignment: encodeAssignment({ assignedPartitions: [{ topic: 't', partitions: [0] }] }, 0) }],
    },
    check: (d) => {
      expect(d).toMatchObject({ groupId: 'g', generationId: 2, memberId: 'm' });
      expect(d.assignments[0].memberId).toBe('m');
    },
    fixResponse: (value) => {
      value.assignment = encodeAssignment({ assignedPartitions: [{ topic: 't', partitions: [3] }], userData: Buffer.from('ud') }, 0);
    },
    ignoreResponseFields: ['assignment'],
  },
  {
    dir: 'describeGroups',
    key: 15,
    args: { groupIds: ['g1', 'g2'] },
    check: (d) => expect(d.groups).toEqual(['g1', 'g2']),
  },
  { dir: 'listGroups', key: 16, args: {} },
  { dir: 'saslHandshake', key: 17, args: { mechanism: 'PLAIN' }, check: (d) => expect(d.mechanism).toBe('PLAIN') },
  { dir: 'apiVersions', key: 18, args: {} },
  {
    dir: 'createTopics',
    key: 19,
    args: {
      topics: [
        { topic: 't1' },
        {
          topic: 't2',
          numPartitions: 3,
          replicationFactor: 1,
          replicaAssignment: [{ partition: 0, replicas: [0, 1] }],
          configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
        },
      ],
      validateOnly: true,
      timeout: 5000,
    },
    check: (d, v) => {
      expect(d.topics[0]).toMatchObject({ name: 't1', numPartitions: -1, replicationFactor: -1 });
      expect(d.topics[1].assignments).toEqual([{ partitionIndex: 0, brokerIds: [0, 1] }]);
      expect(d.topics[1].configs).toEqual([{ name: 'cleanup.policy', value: 'compact' }]);
      expect(d.timeoutMs).toBe(5000);
      if (v >= 1) expect(d.validateOnly).toBe(true);
    },
  },
  {
    dir: 'deleteTopics',
    key: 20,
    args: { topics: ['t1', 't2'], timeout: 5000 },
    check: (d) => expect(d).toMatchObject({ topicNames: ['t1', 't2'], timeoutMs: 5000 }),
  },
  {
    dir: 'deleteRecords',
    key: 21,
    args: { topics: topics2((p) => ({ partition: p, offset: '-1' })), timeout: 1000 },
    check: (d) => expect(d.topics[0].partitions[1]).toEqual({ partitionIndex: 1, offset: -1 }),
  },
  {
    dir: 'initProducerId',
    key: 22,
    args: { transactionalId: null, transactionTimeout: 60000 },
    check: (d) => expect(d).toMatchObject({ transactionalId: null, transactionTimeoutMs: 60000 }),
  },
  {
    dir: 'describeConfigs',
    key: 32,
    args: { resources: [{ type: 2, name: 't1', configNames: ['retention.ms'] }, { type: 4, name: '0', configNames: [] }], includeSynonyms: true },
    check: (d, v) => {
      expect(d.resources).toEqual([
        { resourceType: 2, resourceName: 't1', configurationKeys: ['retention.ms'] },
        // kafkajs writes an empty list as null ("all configs").
        { resourceType: 4, resourceName: '0', configurationKeys: null },
      ]);
      if (v >= 1) expect(d.includeSynonyms).toBe(true);
    },
  },
  {
    dir: 'alterConfigs',
    key: 33,
    args: { resources: [{ type: 2, name: 't1', configEntries: [{ name: 'retention.ms', value: '1000' }] }], validateOnly: false },
    check: (d) => expect(d.resources[0]).toEqual({ resourceType: 2, resourceName: 't1', configs: [{ name: 'retention.ms', value: '1000' }] }),
  },
  {
    dir: 'saslAuthenticate',
    key: 36,
    // kafkajs's SASL mechanisms hand over bytes that already carry their int32 length.
    args: { authBytes: Buffer.concat([Buffer.from([0, 0, 0, 10]), Buffer.from('\0user\0pass')]) },
    check: (d) => expect(d.authBytes).toEqual(Buffer.from('\0user\0pass')),
    // kafkajs puts the length prefix back on the bytes it returns (checked separately below).
    ignoreResponseFields: ['authBytes'],
  },
  {
    dir: 'createPartitions',
    key: 37,
    args: { topicPartitions: [{ topic: 't1', count: 4, assignments: [[0], [0]] }, { topic: 't2', count: 2 }], validateOnly: false, timeout: 5000 },
    check: (d) => {
      expect(d.topics[0]).toEqual({ name: 't1', count: 4, assignments: [{ brokerIds: [0] }, { brokerIds: [0] }] });
      // kafkajs writes "no assignments" as a null array, which Kafka reads as "broker decides".
      expect(d.topics[1].assignments).toBeNull();
    },
  },
  {
    dir: 'deleteGroups',
    key: 42,
    args: ['g1', 'g2'],
    check: (d) => expect(d.groupsNames).toEqual(['g1', 'g2']),
  },
];

function kafkajsVersions(dir: string): number[] {
  return kjs(`requests/${dir}/index.js`).versions.map(Number);
}

function leaves(v: unknown, fields: readonly Field[] | undefined, ignore: Set<string>, out: string[], name = ''): void {
  if (ignore.has(name)) return;
  if (v === null || v === undefined) return;
  if (Buffer.isBuffer(v)) {
    if (v.length > 0) out.push(`buf:${v.toString('hex')}`);
    return;
  }
  if (Array.isArray(v)) {
    const f = fields?.find((x) => x.name === name);
    for (const x of v) leaves(x, f?.fields ?? fields, ignore, out, f?.fields ? '' : name);
    return;
  }
  if (typeof v === 'object') {
    const f = fields?.find((x) => x.name === name);
    const inner = name === '' ? fields : f?.fields;
    for (const [k, x] of Object.entries(v)) leaves(x, inner, ignore, out, k);
    return;
  }
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') out.push(String(v));
}

function kjsLeaves(v: unknown, out: Set<string>): void {
  if (v === null || v === undefined) return;
  if (Buffer.isBuffer(v)) {
    out.add(`buf:${v.toString('hex')}`);
    return;
  }
  if (Long.isLong?.(v) || (typeof v === 'object' && v !== null && 'high' in v && 'low' in v)) {
    out.add((v as { toString(): string }).toString()); // a kafkajs Long: its decimal digits
    return;
  }
  if (Array.isArray(v)) {
    for (const x of v) kjsLeaves(x, out);
    return;
  }
  if (typeof v === 'object') {
    for (const x of Object.values(v)) kjsLeaves(x, out);
    return;
  }
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') out.add(String(v));
}

/** Sets every errorCode to 0 (kafkajs throws on some codes while decoding) and makes ints unique-ish but valid. */
function neutralise(value: unknown): void {
  if (Array.isArray(value)) return value.forEach(neutralise);
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    const o = value as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (k === 'errorCode') o[k] = 0;
      else neutralise(o[k]);
    }
  }
}

for (const a of apis) {
  const schema = schemaFor(a.key)!;
  describe(`${schema.name} vs kafkajs`, () => {
    for (const v of kafkajsVersions(a.dir)) {
      it(`v${v} request: kafkajs encodes, we decode`, async () => {
        const args = typeof a.args === 'function' ? a.args() : a.args;
        const { request } = kjs(`requests/${a.dir}/index.js`).protocol({ version: v })(args);
        expect(request.apiKey).toBe(a.key);
        expect(request.apiVersion).toBe(v);
        const bytes = Buffer.from((await request.encode()).buffer);
        const flexible = isFlexible(schema, v);
        expect(flexible).toBe(false);
        const r = new Reader(bytes);
        const decoded = decode(schema.request, v, r, flexible);
        expect(r.remaining).toBe(0);
        a.check?.(decoded, v);
        expect(encode(schema.request, v, decoded, flexible).toBuffer().toString('hex')).toBe(bytes.toString('hex'));
      });

      it(`v${v} response: we encode, kafkajs decodes`, async () => {
        const value = sample(schema.response, v);
        neutralise(value);
        await a.fixResponse?.(value, v);
        const bytes = encode(schema.response, v, value, false).toBuffer();
        const { response } = kjs(`requests/${a.dir}/index.js`).protocol({ version: v })(
          typeof a.args === 'function' ? a.args() : a.args,
        );
        const decoded = await response.decode(bytes);
        const ours: string[] = [];
        leaves(value, schema.response.fields, new Set(a.ignoreResponseFields ?? []), ours);
        const theirs = new Set<string>();
        kjsLeaves(decoded, theirs);
        const missing = ours.filter((x) => !theirs.has(x));
        expect(missing).toEqual([]);
      });
    }
  });
}

describe('SaslAuthenticate response bytes vs kafkajs', () => {
  it.each([0, 1])('v%d', async (v) => {
    const schema = schemaFor(36)!;
    const bytes = encode(schema.response, v, { errorCode: 0, errorMessage: null, authBytes: Buffer.from('ok'), sessionLifetimeMs: 1000 }, false).toBuffer();
    const { response } = kjs('requests/saslAuthenticate/index.js').protocol({ version: v })({ authBytes: Buffer.alloc(4) });
    const decoded = await response.decode(bytes);
    expect(decoded.authBytes).toEqual(Buffer.from('000000026f6b', 'hex'));
  });
});
