/**
 * One segment (Kafka's storage/.../internals/log/LogSegment.java): a `.log` file of RecordBatch v2
 * bytes exactly as produced (offsets assigned), with its sparse offset index and time index kept
 * in memory and written next to it (Kafka's `.index` / `.timeindex`) when the segment is rolled
 * or the log is closed. The `.log` file descriptor stays open for positional reads and writes.
 */
import path from 'node:path';
import { LOG_OVERHEAD, Off, checkBatch, readBatchHeader, BATCH_HEADER_SIZE, type BatchHeader } from '../protocol/record-batch.js';
import { writeFileAtomic } from './atomic-file.js';
import { walkBatches, type BatchVisitor, type WalkOptions, type WalkProblem, type WalkResult } from './batch-walk.js';
import { preadFull, pwritevFull } from './fd-io.js';
import { indexFileName, logFileName, timeIndexFileName, txnIndexFileName } from './file-names.js';
import type { FsPort } from './fs-port.js';
import { OffsetIndex, OFFSET_INDEX_ENTRY_SIZE } from './offset-index.js';
import { TimeIndex, TIME_INDEX_ENTRY_SIZE } from './time-index.js';
import { TransactionIndex } from './transaction-index.js';

/** What the log needs to know about a batch once it is in the file. */
export interface StoredBatch {
  position: number;
  baseOffset: number;
  lastOffset: number;
  size: number;
  maxTimestamp: number;
}

export interface RecoveryResult {
  truncatedBytes: number;
  problem?: WalkProblem;
  /** The offset at which the bad batch would have started. */
  badOffset?: number;
}

const HINTS = 16;

/** What loadIndexes answers for a segment that has no index files (never completed, or new). */
export const INDEX_FILES_MISSING = 'its index files are missing';

/**
 * Descriptors of inactive segments are opened on demand and the least recently used are closed
 * beyond this many, so small segments or many partitions do not run out of file descriptors.
 */
export const MAX_OPEN_INACTIVE_SEGMENTS = 256;
const openInactive = new Set<Segment>();

function touchOpen(seg: Segment): void {
  openInactive.delete(seg);
  openInactive.add(seg);
  if (openInactive.size <= MAX_OPEN_INACTIVE_SEGMENTS) return;
  for (const s of openInactive) {
    if (openInactive.size <= MAX_OPEN_INACTIVE_SEGMENTS) break;
    if (s !== seg && s.evictable) s.evict();
  }
}

export class Segment {
  readonly baseOffset: number;
  readonly dir: string;
  private readonly fs: FsPort;
  private _fd: number | undefined;
  /** A reopen of an evicted descriptor in progress, shared by concurrent readers. */
  private opening: Promise<number> | undefined;
  /** The active segment keeps its descriptor; others may have theirs closed when idle. */
  private pinned = true;
  /** Bytes that are written and readable. */
  size: number;
  /** Where the next write goes; ahead of `size` while a write is in flight. */
  writePosition: number;
  /** The offset after the last batch in this segment. */
  nextOffset: number;
  maxTimestamp = -1;
  /** Base offset of the first batch holding `maxTimestamp`. */
  offsetOfMaxTimestamp = -1;
  /** Max timestamp of the first batch, the start of the segment.ms clock (as Kafka). */
  firstBatchTimestamp = -1;
  readonly createdAt: number;
  offsetIndex = new OffsetIndex();
  timeIndex = new TimeIndex();
  /** Aborted transactions whose ABORT marker is in this segment. */
  txnIndex = new TransactionIndex();
  /**
   * The txnIndex was read from the files of a cleanly closed segment; otherwise it must be
   * rebuilt by replaying the log (the loader does, with the producer state).
   */
  txnIndexTrusted = false;
  /**
   * Bytes below this position were trusted at start (a completed segment after a clean stop)
   * rather than CRC-checked, so reads check the CRC of batches served from there. Batches written
   * by this process were checked on produce, and recovered ones by the recovery walk.
   */
  private uncheckedBelow = 0;
  private bytesSinceLastIndexEntry = 0;
  /** (batch base offset, position) pairs where recent reads ended: consumers continue there. */
  private hints: { offset: number; position: number }[] = [];
  private refs = 0;
  /** Closed or deleted: the descriptor goes once the last reader releases it. */
  private retired = false;

