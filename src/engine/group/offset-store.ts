/**
 * Durable committed offsets: `groups/offsets.log` in the data directory, our stand-in for
 * Kafka's __consumer_offsets topic. This is the only file of engine/group that does I/O; the
 * coordinator sees the narrow OffsetStore port (records.ts), and tests use MemoryOffsetStore.
 *
 * File format (version 1). A sequence of frames:
 *
 *   int32  length    bytes that follow this field (crc + version + payload)
 *   uint32 crc32c    CRC-32C of version + payload
 *   int8   version   format of the payload; 1 = the JSON below
 *   bytes  payload   UTF-8 JSON array of StoreEntry (one append is one frame, so it is atomic;
 *                    an append carries every operation of one group-commit batch)
 *
 * Replay applies entries in order and keeps the latest value per (group, topic, partition);
 * deletions are tombstone entries. A frame counts only if its length is sane, its CRC-32C matches
 * and its payload decodes; a bad frame in the middle (a flipped bit, a damaged sector) is
 * skipped and reading resynchronises on the next valid frame, so one damaged commit never costs
 * the others (Kafka's __consumer_offsets is a log of CRC-checked batches too). Bytes cut short at
 * the end are the torn tail of an interrupted append: they are cut off and reported. Anything
 * else that could not be read is reported with its position, and the original file is copied to
 * offsets.log.corrupt-<time> before the log is rewritten, so nothing unread is ever compacted
 * away for good. On open the log is compacted when that removes something (superseded entries,
 * damage): the surviving state is written to a temporary file, fsynced and renamed over the log,
 * so a crash mid-compaction leaves either the old or the new file, and it writes one frame per
 * group so that damage to one frame later costs one group. Format migration: a later release
 * must keep reading version 1 frames and may write a higher version.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomicSync } from '../log/atomic-file.js';
import { crc32c } from '../protocol/crc32c.js';
import { StoreState, type OffsetStore, type StoreEntry, type StoreSnapshot } from './records.js';

export const OFFSETS_LOG_FORMAT_VERSION = 1;
const HEADER_BYTES = 4 + 4 + 1;
/** A frame claiming more than this is garbage, not a commit (bounds allocation on a bad file). */
const MAX_FRAME_BYTES = 64 * 1024 * 1024;

export function encodeFrame(entries: readonly StoreEntry[], version = OFFSETS_LOG_FORMAT_VERSION): Buffer {
  const payload = Buffer.from(JSON.stringify(entries), 'utf8');
  const frame = Buffer.alloc(HEADER_BYTES + payload.length);
  frame.writeInt32BE(4 + 1 + payload.length, 0);
  frame.writeInt8(version, 8);
  payload.copy(frame, HEADER_BYTES);
  frame.writeUInt32BE(crc32c(frame.subarray(8)), 4);
  return frame;
}

export interface SkippedRange {
  /** Byte position where the unreadable bytes start. */
  at: number;
  bytes: number;
}

export interface DecodedLog {
  entries: StoreEntry[];
  /** Whole, valid frames read (after any resynchronisation). */
  frames: number;
  /** End of the last valid frame: what a torn tail is cut back to. */
  validBytes: number;
  /** Corrupt stretches followed by a valid frame: skipped, and the reading resynchronised after them. */
  skipped: SkippedRange[];
  /**
   * Unreadable bytes at the end with no valid frame after them. `torn` is true when they are the
   * start of a frame cut short (an interrupted append); false when a whole frame is there but bad.
   */
  tail: (SkippedRange & { torn: boolean; problem: string }) | null;
}

type FrameRead = { ok: true; next: number; entries: StoreEntry[] } | { ok: false; short: boolean; problem: string };

/**
 * Reads the frame at `pos`. A frame counts only if its length is sane, it fits in the file, its
 * CRC-32C matches, its version is known and its payload decodes to a list of store entries: the
 * chance that corrupt bytes pass all of that is far below 2^-32, which is what makes scanning
 * forward for the next frame safe (Kafka's log recovery relies on the batch CRC the same way).
 */
