/**
 * Inputs and outputs of the group coordinator. Field names are the camelCase names of Kafka's
 * JSON message definitions, so the broker's handlers pass decoded requests straight in and
 * encode what comes back; behaviour that differs by API version takes the version in `meta`.
 */
import type { Protocol } from './group.js';

/** What the broker knows about the request besides its body. */
export interface RequestMeta {
  /** API version of this request. */
  version: number;
  /** Header client_id. */
  clientId?: string;
  /** Remote address as Kafka prints it in group descriptions, e.g. "/127.0.0.1". */
  clientHost?: string;
}

export interface JoinGroupRequest {
  groupId: string;
  sessionTimeoutMs: number;
  /** Absent or -1 before v1: the session timeout doubles as the rebalance timeout. */
  rebalanceTimeoutMs?: number;
  memberId: string;
  groupInstanceId?: string | null;
  protocolType: string;
  protocols: Protocol[];
  reason?: string | null;
}

export interface JoinGroupResponseMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}

export interface JoinGroupResponse {
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  /** Null on errors from v7 (nullable there), "" before. */
  protocolName: string | null;
  leader: string;
  skipAssignment: boolean;
  memberId: string;
  /** Filled for the leader only: every member with its metadata for the chosen protocol. */
  members: JoinGroupResponseMember[];
}

export interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId?: string | null;
  /** v5+; checked when not null. */
  protocolType?: string | null;
  protocolName?: string | null;
  assignments: { memberId: string; assignment: Buffer }[];
}

export interface SyncGroupResponse {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId?: string | null;
}

export interface HeartbeatResponse {
  errorCode: number;
}

export interface LeaveGroupRequest {
  groupId: string;
  /** v0-2: the one member leaving. */
  memberId?: string;
  /** v3+: a batch of members, each answered on its own. */
  members?: { memberId: string; groupInstanceId?: string | null; reason?: string | null }[];
}

export interface LeaveGroupResponse {
  /** v0-2: the leaving member's error; v3+: errors of the request as a whole. */
  errorCode: number;
  /** v3+ only (empty below v3). */
  members: { memberId: string; groupInstanceId: string | null; errorCode: number }[];
}

export interface OffsetCommitRequest {
  groupId: string;
  /** -1 (or absent, v0) for commits outside group management. */
  generationIdOrMemberEpoch?: number;
  memberId?: string;
  groupInstanceId?: string | null;
  /** v2-4: -1 = the broker's offsets.retention.minutes. */
  retentionTimeMs?: number;
  topics: {
    name: string;
    partitions: {
      partitionIndex: number;
      committedOffset: number;
      committedLeaderEpoch?: number;
      committedMetadata?: string | null;
    }[];
  }[];
}

export interface OffsetCommitResponse {
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}

export interface OffsetFetchRequest {
  groupId: string;
  /** Null (v2+) = every committed partition of the group. */
  topics: { name: string; partitionIndexes: number[] }[] | null;
  requireStable?: boolean;
}

export interface OffsetFetchResponsePartition {
  partitionIndex: number;
  committedOffset: number;
  committedLeaderEpoch: number;
  metadata: string | null;
  errorCode: number;
}

export interface OffsetFetchResponse {
  errorCode: number;
  topics: { name: string; partitions: OffsetFetchResponsePartition[] }[];
}

export interface DescribeGroupsRequest {
  groups: string[];
  includeAuthorizedOperations?: boolean;
}

export interface DescribedGroupMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  memberMetadata: Buffer;
  memberAssignment: Buffer;
}

export interface DescribedGroup {
  errorCode: number;
  groupId: string;
  groupState: string;
  protocolType: string;
  protocolData: string;
  members: DescribedGroupMember[];
  authorizedOperations: number;
}

export interface DescribeGroupsResponse {
  groups: DescribedGroup[];
}

export interface ListGroupsRequest {
  statesFilter?: string[];
  typesFilter?: string[];
}

export interface ListGroupsResponse {
  errorCode: number;
  groups: { groupId: string; protocolType: string; groupState: string; groupType: string }[];
}

export interface DeleteGroupsRequest {
  groupsNames: string[];
}

export interface DeleteGroupsResponse {
  results: { groupId: string; errorCode: number }[];
}

export interface OffsetDeleteRequest {
  groupId: string;
  topics: { name: string; partitions: { partitionIndex: number }[] }[];
}

export interface OffsetDeleteResponse {
  errorCode: number;
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}
