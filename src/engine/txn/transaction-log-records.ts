/**
 * The record formats of the `__transaction_state` topic and of transaction control records.
 *
 * Keys and values of `__transaction_state` are Kafka's TransactionLogKey / TransactionLogValue
 * (transaction-coordinator/src/main/resources/common/message/TransactionLog{Key,Value}.json),
 * written as MessageUtil.toVersionPrefixedBytes does: an int16 version, then the struct. Value
 * version 0 is classic; version 1 is flexible (compact strings and arrays, a tagged-field section
 * holding PreviousProducerId, NextProducerId and ClientTransactionVersion when they differ from
 * their defaults). Kafka writes version 0 until transaction.version >= 1 is enabled
 * (TransactionVersion.transactionLogValueVersion) and version 1 after. A null value is a tombstone
 * (an expired transactional id).
 *
 * Control records (COMMIT / ABORT markers) follow ControlRecordType and EndTransactionMarker
 * (clients/src/main/java/org/apache/kafka/common/record/): key = int16 version (0) + int16 type
 * (ABORT 0, COMMIT 1); value = int16 version (0) + int32 coordinator epoch.
 */
import { readStruct, writeStruct } from '../protocol/codec.js';
import { DecodeError, Reader } from '../protocol/reader.js';
import { array, field, message, type StructOf } from '../protocol/schema.js';
import { Writer } from '../protocol/writer.js';

export const TransactionLogKey = message('TransactionLogKey', '0', [field('transactionalId', 'string', '0')]);

export const TransactionLogValue = message('TransactionLogValue', '0-1', [
  field('producerId', 'int64', '0+'),
  field('previousProducerId', 'int64', '1+', { tagged: '1+', tag: 0, default: -1 }),
  field('nextProducerId', 'int64', '1+', { tagged: '1+', tag: 1, default: -1 }),
  field('producerEpoch', 'int16', '0+'),
  field('transactionTimeoutMs', 'int32', '0+'),
  field('transactionStatus', 'int8', '0+'),
  array('transactionPartitions', '0+', [field('topic', 'string', '0+'), field('partitionIds', '[]int32', '0+')], { nullable: '0+' }),
  field('transactionLastUpdateTimestampMs', 'int64', '0+'),
  field('transactionStartTimestampMs', 'int64', '0+'),
  field('clientTransactionVersion', 'int16', '1+', { tagged: '1+', tag: 2, default: 0 }),
]);

export const TRANSACTION_LOG_KEY_VERSION = 0;
/** TransactionLogValue versions this module reads and writes. */
export const TRANSACTION_LOG_VALUE_VERSIONS = [0, 1] as const;
export type TransactionLogValueVersion = (typeof TRANSACTION_LOG_VALUE_VERSIONS)[number];

export type TransactionLogValueData = StructOf<(typeof TransactionLogValue)['fields']>;

/** The value as the coordinator hands it over (tagged fields optional, defaults as Kafka's). */
export interface TransactionLogValueInput {
  producerId: number;
  previousProducerId?: number;
  nextProducerId?: number;
  producerEpoch: number;
  transactionTimeoutMs: number;
  transactionStatus: number;
  /** null for the Empty state, as Kafka writes it. */
  transactionPartitions: { topic: string; partitionIds: number[] }[] | null;
  transactionLastUpdateTimestampMs: number;
  transactionStartTimestampMs: number;
  clientTransactionVersion?: number;
}

export function encodeTransactionLogKey(transactionalId: string): Buffer {
  const w = new Writer(8 + Buffer.byteLength(transactionalId));
  w.int16(TRANSACTION_LOG_KEY_VERSION);
  writeStruct(w, TransactionLogKey.fields, { transactionalId }, TRANSACTION_LOG_KEY_VERSION, false, TransactionLogKey.name);
  return w.toBuffer();
}

/**
 * Decodes a key. Kafka's readTxnRecordKey answers UnknownKey for a version it does not know (the
 * record is skipped on load), so this returns null for one.
 */
export function decodeTransactionLogKey(buf: Buffer): { version: number; transactionalId: string } | null {
  const r = new Reader(buf);
  const version = r.int16();
  if (version !== TRANSACTION_LOG_KEY_VERSION) return null;
  const { transactionalId } = readStruct(r, TransactionLogKey.fields, version, false);
  return { version, transactionalId };
}

