import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  decodeAssignment,
  decodeSubscription,
  emptyAssignment,
  encodeAssignment,
  encodeSubscription,
} from '../../../src/engine/protocol/consumer-protocol.js';
import { DecodeError } from '../../../src/engine/protocol/reader.js';

const require = createRequire(import.meta.url);
const { MemberMetadata, MemberAssignment } = require('kafkajs/src/consumer/assignerProtocol.js');

const sub = {
  topics: ['a', 'b'],
  userData: Buffer.from('ud'),
  ownedPartitions: [{ topic: 'a', partitions: [0, 2] }],
  generationId: 7,
  rackId: 'rack-1',
};

describe('subscription', () => {
  it.each([0, 1, 2, 3])('round-trips v%d, with the fields of that version', (v) => {
    const back = decodeSubscription(encodeSubscription(sub, v));
    expect(back.version).toBe(v);
    expect(back.topics).toEqual(['a', 'b']);
    expect(back.userData).toEqual(Buffer.from('ud'));
    expect(back.ownedPartitions).toEqual(v >= 1 ? sub.ownedPartitions : []);
    expect(back.generationId).toBe(v >= 2 ? 7 : -1);
    expect(back.rackId).toBe(v >= 3 ? 'rack-1' : null);
  });

  it('v0 bytes are exact', () => {
    expect(encodeSubscription({ topics: ['t'], userData: null }, 0).toString('hex')).toBe('0000' + '00000001' + '000174' + 'ffffffff');
  });

  it('reads a newer version with the fields it knows and ignores the rest', () => {
    const v3 = encodeSubscription(sub, 3);
    const v9 = Buffer.concat([Buffer.from([0, 9]), v3.subarray(2), Buffer.from('future fields')]);
    const back = decodeSubscription(v9);
    expect(back).toEqual({ ...sub, version: 9 });
  });

  it('tolerates trailing bytes and rejects truncation or a negative version', () => {
    const v1 = encodeSubscription(sub, 1);
    expect(decodeSubscription(Buffer.concat([v1, Buffer.from([1, 2, 3])])).ownedPartitions).toEqual(sub.ownedPartitions);
    expect(() => decodeSubscription(v1.subarray(0, v1.length - 1))).toThrow(DecodeError);
    expect(() => decodeSubscription(Buffer.from('ffff00000000ffffffff', 'hex'))).toThrow(DecodeError);
  });

  it('matches kafkajs MemberMetadata both ways', () => {
    // kafkajs's assigners write version 0.
    const fromKjs = MemberMetadata.encode({ version: 0, topics: ['x', 'y'], userData: Buffer.from('u') });
    expect(decodeSubscription(fromKjs)).toEqual({
      version: 0,
      topics: ['x', 'y'],
      userData: Buffer.from('u'),
      ownedPartitions: [],
      generationId: -1,
      rackId: null,
    });
    const kjs = MemberMetadata.decode(encodeSubscription({ topics: ['x'], userData: Buffer.from('u') }, 3));
    expect(kjs).toEqual({ version: 3, topics: ['x'], userData: Buffer.from('u') });
  });
});

describe('assignment', () => {
  const a = { assignedPartitions: [{ topic: 't', partitions: [0, 1] }, { topic: 'u', partitions: [] }], userData: null };

  it.each([0, 1, 2, 3])('round-trips v%d', (v) => {
    expect(decodeAssignment(encodeAssignment(a, v))).toEqual({ ...a, version: v });
  });

  it('an empty blob and the synthetic empty assignment', () => {
    expect(decodeAssignment(Buffer.alloc(0))).toEqual({ version: 0, assignedPartitions: [], userData: null });
    expect(emptyAssignment().toString('hex')).toBe('0000' + '00000000' + 'ffffffff');
    expect(decodeAssignment(emptyAssignment(3))).toEqual({ version: 3, assignedPartitions: [], userData: null });
  });

  it('reads a newer version and trailing bytes', () => {
    const enc = encodeAssignment(a, 3);
    const v4 = Buffer.concat([Buffer.from([0, 4]), enc.subarray(2), Buffer.from([9, 9])]);
    expect(decodeAssignment(v4)).toEqual({ ...a, version: 4 });
  });

  it('matches kafkajs MemberAssignment both ways', () => {
    const fromKjs = MemberAssignment.encode({ version: 0, assignment: { t: [2, 3], v: [1] }, userData: Buffer.from('x') });
    expect(decodeAssignment(fromKjs)).toEqual({
      version: 0,
      assignedPartitions: [
        { topic: 't', partitions: [2, 3] },
        { topic: 'v', partitions: [1] },
      ],
      userData: Buffer.from('x'),
    });
    const kjs = MemberAssignment.decode(encodeAssignment({ assignedPartitions: [{ topic: 't', partitions: [5] }], userData: Buffer.alloc(0) }, 1));
    expect(kjs).toEqual({ version: 1, assignment: { t: [5] }, userData: Buffer.alloc(0) });
  });
});
