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
 * deletions are tombstone entries. On open the log is compacted: the surviving state is written
 * to a temporary file, fsynced and renamed over the log, so a crash mid-compaction leaves either
 * the old or the new file. A short or corrupt frame can only be the torn tail of an interrupted
 * append; it is cut off and reported. Format migration: a later release must keep reading
 * version 1 frames and may write a higher version.
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

export interface DecodedLog {
  entries: StoreEntry[];
  /** Bytes of whole, valid frames from the start of the file. */
  validBytes: number;
  /** Why reading stopped before the end, if it did. */
  problem: string | null;
}

/** Reads frames until the end or the first short, corrupt or unreadable one. */
export function decodeLog(buf: Buffer): DecodedLog {
  const entries: StoreEntry[] = [];
  let pos = 0;
  while (pos < buf.length) {
    if (buf.length - pos < HEADER_BYTES) return { entries, validBytes: pos, problem: 'short frame header' };
    const length = buf.readInt32BE(pos);
    if (length < 5 || length > MAX_FRAME_BYTES) return { entries, validBytes: pos, problem: `bad frame length ${length}` };
    if (buf.length - pos - 4 < length) return { entries, validBytes: pos, problem: 'short frame' };
    const body = buf.subarray(pos + 8, pos + 4 + length);
    if (crc32c(body) !== buf.readUInt32BE(pos + 4)) return { entries, validBytes: pos, problem: 'CRC mismatch' };
    const version = body.readInt8(0);
    if (version !== OFFSETS_LOG_FORMAT_VERSION) {
      // A valid frame of an unknown version is not a torn write: refuse rather than discard data.
      throw new Error(`groups/offsets.log: frame format version ${version} is newer than this broker (${OFFSETS_LOG_FORMAT_VERSION})`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.subarray(1).toString('utf8'));
    } catch {
      return { entries, validBytes: pos, problem: 'unparsable payload' };
    }
    if (!Array.isArray(parsed)) return { entries, validBytes: pos, problem: 'payload is not an entry list' };
    entries.push(...(parsed as StoreEntry[]));
    pos += 4 + length;
  }
  return { entries, validBytes: pos, problem: null };
}

export interface FileOffsetStoreOptions {
  /** Receives one-line reports (torn tail cut off); the broker sends them to stderr. */
  logger: (message: string) => void;
  /** fsync after every append (the broker's --fsync): survives power loss, not only kill -9. */
  fsync?: boolean;
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
    if (decoded.problem !== null) {
      options.logger(
        `${file}: ${decoded.problem} at byte ${decoded.validBytes}; truncated ${buf.length - decoded.validBytes} bytes of an interrupted write`,
      );
    }
    const state = new StoreState();
    for (const e of decoded.entries) state.apply(e);
    // Compaction rewrites the file from the replayed state, which also drops the torn tail.
    compactInto(file, state.entries());
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

function writeAsync(fd: number, buf: Buffer, offset: number): Promise<number> {
  return new Promise((resolve, reject) => fs.write(fd, buf, offset, buf.length - offset, null, (err, n) => (err ? reject(err) : resolve(n))));
}

function fsyncAsync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fsync(fd, (err) => (err ? reject(err) : resolve())));
}

/** Writes the compacted log next to the real one and atomically replaces it (fsyncs included). */
function compactInto(file: string, entries: readonly StoreEntry[]): void {
  // Chunked so one frame stays small however many offsets a directory holds.
  const frames: Buffer[] = [];
  for (let i = 0; i < entries.length; i += 1000) frames.push(encodeFrame(entries.slice(i, i + 1000)));
  writeFileAtomicSync(file, frames);
}
