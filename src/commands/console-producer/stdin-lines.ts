/**
 * stdin as lines (\n or \r\n), a chunk's worth at a time. Lines are views into the chunk (no
 * copy); only a line cut by the chunk's end is copied, to join it with the next chunk.
 *
 * When stdin is a regular file (`< lines`), it is read with fs.read into 1 MiB buffers: a
 * stream's 64 KiB chunks and async iterator cost more than the records' encoding. Pipes and
 * terminals go through the stream (a blocking read on a pipe could not be abandoned on Ctrl-C).
 * Interactive input prints Kafka's ">" prompt before every line read.
 */
import { isUtf8 } from 'node:buffer';
import { fstatSync, read } from 'node:fs';
import type { Io } from '../../cli/io.js';

const CHUNK = 1 << 20;

export interface LineChunk {
  lines: Buffer[];
  /** Every line of the chunk is valid UTF-8 (checked once for the whole chunk). */
  utf8: boolean;
}

const readAt = (fd: number, buf: Buffer, at: number) =>
  new Promise<number>((resolve, reject) => read(fd, buf, at, buf.length - at, null, (err, n) => (err ? reject(err) : resolve(n))));

/** The fd of a stdin that is a regular file, else -1. */
function fileFd(io: Io): number {
  const fd = (io.stdin as { fd?: unknown }).fd;
  if (typeof fd !== 'number') return -1;
  try {
    return fstatSync(fd).isFile() ? fd : -1;
  } catch {
    return -1;
  }
}

/** Raw chunks of stdin. */
async function* chunks(io: Io, stopped: () => boolean): AsyncGenerator<Buffer> {
  const fd = fileFd(io);
  if (fd < 0) {
    for await (const chunk of io.stdin as AsyncIterable<Buffer | string>) yield typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    return;
  }
  while (!stopped()) {
    const buf = Buffer.allocUnsafe(CHUNK);
    const n = await readAt(fd, buf, 0);
    if (n === 0) return;
    yield buf.subarray(0, n);
  }
}

function split(data: Buffer, end: number, out: Buffer[]): number {
  let start = 0;
  for (;;) {
    const nl = data.indexOf(10, start);
    if (nl < 0 || nl >= end) break;
    out.push(data.subarray(start, nl > start && data[nl - 1] === 13 ? nl - 1 : nl));
    start = nl + 1;
  }
  return start;
}

export async function* stdinLines(io: Io, prompt: boolean, stopped: () => boolean = () => false): AsyncGenerator<LineChunk> {
  let rest: Buffer = Buffer.alloc(0);
  if (prompt) io.stdout.write('>');
  for await (const chunk of chunks(io, stopped)) {
    const data = rest.length ? Buffer.concat([rest, chunk]) : chunk;
    const lines: Buffer[] = [];
    const start = split(data, data.length, lines);
    // Copy the unfinished line: the chunk's buffer is not ours after the next read.
    rest = start < data.length ? Buffer.from(data.subarray(start)) : Buffer.alloc(0);
    if (lines.length === 0) continue;
    const utf8 = isUtf8Range(data, start);
    if (prompt) {
      for (const line of lines) {
        yield { lines: [line], utf8 };
        io.stdout.write('>');
      }
    } else yield { lines, utf8 };
  }
  if (rest.length) {
    yield { lines: [rest], utf8: isUtf8Range(rest, rest.length) };
    if (prompt) io.stdout.write('>');
  }
}

/** Lines end at \n, which never sits inside a multi-byte sequence: one check covers them all. */
function isUtf8Range(b: Buffer, end: number): boolean {
  return isUtf8(b.subarray(0, end));
}
