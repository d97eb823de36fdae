/**
 * Inputs and outputs of the group coordinator, derived from the protocol descriptors
 * (engine/protocol/messages), so a handler passes the decoded request straight in and returns
 * what comes back. Requests: the decoded message, except that fields some versions lack (and
 * the coordinator does without) may be left out, which is how tests and tools build them.
 * Responses: the decoded message without throttleTimeMs, which the handler adds. Behaviour that
 * differs by API version takes the version as its own argument.
 */
import type { DeleteGroups } from '../protocol/messages/42-delete-groups.js';
import type { DescribeGroups } from '../protocol/messages/15-describe-groups.js';
import type { Heartbeat } from '../protocol/messages/12-heartbeat.js';
import type { JoinGroup } from '../protocol/messages/11-join-group.js';
import type { LeaveGroup } from '../protocol/messages/13-leave-group.js';
import type { ListGroups } from '../protocol/messages/16-list-groups.js';
import type { OffsetCommit } from '../protocol/messages/08-offset-commit.js';
import type { OffsetDelete } from '../protocol/messages/47-offset-delete.js';
import type { OffsetFetch } from '../protocol/messages/09-offset-fetch.js';
import type { SyncGroup } from '../protocol/messages/14-sync-group.js';
import type { Element, RequestOf, ResponseOf } from '../protocol/schema.js';

/** T with the keys K optional. */
type Optional<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;
/** A response as the coordinator builds it: the handler adds throttleTimeMs. */
type Answer<T> = Omit<T, 'throttleTimeMs'>;

/** What JoinGroup needs besides its body. */
export interface RequestMeta {
  /** API version of this request. */
  version: number;
  /** Header client_id. */
  clientId?: string;
  /** Remote address as Kafka prints it in group descriptions, e.g. "/127.0.0.1". */
  clientHost?: string;
}

/** rebalanceTimeoutMs is absent (or -1) before v1: the session timeout doubles as it. */
export type JoinGroupRequest = Optional<RequestOf<typeof JoinGroup>, 'rebalanceTimeoutMs' | 'groupInstanceId' | 'reason'>;
/** protocolName is null on errors from v7 (nullable there), "" before; members are filled for the leader only. */
export type JoinGroupResponse = Answer<ResponseOf<typeof JoinGroup>>;

/** protocolType and protocolName (v5+) are checked when not null. */
export type SyncGroupRequest = Optional<RequestOf<typeof SyncGroup>, 'groupInstanceId' | 'protocolType' | 'protocolName'>;
export type SyncGroupResponse = Answer<ResponseOf<typeof SyncGroup>>;

export type HeartbeatRequest = Optional<RequestOf<typeof Heartbeat>, 'groupInstanceId'>;
export type HeartbeatResponse = Answer<ResponseOf<typeof Heartbeat>>;

type LeavingMember = Optional<Element<RequestOf<typeof LeaveGroup>['members']>, 'groupInstanceId' | 'reason'>;
/** v0-2 name the one member leaving (memberId); v3+ a batch (members), each answered on its own. */
export type LeaveGroupRequest = Optional<Omit<RequestOf<typeof LeaveGroup>, 'members'>, 'memberId'> & { members?: LeavingMember[] };
/** errorCode: v0-2 the leaving member's error, v3+ the request's as a whole; members: v3+ only. */
export type LeaveGroupResponse = Answer<ResponseOf<typeof LeaveGroup>>;

type OffsetCommitTopic = Element<RequestOf<typeof OffsetCommit>['topics']>;
type OffsetCommitPartition = Optional<Element<OffsetCommitTopic['partitions']>, 'committedLeaderEpoch' | 'commitTimestamp' | 'committedMetadata'>;
/**
 * generationIdOrMemberEpoch -1 (or absent, v0) for commits outside group management;
 * retentionTimeMs (v2-4) -1 = the broker's offsets.retention.minutes.
 */
export type OffsetCommitRequest = Optional<Omit<RequestOf<typeof OffsetCommit>, 'topics'>, 'generationIdOrMemberEpoch' | 'memberId' | 'groupInstanceId' | 'retentionTimeMs'> & {
  topics: { name: string; partitions: OffsetCommitPartition[] }[];
};
export type OffsetCommitResponse = Answer<ResponseOf<typeof OffsetCommit>>;

/** One group's fetch (v0-7 carry one, v8 a batch of these); topics null (v2+) = every committed partition. */
export type OffsetFetchRequest = Pick<RequestOf<typeof OffsetFetch>, 'groupId' | 'topics'> & Partial<Pick<RequestOf<typeof OffsetFetch>, 'requireStable'>>;
export type OffsetFetchResponse = Pick<ResponseOf<typeof OffsetFetch>, 'errorCode' | 'topics'>;
export type OffsetFetchResponsePartition = Element<Element<OffsetFetchResponse['topics']>['partitions']>;

export type DescribeGroupsRequest = Optional<RequestOf<typeof DescribeGroups>, 'includeAuthorizedOperations'>;
export type DescribeGroupsResponse = Answer<ResponseOf<typeof DescribeGroups>>;
export type DescribedGroup = Element<DescribeGroupsResponse['groups']>;

export type ListGroupsRequest = Partial<RequestOf<typeof ListGroups>>;
export type ListGroupsResponse = Answer<ResponseOf<typeof ListGroups>>;

export type DeleteGroupsRequest = RequestOf<typeof DeleteGroups>;
export type DeleteGroupsResponse = Answer<ResponseOf<typeof DeleteGroups>>;

export type OffsetDeleteRequest = RequestOf<typeof OffsetDelete>;
export type OffsetDeleteResponse = Answer<ResponseOf<typeof OffsetDelete>>;
