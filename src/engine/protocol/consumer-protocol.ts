/**
 * The "consumer" embedded protocol: the opaque blobs that travel in JoinGroup protocol metadata
 * (a subscription) and in SyncGroup assignments (an assignment) when the protocol type is
 * "consumer". Each blob is an int16 version followed by a classic (never flexible) structure.
 *
 * Decoding follows Kafka's rule for these blobs: a version above the highest one known is read
 * with the fields of the highest known version, and any bytes after them are ignored, so newer
 * clients can add fields without breaking older group members or brokers.
 */
import { readStruct, writeStruct } from './codec.js';
import { DecodeError, Reader } from './reader.js';
import { array, field, message, type Field, type MessageSchema, type StructOf } from './schema.js';
import { Writer } from './writer.js';

export const CONSUMER_PROTOCOL_TYPE = 'consumer';

/** Highest version of both blobs that this module knows. */
export const CONSUMER_PROTOCOL_MAX_VERSION = 3;

export const ConsumerProtocolSubscription = message('ConsumerProtocolSubscription', '0-3', [
  field('topics', '[]string', '0+'),
  field('userData', 'bytes', '0+', { nullable: '0+', default: null }),
  array('ownedPartitions', '1+', [field('topic', 'string', '1+'), field('partitions', '[]int32', '1+')], { ignorable: true }),
  field('generationId', 'int32', '2+', { default: -1, ignorable: true }),
  field('rackId', 'string', '3+', { nullable: '3+', default: null, ignorable: true }),
]);

/** Versions 1-3 have the same fields as version 0; they exist so members can tell each other apart. */
export const ConsumerProtocolAssignment = message('ConsumerProtocolAssignment', '0-3', [
  array('assignedPartitions', '0+', [field('topic', 'string', '0+'), field('partitions', '[]int32', '0+')]),
  field('userData', 'bytes', '0+', { nullable: '0+', default: null }),
]);

export interface TopicPartitions {
  topic: string;
  partitions: number[];
}

export interface Subscription {
  topics: string[];
  userData: Buffer | null;
  /** v1+. */
  ownedPartitions: TopicPartitions[];
  /** v2+; -1 when unknown. */
  generationId: number;
  /** v3+. */
  rackId: string | null;
}

export interface Assignment {
  assignedPartitions: TopicPartitions[];
  userData: Buffer | null;
}

/** A decoded blob also reports the version its sender wrote. */
export type Versioned<T> = T & { version: number };

function encodeBlob<Fs extends readonly Field[]>(schema: MessageSchema<Fs>, value: Parameters<typeof writeStruct<Fs>>[2], version: number): Buffer {
  if (!Number.isInteger(version) || version < 0 || version > CONSUMER_PROTOCOL_MAX_VERSION) {
    throw new RangeError(`${schema.name} version ${version} is not in 0-${CONSUMER_PROTOCOL_MAX_VERSION}`);
  }
  const w = new Writer(64);
  w.int16(version);
  writeStruct(w, schema.fields, value, version, false, schema.name);
  return w.toBuffer();
}

function decodeBlob<Fs extends readonly Field[]>(schema: MessageSchema<Fs>, buf: Buffer): { version: number; value: StructOf<Fs> } {
  const r = new Reader(buf);
  const version = r.int16();
  if (version < 0) throw new DecodeError(`${schema.name} has negative version ${version}`, 0);
  // Read a newer blob as the newest version known; trailing bytes are not an error.
  const value = readStruct(r, schema.fields, Math.min(version, CONSUMER_PROTOCOL_MAX_VERSION), false);
  return { version, value };
}

export function encodeSubscription(s: Partial<Subscription> & { topics: string[] }, version = CONSUMER_PROTOCOL_MAX_VERSION): Buffer {
  return encodeBlob(ConsumerProtocolSubscription, s, version);
}

export function decodeSubscription(buf: Buffer): Versioned<Subscription> {
  const { version, value } = decodeBlob(ConsumerProtocolSubscription, buf);
  return {
    version,
    topics: value.topics,
    userData: value.userData,
    ownedPartitions: value.ownedPartitions,
    generationId: value.generationId,
    rackId: value.rackId,
  };
}

export function encodeAssignment(a: Partial<Assignment>, version = CONSUMER_PROTOCOL_MAX_VERSION): Buffer {
  return encodeBlob(ConsumerProtocolAssignment, { assignedPartitions: [], ...a }, version);
}

/**
 * Decodes an assignment. A zero-length blob (what a group coordinator hands a member the leader
 * left out, if it does not synthesise one) decodes as an empty version-0 assignment.
 */
export function decodeAssignment(buf: Buffer): Versioned<Assignment> {
  if (buf.length === 0) return { version: 0, assignedPartitions: [], userData: null };
  const { version, value } = decodeBlob(ConsumerProtocolAssignment, buf);
  return { version, assignedPartitions: value.assignedPartitions, userData: value.userData };
}

/** A syntactically valid assignment with no partitions, for members the leader did not assign. */
export function emptyAssignment(version = 0): Buffer {
  return encodeAssignment({ assignedPartitions: [], userData: null }, version);
}
