import { api, array, field } from '../schema.js';

/**
 * TxnOffsetCommit (TxnOffsetCommitRequest.json): offsets committed inside a transaction, visible
 * when it commits. v3 adds the group member's identity (KIP-447); v5 is v4 for transaction.version 2.
 */
export const TxnOffsetCommit = api({
  apiKey: 28,
  name: 'TxnOffsetCommit',
  valid: '0-5',
  flexible: '3+',
  request: [
    field('transactionalId', 'string', '0+'),
    field('groupId', 'string', '0+'),
    field('producerId', 'int64', '0+'),
    field('producerEpoch', 'int16', '0+'),
    field('generationId', 'int32', '3+', { default: -1 }),
    field('memberId', 'string', '3+', { default: '' }),
    field('groupInstanceId', 'string', '3+', { nullable: '3+', default: null }),
    array('topics', '0+', [
      field('name', 'string', '0+'),
      array('partitions', '0+', [
        field('partitionIndex', 'int32', '0+'),
        field('committedOffset', 'int64', '0+'),
        field('committedLeaderEpoch', 'int32', '2+', { default: -1, ignorable: true }),
        field('committedMetadata', 'string', '0+', { nullable: '0+' }),
      ]),
    ]),
  ],
  response: [
    field('throttleTimeMs', 'int32', '0+'),
    array('topics', '0+', [
      field('name', 'string', '0+'),
      array('partitions', '0+', [field('partitionIndex', 'int32', '0+'), field('errorCode', 'int16', '0+')]),
    ]),
  ],
});
