/**
 * The dashboard's memory of the last hour: per group the total lag, committed and end offsets and
 * time lag every round; per group partition the same, downsampled to about one point in 30 s;
 * per topic its end offsets for the last 60 rounds (the produce-rate sparkline). Everything lives
 * in typed-array rings (ring.ts, one buffer per series; a partition's lag is computed from its end
 * and committed offsets when read), so memory is bounded by the number of series, and the whole
 * history is written to one file (`<dataDir>/dashboard/<clusterId>/history.bin`) so it survives a
 * restart of the dashboard.
 *
 * File layout: "MQDH" + uint32 header length + the JSON header (which rings, their lengths) + each
 * ring's samples as Ring.toBuffer wrote them, in header order.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../../engine/log/atomic-file.js';
import { Ring } from './ring.js';

/** Columns of group rings (and of partition rings in the file and in partitionSince's answer). */
export const LAG = 0;
export const COMMITTED = 1;
export const END = 2;
export const TIME_LAG = 3;
const WIDTH = 4;
/**
 * Partition rings in memory keep committed, end and time lag: the lag of one partition is
 * max(0, end - committed) exactly, so it is computed when read (a fifth of 6,000 series saved).
 */
const P_COMMITTED = 0;
const P_END = 1;
const P_TIME_LAG = 2;
const P_WIDTH = 3;
/** The time lag (the last column of both) is kept as Float32: seconds need no more than 7 digits. */
const NARROW = 1;

const MAGIC = 'MQDH';
const FORMAT = 1;
/** Points per partition series (about one per 30 s over an hour). */
const PARTITION_POINTS = 120;
/** Samples of a topic's end offsets: 60 rates need 61 points. */
const TOPIC_POINTS = 61;
/** A series not updated for this long (its group or topic is gone) is dropped. */
const STALE_MS = 2 * 3600_000;

export interface HistoryOptions {
  refreshMs: number;
  /** How much history to keep (at least an hour). */
  keepMs?: number;
}

interface HeaderRing {
  kind: 'group' | 'partition' | 'topic';
  key: string;
  n: number;
}

/** One group's figures in a round: totals and per partition. */
export interface PartitionPoint {
  topic: string;
  partition: number;
  lag: number;
  committed: number;
  end: number;
  timeLag: number | null;
}

export interface GroupPoint {
  lag: number;
  committed: number;
  end: number;
  timeLag: number | null;
  partitions: readonly PartitionPoint[];
}

const partKey = (group: string, topic: string, partition: number) => `${group}\u0000${topic}\u0000${partition}`;

export class History {
  readonly groups = new Map<string, Ring>();
  readonly partitions = new Map<string, Ring>();
  readonly topics = new Map<string, Ring>();
  private readonly groupPoints: number;
  /** Rounds between partition points. */
  private readonly every: number;
  private round = 0;

  constructor(readonly opts: HistoryOptions) {
    const keep = Math.max(opts.keepMs ?? 3900_000, 3600_000);
    this.groupPoints = Math.min(Math.ceil(keep / opts.refreshMs) + 1, 40_000);
    this.every = Math.max(1, Math.round(keep / opts.refreshMs / PARTITION_POINTS));
  }

  private ring(map: Map<string, Ring>, key: string, capacity: number, width: number, narrow = 0): Ring {
    let r = map.get(key);
    if (!r) map.set(key, (r = new Ring(capacity, width, narrow)));
    return r;
  }

  /** Whether the next record() keeps per-partition points (callers build them only then). */
  takesPartitions(): boolean {
    return this.round % this.every === 0;
  }

  /** One round's figures. */
  record(
    t: number,
    topicEnds: ReadonlyMap<string, number>,
    groups: ReadonlyMap<string, GroupPoint>,
  ): void {
    for (const [topic, end] of topicEnds) this.ring(this.topics, topic, TOPIC_POINTS, 1).push(t, [end]);
    const partitionPoint = this.round % this.every === 0;
    this.round++;
    for (const [g, s] of groups) {
      this.ring(this.groups, g, this.groupPoints, WIDTH, NARROW).push(t, [s.lag, s.committed, s.end, s.timeLag ?? NaN]);
      if (!partitionPoint) continue;
      for (const p of s.partitions) {
        this.ring(this.partitions, partKey(g, p.topic, p.partition), PARTITION_POINTS, P_WIDTH, NARROW).push(t, [p.committed, p.end, p.timeLag ?? NaN]);
      }
    }
    for (const map of [this.groups, this.partitions, this.topics]) {
      for (const [k, r] of map) if (r.lastT < t - STALE_MS) map.delete(k);
    }
  }

