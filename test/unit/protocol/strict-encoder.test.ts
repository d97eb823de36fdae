/**
 * The encoder refuses what it cannot send, as Kafka's generated message classes do, instead of
 * sending less than the caller meant.
 */
import { describe, expect, it } from 'vitest';
import { decode, encode, EncodeError } from '../../../src/engine/protocol/codec.js';
import { JoinGroup } from '../../../src/engine/protocol/messages/11-join-group.js';
import { DeleteTopics } from '../../../src/engine/protocol/messages/20-delete-topics.js';
import { ListOffsets } from '../../../src/engine/protocol/messages/02-list-offsets.js';
import { DecodeError, Reader } from '../../../src/engine/protocol/reader.js';
import { Writer } from '../../../src/engine/protocol/writer.js';

const join = { groupId: 'g', sessionTimeoutMs: 10_000, memberId: '', protocolType: 'consumer', protocols: [] };

describe('strict encoder', () => {
  it('refuses a non-default value in a field the version lacks (JoinGroup v4 with groupInstanceId)', () => {
    expect(() => encode(JoinGroup.request, 4, { ...join, groupInstanceId: 'static-1' }, false)).toThrow(EncodeError);
    expect(() => encode(JoinGroup.request, 4, { ...join, groupInstanceId: 'static-1' }, false)).toThrow(
      'JoinGroupRequest.groupInstanceId at version 4: a non-default value in a field this version does not have',
    );
    // The same value at v5, where the field exists, round-trips.
    const bytes = encode(JoinGroup.request, 5, { ...join, groupInstanceId: 'static-1' }, false).toBuffer();
    expect(decode(JoinGroup.request, 5, new Reader(bytes), false).groupInstanceId).toBe('static-1');
    // A null (the field's default) at v4 is fine.
    expect(() => encode(JoinGroup.request, 4, { ...join, groupInstanceId: null }, false)).not.toThrow();
  });

  it('a response drops an ignorable field silently, as Kafka does (JoinGroup protocolType before v7)', () => {
    const response = { errorCode: 0, generationId: 1, protocolType: 'consumer', protocolName: 'range', leader: 'm', memberId: 'm', members: [] };
    const bytes = encode(JoinGroup.response, 6, response, true).toBuffer();
    expect(decode(JoinGroup.response, 6, new Reader(bytes), true).protocolType).toBeNull();
  });

  it('a request refuses even an ignorable field: the client chose the version (JoinGroup reason before v8)', () => {
    expect(() => encode(JoinGroup.request, 7, { ...join, reason: 'rejoin' }, true)).toThrow('JoinGroupRequest.reason at version 7');
  });

  it("refuses DeleteTopics v6 given v0-5's topicNames instead of sending no topics", () => {
    expect(() => encode(DeleteTopics.request, 6, { topicNames: ['a'], timeoutMs: 1000 }, true)).toThrow(
      'DeleteTopicsRequest.topicNames at version 6: a non-default value in a field this version does not have',
    );
    expect(() => encode(DeleteTopics.request, 5, { topicNames: ['a'], timeoutMs: 1000 }, true)).not.toThrow();
  });

  it('refuses an unknown key, at any depth', () => {
    expect(() => encode(JoinGroup.request, 5, { ...join, groupInstanceID: 'x' } as never, false)).toThrow("JoinGroupRequest at version 5: unknown field 'groupInstanceID'");
    expect(() => encode(JoinGroup.request, 5, { ...join, protocols: [{ name: 'range', metadata: Buffer.alloc(0), extra: 1 }] } as never, false)).toThrow(
      "JoinGroupRequest.protocols[] at version 5: unknown field 'extra'",
    );
  });

  it('refuses a version outside the descriptor, both ways', () => {
    expect(() => encode(JoinGroup.request, 10, join, true)).toThrow('JoinGroupRequest has no version 10 (versions 0-9)');
    expect(() => encode(JoinGroup.request, -1, join, false)).toThrow(EncodeError);
    expect(() => decode(JoinGroup.request, 10, new Reader(Buffer.alloc(64)), true)).toThrow(DecodeError);
  });

  it('refuses a null in a field that is not nullable at the version', () => {
    expect(() => encode(JoinGroup.request, 5, { ...join, memberId: null } as never, false)).toThrow(
      'JoinGroupRequest.memberId at version 5: null in a field that is not nullable at this version',
    );
    expect(() => encode(JoinGroup.request, 4, { ...join, protocols: null } as never, false)).toThrow('JoinGroupRequest.protocols at version 4: null');
  });

  it('refuses a value of the wrong type', () => {
    expect(() => encode(JoinGroup.request, 5, { ...join, sessionTimeoutMs: '10' } as never, false)).toThrow('expected a number');
  });
});

describe('int64 is a checked number', () => {
  const list = (timestamp: number) => ({ replicaId: -1, topics: [{ name: 't', partitions: [{ partitionIndex: 0, timestamp }] }] });
  const roundTrip = (timestamp: number): number => {
    const bytes = encode(ListOffsets.request, 1, list(timestamp), false).toBuffer();
    return decode(ListOffsets.request, 1, new Reader(bytes), false).topics[0]!.partitions[0]!.timestamp;
  };
  const raw = (v: bigint): Buffer => {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(v);
    return b;
  };

  it.each([-1, 0, 2 ** 53 - 1, -(2 ** 53 - 1)])('%d round-trips exactly', (v) => {
    expect(roundTrip(v)).toBe(v);
  });

  it.each([2 ** 53, -(2 ** 53), 2 ** 63])('%d is refused by the encoder, not written wrong', (v) => {
    expect(() => encode(ListOffsets.request, 1, list(v), false)).toThrow(/int64 value .* is not an exact integer/);
  });

  it.each([
    ['Long.MAX', 9223372036854775807n],
    ['Long.MIN', -9223372036854775808n],
    ['2^53', 2n ** 53n],
  ])('%s on the wire is refused by the decoder instead of read as a different number', (_name, v) => {
    expect(() => new Reader(raw(v)).int64()).toThrow(DecodeError);
    expect(() => new Reader(raw(v)).int64()).toThrow(`int64 value ${v} is beyond ±(2^53-1)`);
  });

  it('2^53-1 and -(2^53-1) on the wire read exactly', () => {
    expect(new Reader(raw(2n ** 53n - 1n)).int64()).toBe(2 ** 53 - 1);
    expect(new Reader(raw(-(2n ** 53n - 1n))).int64()).toBe(-(2 ** 53 - 1));
  });

  it('the writer refuses an inexact number', () => {
    expect(() => new Writer().int64(2 ** 63)).toThrow(RangeError);
  });
});
