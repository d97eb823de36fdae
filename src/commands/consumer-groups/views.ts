/**
 * Kafka's kafka-consumer-groups text, to the character (tools/src/main/java/org/apache/kafka/
 * tools/consumer/group/ConsumerGroupCommand.java): column widths from the
 * data, '-' for missing values, each table starting with a blank line and each line ending in
 * '\n' (Kafka 4.0 / Scala <= 3.6; 3.8-3.9 dropped some final newlines). Pure functions: data in,
 * text out.
 */
import { kafkaTable } from '../../cli/output.js';

/** How table headers are styled: bold on a colour terminal, plain otherwise. */
export type HeaderStyle = (text: string) => string;

export const MISSING = '-';

const cell = (v: string | number | null | undefined): string => (v === null || v === undefined ? MISSING : String(v));

export interface ListedGroup {
  groupId: string;
  state: string;
  type: string;
}

/** --list: plain ids, or the GROUP [TYPE] [STATE] table when --type / --state is given. */
export function renderList(groups: readonly ListedGroup[], opts: { state: boolean; type: boolean }, header?: HeaderStyle): string {
  if (!opts.state && !opts.type) return groups.map((g) => `${g.groupId}\n`).join('');
  const w = Math.max(15, ...groups.map((g) => g.groupId.length)) + 10;
  const cols = [{ header: 'GROUP', width: w }];
  if (opts.type) cols.push({ header: 'TYPE', width: 20 });
  if (opts.state) cols.push({ header: 'STATE', width: 20 });
  const rows = groups.map((g) => [g.groupId, ...(opts.type ? [g.type] : []), ...(opts.state ? [g.state] : [])]);
  return kafkaTable(cols, rows, { padLast: true, header }) + '\n';
}

export interface OffsetRow {
  group: string;
  topic: string;
  partition: number;
  currentOffset: number | null;
  logEndOffset: number | null;
  consumerId: string | null;
  host: string | null;
  clientId: string | null;
}

export function lag(r: Pick<OffsetRow, 'currentOffset' | 'logEndOffset'>): number | null {
  return r.currentOffset === null || r.logEndOffset === null ? null : r.logEndOffset - r.currentOffset;
}

/** --describe [--offsets]: one group's table ("" when it has no rows). */
export function renderOffsets(_group: string, rows: readonly OffsetRow[], header?: HeaderStyle): string {
  if (rows.length === 0) return '';
  const cols = [
    { header: 'GROUP', minWidth: 15 },
    { header: 'TOPIC', minWidth: 15 },
    { header: 'PARTITION', width: 10 },
    { header: 'CURRENT-OFFSET', width: 15 },
    { header: 'LOG-END-OFFSET', width: 15 },
    { header: 'LAG', width: 15 },
    { header: 'CONSUMER-ID', minWidth: 15 },
    { header: 'HOST', minWidth: 15 },
    { header: 'CLIENT-ID' },
  ];
  const data = rows.map((r) => [
    r.group,
    r.topic,
    r.partition,
    cell(r.currentOffset),
    cell(r.logEndOffset),
    cell(lag(r)),
    cell(r.consumerId),
    cell(r.host),
    cell(r.clientId),
  ]);
  return '\n' + kafkaTable(cols, data, { header }) + '\n';
}

export interface MemberRow {
  group: string;
  consumerId: string;
  groupInstanceId: string | null;
  host: string;
  clientId: string;
  assignment: Array<{ topic: string; partitions: number[] }>;
}

/** `t1(0,1), t2(0)`: topics sorted, partitions sorted numerically (Scala <= 3.6 form). */
export function assignmentString(a: MemberRow['assignment']): string {
  const nonEmpty = a.filter((t) => t.partitions.length > 0);
  if (nonEmpty.length === 0) return MISSING;
  return [...nonEmpty]
    .sort((x, y) => (x.topic < y.topic ? -1 : x.topic > y.topic ? 1 : 0))
    .map((t) => `${t.topic}(${[...t.partitions].sort((x, y) => x - y).join(',')})`)
    .join(', ');
}

const partitionCount = (m: MemberRow) => m.assignment.reduce((n, t) => n + t.partitions.length, 0);

