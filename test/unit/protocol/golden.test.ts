/** Hand-checked bytes for a few messages, plus header and tagged-field details of the codec. */
import { describe, expect, it } from 'vitest';
import { decode, encode } from '../../../src/engine/protocol/codec.js';
import { JoinGroup } from '../../../src/engine/protocol/messages/11-join-group.js';
import {
  isFlexible,
  readRequestHeader,
  readResponseHeader,
  responseHeaderIsFlexible,
  writeRequestHeader,
  writeResponseHeader,
} from '../../../src/engine/protocol/header.js';
import { Reader } from '../../../src/engine/protocol/reader.js';
import { Writer } from '../../../src/engine/protocol/writer.js';
import { schemaFor } from '../../../src/engine/protocol/messages/index.js';
import { ApiVersions } from '../../../src/engine/protocol/messages/18-api-versions.js';
import { Fetch } from '../../../src/engine/protocol/messages/01-fetch.js';
import { Metadata } from '../../../src/engine/protocol/messages/03-metadata.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const ascii = (s: string) => Buffer.from(s, 'latin1').toString('hex');
const flexibleFor = (key: number, v: number) => {
  const s = schemaFor(key);
  return s !== undefined && isFlexible(s, v);
};

describe('ApiVersions v3 request with header v2', () => {
  const frame = hex(
    '0012 0003 0000002a' + // api key 18, version 3, correlation id 42
      '0007' + ascii('rdkafka') + // client_id: classic int16 length even in header v2
      '00' + // header tagged fields
      '0b' + ascii('librdkafka') + // compact string: length + 1
      '06' + ascii('2.0.2') +
      '00', // body tagged fields
  );

  it('decodes', () => {
    const r = new Reader(frame);
    expect(readRequestHeader(r, flexibleFor)).toEqual({ apiKey: 18, apiVersion: 3, correlationId: 42, clientId: 'rdkafka' });
    expect(decode(ApiVersions.request, 3, r, true)).toEqual({ clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.0.2' });
    expect(r.remaining).toBe(0);
  });

  it('encodes to the same bytes', () => {
    const w = new Writer();
    writeRequestHeader(w, { apiKey: 18, apiVersion: 3, correlationId: 42, clientId: 'rdkafka' }, true);
    encode(ApiVersions.request, 3, { clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.0.2' }, true, w);
    expect(w.toBuffer().toString('hex')).toBe(frame.toString('hex'));
  });

  it('skips tagged fields in the request header', () => {
    const withTags = hex('0012 0003 0000002a ffff' + '01 05 02 abcd' + '0b' + ascii('librdkafka') + '06' + ascii('2.0.2') + '00');
    const r = new Reader(withTags);
    expect(readRequestHeader(r, flexibleFor)).toEqual({ apiKey: 18, apiVersion: 3, correlationId: 42, clientId: '' });
    expect(decode(ApiVersions.request, 3, r, true).clientSoftwareName).toBe('librdkafka');
  });
});

describe('ApiVersions v3 response', () => {
  const body = hex(
    '0000' + // error code
      '03' + // compact array of 2 entries
      '0000 0000 0009 00' + // Produce 0-9, entry tagged fields
      '0012 0000 0004 00' + // ApiVersions 0-4
      '00000000' + // throttle time
      '00', // tagged fields: none
  );
  const value = {
    errorCode: 0,
    apiKeys: [
      { apiKey: 0, minVersion: 0, maxVersion: 9 },
      { apiKey: 18, minVersion: 0, maxVersion: 4 },
    ],
    throttleTimeMs: 0,
  };

  it('encodes the flexible body behind a v0 response header', () => {
    expect(responseHeaderIsFlexible(18, true)).toBe(false);
    const w = new Writer();
    writeResponseHeader(w, 42, responseHeaderIsFlexible(18, true));
    encode(ApiVersions.response, 3, value, true, w);
    expect(w.toBuffer().toString('hex')).toBe('0000002a' + body.toString('hex'));
  });

  it('decodes, with tagged fields at their defaults', () => {
    const r = new Reader(body);
    expect(decode(ApiVersions.response, 3, r, true)).toEqual({
      ...value,
      supportedFeatures: [],
      finalizedFeaturesEpoch: -1,
      finalizedFeatures: [],
      zkMigrationReady: false,
    });
    expect(r.remaining).toBe(0);
  });

  it('writes set tagged fields in tag order', () => {
    const bytes = encode(ApiVersions.response, 3, { ...value, zkMigrationReady: true, finalizedFeaturesEpoch: 5 }, true).toBuffer();
    // Tagged section: 2 fields; tag 1 size 8 int64 5; tag 3 size 1 true.
    expect(bytes.subarray(bytes.length - 14).toString('hex')).toBe('02' + '0108' + '0000000000000005' + '0301' + '01');
    expect(decode(ApiVersions.response, 3, new Reader(bytes), true)).toMatchObject({ zkMigrationReady: true, finalizedFeaturesEpoch: 5 });
  });

  it('the error reply to an unknown version is a v0 body', () => {
    const bytes = encode(ApiVersions.response, 0, { errorCode: 35, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }] }, false).toBuffer();
    expect(bytes.toString('hex')).toBe('0023' + '00000001' + '0012' + '0000' + '0004');
  });
});

describe('Metadata v0 request (kafka-python 2.0.2 probe)', () => {
  const frame = hex('0003 0000 00000002' + '000c' + ascii('kafka-python') + '00000001' + '0003' + ascii('foo'));

  it('decodes with header v1', () => {
    const r = new Reader(frame);
    expect(readRequestHeader(r, flexibleFor)).toEqual({ apiKey: 3, apiVersion: 0, correlationId: 2, clientId: 'kafka-python' });
    expect(decode(Metadata.request, 0, r, false)).toEqual({
      topics: [{ name: 'foo', topicId: '00000000000000000000000000000000' }],
      allowAutoTopicCreation: true,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });
    expect(r.remaining).toBe(0);
  });

  it('encodes to the same bytes', () => {
    const w = new Writer();
    writeRequestHeader(w, { apiKey: 3, apiVersion: 0, correlationId: 2, clientId: 'kafka-python' }, false);
    encode(Metadata.request, 0, { topics: [{ name: 'foo' }] }, false, w);
    expect(w.toBuffer().equals(frame)).toBe(true);
  });

  it('an empty v0 list and a null v1+ list', () => {
    expect(encode(Metadata.request, 0, { topics: [] }, false).toBuffer().toString('hex')).toBe('00000000');
    expect(encode(Metadata.request, 1, { topics: null }, false).toBuffer().toString('hex')).toBe('ffffffff');
    expect(decode(Metadata.request, 1, new Reader(hex('ffffffff')), false).topics).toBeNull();
    expect(encode(Metadata.request, 9, { topics: null }, true).toBuffer().toString('hex')).toBe('00' + '01' + '00' + '00' + '00');
  });
});

describe('response headers', () => {
  it('v1 carries a tagged-field section; readers skip its contents', () => {
    const w = new Writer();
    writeResponseHeader(w, 7, true);
    expect(w.toBuffer().toString('hex')).toBe('0000000700');
    const r = new Reader(hex('00000007 01 00 02 abcd ff'));
    expect(readResponseHeader(r, true)).toBe(7);
    expect(r.remaining).toBe(1);
  });
  it('flexible bodies of other APIs use header v1', () => {
    expect(responseHeaderIsFlexible(3, true)).toBe(true);
    expect(responseHeaderIsFlexible(3, false)).toBe(false);
  });
});

describe('tagged struct defaults (Fetch v12 response)', () => {
  const partition = {
    partitionIndex: 0,
    errorCode: 0,
    highWatermark: 10,
    lastStableOffset: 10,
    logStartOffset: 0,
    abortedTransactions: null,
    preferredReadReplica: -1,
    records: Buffer.alloc(0),
  };
  const enc = (p: object) =>
    encode(Fetch.response, 12, { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: [{ topic: 't', partitions: [p] }] }, true).toBuffer();

  it('omits a tagged struct equal to its defaults, writes one that differs', () => {
    const plain = enc(partition);
    expect(enc({ ...partition, currentLeader: { leaderId: -1, leaderEpoch: -1 } }).equals(plain)).toBe(true);
    const withLeader = enc({ ...partition, currentLeader: { leaderId: 0, leaderEpoch: 3 } });
    expect(withLeader.length).toBe(plain.length + 1 + 1 + 1 + 8 + 1 - 1);
    const back = decode(Fetch.response, 12, new Reader(withLeader), true);
    expect(back.responses[0]!.partitions[0]!.currentLeader).toEqual({ leaderId: 0, leaderEpoch: 3 });
    expect(back.responses[0]!.partitions[0]!.divergingEpoch).toEqual({ epoch: -1, endOffset: -1 });
  });

  it('non-nullable bytes default to empty; a null there is refused, not written as empty', () => {
    const bytes = encode(JoinGroup.request, 0, { groupId: 'g', protocols: [{ name: 'range' }] }, false).toBuffer();
    const back = decode(JoinGroup.request, 0, new Reader(bytes), false);
    expect(back.protocols[0]!.metadata).toEqual(Buffer.alloc(0));
    expect(() => encode(JoinGroup.request, 0, { groupId: 'g', protocols: [{ name: 'range', metadata: null }] } as never, false)).toThrow(
      'JoinGroupRequest.protocols[].metadata at version 0: null in a field that is not nullable at this version',
    );
  });
});