  private constructor(fs: FsPort, dir: string, baseOffset: number, fd: number, size: number, createdAt: number) {
    this.fs = fs;
    this.dir = dir;
    this.baseOffset = baseOffset;
    this._fd = fd;
    this.size = size;
    this.writePosition = size;
    this.nextOffset = baseOffset;
    this.createdAt = createdAt;
  }

  get logPath(): string {
    return path.join(this.dir, logFileName(this.baseOffset));
  }
  get indexPath(): string {
    return path.join(this.dir, indexFileName(this.baseOffset));
  }
  get timeIndexPath(): string {
    return path.join(this.dir, timeIndexFileName(this.baseOffset));
  }
  get txnIndexPath(): string {
    return path.join(this.dir, txnIndexFileName(this.baseOffset));
  }
  get fileName(): string {
    return logFileName(this.baseOffset);
  }
  /** The open descriptor, reopened if it was evicted. Use inside acquire()/release(). */
  private async descriptor(): Promise<number> {
    let fd = this._fd;
    if (fd === undefined) {
      if (this.retired) throw new Error(`segment ${this.logPath} is closed`);
      this.opening ??= this.fs.open(this.logPath, 'r+').finally(() => (this.opening = undefined));
      fd = this._fd = await this.opening;
    }
    if (!this.pinned) touchOpen(this);
    return fd;
  }

  get evictable(): boolean {
    return !this.pinned && this.refs === 0 && this._fd !== undefined;
  }

  evict(): void {
    openInactive.delete(this);
    const fd = this._fd;
    if (fd === undefined) return;
    this._fd = undefined;
    // Nothing is written through an inactive segment's descriptor, so a failed close loses nothing.
    void this.fs.close(fd).catch(() => undefined);
  }

  /** Called once the segment is no longer appended to. */
  unpin(): void {
    this.pinned = false;
    if (this._fd !== undefined) touchOpen(this);
  }

  /** Runs fn with the descriptor held open. */
  private async withFd<T>(fn: (fd: number) => Promise<T>): Promise<T> {
    this.acquire();
    try {
      return await fn(await this.descriptor());
    } finally {
      this.release();
    }
  }

  walk(start: number, end: number, opts: WalkOptions, visit: BatchVisitor): Promise<WalkResult> {
    return this.withFd((fd) => walkBatches((b, at) => preadFull(this.fs, fd, b, at), start, end, opts, visit));
  }

  get isEmpty(): boolean {
    return this.writePosition === 0;
  }

  /** A new, empty segment (an existing file of that name is emptied: it can only be a leftover). */
  static async create(fs: FsPort, dir: string, baseOffset: number, now: number): Promise<Segment> {
    const fd = await fs.open(path.join(dir, logFileName(baseOffset)), 'w+');
    return new Segment(fs, dir, baseOffset, fd, 0, now);
  }

  static async open(fs: FsPort, dir: string, baseOffset: number, now: number): Promise<Segment> {
    const fd = await fs.open(path.join(dir, logFileName(baseOffset)), 'r+');
    let size: number;
    try {
      size = await fs.fileSize(fd);
    } catch (e) {
      await fs.close(fd).catch(() => undefined);
      throw e;
    }
    return new Segment(fs, dir, baseOffset, fd, size, now);
  }

  // ---- loading -------------------------------------------------------------------------------

