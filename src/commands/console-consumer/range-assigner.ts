/**
 * Kafka's RangeAssignor as a kafkajs partition assigner, under Kafka's protocol name `range`.
 *
 * The Java console consumer offers `[range, cooperative-sticky]` (partition.assignment.strategy
 * default), so a group of console consumers elects `range`: each topic's partitions are split in
 * ranges over the members subscribed to it, members sorted by id. kafkajs' default would be its
 * RoundRobinAssigner (protocol name `RoundRobinAssigner`), which assigns differently, shows a
 * different ASSIGNMENT-STRATEGY in kafka-consumer-groups --state, and cannot share a group with
 * Java, librdkafka or kcat consumers that only speak `range`.
 */
import kafkajs from 'kafkajs';
import type { PartitionAssigner } from 'kafkajs';
import { rangeAssign } from '../consumer-perf-test/group.js';

export const rangeAssigner: PartitionAssigner = ({ cluster }) => ({
  name: 'range',
  version: 0,
  async assign({ members, topics }) {
    const { MemberMetadata, MemberAssignment } = kafkajs.AssignerProtocol;
    const subscribers = new Map<string, string[]>();
    for (const m of members) {
      const meta = MemberMetadata.decode(m.memberMetadata);
      for (const t of meta?.topics ?? topics) {
        if (!subscribers.has(t)) subscribers.set(t, []);
        subscribers.get(t)!.push(m.memberId);
      }
    }
    const assignment = new Map<string, Record<string, number[]>>(members.map((m) => [m.memberId, {}]));
    for (const [topic, ids] of subscribers) {
      const n = cluster.findTopicPartitionMetadata(topic).length;
      for (const [memberId, parts] of rangeAssign(ids, n)) {
        if (parts.length) assignment.get(memberId)![topic] = parts;
      }
    }
    return [...assignment].map(([memberId, a]) => ({
      memberId,
      memberAssignment: MemberAssignment.encode({ version: 0, assignment: a, userData: Buffer.alloc(0) }),
    }));
  },
  protocol({ topics }) {
    return { name: 'range', metadata: kafkajs.AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) };
  },
});
