/**
 * Whole-buffer positional I/O over the storage port: the port's reads and writes may be short
 * (a signal, a full disk), these loop until everything is read or written, or an error ends it.
 */
import type { FsPort, FsPortSync } from './fs-port.js';

/** Reads until `buf` is full or the file ends; returns the bytes read. */
export async function preadFull(fs: FsPort, fd: number, buf: Buffer, position: number): Promise<number> {
  let done = 0;
  while (done < buf.length) {
    const n = await fs.read(fd, buf, done, buf.length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/** Writes all buffers at `position`, continuing after short writes. */
export async function pwritevFull(fs: FsPort, fd: number, bufs: readonly Buffer[], position: number): Promise<void> {
  let pending = bufs.filter((b) => b.length > 0);
  let pos = position;
  while (pending.length) {
    const written = await fs.writev(fd, pending, pos);
    // A write that makes no progress would loop forever; the kernel reports ENOSPC instead.
    if (written <= 0) throw Object.assign(new Error(`write at ${pos} made no progress`), { code: 'EIO' });
    pos += written;
    let skip = written;
    let i = 0;
    while (i < pending.length && skip >= pending[i]!.length) skip -= pending[i++]!.length;
    pending = i < pending.length ? [pending[i]!.subarray(skip), ...pending.slice(i + 1)] : [];
  }
}

/** Synchronous pwritevFull for one buffer. */
export function pwriteFullSync(fs: FsPortSync, fd: number, buf: Buffer, position: number): void {
  let off = 0;
  while (off < buf.length) {
    const n = fs.writeSync(fd, buf.subarray(off), position + off);
    if (n <= 0) throw Object.assign(new Error(`write at ${position + off} made no progress`), { code: 'EIO' });
    off += n;
  }
}
