/**
 * Durable committed offsets: `groups/offsets.log` in the data directory, our stand-in for
 * Kafka's __consumer_offsets topic. This is the only file of engine/group that does I/O; the
 * coordinator sees the narrow OffsetStore interface, and tests use MemoryOffsetStore.
 *
 * File format (version 1). A sequence of frames:
 *
 *   int32  length    bytes that follow this field (crc + version + payload)
 *   uint32 crc32c    CRC-32C of version + payload
 *   int8   version   format of the payload; 1 = the JSON below
 *   bytes  payload   UTF-8 JSON array of StoreEntry (one commit is one frame, so it is atomic)
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

export const OFFSETS_LOG_FORMAT_VERSION = 1;
const HEADER_BYTES = 4 + 4 + 1;
/** A frame claiming more than this is garbage, not a commit (bounds allocation on a bad file). */
const MAX_FRAME_BYTES = 64 * 1024 * 1024;

export interface StoredOffset {
  group: string;
  topic: string;
  partition: number;
  offset: number;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
  expireTimestamp: number | null;
}

/**
 * What survives a restart of a group besides its offsets: its protocol type (so it lists as a
 * consumer group) and when it became empty (the base of offset expiry). `emptySince` null means
 * the group had members when this was written; after a restart it counts as empty from then.
 */
export interface StoredGroup {
  group: string;
  protocolType: string | null;
  emptySince: number | null;
}

export type StoreEntry =
  | ({ type: 'offset' } & StoredOffset)
  | { type: 'offset-delete'; group: string; topic: string; partition: number }
  | ({ type: 'group' } & StoredGroup)
  /** Removes the group record and every offset of the group written before it. */
  | { type: 'group-delete'; group: string };

export interface StoreSnapshot {
  groups: StoredGroup[];
  offsets: StoredOffset[];
}

export interface OffsetStore {
  /** The state to start from (the replayed log). */
  load(): StoreSnapshot;
  /** Makes entries durable before returning (at least handed to the OS); throws on I/O failure. */
  append(entries: readonly StoreEntry[]): void;
  close(): void;
}

/** Replays entries into the latest state; shared by the file store and the in-memory one. */
export class StoreState {
  private readonly groups = new Map<string, StoredGroup>();
  private readonly offsets = new Map<string, Map<string, StoredOffset>>();

  apply(e: StoreEntry): void {
    switch (e.type) {
      case 'offset': {
        const { type: _t, ...o } = e;
        let g = this.offsets.get(o.group);
        if (!g) this.offsets.set(o.group, (g = new Map()));
        g.set(key(o.topic, o.partition), o);
        break;
      }
      case 'offset-delete': {
        const g = this.offsets.get(e.group);
        g?.delete(key(e.topic, e.partition));
        if (g?.size === 0) this.offsets.delete(e.group);
        break;
      }
      case 'group': {
        const { type: _t, ...g } = e;
        this.groups.set(g.group, g);
        break;
      }
      case 'group-delete':
        this.groups.delete(e.group);
        this.offsets.delete(e.group);
        break;
    }
  }

  snapshot(): StoreSnapshot {
    const offsets: StoredOffset[] = [];
    for (const g of this.offsets.values()) offsets.push(...g.values());
    return { groups: [...this.groups.values()], offsets };
  }

  /** The minimal entry list that rebuilds this state. */
  entries(): StoreEntry[] {
    const s = this.snapshot();
    return [
      ...s.groups.map((g): StoreEntry => ({ type: 'group', ...g })),
      ...s.offsets.map((o): StoreEntry => ({ type: 'offset', ...o })),
    ];
  }
}

function key(topic: string, partition: number): string {
  return `${partition}\u0000${topic}`;
}

/** For unit tests of the coordinator: same replay semantics, no files. */
export class MemoryOffsetStore implements OffsetStore {
  readonly written: StoreEntry[] = [];
  private readonly state = new StoreState();
  /** Set to make the next append throw, as a failing disk would. */
  failNextAppend: Error | null = null;

  constructor(initial: readonly StoreEntry[] = []) {
    for (const e of initial) this.state.apply(e);
  }

  load(): StoreSnapshot {
    return this.state.snapshot();
  }

  append(entries: readonly StoreEntry[]): void {
    if (this.failNextAppend) {
      const err = this.failNextAppend;
      this.failNextAppend = null;
      throw err;
    }
    for (const e of entries) {
      this.written.push(e);
      this.state.apply(e);
    }
  }

  close(): void {}
}

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

  private constructor(
    readonly file: string,
    fd: number,
    initial: StoreSnapshot,
    private readonly fsyncEach: boolean,
  ) {
    this.fd = fd;
    this.initial = initial;
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

  append(entries: readonly StoreEntry[]): void {
    if (this.fd === null) throw new Error(`${this.file} is closed`);
    if (entries.length === 0) return;
    const frame = encodeFrame(entries);
    // writeSync: the commit is only acknowledged once the bytes are in the OS (survives kill -9).
    let off = 0;
    while (off < frame.length) off += fs.writeSync(this.fd, frame, off, frame.length - off);
    if (this.fsyncEach) fs.fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd === null) return;
    fs.closeSync(this.fd);
    this.fd = null;
  }
}

/** Writes the compacted log next to the real one and atomically replaces it (fsyncs included). */
function compactInto(file: string, entries: readonly StoreEntry[]): void {
  // Chunked so one frame stays small however many offsets a directory holds.
  const frames: Buffer[] = [];
  for (let i = 0; i < entries.length; i += 1000) frames.push(encodeFrame(entries.slice(i, i + 1000)));
  writeFileAtomicSync(file, frames);
}