  /** The partition series of a group: [topic, partition, ring]. */
  partitionsOf(group: string): Array<{ topic: string; partition: number; ring: Ring }> {
    const out: Array<{ topic: string; partition: number; ring: Ring }> = [];
    const prefix = `${group}\u0000`;
    for (const [k, ring] of this.partitions) {
      if (!k.startsWith(prefix)) continue;
      const rest = k.slice(prefix.length);
      const at = rest.lastIndexOf('\u0000');
      out.push({ topic: rest.slice(0, at), partition: Number(rest.slice(at + 1)), ring });
    }
    return out.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  }

  forgetGroup(group: string): void {
    this.groups.delete(group);
    for (const { topic, partition } of this.partitionsOf(group)) this.partitions.delete(partKey(group, topic, partition));
  }

  /** The whole history as the file's bytes. */
  serialize(): Buffer[] {
    const rings: HeaderRing[] = [];
    const bodies: Buffer[] = [];
    for (const [kind, map] of [['group', this.groups], ['partition', this.partitions], ['topic', this.topics]] as const) {
      for (const [key, r] of map) {
        rings.push({ kind, key, n: r.length });
        bodies.push(kind === 'partition' ? partitionFileBuffer(r) : r.toBuffer());
      }
    }
    const header = Buffer.from(JSON.stringify({ version: FORMAT, refreshMs: this.opts.refreshMs, rings }), 'utf8');
    const prefix = Buffer.alloc(8);
    prefix.write(MAGIC, 0, 'latin1');
    prefix.writeUInt32BE(header.length, 4);
    return [prefix, header, ...bodies];
  }

  /** Loads what serialize wrote; a file of another format or a damaged one is ignored (history starts empty). */
  load(data: Buffer): boolean {
    try {
      if (data.length < 8 || data.toString('latin1', 0, 4) !== MAGIC) return false;
      const len = data.readUInt32BE(4);
      const header = JSON.parse(data.toString('utf8', 8, 8 + len)) as { version: number; rings: HeaderRing[] };
      if (header.version !== FORMAT || !Array.isArray(header.rings)) return false;
      let at = 8 + len;
      const loaded: Array<[Map<string, Ring>, string, Ring]> = [];
      for (const h of header.rings) {
        const width = h.kind === 'topic' ? 1 : WIDTH;
        const bytes = h.n * (width + 1) * 8;
        if (!Number.isInteger(h.n) || h.n < 0 || at + bytes > data.length) return false;
        const capacity = h.kind === 'group' ? this.groupPoints : h.kind === 'partition' ? PARTITION_POINTS : TOPIC_POINTS;
        const map = h.kind === 'group' ? this.groups : h.kind === 'partition' ? this.partitions : this.topics;
        const body = data.subarray(at, at + bytes);
        loaded.push([map, h.key, h.kind === 'partition' ? partitionFromFile(body, h.n) : Ring.fromBuffer(body, h.n, width, capacity, h.kind === 'group' ? NARROW : 0)]);
        at += bytes;
      }
      for (const [map, key, ring] of loaded) map.set(key, ring);
      return true;
    } catch {
      return false;
    }
  }
}

/** A partition ring's samples since `since` in the group layout (lag, committed, end, time lag). */
export function partitionSince(r: Ring, since = -Infinity): { t: number[]; cols: number[][] } {
  const { t, cols } = r.since(since);
  const committed = cols[P_COMMITTED]!;
  const end = cols[P_END]!;
  return { t, cols: [end.map((e, i) => Math.max(0, e - committed[i]!)), committed, end, cols[P_TIME_LAG]!] };
}

/** A partition ring as the file keeps it: the group layout (with the lag), so the file format is unchanged. */
function partitionFileBuffer(r: Ring): Buffer {
  const { t, cols } = partitionSince(r);
  const n = t.length;
  const out = new Float64Array(n * (WIDTH + 1));
  out.set(t, 0);
  for (let c = 0; c < WIDTH; c++) out.set(cols[c]!, (c + 1) * n);
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

function partitionFromFile(body: Buffer, n: number): Ring {
  const full = Ring.fromBuffer(body, n, WIDTH, PARTITION_POINTS);
  const r = new Ring(PARTITION_POINTS, P_WIDTH, NARROW);
  const { t, cols } = full.since();
  for (let i = 0; i < t.length; i++) r.push(t[i]!, [cols[COMMITTED]![i]!, cols[END]![i]!, cols[TIME_LAG]![i]!]);
  return r;
}

/** `<dataDir>/dashboard/<clusterId>/history.bin`; the cluster id is made safe as a path segment. */
export function historyFile(dataDir: string, clusterId: string): string {
  return path.join(dataDir, 'dashboard', clusterId.replace(/[^A-Za-z0-9_-]/g, '_') || 'unknown', 'history.bin');
}

export async function saveHistory(file: string, h: History): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, h.serialize());
}

/** Loads the file into `h` when there is one; false when absent or unreadable. */
export async function loadHistory(file: string, h: History): Promise<boolean> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch {
    return false;
  }
  return h.load(data);
}
