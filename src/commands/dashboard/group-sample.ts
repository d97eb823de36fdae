/**
 * One round's figures for every group, from what the round read (committed offsets, end offsets,
 * the timestamps of the records groups wait on): per group its total lag and time lag, and the
 * History point. Pure: no request is sent here, so the arithmetic is tested without a broker.
 *
 * Time lag (seconds behind) is now minus the timestamp of the next unconsumed record, as Burrow
 * and the issue define it. The timestamp of the record at a committed offset does not change, so
 * it is read once (a Fetch for the partitions whose committed offset moved) and kept while some
 * group still sits at that offset.
 */
import type { GroupDescription, GroupListing } from '../../engine/client/admin/groups.js';
import type { GroupPoint, PartitionPoint } from './history.js';

export interface GroupState {
  listing: GroupListing;
  description: GroupDescription | undefined;
  /** topic:partition -> committed offset */
  committed: Map<string, number>;
  lag: number;
  /** Seconds behind (max over partitions), null when unknown. */
  timeLag: number | null;
}

interface Stamp {
  ts: number;
  /** The last round a group sat at this offset. */
  seen: number;
}

const splitKey = (k: string) => ({ topic: k.slice(0, k.lastIndexOf(':')), partition: Number(k.slice(k.lastIndexOf(':') + 1)) });

/** topic:partition -> committed offset -> the timestamp of the record there. */
export class RecordTimes {
  private readonly byKey = new Map<string, Map<number, Stamp>>();

  get(key: string, offset: number): Stamp | undefined {
    return this.byKey.get(key)?.get(offset);
  }

  set(key: string, offset: number, ts: number, round: number): void {
    let m = this.byKey.get(key);
    if (!m) this.byKey.set(key, (m = new Map<number, Stamp>()));
    m.set(offset, { ts, seen: round });
  }

  /** Forgets the offsets no group sat at in `round`. */
  prune(round: number): void {
    for (const [k, m] of this.byKey) {
      for (const [off, s] of m) if (s.seen < round) m.delete(off);
      if (m.size === 0) this.byKey.delete(k);
    }
  }

  get size(): number {
    let n = 0;
    for (const m of this.byKey.values()) n += m.size;
    return n;
  }
}

/** The partitions some group lags on whose next record's timestamp is not known yet, each once. */
export function unknownTimes(
  committed: ReadonlyMap<string, ReadonlyMap<string, number>>,
  ends: ReadonlyMap<string, number>,
  times: RecordTimes,
): Array<{ topic: string; partition: number; offset: number }> {
  const out: Array<{ topic: string; partition: number; offset: number }> = [];
  const asked = new Map<string, Set<number>>();
  for (const c of committed.values()) {
    for (const [k, off] of c) {
      const end = ends.get(k);
      if (end === undefined || end <= off || times.get(k, off)) continue;
      let s = asked.get(k);
      if (!s) asked.set(k, (s = new Set()));
      if (s.has(off)) continue;
      s.add(off);
      out.push({ ...splitKey(k), offset: off });
    }
  }
  return out;
}

export interface GroupRound {
  groups: Map<string, GroupState>;
  points: Map<string, GroupPoint>;
}

/**
 * Every group's lag and time lag; `withPartitions` also builds the per-partition points (only on
 * the rounds History keeps them: building 6,000 of them every round was most of a round's garbage).
 */
export function groupRound(
  listings: readonly GroupListing[],
  descriptions: ReadonlyMap<string, GroupDescription>,
  committed: ReadonlyMap<string, Map<string, number>>,
  ends: ReadonlyMap<string, number>,
  times: RecordTimes,
  sampledAt: number,
  round: number,
  withPartitions: boolean,
): GroupRound {
  const groups = new Map<string, GroupState>();
  const points = new Map<string, GroupPoint>();
  for (const g of listings) {
    const id = g.groupId;
    const c = committed.get(id) ?? new Map<string, number>();
    let lag = 0;
    let worst: number | null = null;
    let committedSum = 0;
    let endSum = 0;
    const parts: PartitionPoint[] = [];
    for (const [k, off] of c) {
      const end = ends.get(k);
      if (end === undefined) continue;
      const behind = Math.max(0, end - off);
      lag += behind;
      committedSum += off;
      endSum += end;
      let tl: number | null = null;
      if (off >= end) tl = 0;
      else {
        const rec = times.get(k, off);
        if (rec) {
          rec.seen = round;
          tl = Math.max(0, (sampledAt - rec.ts) / 1000);
        }
      }
      if (tl !== null) worst = Math.max(worst ?? 0, tl);
      if (withPartitions) parts.push({ ...splitKey(k), lag: behind, committed: off, end, timeLag: tl });
    }
    groups.set(id, { listing: g, description: descriptions.get(id), committed: c, lag, timeLag: worst });
    points.set(id, { lag, committed: committedSum, end: endSum, timeLag: worst, partitions: parts });
  }
  return { groups, points };
}