  /**
   * Loads the index files of a segment that was closed cleanly. Returns why they cannot be used
   * (missing, implausible, or the log after the last entry does not check out), in which case the
   * caller recovers (rescans) the segment; undefined when they are loaded.
   *
   * The bytes after the last index entry are walked to learn nextOffset, with offset continuity
   * checked from that entry on. With `verifyTail` (the last segment of a partition) they are also
   * CRC-checked: after a clean stop Kafka trusts the whole log, but a file damaged while the broker
   * was down would then be served; the tail is a few KiB, so start stays fast.
   */
  async loadIndexes(verifyTail = false): Promise<string | undefined> {
    let ib: Buffer, tb: Buffer;
    try {
      [ib, tb] = await Promise.all([this.fs.readFile(this.indexPath), this.fs.readFile(this.timeIndexPath)]);
    } catch {
      return INDEX_FILES_MISSING;
    }
    const oi = OffsetIndex.fromBuffer(ib, this.size);
    const ti = TimeIndex.fromBuffer(tb);
    if (!oi || !ti || (this.size > 0 && ti.length === 0)) return 'its index files are implausible';
    // Written before the other two, and only when not empty (as Kafka creates it lazily): with
    // them present, a missing .txnindex means no aborted transaction ends in this segment.
    const xb = await this.fs.readFile(this.txnIndexPath).catch(() => undefined);
    const xi = xb === undefined ? new TransactionIndex() : TransactionIndex.fromBuffer(xb);
    if (typeof xi === 'string') return `its transaction index is implausible (${xi})`;
    const lastEntry = oi.lastEntry();
    const from = lastEntry?.position ?? 0;
    let next = this.baseOffset;
    const expectOffset = this.baseOffset + (lastEntry?.relOffset ?? 0);
    const r = await this.walk(from, this.size, { verify: verifyTail, expectOffset, segmentBase: this.baseOffset }, (h) => {
      next = h.baseOffset + h.lastOffsetDelta + 1;
    });
    if (r.problem) return `the batch at position ${r.problem.position} is bad (${r.problem.reason})`;
    if (r.end !== this.size) return `the file does not end at a batch boundary`;
    this.offsetIndex = oi;
    this.timeIndex = ti;
    this.txnIndex = xi;
    this.txnIndexTrusted = true;
    this.nextOffset = next;
    this.uncheckedBelow = verifyTail ? from : this.size;
    this.bytesSinceLastIndexEntry = this.size - from;
    const last = ti.lastEntry();
    if (last) {
      this.maxTimestamp = last.timestamp;
      this.offsetOfMaxTimestamp = this.baseOffset + last.relOffset;
    }
    if (this.size >= BATCH_HEADER_SIZE) {
      const hb = Buffer.allocUnsafe(BATCH_HEADER_SIZE);
      await this.withFd((fd) => preadFull(this.fs, fd, hb, 0));
      this.firstBatchTimestamp = readBatchHeader(hb).maxTimestamp;
    }
    return undefined;
  }

  /**
   * Kafka's LogSegment.recover: rebuild the indexes from the log, checking every batch (length,
   * magic, CRC-32C, offsets following on from `expectOffset`, see offsetFollows), and cut the file
   * at the first bad batch.
   */
  async recover(indexIntervalBytes: number, expectOffset: number): Promise<RecoveryResult> {
    this.resetIndexes();
    this.uncheckedBelow = 0;
    this.nextOffset = Math.max(this.baseOffset, expectOffset);
    const r = await this.walk(0, this.size, { verify: true, expectOffset: this.nextOffset, segmentBase: this.baseOffset }, (h, pos) => {
      this.track(
        { position: pos, baseOffset: h.baseOffset, lastOffset: h.baseOffset + h.lastOffsetDelta, size: h.size, maxTimestamp: h.maxTimestamp },
        indexIntervalBytes,
      );
    });
    const truncatedBytes = this.size - r.end;
    if (truncatedBytes > 0) {
      await this.withFd((fd) => this.fs.ftruncate(fd, r.end));
      this.size = r.end;
      this.writePosition = r.end;
    }
    return { truncatedBytes, problem: r.problem, badOffset: r.problem ? this.nextOffset : undefined };
  }

