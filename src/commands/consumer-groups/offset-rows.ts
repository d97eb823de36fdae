/**
 * The rows of `mq-consumer-groups --describe` (ConsumerGroupCommand.collectGroupOffsets): the
 * assigned partitions member by member (members with the most partitions first), then the
 * committed partitions no member owns; committed offsets from OffsetFetch, log ends from one
 * ListOffsets per leader. Shared with mq-dashboard, whose group view shows exactly these rows.
 */
import type { Cluster } from '../../engine/client/cluster.js';
import { ErrorCode } from '../../engine/protocol/error-codes.js';
import type { GroupDescription, MemberDescription } from '../../engine/client/admin/groups.js';
import { fetchCommitted } from '../../engine/client/group-offsets.js';
import { describeTopics, listOffsets, LATEST, type OffsetAnswer, type TopicInfo } from '../../engine/client/partitions.js';
import type { OffsetRow } from './views.js';

export async function groupOffsetRows(cluster: Cluster, d: GroupDescription): Promise<OffsetRow[]> {
  const committed = await fetchCommitted(cluster, d.groupId);
  const assigned = new Map<string, MemberDescription>();
  const members = [...d.members].sort((a, b) => count(b) - count(a));
  for (const m of members) for (const t of m.assignment) for (const p of t.partitions) assigned.set(`${t.topic}:${p}`, m);
  const keys = new Set([...assigned.keys(), ...committed.keys()]);
  const topics = [...new Set([...keys].map((k) => k.slice(0, k.lastIndexOf(':'))))];
  const meta = topics.length ? await describeTopics(cluster, topics) : new Map<string, TopicInfo>();
  const wanted = [...keys].map((k) => ({ topic: k.slice(0, k.lastIndexOf(':')), partition: Number(k.slice(k.lastIndexOf(':') + 1)) }));
  const ends = keys.size ? await listOffsets(cluster, meta, wanted, LATEST) : new Map<string, OffsetAnswer>();
  const row = (topic: string, partition: number, m: MemberDescription | undefined): OffsetRow => {
    const end = ends.get(`${topic}:${partition}`);
    return {
      group: d.groupId,
      topic,
      partition,
      currentOffset: committed.get(`${topic}:${partition}`) ?? null,
      logEndOffset: end && end.errorCode === ErrorCode.NONE ? end.offset : null,
      consumerId: m?.memberId ?? null,
      host: m?.clientHost ?? null,
      clientId: m?.clientId ?? null,
    };
  };
  const rows: OffsetRow[] = [];
  type Tp = { topic: string; partition: number };
  const byTp = (a: Tp, b: Tp) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition);
  for (const m of members) {
    const mine = m.assignment.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, partition: p }))).sort(byTp);
    for (const tp of mine) rows.push(row(tp.topic, tp.partition, m));
  }
  const unassigned = [...committed.keys()]
    .filter((k) => !assigned.has(k))
    .map((k) => ({ topic: k.slice(0, k.lastIndexOf(':')), partition: Number(k.slice(k.lastIndexOf(':') + 1)) }))
    .sort(byTp);
  for (const tp of unassigned) rows.push(row(tp.topic, tp.partition, undefined));
  return rows;
}

const count = (m: MemberDescription) => m.assignment.reduce((n, t) => n + t.partitions.length, 0);
