/**
 * What the sampler learns from Metadata and keeps between rounds: the brokers, the topics with
 * their partitions (leader, replicas, ISR), the partitions each broker leads with the ListOffsets
 * requests for them built once, and one key string per partition ("topic:partition") made once,
 * so the maps every round fills reuse the same strings instead of building 6,000 new ones.
 *
 * Metadata of 6,000 partitions is the largest answer of a round and the dearest for the broker
 * to build, and it rarely changes; the sampler asks again every few rounds, after an action, and
 * as soon as an answer says the picture is out of date (topology-age rules are in sampler.ts).
 */
import { ErrorCode } from '../../engine/protocol/error-codes.js';
import type { Metadata } from '../../engine/protocol/messages/03-metadata.js';
import type { ResponseOf } from '../../engine/protocol/schema.js';
import { isInternalTopic } from '../../engine/client/admin/topics.js';
import { EARLIEST, LATEST, listOffsetsTopics, type ListOffsetsTopics, type TopicInfo as LeaderInfo } from '../../engine/client/partitions.js';

export interface BrokerInfo {
  id: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface PartitionState {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  offline: number[];
  errorCode: number;
}

export interface TopicState {
  name: string;
  topicId: string | null;
  internal: boolean;
  partitions: PartitionState[];
}

/** The partitions one broker leads and the two ListOffsets requests that ask them. */
export interface Led {
  count: number;
  latest: ListOffsetsTopics;
  earliest: ListOffsetsTopics;
}

export interface Topology {
  clusterId: string | null;
  controllerId: number;
  brokers: BrokerInfo[];
  topics: Map<string, TopicState>;
  leaders: Map<string, LeaderInfo>;
  /** Broker id -> the partitions it leads. */
  led: Map<number, Led>;
  /** Topic -> its partitions' keys, indexed by partition number. */
  keys: Map<string, string[]>;
  /** Key -> the partition's leader. */
  leaderByKey: Map<string, number>;
  partitionCount: number;
}

/** The key of a partition (the one string kept for it), or undefined for a partition Metadata did not list. */
export function keyOf(t: Topology, topic: string, partition: number): string | undefined {
  return t.keys.get(topic)?.[partition];
}

export function topologyOf(md: ResponseOf<typeof Metadata>): Topology {
  const topics = new Map<string, TopicState>();
  const leaders = new Map<string, LeaderInfo>();
  const keys = new Map<string, string[]>();
  const leaderByKey = new Map<string, number>();
  const byLeader = new Map<number, Map<string, number[]>>();
  let partitionCount = 0;
  for (const t of md.topics) {
    if (t.name === null || (t.errorCode !== ErrorCode.NONE && t.errorCode !== ErrorCode.LEADER_NOT_AVAILABLE)) continue;
    const name = t.name;
    const partitions = t.partitions
      .map((p) => ({
        partition: p.partitionIndex,
        leader: p.leaderId,
        replicas: [...p.replicaNodes],
        isr: [...p.isrNodes],
        offline: [...p.offlineReplicas],
        errorCode: p.errorCode,
      }))
      .sort((a, b) => a.partition - b.partition);
    const topicId = t.topicId !== undefined && !/^0*$/.test(t.topicId) ? Buffer.from(t.topicId, 'hex').toString('base64url') : null;
    topics.set(name, { name, topicId, internal: t.isInternal || isInternalTopic(name), partitions });
    leaders.set(name, { name, errorCode: t.errorCode, partitions: partitions.map((p) => ({ id: p.partition, leader: p.leader })) });
    const ks: string[] = [];
    for (const p of partitions) {
      const k = `${name}:${p.partition}`;
      ks[p.partition] = k;
      leaderByKey.set(k, p.leader);
      partitionCount++;
      if (p.leader < 0) continue;
      let mine = byLeader.get(p.leader);
      if (!mine) byLeader.set(p.leader, (mine = new Map<string, number[]>()));
      let list = mine.get(name);
      if (!list) mine.set(name, (list = []));
      list.push(p.partition);
    }
    keys.set(name, ks);
  }
  const led = new Map<number, Led>();
  for (const [broker, mine] of byLeader) {
    const list = [...mine].map(([topic, partitions]) => ({ topic, partitions }));
    led.set(broker, {
      count: list.reduce((n, t) => n + t.partitions.length, 0),
      latest: listOffsetsTopics(list, LATEST),
      earliest: listOffsetsTopics(list, EARLIEST),
    });
  }
  return {
    clusterId: md.clusterId ?? null,
    controllerId: md.controllerId,
    brokers: md.brokers.map((b) => ({ id: b.nodeId, host: b.host, port: b.port, rack: b.rack ?? null })).sort((a, b) => a.id - b.id),
    topics,
    leaders,
    led,
    keys,
    leaderByKey,
    partitionCount,
  };
}
