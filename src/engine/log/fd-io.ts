/**
 * Positional I/O on kept-open file descriptors through fs's callback API: it skips the
 * FileHandle bookkeeping of fs/promises, which matters at tens of thousands of appends a second.
 */
import fs from 'node:fs';

export function preadFull(fd: number, buf: Buffer, position: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let done = 0;
    const step = () =>
      fs.read(fd, buf, done, buf.length - done, position + done, (err, n) => {
        if (err) return reject(err);
        done += n;
        if (n === 0 || done >= buf.length) resolve(done);
        else step();
      });
    step();
  });
}

/** Writes all buffers at `position`, looping over short writes. */
export function pwritevFull(fd: number, bufs: Buffer[], position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let pending = bufs;
    let pos = position;
    const step = () =>
      fs.writev(fd, pending, pos, (err, written) => {
        if (err) return reject(err);
        pos += written;
        let skip = written;
        let i = 0;
        while (i < pending.length && skip >= pending[i]!.length) skip -= pending[i++]!.length;
        if (i >= pending.length) return resolve();
        pending = [pending[i]!.subarray(skip), ...pending.slice(i + 1)];
        step();
      });
    step();
  });
}

export function fdatasync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
}

export function ftruncate(fd: number, len: number): Promise<void> {
  return new Promise((resolve, reject) => fs.ftruncate(fd, len, (err) => (err ? reject(err) : resolve())));
}

export function closeFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.close(fd, (err) => (err ? reject(err) : resolve())));
}

export function fstatSize(fd: number): Promise<number> {
  return new Promise((resolve, reject) => fs.fstat(fd, (err, st) => (err ? reject(err) : resolve(st.size))));
}