  /**
   * Rebuilds the offset and time indexes of bytes [0, limit) from the batch headers, after a
   * lookup found an entry that does not describe the log (Kafka rebuilds a corrupt index on load,
   * LogLoader's sanityCheck; mq finds out at the lookup). Entries an append added beyond `limit`
   * while the walk ran are kept.
   */
  async rebuildIndexes(indexIntervalBytes: number, limit = this.size): Promise<void> {
    const oi = new OffsetIndex();
    const ti = new TimeIndex();
    let since = 0;
    let maxTs = -1;
    let offsetOfMax = -1;
    let next = this.baseOffset;
    await this.walk(0, limit, { verify: false, expectOffset: this.baseOffset, segmentBase: this.baseOffset }, (h, pos) => {
      if (h.maxTimestamp > maxTs) {
        maxTs = h.maxTimestamp;
        offsetOfMax = h.baseOffset;
      }
      if (since > indexIntervalBytes) {
        oi.append(h.baseOffset - this.baseOffset, pos);
        ti.maybeAppend(maxTs, offsetOfMax - this.baseOffset);
        since = 0;
      }
      since += h.size;
      next = h.baseOffset + h.lastOffsetDelta + 1;
    });
    if (maxTs >= 0) ti.maybeAppend(maxTs, offsetOfMax - this.baseOffset);
    this.offsetIndex.forEachFrom(limit, (rel, pos) => oi.append(rel, pos));
    this.timeIndex.forEachFrom(next - this.baseOffset, (ts, rel) => ti.maybeAppend(ts, rel));
    this.offsetIndex = oi;
    this.timeIndex = ti;
    this.hints = [];
    if (limit >= this.size) {
      this.maxTimestamp = maxTs;
      this.offsetOfMaxTimestamp = offsetOfMax;
      this.bytesSinceLastIndexEntry = since;
    }
  }

  private resetIndexes(): void {
    this.offsetIndex = new OffsetIndex();
    this.timeIndex = new TimeIndex();
    this.txnIndex = new TransactionIndex();
    this.txnIndexTrusted = false;
    this.bytesSinceLastIndexEntry = 0;
    this.maxTimestamp = -1;
    this.offsetOfMaxTimestamp = -1;
    this.firstBatchTimestamp = -1;
    this.hints = [];
  }

  // ---- appending -----------------------------------------------------------------------------

  /** Writes batches at `position` in one gather write (the group commit's single writev). */
  write(bufs: readonly Buffer[], position: number): Promise<void> {
    return this.withFd((fd) => pwritevFull(this.fs, fd, bufs, position));
  }

