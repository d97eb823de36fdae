/**
 * Found against real Apache Kafka (test/reference/suite-a-mq-on-kafka.test.ts, three nodes): when
 * the leader's broker stopped, mq-console-producer died with "Connection to 127.0.0.1:<port> was
 * closed by the broker" and the records for that partition were lost: a lost connection was fatal
 * in the producer (Kafka's producer retries it as NETWORK_EXCEPTION after a metadata refresh), and
 * Cluster kept handing out the dead connection (forNode cache, bootstrap connection).
 * Scripted peers, no Java.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Cluster } from '../../../src/engine/client/cluster.js';
import type { Session } from '../../../src/engine/client/connect.js';
import { Producer, type PartitionLeader } from '../../../src/engine/client/producer.js';
import type { Struct } from '../../helpers/struct.js';
import { Produce } from '../../../src/engine/protocol/messages/00-produce.js';
import { startFakeKafka, type FakeKafka } from './fake-kafka.js';

const fakes: FakeKafka[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

/** Two brokers: node 1 at `a`, node 2 at `b`; Metadata from either names both. */
async function twoBrokers(onProduce: (node: 1 | 2) => Struct | null): Promise<{ a: FakeKafka; b: FakeKafka; metadataCalls: () => number }> {
  let calls = 0;
  const brokers = (): Struct[] => [
    { nodeId: 1, host: a.host, port: a.port, rack: null },
    { nodeId: 2, host: b.host, port: b.port, rack: null },
  ];
  const handler = (node: 1 | 2) => (apiKey: number, _v: number, body: Struct): Struct | null => {
    if (apiKey === 3) {
      calls++;
      return { throttleTimeMs: 0, brokers: brokers(), clusterId: 'c', controllerId: 1, topics: [], clusterAuthorizedOperations: -2147483648 };
    }
    if (apiKey === 0) {
      const answer = onProduce(node);
      if (answer === null) return null;
      const parts = ((body.topicData as Struct[])[0]!.partitionData as Struct[]).map((p) => ({
        index: p.index, errorCode: 0, baseOffset: 0, logAppendTimeMs: -1, logStartOffset: 0, recordErrors: [], errorMessage: null, ...answer,
      }));
      return { throttleTimeMs: 0, responses: [{ name: (body.topicData as Struct[])[0]!.name, partitionResponses: parts }] };
    }
    throw new Error(`unexpected API ${apiKey}`);
  };
  const a: FakeKafka = await startFakeKafka({ 0: 9, 3: 9 }, handler(1));
  const b: FakeKafka = await startFakeKafka({ 0: 9, 3: 9 }, handler(2));
  fakes.push(a, b);
  return { a, b, metadataCalls: () => calls };
}

describe('Cluster after a broker went away', () => {
  it('forNode reopens a connection that was closed', async () => {
    let drop = true;
    const { a, b } = await twoBrokers(() => {
      if (drop) {
        drop = false;
        return null;
      }
      return {};
    });
    const cluster = await Cluster.connect([a.address]);
    try {
      const first = await cluster.forNode(2);
      await expect(first.request(Produce, { transactionalId: null, acks: -1, timeoutMs: 1000, topicData: [{ name: 't', partitionData: [] }] })).rejects.toThrow(
        /was closed by the broker/,
      );
      expect(first.closed).toBe(true);
      const second = await cluster.forNode(2);
      expect(second).not.toBe(first);
      expect(second.closed).toBe(false);
      expect(second.address).toBe(b.address);
    } finally {
      await cluster.close();
    }
  });

  it('metadata() reconnects when the bootstrap connection was lost', async () => {
    const { a, b, metadataCalls } = await twoBrokers(() => ({}));
    const cluster = await Cluster.connect([a.address]);
    try {
      await cluster.metadata([]);
      cluster.any().close();
      const md = await cluster.metadata([]);
      expect((md.brokers as Struct[]).map((x) => x.nodeId)).toEqual([1, 2]);
      expect(metadataCalls()).toBe(2);
      expect(cluster.any().closed).toBe(false);
      void b;
    } finally {
      await cluster.close();
    }
  });
});

describe('Producer', () => {
  it('a leader whose connection drops: the batch is retried on the new leader after a refresh, not fatal', async () => {
    const seen: number[] = [];
    const { a } = await twoBrokers((node) => {
      seen.push(node);
      return node === 2 ? null : {};
    });
    const cluster = await Cluster.connect([a.address]);
    const session = { cluster: async () => cluster, error: (e: unknown) => e as Error } as unknown as Session;
    let loads = 0;
    const acked: number[] = [];
    const errors: string[] = [];
    const producer = new Producer(
      session,
      't',
      { acks: -1, compression: 'none', batchSize: 16384, lingerMs: 0, maxInFlight: 5, maxRequestSize: 1048576, bufferMemory: 1 << 25, requestTimeoutMs: 5000, retries: 3, retryBackoffMs: 10 },
      {
        // leader 2 first; after the drop, Metadata says the leadership moved to 1
        loadPartitions: async (): Promise<PartitionLeader[]> => [{ id: 0, leader: loads++ === 0 ? 2 : 1 }],
        onAck: (b) => acked.push(b.count),
        onError: (_b, e) => errors.push(e),
      },
    );
    try {
      await producer.init();
      await producer.send(0, null, Buffer.from('v'), [], Date.now());
      await producer.flush();
      expect(errors).toEqual([]);
      expect(acked).toEqual([1]);
      expect(seen).toEqual([2, 1]);
    } finally {
      producer.close();
      await cluster.close();
    }
  });
});
