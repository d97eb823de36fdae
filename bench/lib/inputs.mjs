/** Input files for the bench scripts: newline-separated records of a fixed size. */
import { openSync, writeSync, closeSync, statSync, existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Writes `count` lines of exactly `valueBytes` printable bytes plus '\n' to `file` (skipped when
 * a file of the right size is already there). Lines differ from each other (a window sliding over
 * a random pool), so nothing downstream can profit from identical records.
 */
export function writeRecordFile(file, count, valueBytes) {
  const lineBytes = valueBytes + 1;
  if (existsSync(file) && statSync(file).size === count * lineBytes) return file;
  const pool = Buffer.from([...randomBytes(64 * 1024 + valueBytes)].map((b) => ALPHABET.charCodeAt(b & 63)));
  const perChunk = Math.max(1, Math.floor((4 * 1024 * 1024) / lineBytes));
  const chunk = Buffer.allocUnsafe(perChunk * lineBytes);
  const fd = openSync(file, 'w');
  try {
    let written = 0;
    let shift = 0;
    while (written < count) {
      const n = Math.min(perChunk, count - written);
      for (let i = 0; i < n; i++) {
        const at = i * lineBytes;
        shift = (shift + 7919) % (pool.length - valueBytes);
        pool.copy(chunk, at, shift, shift + valueBytes);
        chunk[at + valueBytes] = 0x0a;
      }
      writeSync(fd, chunk, 0, n * lineBytes);
      written += n;
    }
  } finally {
    closeSync(fd);
  }
  return file;
}
