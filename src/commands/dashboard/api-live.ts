/**
 * The API routes answered live, where the answer must be exact now: a group's offsets table
 * (mq-consumer-groups --describe's rows, offset-rows.ts), a page of messages, the session.
 */
import { describeGroup } from '../../engine/client/admin/groups.js';
import { ErrorCode, errorName } from '../../engine/protocol/error-codes.js';
import { MQ_VERSION } from '../../version.js';
import { groupOffsetRows } from '../consumer-groups/offset-rows.js';
import { lag as rowLag } from '../consumer-groups/views.js';
import { ApiError } from './api-error.js';
import { live, type ApiContext } from './api-context.js';
import { parseFilterIn } from './filter.js';
import { readMessages } from './messages.js';

export async function getGroup(ctx: ApiContext, name: string) {
  const cluster = await live(ctx);
  const d = await describeGroup(cluster, name);
  if (d.errorCode !== ErrorCode.NONE && d.errorCode !== ErrorCode.GROUP_ID_NOT_FOUND) throw new ApiError(502, errorName(d.errorCode), `DescribeGroups ${name}: ${errorName(d.errorCode)}`);
  if (d.errorCode !== ErrorCode.NONE || d.state === 'Dead') throw new ApiError(404, 'GROUP_ID_NOT_FOUND', `Consumer group '${name}' does not exist.`);
  const rows = await groupOffsetRows(cluster, d);
  return {
    groupId: d.groupId,
    state: d.state,
    protocolType: d.protocolType,
    protocol: d.protocol,
    coordinator: d.coordinator,
    members: d.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      host: m.clientHost,
      assignment: m.assignment,
    })),
    offsets: rows.map((r) => ({
      topic: r.topic,
      partition: r.partition,
      currentOffset: r.currentOffset,
      logEndOffset: r.logEndOffset,
      lag: rowLag(r),
      consumerId: r.consumerId,
      host: r.host,
      clientId: r.clientId,
    })),
  };
}

export async function getMessages(ctx: ApiContext, name: string, q: URLSearchParams) {
  const cluster = await live(ctx);
  const int = (key: string, min: number, max: number, dflt?: number): number | undefined => {
    const v = q.get(key);
    if (v === null || v === '') return dflt;
    if (!/^-?\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new ApiError(400, 'BAD_REQUEST', `${key} must be an integer from ${min} to ${max}`);
    return Number(v);
  };
  const from = q.get('from') ?? 'beginning';
  if (from !== 'beginning' && from !== 'end' && from !== 'offset' && from !== 'timestamp') throw new ApiError(400, 'BAD_REQUEST', 'from must be beginning, end, offset or timestamp');
  const partitionsArg = q.get('partitions');
  const partitions = partitionsArg === null || partitionsArg === '' ? null : partitionsArg.split(',').map((p) => {
    if (!/^\d+$/.test(p.trim())) throw new ApiError(400, 'BAD_REQUEST', `partitions must be a comma-separated list of partition numbers, not ${JSON.stringify(partitionsArg)}`);
    return Number(p.trim());
  });
  if (from === 'offset' && q.get('offset') === null) throw new ApiError(400, 'BAD_REQUEST', 'from=offset needs offset=N');
  if (from === 'timestamp' && q.get('timestamp') === null) throw new ApiError(400, 'BAD_REQUEST', 'from=timestamp needs timestamp=MS');
  const filter = q.get('filter');
  return readMessages(cluster, name, {
    partitions,
    from,
    offset: int('offset', 0, Number.MAX_SAFE_INTEGER),
    timestamp: int('timestamp', 0, Number.MAX_SAFE_INTEGER),
    limit: int('limit', 1, 500, 50)!,
    cursor: q.get('cursor') ?? undefined,
    filter: filter !== null && filter !== '' ? { text: filter, in: parseFilterIn(q.get('filterIn')), regex: q.get('regex') === '1' || q.get('regex') === 'true' } : undefined,
    scanLimit: int('scanLimit', 1, 1_000_000, 10_000)!,
  });
}

export function getSession(ctx: ApiContext) {
  return { version: MQ_VERSION, readOnly: ctx.readOnly, csrfToken: ctx.csrfToken, refreshMs: ctx.refreshMs, target: ctx.target };
}
