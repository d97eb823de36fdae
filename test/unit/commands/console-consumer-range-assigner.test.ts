import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { rangeAssigner } from '../../../src/commands/console-consumer/range-assigner.js';

const { MemberMetadata, MemberAssignment } = kafkajs.AssignerProtocol;

function assigner(partitions: Record<string, number>) {
  const cluster = { findTopicPartitionMetadata: (t: string) => Array.from({ length: partitions[t] ?? 0 }, (_, i) => ({ partitionId: i })) };
  return rangeAssigner({ cluster: cluster as never, groupId: 'g', logger: undefined as never });
}

const member = (memberId: string, topics: string[]) => ({ memberId, memberMetadata: MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) });

describe('console consumer range assignor (Kafka RangeAssignor, protocol name "range")', () => {
  it('speaks protocol "range" with a v0 subscription of the topics', () => {
    const p = assigner({}).protocol({ topics: ['t'] });
    expect(p.name).toBe('range');
    expect(MemberMetadata.decode(p.metadata)?.topics).toEqual(['t']);
  });

  it('splits each topic in ranges over its subscribers, sorted by member id (3 partitions, 2 members: 2 + 1)', async () => {
    // Suite C found kafkajs' default RoundRobinAssigner here: a(0,2) b(1) and ASSIGNMENT-STRATEGY
    // "RoundRobinAssigner", where Kafka's console consumers get a(0,1) b(2) and "range".
    const out = await assigner({ t: 3, u: 1 }).assign({
      members: [member('sc-consumer-b-2', ['t']), member('sc-consumer-a-1', ['t', 'u'])],
      topics: ['t', 'u'],
    });
    const got = Object.fromEntries(out.map((a) => [a.memberId, MemberAssignment.decode(a.memberAssignment)?.assignment]));
    expect(got).toEqual({ 'sc-consumer-a-1': { t: [0, 1], u: [0] }, 'sc-consumer-b-2': { t: [2] } });
  });
});