/** --describe --members [--verbose]. */
export function renderMembers(_group: string, members: readonly MemberRow[], verbose: boolean, header?: HeaderStyle): string {
  const withInstance = members.some((m) => m.groupInstanceId !== null);
  const cols = [
    // Widths come from the rows only: an Empty group's header keeps GROUP at 15 (Kafka does too).
    { header: 'GROUP', minWidth: 15 },
    { header: 'CONSUMER-ID', minWidth: 15 },
    ...(withInstance ? [{ header: 'GROUP-INSTANCE-ID', minWidth: 17 }] : []),
    { header: 'HOST', minWidth: 15 },
    { header: 'CLIENT-ID', minWidth: 15 },
    { header: '#PARTITIONS', width: 15 },
    ...(verbose ? [{ header: 'ASSIGNMENT' }] : []),
  ];
  const rows = members.map((m) => [
    m.group,
    m.consumerId,
    ...(withInstance ? [cell(m.groupInstanceId)] : []),
    m.host,
    m.clientId,
    partitionCount(m),
    ...(verbose ? [assignmentString(m.assignment)] : []),
  ]);
  // Without --verbose Kafka's format ends in "%-15s " (a padded column and a trailing space).
  return '\n' + kafkaTable(cols, rows, verbose ? { header } : { padLast: true, trailing: ' ', header }) + '\n';
}

export interface StateRow {
  group: string;
  coordinator: { host: string; port: number; id: number };
  assignmentStrategy: string;
  state: string;
  members: number;
}

/** --describe --state: Java 3.8+ writes the coordinator as `host:port  (id)`. */
export function renderState(r: StateRow, header?: HeaderStyle): string {
  const coordinator = `${r.coordinator.host}:${r.coordinator.port}  (${r.coordinator.id})`;
  const w = Math.max(25, coordinator.length);
  return (
    '\n' +
    kafkaTable(
      [{ header: 'GROUP', width: w }, { header: 'COORDINATOR (ID)', width: 25 }, { header: 'ASSIGNMENT-STRATEGY', width: 20 }, { header: 'STATE', width: 15 }, { header: '#MEMBERS' }],
      [[r.group, coordinator, r.assignmentStrategy, r.state, r.members]],
      { header },
    ) +
    '\n'
  );
}

export interface ResetRow {
  group: string;
  topic: string;
  partition: number;
  /** null: no committed offset (what --undo-reset restores for a partition that had none). */
  offset: number | null;
}

/** The reset-offsets table (`%n%-30s %-30s %-10s %-15s`), or just "\n" when no group was processed. */
export function renderResetTable(rows: readonly ResetRow[], anyGroup: boolean, header?: HeaderStyle): string {
  if (!anyGroup) return '\n';
  const cols = [
    { header: 'GROUP', width: 30 },
    { header: 'TOPIC', width: 30 },
    { header: 'PARTITION', width: 10 },
    { header: 'NEW-OFFSET', width: 15 },
  ];
  return '\n' + kafkaTable(cols, rows.map((r) => [r.group, r.topic, r.partition, cell(r.offset)]), { padLast: true, header }) + '\n';
}

/** --export: CSV without a header, `topic,partition,offset` for one group, else with the group first. */
export function renderResetCsv(rows: readonly ResetRow[], withGroup: boolean): string {
  const csv = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return rows.map((r) => (withGroup ? `${csv(r.group)},` : '') + `${csv(r.topic)},${r.partition},${r.offset}\n`).join('') + '\n';
}

export interface DeleteOffsetsRow {
  topic: string;
  partition: number | null;
  error: string | null;
}

/** The --delete-offsets table (`%n%-30s %-15s %-15s`), rows sorted by topic+partition. */
export function renderDeleteOffsets(rows: readonly DeleteOffsetsRow[]): string {
  const sorted = [...rows].sort((a, b) => {
    const ka = a.topic + (a.partition ?? '');
    const kb = b.topic + (b.partition ?? '');
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  const lines = [`${'TOPIC'.padEnd(30)} ${'PARTITION'.padEnd(15)} ${'STATUS'.padEnd(15)}`];
  for (const r of sorted) {
    lines.push(`${r.topic.padEnd(30)} ${(r.partition === null ? 'Not Provided' : String(r.partition)).padEnd(15)} ${(r.error === null ? 'Successful' : `Error: :${r.error}`).padEnd(15)}`);
  }
  return lines.map((l) => '\n' + l).join('') + '\n';
}

export interface HistoryRow {
  time: string;
  group: string;
  action: string;
  topic: string;
  partition: number;
  before: number | null;
  after: number | null;
  undone: string | null;
}

/** --reset-history (mq's own): one line per partition of each journal entry, oldest first. */
export function renderHistory(rows: readonly HistoryRow[], header?: HeaderStyle): string {
  const cols = [
    { header: 'TIME', minWidth: 24 },
    { header: 'GROUP', minWidth: 15 },
    { header: 'ACTION', minWidth: 14 },
    { header: 'TOPIC', minWidth: 15 },
    { header: 'PARTITION', width: 10 },
    { header: 'BEFORE', width: 15 },
    { header: 'AFTER', width: 15 },
    { header: 'UNDONE' },
  ];
  const data = rows.map((r) => [r.time, r.group, r.action, r.topic, r.partition, cell(r.before), cell(r.after), cell(r.undone)]);
  return '\n' + kafkaTable(cols, data, { header }) + '\n';
}
