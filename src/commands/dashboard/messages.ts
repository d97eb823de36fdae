/**
 * The messages view: a bounded scan of some partitions of a topic, with the Fetcher the console
 * consumer uses. Forward pages read from each partition's position up to the end offset taken at
 * the start of the request; backward pages (from=end, or a `prev` cursor) read a window just below
 * each position. At most `scanLimit` records are examined, so a filter that matches nothing costs
 * a bounded amount of work; `truncated` says the scan stopped there.
 */
import type { Cluster } from '../../engine/client/cluster.js';
import { Fetcher } from '../../engine/client/fetcher.js';
import { describeTopics, EARLIEST, LATEST, listOffsets } from '../../engine/client/partitions.js';
import { readRecords, RecordCursor } from '../../engine/client/record-reader.js';
import { ErrorCode, errorName } from '../../engine/protocol/error-codes.js';
import { ApiError } from './api-error.js';
import { decodeCursor, encodeCursor, type Cursor } from './cursor.js';
import { compileFilter, type FilterSpec } from './filter.js';

export interface Bytes {
  base64: string;
  size: number;
}

export interface Message {
  partition: number;
  offset: number;
  timestamp: number;
  timestampType: 'CreateTime' | 'LogAppendTime';
  key: Bytes | null;
  value: Bytes | null;
  headers: Array<{ key: string; value: Bytes | null }>;
}

export interface MessagesQuery {
  partitions: number[] | null;
  from: 'beginning' | 'end' | 'offset' | 'timestamp';
  offset?: number;
  timestamp?: number;
  limit: number;
  cursor?: string;
  filter?: FilterSpec;
  scanLimit: number;
}

export interface MessagesPage {
  messages: Message[];
  next: string | null;
  prev: string | null;
  scanned: number;
  truncated: boolean;
}

const bytes = (b: Buffer | null): Bytes | null => (b === null ? null : { base64: b.toString('base64'), size: b.length });

/** Reads records of `ranges` (partition -> [from, to)) in offset order, visiting each until `visit` says stop or `budget` records were read. */
async function scan(
  cluster: Cluster,
  topic: string,
  ranges: Map<number, { from: number; to: number }>,
  budget: number,
  visit: (partition: number, c: RecordCursor) => boolean,
): Promise<{ scanned: number; reached: Map<number, number>; stopped: boolean }> {
  const reached = new Map<number, number>();
  for (const [p, r] of ranges) reached.set(p, r.from);
  const live = [...ranges].filter(([, r]) => r.from < r.to);
  let scanned = 0;
  let stopped = false;
  if (live.length === 0) return { scanned, reached, stopped };
  const fetcher = new Fetcher(cluster, { maxWaitMs: 0, maxBytes: 4 * 1024 * 1024, partitionMaxBytes: 1024 * 1024, reset: 'earliest' });
  await fetcher.assign(live.map(([partition, r]) => ({ topic, partition, offset: r.from })));
  const open = new Set(live.map(([p]) => p));
  const cursor = new RecordCursor();
  for (let idle = 0; open.size > 0 && !stopped && scanned < budget && idle < 3; ) {
    const answer = await fetcher.fetch(0);
    if (answer.length === 0) idle++;
    else idle = 0;
    for (const part of answer) {
      if (!open.has(part.partition)) continue;
      const to = ranges.get(part.partition)!.to;
      let done = false;
      await readRecords(part.records, part.position, cursor, (c) => {
        if (c.offset >= to) {
          done = true;
          return false;
        }
        scanned++;
        reached.set(part.partition, c.offset + 1);
        if (!visit(part.partition, c)) {
          stopped = true;
          return false;
        }
        return scanned < budget;
      });
      if (done || (fetcher.position(topic, part.partition) ?? to) >= to) {
        reached.set(part.partition, Math.max(reached.get(part.partition)!, Math.min(to, fetcher.position(topic, part.partition) ?? to)));
        if (done) reached.set(part.partition, to);
        open.delete(part.partition);
        fetcher.unassign(topic, part.partition);
      }
      if (stopped || scanned >= budget) break;
    }
  }
  return { scanned, reached, stopped };
}

