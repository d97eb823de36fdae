import { api, array, field } from '../schema.js';

/**
 * OffsetFetch. v0-7 fetch one group's offsets (null topics = all, v2+); v8 batches several
 * groups in `groups`, and the single-group fields are absent.
 */
export const OffsetFetch = api({
  apiKey: 9,
  name: 'OffsetFetch',
  valid: '0-8',
  flexible: '6+',
  request: [
    field('groupId', 'string', '0-7'),
    array('topics', '0-7', [
      field('name', 'string', '0-7'),
      field('partitionIndexes', '[]int32', '0-7'),
    ], { nullable: '2-7' }),
    array('groups', '8+', [
      field('groupId', 'string', '8+'),
      array('topics', '8+', [
        field('name', 'string', '8+'),
        field('partitionIndexes', '[]int32', '8+'),
      ], { nullable: '8+' }),
    ]),
    field('requireStable', 'bool', '7+'),
  ],
  response: [
    field('throttleTimeMs', 'int32', '3+', { ignorable: true }),
    array('topics', '0-7', [
      field('name', 'string', '0-7'),
      array('partitions', '0-7', [
        field('partitionIndex', 'int32', '0-7'),
        field('committedOffset', 'int64', '0-7'),
        field('committedLeaderEpoch', 'int32', '5-7', { default: -1, ignorable: true }),
        field('metadata', 'string', '0-7', { nullable: '0-7' }),
        field('errorCode', 'int16', '0-7'),
      ]),
    ]),
    field('errorCode', 'int16', '2-7', { ignorable: true }),
    array('groups', '8+', [
      field('groupId', 'string', '8+'),
      array('topics', '8+', [
        field('name', 'string', '8+'),
        array('partitions', '8+', [
          field('partitionIndex', 'int32', '8+'),
          field('committedOffset', 'int64', '8+'),
          field('committedLeaderEpoch', 'int32', '8+', { default: -1, ignorable: true }),
          field('metadata', 'string', '8+', { nullable: '8+' }),
          field('errorCode', 'int16', '8+'),
        ]),
      ]),
      field('errorCode', 'int16', '8+'),
    ]),
  ],
});
