import { api, array, field, struct } from '../schema.js';

/**
 * Fetch. v7 added fetch sessions (the broker answers session id 0), v9 the leader epoch per
 * partition, v11 the rack, v12 flexible versions and the diverging-epoch tags. v13+ switch to
 * topic ids and are not described.
 */
export const Fetch = api({
  apiKey: 1,
  name: 'Fetch',
  valid: '0-12',
  flexible: '12+',
  request: [
    field('clusterId', 'string', '12+', { nullable: '12+', tagged: '12+', tag: 0, default: null, ignorable: true }),
    field('replicaId', 'int32', '0-14', { default: -1 }),
    field('maxWaitMs', 'int32', '0+'),
    field('minBytes', 'int32', '0+'),
    field('maxBytes', 'int32', '3+', { default: 2147483647, ignorable: true }),
    field('isolationLevel', 'int8', '4+', { ignorable: true }),
    field('sessionId', 'int32', '7+', { ignorable: true }),
    field('sessionEpoch', 'int32', '7+', { default: -1, ignorable: true }),
    array('topics', '0+', [
      field('topic', 'string', '0-12', { ignorable: true }),
      array('partitions', '0+', [
        field('partition', 'int32', '0+'),
        field('currentLeaderEpoch', 'int32', '9+', { default: -1, ignorable: true }),
        field('fetchOffset', 'int64', '0+'),
        field('lastFetchedEpoch', 'int32', '12+', { default: -1 }),
        field('logStartOffset', 'int64', '5+', { default: -1, ignorable: true }),
        field('partitionMaxBytes', 'int32', '0+'),
      ]),
    ]),
    array('forgottenTopicsData', '7+', [
      field('topic', 'string', '7-12', { ignorable: true }),
      field('partitions', '[]int32', '7+'),
    ]),
    field('rackId', 'string', '11+', { ignorable: true }),
  ],
  response: [
    field('throttleTimeMs', 'int32', '1+', { ignorable: true }),
    field('errorCode', 'int16', '7+', { ignorable: true }),
    field('sessionId', 'int32', '7+'),
    array('responses', '0+', [
      field('topic', 'string', '0-12', { ignorable: true }),
      array('partitions', '0+', [
        field('partitionIndex', 'int32', '0+'),
        field('errorCode', 'int16', '0+'),
        field('highWatermark', 'int64', '0+'),
        field('lastStableOffset', 'int64', '4+', { default: -1, ignorable: true }),
        field('logStartOffset', 'int64', '5+', { default: -1, ignorable: true }),
        struct('divergingEpoch', '12+', [
          field('epoch', 'int32', '12+', { default: -1 }),
          field('endOffset', 'int64', '12+', { default: -1 }),
        ], { tagged: '12+', tag: 0 }),
        struct('currentLeader', '12+', [
          field('leaderId', 'int32', '12+', { default: -1 }),
          field('leaderEpoch', 'int32', '12+', { default: -1 }),
        ], { tagged: '12+', tag: 1 }),
        struct('snapshotId', '12+', [
          field('endOffset', 'int64', '0+', { default: -1 }),
          field('epoch', 'int32', '0+', { default: -1 }),
        ], { tagged: '12+', tag: 2 }),
        array('abortedTransactions', '4+', [
          field('producerId', 'int64', '4+'),
          field('firstOffset', 'int64', '4+'),
        ], { nullable: '4+', ignorable: true }),
        field('preferredReadReplica', 'int32', '11+', { default: -1 }),
        field('records', 'records', '0+', { nullable: '0+' }),
      ]),
    ]),
  ],
});
