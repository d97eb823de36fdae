/**
 * What kafka-dump-log prints for one file (core/src/main/scala/kafka/tools/DumpLogSegments.scala):
 * a .log segment batch by batch (and record by record with deep iteration), a .index as
 * offset/position pairs, a .timeindex as timestamp/offset pairs, a .txnindex as its aborted
 * transactions. mq's segments are Kafka's on-disk layout (RecordBatch v2, 8-byte offset index
 * entries, 12-byte time index entries, 34-byte aborted-transaction entries), so the same lines
 * come out.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { decodeRecords } from '../../engine/client/record-reader.js';
import { TransactionIndex } from '../../engine/log/transaction-index.js';
import { ControlType, decodeControlBatch } from '../../engine/protocol/control-batch.js';
import { Attr, BATCH_HEADER_SIZE, LOG_OVERHEAD, computeCrc, readBatchHeader } from '../../engine/protocol/record-batch.js';

export interface DumpOptions {
  printDataLog: boolean;
  deepIteration: boolean;
  skipRecordMetadata: boolean;
  verifyIndexOnly: boolean;
  indexSanityCheck: boolean;
  maxBytes: number;
}

/** Where the lines go: `out` is stdout, `err` stderr (Kafka prints its error summaries there). */
export interface DumpSink {
  out(line: string): void;
  err(line: string): void;
}

const COMPRESSION_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
/** RecordBatch attribute bit 6: the batch's base timestamp is the delete horizon (KIP-534). */
const DELETE_HORIZON_FLAG = 0x40;
const NO_SEQUENCE = -1;
const INT32_MAX = 2_147_483_647;

/** The segment's base offset: the number its file names start with (00000000000000000042.log). */
function baseOffsetOf(file: string): number {
  return Number(basename(file).split('.')[0]);
}

/** DefaultRecordBatch.incrementSequence: sequences wrap at Integer.MAX_VALUE. */
function incrementSequence(sequence: number, increment: number): number {
  if (sequence > INT32_MAX - increment) return increment - (INT32_MAX - sequence) - 1;
  return sequence + increment;
}

export async function dumpLog(file: string, opts: DumpOptions, sink: DumpSink): Promise<void> {
  const whole = readFileSync(file);
  sink.out(`Log starting offset: ${baseOffsetOf(file)}`);
  const data = opts.maxBytes < whole.length ? whole.subarray(0, opts.maxBytes) : whole;
  const deep = opts.deepIteration || opts.printDataLog;
  const nonConsecutive: Array<[number, number]> = [];
  let lastOffset = -1;
  let pos = 0;
  while (pos + LOG_OVERHEAD <= data.length) {
    const size = data.readInt32BE(pos + 8) + LOG_OVERHEAD;
    if (size < BATCH_HEADER_SIZE || pos + size > data.length) break;
    const h = readBatchHeader(data, pos);
    const timestampType = h.attributes & Attr.timestampTypeLogAppend ? 'LogAppendTime' : 'CreateTime';
    const isControl = (h.attributes & Attr.control) !== 0;
    const lastSequence = h.baseSequence === NO_SEQUENCE ? NO_SEQUENCE : incrementSequence(h.baseSequence, h.lastOffsetDelta);
    const deleteHorizon = h.attributes & DELETE_HORIZON_FLAG ? `OptionalLong[${h.baseTimestamp}]` : 'OptionalLong.empty';
    const valid = computeCrc(data, pos, size) === h.crc;
    sink.out(
      `baseOffset: ${h.baseOffset} lastOffset: ${h.baseOffset + h.lastOffsetDelta} count: ${h.recordsCount} baseSequence: ${h.baseSequence} lastSequence: ${lastSequence}`
        + ` producerId: ${h.producerId} producerEpoch: ${h.producerEpoch} partitionLeaderEpoch: ${h.partitionLeaderEpoch}`
        + ` isTransactional: ${(h.attributes & Attr.transactional) !== 0} isControl: ${isControl} deleteHorizonMs: ${deleteHorizon}`
        + ` position: ${pos} ${timestampType}: ${h.maxTimestamp} size: ${size} magic: ${h.magic}`
        + ` compresscodec: ${COMPRESSION_NAMES[h.attributes & Attr.compressionMask] ?? 'unknown'} crc: ${h.crc} isvalid: ${valid}`,
    );
    if (deep && isControl) {
      lastOffset = h.baseOffset + h.lastOffsetDelta;
      if (!opts.skipRecordMetadata) sink.out(controlRecordLine(data.subarray(pos, pos + size), h.baseOffset, timestampType, h));
    }
    if (deep && !isControl) {
      for (const r of await decodeRecords(data.subarray(pos, pos + size))) {
        if (lastOffset !== -1 && r.offset !== lastOffset + 1) nonConsecutive.push([lastOffset, r.offset]);
        lastOffset = r.offset;
        // Kafka's "| " indent comes with the first of metadata or key; a lone payload has none.
        let line = '';
        if (!opts.skipRecordMetadata) {
          const sequence = h.baseSequence === NO_SEQUENCE ? NO_SEQUENCE : incrementSequence(h.baseSequence, r.offset - h.baseOffset);
          line += `| offset: ${r.offset} ${timestampType}: ${r.timestamp} keySize: ${r.key ? r.key.length : -1} valueSize: ${r.value ? r.value.length : -1}`;
          line += ` sequence: ${sequence} headerKeys: [${r.headers.map((x) => x.key).join(',')}]`;
        }
        if (opts.printDataLog) {
          // Kafka's default StringDecoder for both key and value.
          if (r.key) line += `${line ? ' ' : '| '}key: ${r.key.toString('utf8')}`;
          if (r.value) line += ` payload: ${r.value.toString('utf8')}`;
        }
        sink.out(line);
      }
    }
    pos += size;
  }
  const trailing = whole.length - pos;
  if (trailing > 0 && opts.maxBytes >= whole.length) sink.out(`Found ${trailing} invalid bytes at the end of ${basename(file)}`);
  if (nonConsecutive.length > 0) {
    sink.err(`Non-consecutive offsets in ${file}`);
    for (const [a, b] of nonConsecutive) sink.err(`  ${a} is followed by ${b}`);
  }
}

