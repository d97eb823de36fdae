/**
 * The file operations the storage engine performs, and nothing more, so the log can run on the
 * real file system (node-fs.ts) or on an in-memory one that fails on demand (mem-fs.ts). Kafka's
 * storage layer has no such seam; its failure handling (LogDirFailureChannel, KafkaStorageException)
 * is what the in-memory file system lets us test here.
 *
 * Descriptors are plain numbers. Reads and writes are positional and may be short: callers loop
 * (fd-io.ts). Errors are Node-style: an Error with a `code` such as ENOENT, EIO or ENOSPC.
 */

/** `r` read, `r+` read/write an existing file, `w`/`w+` create or empty it. */
export type OpenFlags = 'r' | 'r+' | 'w' | 'w+';

export interface FsPort {
  open(path: string, flags: OpenFlags): Promise<number>;
  close(fd: number): Promise<void>;
  /** Reads up to `length` bytes at `position` into buf[offset..]; 0 at the end of the file. */
  read(fd: number, buf: Buffer, offset: number, length: number, position: number): Promise<number>;
  /** Writes the buffers at `position` in one gather write; may write fewer bytes than given. */
  writev(fd: number, bufs: readonly Buffer[], position: number): Promise<number>;
  /** Data to stable storage, without metadata that is not needed to read it back. */
  fdatasync(fd: number): Promise<void>;
  /** Data and metadata to stable storage; on a directory descriptor, its entries. */
  fsync(fd: number): Promise<void>;
  ftruncate(fd: number, length: number): Promise<void>;
  fileSize(fd: number): Promise<number>;
  readFile(path: string): Promise<Buffer>;
  rename(from: string, to: string): Promise<void>;
  /** Removes a file, or a directory tree with `recursive`; a missing path is not an error. */
  rm(path: string, options?: { recursive?: boolean }): Promise<void>;
  /** Creates the directory and any missing parents. */
  mkdir(path: string): Promise<void>;
  readdir(path: string): Promise<string[]>;
  exists(path: string): Promise<boolean>;
}

/**
 * The synchronous operations an atomic replace needs, for callers that cannot await (the group
 * offset store compacts while the broker starts, synchronously).
 */
export interface FsPortSync {
  openSync(path: string, flags: OpenFlags): number;
  closeSync(fd: number): void;
  writeSync(fd: number, buf: Buffer, position: number): number;
  fsyncSync(fd: number): void;
  renameSync(from: string, to: string): void;
}

/** The errno code of a Node-style error, if it has one. */
export function errnoCode(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null || !('code' in e)) return undefined;
  const code = (e).code;
  return typeof code === 'string' ? code : undefined;
}