export function encodeTransactionLogValue(value: TransactionLogValueInput, version: TransactionLogValueVersion = 1): Buffer {
  const w = new Writer(64);
  w.int16(version);
  writeStruct(w, TransactionLogValue.fields, value, version, version >= 1, TransactionLogValue.name);
  return w.toBuffer();
}

/**
 * Decodes a value; null (a tombstone) stays null. An unknown version is an error, as in Kafka's
 * readTxnRecordValue ("Unknown version ... from the transaction log message value").
 */
export function decodeTransactionLogValue(buf: Buffer | null): (TransactionLogValueData & { version: number }) | null {
  if (buf === null) return null;
  const r = new Reader(buf);
  const version = r.int16();
  if (version !== 0 && version !== 1) throw new DecodeError(`Unknown version ${version} from the transaction log message value`, 0);
  const value = readStruct(r, TransactionLogValue.fields, version, version >= 1);
  return { version, ...value };
}

// ---------------------------------------------------------------------------------------------
// Control records

/** ControlRecordType ids. Only ABORT and COMMIT end transactions; the rest are KRaft's. */
export const ControlRecordType = {
  ABORT: 0,
  COMMIT: 1,
  LEADER_CHANGE: 2,
  SNAPSHOT_HEADER: 3,
  SNAPSHOT_FOOTER: 4,
  KRAFT_VERSION: 5,
  KRAFT_VOTERS: 6,
} as const;

export type TransactionResult = 'COMMIT' | 'ABORT';

const CONTROL_KEY_SIZE = 4;
const END_TXN_MARKER_VALUE_SIZE = 6;

export function encodeControlRecordKey(type: number): Buffer {
  const b = Buffer.alloc(CONTROL_KEY_SIZE);
  b.writeInt16BE(0, 0);
  b.writeInt16BE(type, 2);
  return b;
}

/**
 * The type id of a control record key (ControlRecordType.parseTypeId): at least 4 bytes, a
 * non-negative version; a newer version is read as version 0.
 */
export function decodeControlRecordType(key: Buffer): number {
  if (key.length < CONTROL_KEY_SIZE) {
    throw new DecodeError(`Invalid value size found for end control record key. Must have at least ${CONTROL_KEY_SIZE} bytes, but found only ${key.length}`, 0);
  }
  const version = key.readInt16BE(0);
  if (version < 0) throw new DecodeError(`Invalid version found for control record: ${version}. May indicate data corruption`, 0);
  return key.readInt16BE(2);
}

export interface EndTransactionMarker {
  type: TransactionResult;
  coordinatorEpoch: number;
}

export function encodeEndTransactionMarker(marker: EndTransactionMarker): { key: Buffer; value: Buffer } {
  const value = Buffer.alloc(END_TXN_MARKER_VALUE_SIZE);
  value.writeInt16BE(0, 0);
  value.writeInt32BE(marker.coordinatorEpoch, 2);
  return { key: encodeControlRecordKey(ControlRecordType[marker.type]), value };
}

/** EndTransactionMarker.deserialize: refuses a control type other than COMMIT/ABORT and short values. */
export function decodeEndTransactionMarker(key: Buffer, value: Buffer | null): EndTransactionMarker {
  const typeId = decodeControlRecordType(key);
  const type = typeId === ControlRecordType.COMMIT ? 'COMMIT' : typeId === ControlRecordType.ABORT ? 'ABORT' : null;
  if (type === null) throw new DecodeError(`Invalid control record type for end transaction marker ${typeId}`, 0);
  const len = value?.length ?? 0;
  if (value === null || len < END_TXN_MARKER_VALUE_SIZE) {
    throw new DecodeError(`Invalid value size found for end transaction marker. Must have at least ${END_TXN_MARKER_VALUE_SIZE} bytes, but found only ${len}`, 0);
  }
  const version = value.readInt16BE(0);
  if (version < 0) throw new DecodeError(`Invalid version found for end transaction marker: ${version}. May indicate data corruption`, 0);
  return { type, coordinatorEpoch: value.readInt32BE(2) };
}