/**
 * The one record of a control batch as DumpLogSegments prints it: the record metadata, then for
 * a transaction marker ` endTxnMarker: COMMIT coordinatorEpoch: N`, for another control type
 * ` controlType: NAME(id)`. Markers are written with a 4-byte key and a 6-byte value.
 */
function controlRecordLine(batch: Buffer, offset: number, timestampType: string, h: { baseTimestamp: number; maxTimestamp: number }): string {
  const timestamp = timestampType === 'LogAppendTime' ? h.maxTimestamp : h.baseTimestamp;
  const line = `| offset: ${offset} ${timestampType}: ${timestamp} keySize: 4 valueSize: 6 sequence: ${NO_SEQUENCE} headerKeys: []`;
  try {
    const c = decodeControlBatch(batch);
    if (c.coordinatorEpoch === undefined) return `${line} controlType: ${CONTROL_NAMES[c.controlType] ?? 'UNKNOWN'}(${c.controlType})`;
    return `${line} endTxnMarker: ${c.controlType === ControlType.commit ? 'COMMIT' : 'ABORT'} coordinatorEpoch: ${c.coordinatorEpoch}`;
  } catch {
    return `${line} controlType: UNKNOWN(-1)`;
  }
}

/** ControlRecordType names beyond the two markers (Kafka's ControlRecordType). */
const CONTROL_NAMES: Record<number, string> = { 2: 'LEADER_CHANGE', 3: 'SNAPSHOT_HEADER', 4: 'SNAPSHOT_FOOTER', 5: 'KRAFT_VERSION', 6: 'KRAFT_VOTERS' };

/** DumpLogSegments.dumpTxnIndex: one line per aborted transaction. */
export function dumpTxnIndex(file: string, sink: DumpSink): void {
  const idx = TransactionIndex.fromBuffer(readFileSync(file));
  if (typeof idx === 'string') throw new Error(`${file} is not a transaction index: ${idx}`);
  for (const t of idx.all()) {
    sink.out(`version: 0 producerId: ${t.producerId} firstOffset: ${t.firstOffset} lastOffset: ${t.lastOffset} lastStableOffset: ${t.lastStableOffset}`);
  }
}

/** Entries of a fixed-size-entry index file, stopping at the first zero entry after the first (a preallocated sparse file). */
function indexEntries(
  file: string,
  entrySize: number,
  read: (b: Buffer, at: number) => { offset: number; rest: number },
): Array<{ offset: number; rest: number }> {
  const b = readFileSync(file);
  const base = baseOffsetOf(file);
  const out: Array<{ offset: number; rest: number }> = [];
  for (let i = 0; (i + 1) * entrySize <= b.length; i++) {
    const e = read(b, i * entrySize);
    if (e.offset === base && i > 0) break;
    out.push(e);
  }
  return out;
}

export function dumpIndex(file: string, opts: DumpOptions, sink: DumpSink): void {
  const base = baseOffsetOf(file);
  const entries = indexEntries(file, 8, (b, at) => ({ offset: base + b.readInt32BE(at), rest: b.readInt32BE(at + 4) }));
  if (entries.length === 0) {
    sink.out(`${file} is empty.`);
    return;
  }
  if (opts.indexSanityCheck) {
    sink.out(`${file} passed sanity check.`);
    return;
  }
  if (opts.verifyIndexOnly) return;
  for (const e of entries) sink.out(`offset: ${e.offset} position: ${e.rest}`);
}

export function dumpTimeIndex(file: string, opts: DumpOptions, sink: DumpSink): void {
  const base = baseOffsetOf(file);
  const entries = indexEntries(file, 12, (b, at) => ({ offset: base + b.readInt32BE(at + 8), rest: Number(b.readBigInt64BE(at)) }));
  if (opts.indexSanityCheck) {
    sink.out(`${file} passed sanity check.`);
    return;
  }
  if (opts.verifyIndexOnly) return;
  for (const e of entries) sink.out(`timestamp: ${e.rest} offset: ${e.offset}`);
}
