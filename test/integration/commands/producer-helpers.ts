/** Test helpers for the console tools: an in-memory Io and a reader of stored records. */
import { PassThrough, Readable } from 'node:stream';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeBatches, type DecodedRecord } from '../../../src/commands/console-producer/batch.js';
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

export async function storedRecords(dataDir: string, topic: string, partition: number): Promise<DecodedRecord[]> {
  const dir = join(dataDir, 'logs', `${topic}-${partition}`);
  const files = (await readdir(dir)).filter((f) => f.endsWith('.log')).sort();
  const all: DecodedRecord[] = [];
  for (const f of files) all.push(...(await decodeBatches(await readFile(join(dir, f)))));
  return all;
}