function readFrame(buf: Buffer, pos: number): FrameRead {
  if (buf.length - pos < HEADER_BYTES) return { ok: false, short: true, problem: 'short frame header' };
  const length = buf.readInt32BE(pos);
  if (length < 5 || length > MAX_FRAME_BYTES) return { ok: false, short: false, problem: `bad frame length ${length}` };
  if (buf.length - pos - 4 < length) return { ok: false, short: true, problem: 'short frame' };
  const body = buf.subarray(pos + 8, pos + 4 + length);
  if (crc32c(body) !== buf.readUInt32BE(pos + 4)) return { ok: false, short: false, problem: 'CRC mismatch' };
  const version = body.readInt8(0);
  if (version !== OFFSETS_LOG_FORMAT_VERSION) {
    // A valid frame of an unknown version is not damage: refuse rather than discard data.
    throw new Error(`groups/offsets.log: frame format version ${version} is newer than this broker (${OFFSETS_LOG_FORMAT_VERSION})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.subarray(1).toString('utf8'));
  } catch {
    return { ok: false, short: false, problem: 'unparsable payload' };
  }
  if (!Array.isArray(parsed) || !parsed.every(isStoreEntry)) return { ok: false, short: false, problem: 'payload is not an entry list' };
  return { ok: true, next: pos + 4 + length, entries: parsed };
}

/** Cheap filters before the CRC, so a scan over garbage costs little. */
function mayStartFrame(buf: Buffer, pos: number): boolean {
  if (buf.length - pos < HEADER_BYTES) return false;
  const length = buf.readInt32BE(pos);
  return length >= 5 && length <= MAX_FRAME_BYTES && length <= buf.length - pos - 4 && buf.readInt8(pos + 8) === OFFSETS_LOG_FORMAT_VERSION;
}

/** The next position after `from` where a whole valid frame starts, or -1. */
function resync(buf: Buffer, from: number): number {
  for (let q = from + 1; q + HEADER_BYTES <= buf.length; q++) {
    if (!mayStartFrame(buf, q)) continue;
    let r: FrameRead;
    try {
      r = readFrame(buf, q);
    } catch {
      continue; // a "newer version" inside garbage is garbage
    }
    if (r.ok) return q;
  }
  return -1;
}

/**
 * Reads every valid frame. A corrupt frame does not end the log: reading resynchronises on the
 * next valid frame and the corrupt bytes are reported in `skipped`; only unreadable bytes at the
 * very end (an interrupted append, or a damaged last frame) become `tail`.
 */
export function decodeLog(buf: Buffer): DecodedLog {
  const entries: StoreEntry[] = [];
  const skipped: SkippedRange[] = [];
  let frames = 0;
  let pos = 0;
  let validBytes = 0;
  while (pos < buf.length) {
    const r = readFrame(buf, pos);
    if (r.ok) {
      for (const e of r.entries) entries.push(e);
      frames++;
      pos = validBytes = r.next;
      continue;
    }
    const next = resync(buf, pos);
    if (next < 0) return { entries, frames, validBytes, skipped, tail: { at: pos, bytes: buf.length - pos, torn: r.short, problem: r.problem } };
    skipped.push({ at: pos, bytes: next - pos });
    pos = next;
  }
  return { entries, frames, validBytes, skipped, tail: null };
}

function isStoreEntry(v: unknown): v is StoreEntry {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  const str = (k: string) => typeof e[k] === 'string';
  const int = (k: string) => Number.isSafeInteger(e[k]);
  // Nullable fields: null, or absent as JSON.stringify leaves an undefined one.
  const maybe = (k: string, test: (k: string) => boolean) => e[k] === null || e[k] === undefined || test(k);
  if (!str('group')) return false;
  switch (e.type) {
    case 'offset':
      return (
        str('topic') && int('partition') && int('offset') && int('leaderEpoch') && str('metadata') && int('commitTimestamp') && maybe('expireTimestamp', int)
      );
    case 'offset-delete':
      return str('topic') && int('partition');
    case 'group':
      return maybe('protocolType', str) && maybe('emptySince', int);
    case 'group-delete':
      return true;
    case 'txn-offset':
      return (
        int('producerId') && str('topic') && int('partition') && int('offset') && int('leaderEpoch') && str('metadata') && int('commitTimestamp') && maybe('expireTimestamp', int)
      );
    case 'txn-end':
      return int('producerId') && typeof e.commit === 'boolean';
    default:
      return false;
  }
}

export interface FileOffsetStoreOptions {
  /** Receives one-line reports (torn tail cut off); the broker sends them to stderr. */
  logger: (message: string) => void;
  /** fsync after every append (the broker's --fsync): survives power loss, not only kill -9. */
  fsync?: boolean;
  /** The clock that names the copy of a damaged log (tests pin it). */
  now?: () => number;
}

export class FileOffsetStore implements OffsetStore {
  private fd: number | null;
  private readonly initial: StoreSnapshot;
  /** Bytes of whole frames in the file: where a failed append is cut back to. */
  private size: number;
  /** Set when a failed append could not be cut off: later frames would follow a torn one and be lost on replay. */
  private broken: Error | null = null;

  private constructor(
    readonly file: string,
    fd: number,
    initial: StoreSnapshot,
    private readonly fsyncEach: boolean,
  ) {
    this.fd = fd;
    this.initial = initial;
    this.size = fs.fstatSync(fd).size;
  }

  /** Opens `<dataDir>/groups/offsets.log`: replay, cut a torn tail, compact, then append. */
  static open(dataDir: string, options: FileOffsetStoreOptions): FileOffsetStore {
    const dir = path.join(dataDir, 'groups');
    const file = path.join(dir, 'offsets.log');
    fs.mkdirSync(dir, { recursive: true });
    let buf: Buffer;
    try {
      buf = fs.readFileSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      buf = Buffer.alloc(0);
    }
    const decoded = decodeLog(buf);
    const state = new StoreState();
    for (const e of decoded.entries) state.apply(e);
    const survivors = state.entries();
    const damaged = decoded.skipped.length > 0 || (decoded.tail !== null && !decoded.tail.torn);
    if (damaged) {
      // Bytes we could not read are never thrown away: the original stays beside the log.
      const copy = `${file}.corrupt-${new Date(options.now?.() ?? Date.now()).toISOString().replaceAll(':', '-')}`;
      fs.copyFileSync(file, copy, fs.constants.COPYFILE_EXCL);
      options.logger(damageReport(file, decoded, buf.length, copy));
    } else if (decoded.tail) {
      options.logger(`${file}: ${decoded.tail.problem} at byte ${decoded.tail.at}; truncated ${decoded.tail.bytes} bytes of an interrupted write`);
    }
    if (damaged || survivors.length < decoded.entries.length) {
      // Compaction rewrites the file from the replayed state (dropping superseded entries and
      // whatever could not be read, a copy of which was kept above).
      compactInto(file, survivors);
    } else if (decoded.tail) {
      fs.truncateSync(file, decoded.validBytes);
    }
    const fd = fs.openSync(file, 'a');
    return new FileOffsetStore(file, fd, state.snapshot(), options.fsync ?? false);
  }

  load(): StoreSnapshot {
    return this.initial;
  }

  /**
   * Writes one frame with the asynchronous fs calls, so the event loop keeps serving other
   * connections while the bytes (and, with --fsync, the fsync) are under way. Resolves once the
   * frame is in the OS (survives kill -9) or on disk (fsync mode).
   */
  async append(entries: readonly StoreEntry[]): Promise<void> {
    const fd = this.fd;
    if (fd === null) throw new Error(`${this.file} is closed`);
    if (this.broken) throw this.broken;
    if (entries.length === 0) return;
    const frame = encodeFrame(entries);
    try {
      let off = 0;
      while (off < frame.length) off += await writeAsync(fd, frame, off);
      if (this.fsyncEach) await fsyncAsync(fd);
      this.size += frame.length;
    } catch (err) {
      // A partly written frame must not stay: the next frame after it would be cut off on replay.
      try {
        fs.ftruncateSync(fd, this.size);
      } catch {
        this.broken = new Error(`${this.file}: an earlier write failed and could not be cut off`);
      }
      throw err;
    }
  }

  async close(): Promise<void> {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    await new Promise<void>((resolve, reject) => fs.close(fd, (err) => (err ? reject(err) : resolve())));
  }
}

/** One line: where the damage was, how much was skipped, what was kept, and where the original is. */
function damageReport(file: string, d: DecodedLog, size: number, copy: string): string {
  const ranges = d.skipped.map((r) => `${r.bytes} bytes at byte ${r.at}`);
  if (d.tail) ranges.push(`${d.tail.bytes} bytes at byte ${d.tail.at} to the end (${d.tail.problem})`);
  const lost = d.skipped.reduce((n, r) => n + r.bytes, 0) + (d.tail?.bytes ?? 0);
  return (
    `${file}: corrupt data, not an interrupted write: skipped ${ranges.length} unreadable stretch(es) (${ranges.join(', ')}; ${lost} of ${size} bytes) ` +
    `and kept ${d.frames} valid frame(s); offsets committed in the skipped bytes are lost. The original file is kept as ${copy}`
  );
}

function writeAsync(fd: number, buf: Buffer, offset: number): Promise<number> {
  return new Promise((resolve, reject) => fs.write(fd, buf, offset, buf.length - offset, null, (err, n) => (err ? reject(err) : resolve(n))));
}

function fsyncAsync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fsync(fd, (err) => (err ? reject(err) : resolve())));
}

/** Writes the compacted log next to the real one and atomically replaces it (fsyncs included). */
function compactInto(file: string, entries: readonly StoreEntry[]): void {
  // One frame per group (chunked so one frame stays small however many offsets a group holds):
  // a damaged frame then costs the offsets of one group, not of every group in the chunk.
  const byGroup = new Map<string, StoreEntry[]>();
  for (const e of entries) {
    let list = byGroup.get(e.group);
    if (!list) byGroup.set(e.group, (list = []));
    list.push(e);
  }
  const frames: Buffer[] = [];
  for (const list of byGroup.values()) for (let i = 0; i < list.length; i += 1000) frames.push(encodeFrame(list.slice(i, i + 1000)));
  writeFileAtomicSync(file, frames);
}
