/**
 * Read RecordBatch v2 headers straight from a partition's segment files, to check what the broker
 * really stored (e.g. that a client's batches are compressed, or carry a producer id).
 *
 * Batch header layout (Kafka DefaultRecordBatch): baseOffset int64 @0, batchLength int32 @8,
 * partitionLeaderEpoch int32 @12, magic int8 @16, crc uint32 @17, attributes int16 @21,
 * lastOffsetDelta int32 @23, baseTimestamp int64 @27, maxTimestamp int64 @35, producerId int64 @43,
 * producerEpoch int16 @51, baseSequence int32 @53, recordCount int32 @57; records from @61.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export const COMPRESSION = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;

export interface StoredBatch {
  file: string;
  position: number;
  baseOffset: bigint;
  batchLength: number;
  magic: number;
  attributes: number;
  /** attributes & 7: 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd */
  compression: number;
  transactional: boolean;
  control: boolean;
  lastOffsetDelta: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

export function partitionPath(dataDir: string, topic: string, partition: number): string {
  return join(dataDir, 'logs', `${topic}-${partition}`);
}

/** Every batch header of every `.log` segment of the partition, in offset order. */
export async function readStoredBatches(dataDir: string, topic: string, partition = 0): Promise<StoredBatch[]> {
  const dir = partitionPath(dataDir, topic, partition);
  const files = (await readdir(dir)).filter((f) => /^\d{20}\.log$/.test(f)).sort();
  const out: StoredBatch[] = [];
  for (const file of files) {
    const buf = await readFile(join(dir, file));
    let pos = 0;
    while (pos + 61 <= buf.length) {
      const batchLength = buf.readInt32BE(pos + 8);
      if (batchLength <= 0 || pos + 12 + batchLength > buf.length) break; // preallocated or torn tail
      const attributes = buf.readInt16BE(pos + 21);
      out.push({
        file,
        position: pos,
        baseOffset: buf.readBigInt64BE(pos),
        batchLength,
        magic: buf.readInt8(pos + 16),
        attributes,
        compression: attributes & 7,
        transactional: (attributes & 0x10) !== 0,
        control: (attributes & 0x20) !== 0,
        lastOffsetDelta: buf.readInt32BE(pos + 23),
        producerId: buf.readBigInt64BE(pos + 43),
        producerEpoch: buf.readInt16BE(pos + 51),
        baseSequence: buf.readInt32BE(pos + 53),
        recordCount: buf.readInt32BE(pos + 57),
      });
      pos += 12 + batchLength;
    }
  }
  return out;
}
