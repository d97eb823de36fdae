/**
 * The admin side of the coordinator (Kafka's GroupMetadataManager.describeGroups / listGroups and
 * GroupCoordinatorShard.deleteGroups): what `kafka-consumer-groups --describe / --list / --delete`
 * talk to.
 */
import { ErrorCode } from '../protocol/error-codes.js';
import type { CoordinatorContext } from './context.js';
import { GroupState } from './group.js';
import { EMPTY } from './rebalance.js';
import type { CoordinatorResult } from './result.js';
import type {
  DeleteGroupsRequest,
  DeleteGroupsResponse,
  DescribedGroup,
  DescribeGroupsRequest,
  DescribeGroupsResponse,
  ListGroupsRequest,
  ListGroupsResponse,
} from './types.js';

const NO_AUTHORIZED_OPERATIONS = -2147483648;

export function describeGroups(ctx: CoordinatorContext, req: DescribeGroupsRequest, version: number): DescribeGroupsResponse {
  const unavailable = ctx.unavailable();
  const describe = (groupId: string): DescribedGroup => {
    const base: DescribedGroup = {
      errorCode: ErrorCode.NONE,
      groupId,
      groupState: '',
      protocolType: '',
      protocolData: '',
      members: [],
      authorizedOperations: NO_AUTHORIZED_OPERATIONS,
    };
    if (unavailable) return { ...base, errorCode: unavailable };
    if (groupId === '') return { ...base, errorCode: ErrorCode.INVALID_GROUP_ID };
    const g = ctx.groups.get(groupId);
    // Unknown groups are reported as Dead without error up to v5; v6 (KIP-1043) says not found.
    if (!g) return { ...base, groupState: GroupState.Dead, errorCode: version >= 6 ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.NONE };
    const stable = g.is(GroupState.Stable);
    return {
      ...base,
      groupState: g.state,
      protocolType: g.protocolType ?? '',
      // Metadata and assignment only mean something once the generation is settled.
      protocolData: stable ? (g.protocolName ?? '') : '',
      members: [...g.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: stable ? g.memberMetadata(m) : EMPTY,
        memberAssignment: stable ? m.assignment : EMPTY,
      })),
    };
  };
  return { groups: req.groups.map(describe) };
}

export function listGroups(ctx: CoordinatorContext, req: ListGroupsRequest): ListGroupsResponse {
  const unavailable = ctx.unavailable();
  if (unavailable) return { errorCode: unavailable, groups: [] };
  const states = req.statesFilter?.length ? new Set(req.statesFilter.map((s) => s.toLowerCase())) : null;
  const types = req.typesFilter?.length ? new Set(req.typesFilter.map((s) => s.toLowerCase())) : null;
  const groups: ListGroupsResponse['groups'] = [];
  for (const g of ctx.groups.values()) {
    if (states && !states.has(g.state.toLowerCase())) continue;
    if (types && !types.has('classic')) continue;
    groups.push({ groupId: g.groupId, protocolType: g.protocolType ?? '', groupState: g.state, groupType: 'classic' });
  }
  return { errorCode: ErrorCode.NONE, groups };
}

/** Only Empty groups may go; their offsets go with them (one tombstone per group). */
export function deleteGroups(ctx: CoordinatorContext, req: DeleteGroupsRequest): CoordinatorResult<DeleteGroupsResponse> {
  const unavailable = ctx.unavailable();
  const results = req.groupsNames.map((groupId) => {
    if (unavailable) return { groupId, errorCode: unavailable };
    if (groupId === '') return { groupId, errorCode: ErrorCode.INVALID_GROUP_ID };
    const g = ctx.groups.get(groupId);
    if (!g || g.is(GroupState.Dead)) return { groupId, errorCode: ErrorCode.GROUP_ID_NOT_FOUND };
    if (!g.is(GroupState.Empty)) return { groupId, errorCode: ErrorCode.NON_EMPTY_GROUP };
    ctx.deleteGroup(g);
    return { groupId, errorCode: ErrorCode.NONE };
  });
  // The deletions are one write: if it fails, every group this request deleted is back.
  return ctx.result({ results }, (code) => ({ results: results.map((r) => (r.errorCode === ErrorCode.NONE ? { ...r, errorCode: code } : r)) }));
}