  /** Records a batch that now sits in the file (Kafka's LogSegment.append bookkeeping). */
  track(b: StoredBatch, indexIntervalBytes: number): void {
    if (b.position === 0 || this.firstBatchTimestamp < 0) this.firstBatchTimestamp = b.maxTimestamp;
    if (b.maxTimestamp > this.maxTimestamp) {
      this.maxTimestamp = b.maxTimestamp;
      this.offsetOfMaxTimestamp = b.baseOffset;
    }
    if (this.bytesSinceLastIndexEntry > indexIntervalBytes) {
      this.offsetIndex.append(b.baseOffset - this.baseOffset, b.position);
      this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp - this.baseOffset);
      this.bytesSinceLastIndexEntry = 0;
    }
    this.bytesSinceLastIndexEntry += b.size;
    this.nextOffset = b.lastOffset + 1;
    const end = b.position + b.size;
    if (end > this.size) this.size = end;
    if (end > this.writePosition) this.writePosition = end;
  }

  /** True when another entry could not be stored in an index of `segmentIndexBytes`. */
  indexFull(segmentIndexBytes: number): boolean {
    return (
      (this.offsetIndex.length + 1) * OFFSET_INDEX_ENTRY_SIZE > segmentIndexBytes ||
      (this.timeIndex.length + 1) * TIME_INDEX_ENTRY_SIZE > segmentIndexBytes
    );
  }

  // ---- reading -------------------------------------------------------------------------------

  acquire(): void {
    this.refs++;
  }

  release(): void {
    this.refs--;
    if (this.refs === 0 && this.retired) void this.closeFd();
  }

  /**
   * Position of the batch containing `offset` (which may start before it), or undefined if the
   * segment has no batch with that offset among its readable bytes. `damaged` says the index
   * entry used did not land on a batch that holds its offset (a position a few bytes off, say),
   * so the answer came from a scan of the segment from its start and the caller should rebuild the
   * index. The answer never depends on an unchecked index entry.
   */
  async findPosition(offset: number, limit = this.size): Promise<{ position: number | undefined; damaged: boolean }> {
    for (const h of this.hints) if (h.offset === offset && h.position < limit) return { position: h.position, damaged: false };
    const entry = this.offsetIndex.lookup(offset - this.baseOffset);
    let start = entry.position;
    let expect = this.baseOffset + entry.relOffset;
    for (const h of this.hints) {
      if (h.offset <= offset && h.position > start && h.position < limit) {
        start = h.position;
        expect = h.offset;
      }
    }
    const first = await this.scanFor(offset, start, expect, limit);
    if (first.ok) return { position: first.position, damaged: false };
    const fromStart = await this.scanFor(offset, 0, this.baseOffset, limit);
    return { position: fromStart.position, damaged: start > 0 };
  }

  /**
   * Walks from `start`, where a batch with base offset `expect` must begin, to the batch holding
   * `offset`. Not ok when the walk breaks before reaching it (a bad starting point).
   */
  private async scanFor(offset: number, start: number, expect: number, limit: number): Promise<{ ok: boolean; position: number | undefined }> {
    if (start >= limit && start > 0) return { ok: false, position: undefined };
    let found: number | undefined;
    const r = await this.walk(start, limit, { verify: false, expectOffset: expect, segmentBase: this.baseOffset }, (h, pos) => {
      if (h.baseOffset + h.lastOffsetDelta >= offset) {
        found = pos;
        return false;
      }
      return true;
    });
    if (found !== undefined) return { ok: true, position: found };
    return { ok: !r.problem, position: undefined };
  }

  /**
   * Whole batches from `position`: the first one always complete even if larger than maxBytes,
   * then more while they fit, none starting at or after `maxOffset` (read_committed's LSO; the
   * caller does not ask when the first one would). One positional read into a fresh buffer,
   * handed out as is.
   */
  async readBatches(position: number, maxBytes: number, limit = this.size, maxOffset = Infinity): Promise<{ bytes: Buffer; nextOffset: number; bad?: string }> {
    const avail = limit - position;
    if (avail <= 0) return { bytes: Buffer.alloc(0), nextOffset: -1 };
    let buf = Buffer.allocUnsafe(Math.min(avail, Math.max(maxBytes, BATCH_HEADER_SIZE)));
    let n = await this.withFd((fd) => preadFull(this.fs, fd, buf, position));
    const firstSize = buf.readInt32BE(Off.batchLength) + LOG_OVERHEAD;
    if (firstSize > n) {
      buf = Buffer.allocUnsafe(Math.min(firstSize, avail));
      n = await this.withFd((fd) => preadFull(this.fs, fd, buf, position));
    }
    let end = 0;
    let lastHeader: BatchHeader | undefined;
    let bad: string | undefined;
    while (end + LOG_OVERHEAD <= n) {
      const size = buf.readInt32BE(end + Off.batchLength) + LOG_OVERHEAD;
      if (end + size > n || size < BATCH_HEADER_SIZE) break;
      if (position + end < this.uncheckedBelow) {
        const c = checkBatch(buf, end, end + size);
        if (c.kind !== 'ok') {
          bad = `the batch at position ${position + end} is bad (${c.kind === 'corrupt' ? c.reason : 'torn'})`;
          break;
        }
      }
      const h = readBatchHeader(buf, end);
      // Batches handed out together must follow on (the base offset is outside the CRC).
      if (lastHeader && h.baseOffset !== lastHeader.baseOffset + lastHeader.lastOffsetDelta + 1) break;
      if (lastHeader && h.baseOffset >= maxOffset) break;
      lastHeader = h;
      end += size;
    }
    // Not even the first batch is whole within the segment: its length field is damaged.
    if (!lastHeader) return { bytes: Buffer.alloc(0), nextOffset: -1, bad: bad ?? `the batch at position ${position} has an impossible length ${firstSize - LOG_OVERHEAD}` };
    const nextOffset = lastHeader.baseOffset + lastHeader.lastOffsetDelta + 1;
    this.remember(nextOffset, position + end);
    return { bytes: end === buf.length ? buf : buf.subarray(0, end), nextOffset };
  }

  remember(offset: number, position: number): void {
    if (this.hints.some((h) => h.offset === offset)) return;
    this.hints.push({ offset, position });
    if (this.hints.length > HINTS) this.hints.shift();
  }

  /** The header of the batch at `position`, or undefined when no whole header is there. */
  async headerAt(position: number): Promise<BatchHeader | undefined> {
    if (position + BATCH_HEADER_SIZE > this.size) return undefined;
    const b = Buffer.allocUnsafe(BATCH_HEADER_SIZE);
    await this.withFd((fd) => preadFull(this.fs, fd, b, position));
    const h = readBatchHeader(b);
    return h.magic === 2 ? h : undefined;
  }

  /** Reads the whole batch at `position`. */
  async batchAt(position: number): Promise<Buffer> {
    return this.withFd(async (fd) => {
      const h = Buffer.allocUnsafe(LOG_OVERHEAD);
      await preadFull(this.fs, fd, h, position);
      const b = Buffer.allocUnsafe(h.readInt32BE(Off.batchLength) + LOG_OVERHEAD);
      await preadFull(this.fs, fd, b, position);
      return b;
    });
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  async flush(): Promise<void> {
    if (!this.retired) await this.withFd((fd) => this.fs.fdatasync(fd));
  }

  /**
   * Writes the index files, each replaced atomically and durably. Called when the segment stops
   * being active and on clean close; the presence of index files tells a later recovery that this
   * segment was completed.
   */
  async writeIndexes(): Promise<void> {
    if (this.maxTimestamp >= 0) this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp - this.baseOffset);
    await this.writeTxnIndex();
    await writeFileAtomic(this.indexPath, this.offsetIndex.toBuffer(), this.fs);
    await writeFileAtomic(this.timeIndexPath, this.timeIndex.toBuffer(), this.fs);
  }

  /** Replaces the `.txnindex` file with the in-memory index (removed when empty). */
  async writeTxnIndex(): Promise<void> {
    if (this.txnIndex.length === 0) await this.fs.rm(this.txnIndexPath);
    else await writeFileAtomic(this.txnIndexPath, this.txnIndex.toBuffer(), this.fs);
  }

  /**
   * Removes the offset and time index files: an active segment's index lives in memory only, and
   * their presence marks a completed segment. The `.txnindex` stays (it marks nothing; the loader
   * rewrites it whenever its replay finds it stale).
   */
  async removeIndexFiles(): Promise<void> {
    for (const f of [this.indexPath, this.timeIndexPath]) await this.fs.rm(f);
  }

  /**
   * Unlinks the files now; the descriptor stays open until in-flight reads release it (POSIX keeps
   * an unlinked file readable through open descriptors).
   */
  async delete(): Promise<void> {
    // Retired first: a reader must not reopen an evicted descriptor of a file being unlinked.
    this.retired = true;
    await Promise.all([this.logPath, this.indexPath, this.timeIndexPath, this.txnIndexPath].map((f) => this.fs.rm(f)));
    await this.close();
  }

  /** Closes the descriptor now, or when the last in-flight read releases it. */
  async close(): Promise<void> {
    this.retired = true;
    if (this.refs === 0) await this.closeFd();
  }

  private async closeFd(): Promise<void> {
    openInactive.delete(this);
    const fd = this._fd;
    if (fd === undefined) return;
    this._fd = undefined;
    await this.fs.close(fd);
  }
}
