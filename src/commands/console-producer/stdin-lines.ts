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

/** A line without its \n (and a \r before it). */
const line = (data: Buffer, start: number, nl: number) => data.subarray(start, nl > start && data[nl - 1] === 13 ? nl - 1 : nl);

/** Splits the complete lines of data[from..] into `out`; returns where the unfinished rest starts. */
function split(data: Buffer, from: number, out: Buffer[]): number {
  let start = from;
  for (;;) {
    const nl = data.indexOf(10, start);
    if (nl < 0) break;
    out.push(line(data, start, nl));
    start = nl + 1;
  }
  return start;
}

/** `prompt` (interactive input) is called before each line is read, as Kafka's `>`. */
export async function* stdinLines(io: Io, prompt: (() => void) | null, stopped: () => boolean = () => false): AsyncGenerator<LineChunk> {
  // Chunks are never reused, so lines and the unfinished rest stay views into them.
  let rest: Buffer = Buffer.alloc(0);
  prompt?.();
  for await (const chunk of chunks(io, stopped)) {
    const lines: Buffer[] = [];
    let from = 0;
    let utf8 = true;
    if (rest.length > 0) {
      // Only the line cut by the previous chunk is joined (copying whole chunks cost a copy of the input).
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        rest = Buffer.concat([rest, chunk]);
        continue;
      }
      const joined = Buffer.concat([rest, chunk.subarray(0, nl + 1)]);
      lines.push(line(joined, 0, joined.length - 1));
      utf8 = isUtf8(joined);
      from = nl + 1;
    }
    const start = split(chunk, from, lines);
    rest = chunk.subarray(start);
    if (lines.length === 0) continue;
    // Lines end at \n, which never sits inside a multi-byte sequence: one check covers them all.
    utf8 = utf8 && isUtf8(chunk.subarray(from, start));
    if (prompt) {
      for (const l of lines) {
        yield { lines: [l], utf8 };
        prompt();
      }
    } else yield { lines, utf8 };
  }
  if (rest.length) {
    yield { lines: [rest], utf8: isUtf8(rest) };
    prompt?.();
  }
}
