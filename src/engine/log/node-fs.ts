/**
 * The real file system behind the storage port. Descriptor I/O goes through fs's callback API: it
 * skips the FileHandle bookkeeping of fs/promises, which matters at tens of thousands of appends a
 * second. This is the only file of the storage engine that imports node:fs.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import type { FsPort, FsPortSync, OpenFlags } from './fs-port.js';

function done<T>(resolve: (v: T) => void, reject: (e: unknown) => void) {
  return (err: NodeJS.ErrnoException | null, v: T) => (err ? reject(err) : resolve(v));
}

export const nodeFs: FsPort & FsPortSync = {
  open: (p: string, flags: OpenFlags) => new Promise((res, rej) => fs.open(p, flags, done(res, rej))),
  close: (fd) => new Promise((res, rej) => fs.close(fd, (err) => (err ? rej(err) : res()))),
  read: (fd, buf, offset, length, position) => new Promise((res, rej) => fs.read(fd, buf, offset, length, position, done(res, rej))),
  writev: (fd, bufs, position) => new Promise((res, rej) => fs.writev(fd, bufs as Buffer[], position, done(res, rej))),
  fdatasync: (fd) => new Promise((res, rej) => fs.fdatasync(fd, (err) => (err ? rej(err) : res()))),
  fsync: (fd) => new Promise((res, rej) => fs.fsync(fd, (err) => (err ? rej(err) : res()))),
  ftruncate: (fd, length) => new Promise((res, rej) => fs.ftruncate(fd, length, (err) => (err ? rej(err) : res()))),
  fileSize: (fd) => new Promise((res, rej) => fs.fstat(fd, (err, st) => (err ? rej(err) : res(st.size)))),
  readFile: (p) => fsp.readFile(p),
  rename: (from, to) => fsp.rename(from, to),
  rm: (p, o) => fsp.rm(p, { force: true, recursive: o?.recursive ?? false }),
  mkdir: async (p) => {
    await fsp.mkdir(p, { recursive: true });
  },
  readdir: (p) => fsp.readdir(p),
  exists: (p) =>
    fsp.access(p).then(
      () => true,
      () => false,
    ),

  openSync: (p, flags) => fs.openSync(p, flags),
  closeSync: (fd) => fs.closeSync(fd),
  writeSync: (fd, buf, position) => fs.writeSync(fd, buf, 0, buf.length, position),
  fsyncSync: (fd) => fs.fsyncSync(fd),
  renameSync: (from, to) => fs.renameSync(from, to),
};
