/** `mq-cluster logs N`: a node's server.log (and what the JVM printed before logging started). */
import { existsSync, readFileSync, statSync } from 'node:fs';

/** The last `n` lines of a file, [] when it does not exist; reads at most the last 1 MiB. */
export function tailLines(file: string, n: number): string[] {
  if (!existsSync(file)) return [];
  const size = statSync(file).size;
  const text = readFileSync(file).subarray(Math.max(0, size - (1 << 20))).toString('utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.slice(-n);
}

/**
 * Writes what is appended to `file` from byte `from` on, polling its size (as `tail -f` does
 * without inotify), until `signal` aborts. A file that shrinks (a new log after a purge and up)
 * is read again from its start.
 */
export async function followFile(
  file: string,
  from: number,
  write: (chunk: Buffer) => Promise<void> | void,
  signal?: AbortSignal,
  pollMs = 250,
): Promise<void> {
  const { open, stat } = await import('node:fs/promises');
  let pos = from;
  while (!signal?.aborted) {
    let size = pos;
    try {
      size = (await stat(file)).size;
    } catch {
      /* not there (yet) */
    }
    if (size < pos) pos = 0;
    if (size > pos) {
      const fh = await open(file, 'r');
      try {
        const buf = Buffer.alloc(Math.min(size - pos, 1 << 20));
        const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
        pos += bytesRead;
        await write(buf.subarray(0, bytesRead));
      } finally {
        await fh.close();
      }
      continue;
    }
    await new Promise<void>((r) => {
      const t = setTimeout(r, pollMs);
      signal?.addEventListener('abort', () => {
        clearTimeout(t);
        r();
      }, { once: true });
    });
  }
}
