/**
 * An in-memory file system behind the storage port, for tests of what the log does when the disk
 * fails: the next write, sync, rename (or open, read, truncate) can be made to fail with a chosen
 * errno, optionally after part of a write went through (a torn write, or a disk that fills up
 * mid-batch). The idea is kfake's memFS (franz-go's pkg/kfake). Semantics follow POSIX where
 * the log relies on them: an unlinked file stays readable through open descriptors, a directory
 * rename moves everything under it, writes past the end grow the file. loseUnsynced() models a
 * power loss for file contents (what was not fsynced is gone); names are always durable here.
 */
import path from 'node:path';
import type { FsPort, FsPortSync, OpenFlags } from './fs-port.js';

/** Operations a fault can target; `sync` covers fsync and fdatasync, `write` every write. */
export type FaultOp = 'open' | 'read' | 'write' | 'sync' | 'rename' | 'truncate';

export interface FaultOptions {
  /** Only operations on this path, or on paths under it (a partition directory), fail. */
  path?: string;
  /** For `write`: this many bytes are written before the error (a torn or short write). */
  afterBytes?: number;
  /** This many matching operations succeed first (to fail the second write of a sequence). */
  skip?: number;
}

interface Fault extends FaultOptions {
  op: FaultOp;
  code: string;
}

class MemFile {
  buf = Buffer.alloc(0);
  size = 0;
  /** The content as of the last fsync or fdatasync. */
  synced = Buffer.alloc(0);

  sync(): void {
    this.synced = Buffer.from(this.buf.subarray(0, this.size));
  }

  ensure(n: number): void {
    if (n <= this.buf.length) return;
    const b = Buffer.alloc(Math.max(n, this.buf.length * 2, 4096));
    this.buf.copy(b, 0, 0, this.size);
    this.buf = b;
  }

  writeAt(src: Buffer, position: number): void {
    this.ensure(position + src.length);
    if (position > this.size) this.buf.fill(0, this.size, position);
    src.copy(this.buf, position);
    this.size = Math.max(this.size, position + src.length);
  }

  truncate(n: number): void {
    this.ensure(n);
    if (n > this.size) this.buf.fill(0, this.size, n);
    this.size = n;
  }
}

interface Descriptor {
  path: string;
  /** Undefined for a directory opened to fsync it. */
  file?: MemFile;
  writable: boolean;
}

/** A Node-style errno error, as node:fs throws them. */
export function errnoError(code: string, syscall: string, p: string): Error & { code: string; syscall: string; path: string } {
  return Object.assign(new Error(`${code}: ${syscall} '${p}'`), { code, syscall, path: p });
}

export class MemFs implements FsPort, FsPortSync {
  private readonly files = new Map<string, MemFile>();
  private readonly dirs = new Set<string>(['/']);
  private readonly fds = new Map<number, Descriptor>();
  private nextFd = 100;
  private faults: Fault[] = [];

  /** Makes the next matching operation fail with `code` (EIO, ENOSPC, ...). Faults queue up. */
  failNext(op: FaultOp, code: string, options: FaultOptions = {}): void {
    this.faults.push({ op, code, ...options, path: options.path && norm(options.path) });
  }

  /** Faults not yet triggered. */
  get pendingFaults(): number {
    return this.faults.length;
  }

  get openDescriptors(): number {
    return this.fds.size;
  }

  /** A copy of a file's bytes (tests inspect or corrupt files through this and writeFile). */
  fileBytes(p: string): Buffer {
    const f = this.files.get(norm(p));
    if (!f) throw errnoError('ENOENT', 'open', p);
    return Buffer.from(f.buf.subarray(0, f.size));
  }

  /** A power loss: every file goes back to what its last fsync made durable (abandon the log first). */
  loseUnsynced(): void {
    for (const f of this.files.values()) {
      const kept = f.synced;
      f.truncate(0);
      f.writeAt(kept, 0);
    }
  }

  /** Replaces a file's content outside any fault injection. */
  writeFile(p: string, data: Buffer): void {
    const f = new MemFile();
    f.writeAt(data, 0);
    f.sync();
    this.files.set(norm(p), f);
  }

  private take(op: FaultOp, p: string): Fault | undefined {
    const i = this.faults.findIndex((f) => f.op === op && (f.path === undefined || p === f.path || p.startsWith(f.path + '/')));
    if (i < 0) return undefined;
    const f = this.faults[i]!;
    if (f.skip) {
      f.skip--;
      return undefined;
    }
    return this.faults.splice(i, 1)[0];
  }

  private failIf(op: FaultOp, syscall: string, p: string): void {
    const f = this.take(op, p);
    if (f) throw errnoError(f.code, syscall, p);
  }

  private desc(fd: number, syscall: string): Descriptor {
    const d = this.fds.get(fd);
    if (!d) throw errnoError('EBADF', syscall, String(fd));
    return d;
  }

  private fileOf(fd: number, syscall: string): { d: Descriptor; f: MemFile } {
    const d = this.desc(fd, syscall);
    if (!d.file) throw errnoError('EISDIR', syscall, d.path);
    return { d, f: d.file };
  }

  private requireParent(p: string, syscall: string): void {
    if (!this.dirs.has(path.posix.dirname(p))) throw errnoError('ENOENT', syscall, p);
  }

  // ---- synchronous operations (the async port wraps these) --------------------------------