export async function readMessages(cluster: Cluster, topic: string, q: MessagesQuery): Promise<MessagesPage> {
  const meta = await describeTopics(cluster, [topic]);
  const info = meta.get(topic);
  if (!info || info.errorCode !== ErrorCode.NONE) {
    throw new ApiError(404, errorName(info?.errorCode ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION), `Topic '${topic}' does not exist`);
  }
  const all = info.partitions.map((p) => p.id);
  const cursor: Cursor | undefined = q.cursor !== undefined ? decodeCursor(q.cursor) : undefined;
  const chosen = cursor ? [...cursor.positions.keys()] : (q.partitions ?? all);
  for (const p of chosen) if (!all.includes(p)) throw new ApiError(400, 'UNKNOWN_TOPIC_OR_PARTITION', `Topic '${topic}' has no partition ${p}`);
  const wanted = chosen.map((partition) => ({ topic, partition }));
  const [earliest, latest] = await Promise.all([listOffsets(cluster, meta, wanted, EARLIEST), listOffsets(cluster, meta, wanted, LATEST)]);
  const lo = new Map(chosen.map((p) => [p, earliest.get(`${topic}:${p}`)?.offset ?? 0]));
  const hi = new Map(chosen.map((p) => [p, latest.get(`${topic}:${p}`)?.offset ?? 0]));
  const clamp = (p: number, o: number) => Math.min(Math.max(o, lo.get(p)!), hi.get(p)!);
  const match = q.filter && q.filter.text !== '' ? compileFilter(q.filter) : () => true;

  let dir: 'forward' | 'backward';
  let positions: Map<number, number>;
  if (cursor) {
    dir = cursor.dir;
    positions = new Map([...cursor.positions].map(([p, o]) => [p, clamp(p, o)]));
  } else if (q.from === 'end') {
    dir = 'backward';
    positions = new Map(hi);
  } else if (q.from === 'beginning') {
    dir = 'forward';
    positions = new Map(lo);
  } else if (q.from === 'offset') {
    dir = 'forward';
    positions = new Map(chosen.map((p) => [p, clamp(p, q.offset ?? 0)]));
  } else {
    dir = 'forward';
    const byTime = await listOffsets(cluster, meta, wanted, q.timestamp ?? 0);
    positions = new Map(chosen.map((p) => {
      const a = byTime.get(`${topic}:${p}`);
      return [p, a && a.errorCode === ErrorCode.NONE && a.offset >= 0 ? a.offset : hi.get(p)!];
    }));
  }

  const found: Message[] = [];
  const keep = (partition: number, c: RecordCursor): boolean => {
    const key = c.key();
    const value = c.value();
    const headers = c.headers();
    if (!match({ key, value, headers })) return true;
    found.push({
      partition,
      offset: c.offset,
      timestamp: c.timestamp,
      timestampType: c.timestampType,
      key: bytes(key),
      value: bytes(value),
      headers: headers.map((h) => ({ key: h.key, value: bytes(h.value) })),
    });
    return true;
  };
  const order = (a: Message, b: Message) => a.timestamp - b.timestamp || a.partition - b.partition || a.offset - b.offset;

  if (dir === 'forward') {
    const ranges = new Map(chosen.map((p) => [p, { from: positions.get(p)!, to: hi.get(p)! }]));
    let limitReached = false;
    const r = await scan(cluster, topic, ranges, q.scanLimit, (p, c) => {
      keep(p, c);
      // Every partition gets a chance: stop only once the limit is reached.
      if (found.length >= q.limit * 4) limitReached = true;
      return !limitReached;
    });
    found.sort(order);
    const page = found.slice(0, q.limit);
    const next = new Map(r.reached);
    // Records found but not shown start the next page.
    for (const m of found.slice(q.limit)) next.set(m.partition, Math.min(next.get(m.partition)!, m.offset));
    const prev = new Map(chosen.map((p) => [p, positions.get(p)!]));
    for (const m of page) prev.set(m.partition, Math.min(prev.get(m.partition)!, m.offset));
    const anyBefore = [...prev].some(([p, o]) => o > lo.get(p)!);
    return {
      messages: page,
      next: encodeCursor({ dir: 'forward', positions: next }),
      prev: anyBefore ? encodeCursor({ dir: 'backward', positions: prev }) : null,
      scanned: r.scanned,
      truncated: r.scanned >= q.scanLimit && [...next].some(([p, o]) => o < hi.get(p)!),
    };
  }

  // Backward: a window below each position, widened while the page is not full and budget is left.
  let scanned = 0;
  let lower = new Map(positions);
  const upper = new Map(positions);
  let window = Math.max(q.limit, 1);
  while (found.length < q.limit && scanned < q.scanLimit && [...lower].some(([p, o]) => o > lo.get(p)!)) {
    const ranges = new Map<number, { from: number; to: number }>();
    const newLower = new Map<number, number>();
    for (const p of chosen) {
      const to = lower.get(p)!;
      const from = Math.max(lo.get(p)!, to - Math.ceil(window / chosen.length) - 1);
      ranges.set(p, { from, to });
      newLower.set(p, from);
    }
    const r = await scan(cluster, topic, ranges, q.scanLimit - scanned, keep);
    scanned += r.scanned;
    lower = newLower;
    window *= 4;
  }
  found.sort(order);
  const page = found.slice(Math.max(0, found.length - q.limit));
  const prev = new Map(lower);
  for (const m of found.slice(0, Math.max(0, found.length - q.limit))) prev.set(m.partition, Math.max(prev.get(m.partition)!, m.offset + 1));
  const next = new Map(upper);
  const anyBefore = [...prev].some(([p, o]) => o > lo.get(p)!);
  return {
    messages: page,
    next: encodeCursor({ dir: 'forward', positions: next }),
    prev: anyBefore ? encodeCursor({ dir: 'backward', positions: prev }) : null,
    scanned,
    truncated: scanned >= q.scanLimit,
  };
}
