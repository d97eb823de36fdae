/** Test helpers for the console tools: an in-memory Io and a reader of stored records. */
import { PassThrough, Readable } from 'node:stream';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeRecords } from '../../../src/engine/client/record-reader.js';
import type { Io } from '../../../src/cli/io.js';

export function testIo(stdin: string | Buffer = ''): Io & { out: () => string; err: () => string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (b) => out.push(Buffer.from(b)));
  stderr.on('data', (b) => err.push(Buffer.from(b)));
  return {
    stdin: Readable.from([Buffer.from(stdin)]),
    stdout,
    stderr,
    env: { ...process.env, NO_COLOR: '1' },
    out: () => Buffer.concat(out).toString('utf8'),
    err: () => Buffer.concat(err).toString('utf8'),
  };
}

export interface StoredRecord {
  offset: bigint;
  timestamp: bigint;
  timestampType: 'CreateTime' | 'LogAppendTime';
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<{ key: string; value: Buffer | null }>;
}

export async function storedRecords(dataDir: string, topic: string, partition: number): Promise<StoredRecord[]> {
  const dir = join(dataDir, 'logs', `${topic}-${partition}`);
  const files = (await readdir(dir)).filter((f) => f.endsWith('.log')).sort();
  const all: StoredRecord[] = [];
  for (const f of files) {
    for (const r of await decodeRecords(await readFile(join(dir, f)))) all.push({ ...r, offset: BigInt(r.offset), timestamp: BigInt(r.timestamp) });
  }
  return all;
}