  openSync(raw: string, flags: OpenFlags): number {
    const p = norm(raw);
    this.failIf('open', 'open', p);
    let file = this.files.get(p);
    if (flags === 'r' || flags === 'r+') {
      if (!file && this.dirs.has(p) && flags === 'r') {
        const fd = this.nextFd++;
        this.fds.set(fd, { path: p, writable: false });
        return fd;
      }
      if (!file) throw errnoError(this.dirs.has(p) ? 'EISDIR' : 'ENOENT', 'open', p);
    } else {
      if (this.dirs.has(p)) throw errnoError('EISDIR', 'open', p);
      this.requireParent(p, 'open');
      if (!file) this.files.set(p, (file = new MemFile()));
      file.truncate(0);
    }
    const fd = this.nextFd++;
    this.fds.set(fd, { path: p, file, writable: flags !== 'r' });
    return fd;
  }

  closeSync(fd: number): void {
    this.desc(fd, 'close');
    this.fds.delete(fd);
  }

  readSync(fd: number, buf: Buffer, offset: number, length: number, position: number): number {
    const { d, f } = this.fileOf(fd, 'read');
    this.failIf('read', 'read', d.path);
    const n = Math.max(0, Math.min(length, f.size - position));
    f.buf.copy(buf, offset, position, position + n);
    return n;
  }

  writevSync(fd: number, bufs: readonly Buffer[], position: number): number {
    const { d, f } = this.fileOf(fd, 'write');
    if (!d.writable) throw errnoError('EBADF', 'write', d.path);
    const fault = this.take('write', d.path);
    let budget = fault ? (fault.afterBytes ?? 0) : Infinity;
    let at = position;
    for (const b of bufs) {
      const part = b.length <= budget ? b : b.subarray(0, budget);
      f.writeAt(part, at);
      at += part.length;
      budget -= part.length;
      if (budget <= 0) break;
    }
    if (fault) throw errnoError(fault.code, 'write', d.path);
    return at - position;
  }

  writeSync(fd: number, buf: Buffer, position: number): number {
    return this.writevSync(fd, [buf], position);
  }

  fsyncSync(fd: number): void {
    const d = this.desc(fd, 'fsync');
    this.failIf('sync', 'fsync', d.path);
    d.file?.sync();
  }

  renameSync(rawFrom: string, rawTo: string): void {
    const from = norm(rawFrom);
    const to = norm(rawTo);
    this.failIf('rename', 'rename', from);
    this.requireParent(to, 'rename');
    const file = this.files.get(from);
    if (file) {
      this.files.delete(from);
      this.files.set(to, file);
      return;
    }
    if (!this.dirs.has(from)) throw errnoError('ENOENT', 'rename', from);
    for (const d of [...this.dirs]) {
      if (d === from || d.startsWith(from + '/')) {
        this.dirs.delete(d);
        this.dirs.add(to + d.slice(from.length));
      }
    }
    for (const [k, f] of [...this.files]) {
      if (k.startsWith(from + '/')) {
        this.files.delete(k);
        this.files.set(to + k.slice(from.length), f);
      }
    }
  }

  // ---- the port -----------------------------------------------------------------------------

  async open(p: string, flags: OpenFlags): Promise<number> {
    return this.openSync(p, flags);
  }

  async close(fd: number): Promise<void> {
    this.closeSync(fd);
  }

  async read(fd: number, buf: Buffer, offset: number, length: number, position: number): Promise<number> {
    return this.readSync(fd, buf, offset, length, position);
  }

  async writev(fd: number, bufs: readonly Buffer[], position: number): Promise<number> {
    return this.writevSync(fd, bufs, position);
  }

  async fdatasync(fd: number): Promise<void> {
    const d = this.desc(fd, 'fdatasync');
    this.failIf('sync', 'fdatasync', d.path);
    d.file?.sync();
  }

  async fsync(fd: number): Promise<void> {
    this.fsyncSync(fd);
  }

  async ftruncate(fd: number, length: number): Promise<void> {
    const { d, f } = this.fileOf(fd, 'ftruncate');
    this.failIf('truncate', 'ftruncate', d.path);
    f.truncate(length);
  }

  async fileSize(fd: number): Promise<number> {
    return this.fileOf(fd, 'fstat').f.size;
  }

  async readFile(raw: string): Promise<Buffer> {
    const p = norm(raw);
    if (this.dirs.has(p)) throw errnoError('EISDIR', 'read', p);
    this.failIf('read', 'read', p);
    return this.fileBytes(p);
  }

  async rename(from: string, to: string): Promise<void> {
    this.renameSync(from, to);
  }

  async rm(raw: string, options?: { recursive?: boolean }): Promise<void> {
    const p = norm(raw);
    if (this.files.delete(p)) return;
    if (!this.dirs.has(p)) return;
    const children = [...this.files.keys(), ...this.dirs].filter((k) => k.startsWith(p + '/'));
    if (children.length && !options?.recursive) throw errnoError('ENOTEMPTY', 'rm', p);
    for (const k of children) {
      this.files.delete(k);
      this.dirs.delete(k);
    }
    this.dirs.delete(p);
  }

  async mkdir(raw: string): Promise<void> {
    let p = norm(raw);
    if (this.files.has(p)) throw errnoError('EEXIST', 'mkdir', p);
    while (!this.dirs.has(p)) {
      this.dirs.add(p);
      p = path.posix.dirname(p);
    }
  }

  async readdir(raw: string): Promise<string[]> {
    const p = norm(raw);
    if (!this.dirs.has(p)) throw errnoError('ENOENT', 'scandir', p);
    const out: string[] = [];
    for (const k of [...this.dirs, ...this.files.keys()]) {
      if (k !== p && path.posix.dirname(k) === p) out.push(path.posix.basename(k));
    }
    return out.sort();
  }

  async exists(raw: string): Promise<boolean> {
    const p = norm(raw);
    return this.files.has(p) || this.dirs.has(p);
  }
}

function norm(p: string): string {
  const n = path.posix.resolve('/', p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}
