import { api, array, field } from '../schema.js';

/** OffsetForLeaderEpoch: the end offset of a leader epoch, used to validate positions. */
export const OffsetForLeaderEpoch = api({
  apiKey: 23,
  name: 'OffsetForLeaderEpoch',
  valid: '0-4',
  flexible: '4+',
  request: [
    field('replicaId', 'int32', '3+', { default: -2, ignorable: true }),
    array('topics', '0+', [
      field('topic', 'string', '0+'),
      array('partitions', '0+', [
        field('partition', 'int32', '0+'),
        field('currentLeaderEpoch', 'int32', '2+', { default: -1, ignorable: true }),
        field('leaderEpoch', 'int32', '0+'),
      ]),
    ]),
  ],
  response: [
    field('throttleTimeMs', 'int32', '2+', { ignorable: true }),
    array('topics', '0+', [
      field('topic', 'string', '0+'),
      array('partitions', '0+', [
        field('errorCode', 'int16', '0+'),
        field('partition', 'int32', '0+'),
        field('leaderEpoch', 'int32', '1+', { default: -1, ignorable: true }),
        field('endOffset', 'int64', '0+', { default: -1 }),
      ]),
    ]),
  ],
});
