/**
 * Files that are replaced, never edited in place (metadata JSON, segment index files, the
 * compacted group offsets log): write a temp file, fsync it, rename it over the old one, fsync the
 * directory so the rename itself is durable. A crash leaves either the old or the new content,
 * plus at most a stale temp file, which loaders delete. Kafka does the same for its checkpoint
 * files (server-common/.../server/common/CheckpointFile.java, Utils.atomicMoveWithFallback).
 *
 * The sequence exists twice, once awaiting the port and once synchronous, because one caller (the
 * group offset store, which opens while the broker starts) cannot await; both share the naming
 * and the directory-fsync rule below.
 */
import path from 'node:path';
import { pwriteFullSync, pwritevFull } from './fd-io.js';
import { TEMP_SUFFIX } from './file-names.js';
import { errnoCode, type FsPort, type FsPortSync } from './fs-port.js';
import { nodeFs } from './node-fs.js';

/**
 * Some platforms cannot open a directory for reading (Windows: EISDIR) or fsync one (EINVAL);
 * the rename is still atomic there.
 */
function directoryFsyncUnsupported(e: unknown): boolean {
  const code = errnoCode(e);
  return code === 'EISDIR' || code === 'EINVAL';
}

export async function fsyncDir(dir: string, fs: FsPort = nodeFs): Promise<void> {
  let fd: number | undefined;
  try {
    fd = await fs.open(dir, 'r');
    await fs.fsync(fd);
  } catch (e) {
    if (!directoryFsyncUnsupported(e)) throw e;
  } finally {
    if (fd !== undefined) await fs.close(fd);
  }
}

/** Replaces `file` with `data` atomically and durably. */
export async function writeFileAtomic(file: string, data: string | Buffer | readonly Buffer[], fs: FsPort = nodeFs): Promise<void> {
  const chunks = typeof data === 'string' ? [Buffer.from(data)] : Buffer.isBuffer(data) ? [data] : data;
  const tmp = file + TEMP_SUFFIX;
  const fd = await fs.open(tmp, 'w');
  try {
    await pwritevFull(fs, fd, chunks, 0);
    await fs.fsync(fd);
  } finally {
    await fs.close(fd);
  }
  await fs.rename(tmp, file);
  await fsyncDir(path.dirname(file), fs);
}

/** writeFileAtomic for callers that cannot await. */
export function writeFileAtomicSync(file: string, chunks: readonly Buffer[], fs: FsPortSync = nodeFs): void {
  const tmp = file + TEMP_SUFFIX;
  const fd = fs.openSync(tmp, 'w');
  try {
    let at = 0;
    for (const c of chunks) {
      pwriteFullSync(fs, fd, c, at);
      at += c.length;
    }
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  let dfd: number | undefined;
  try {
    dfd = fs.openSync(path.dirname(file), 'r');
    fs.fsyncSync(dfd);
  } catch (e) {
    if (!directoryFsyncUnsupported(e)) throw e;
  } finally {
    if (dfd !== undefined) fs.closeSync(dfd);
  }
}

export async function writeJsonAtomic(file: string, value: unknown, fs: FsPort = nodeFs): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n', fs);
}

/** Reads a JSON file, or returns undefined if it does not exist. */
export async function readJsonIfExists<T>(file: string, fs: FsPort = nodeFs): Promise<T | undefined> {
  let text: string;
  try {
    text = (await fs.readFile(file)).toString('utf8');
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return undefined;
    throw e;
  }
  return JSON.parse(text) as T;
}
