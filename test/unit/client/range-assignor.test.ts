import { describe, expect, it } from 'vitest';
import { ASSIGNOR, rangeAssign, rangeAssignment } from '../../../src/engine/client/group-member.js';

describe('group member range assignor (Kafka RangeAssignor, protocol name "range")', () => {
  it('speaks protocol "range"', () => expect(ASSIGNOR).toBe('range'));

  it('splits one topic in ranges, members sorted by id, the first ones get one more', () => {
    expect([...rangeAssign(['b', 'a'], 5)]).toEqual([['a', [0, 1, 2]], ['b', [3, 4]]]);
    expect([...rangeAssign(['a', 'b', 'c'], 1)]).toEqual([['a', [0]], ['b', []], ['c', []]]);
  });

  it('splits each topic in ranges over its subscribers, sorted by member id (3 partitions, 2 members: 2 + 1)', () => {
    // Suite C found kafkajs' default RoundRobinAssigner in the console consumer: a(0,2) b(1) and
    // ASSIGNMENT-STRATEGY "RoundRobinAssigner", where Kafka's console consumers get a(0,1) b(2) and "range".
    const out = rangeAssignment(
      new Map([
        ['sc-consumer-b-2', ['t']],
        ['sc-consumer-a-1', ['t', 'u']],
      ]),
      new Map([
        ['t', 3],
        ['u', 1],
      ]),
    );
    const got = Object.fromEntries([...out].map(([m, topics]) => [m, Object.fromEntries(topics)]));
    expect(got).toEqual({ 'sc-consumer-a-1': { t: [0, 1], u: [0] }, 'sc-consumer-b-2': { t: [2] } });
  });
});
