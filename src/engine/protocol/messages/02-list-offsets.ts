import { api, array, field } from '../schema.js';

/**
 * ListOffsets. v0 returns a list of old-style offsets; v1+ a single offset and timestamp.
 * Timestamps -1 (latest), -2 (earliest) and, from v7, -3 (max timestamp) are special; v8 adds -4
 * (earliest local, KIP-405) and v9 -5 (latest tiered) with no change to the wire format.
 */
export const ListOffsets = api({
  apiKey: 2,
  name: 'ListOffsets',
  valid: '0-9',
  flexible: '6+',
  request: [
    field('replicaId', 'int32', '0+'),
    field('isolationLevel', 'int8', '2+'),
    array('topics', '0+', [
      field('name', 'string', '0+'),
      array('partitions', '0+', [
        field('partitionIndex', 'int32', '0+'),
        field('currentLeaderEpoch', 'int32', '4+', { default: -1, ignorable: true }),
        field('timestamp', 'int64', '0+'),
        field('maxNumOffsets', 'int32', '0', { default: 1 }),
      ]),
    ]),
  ],
  response: [
    field('throttleTimeMs', 'int32', '2+', { ignorable: true }),
    array('topics', '0+', [
      field('name', 'string', '0+'),
      array('partitions', '0+', [
        field('partitionIndex', 'int32', '0+'),
        field('errorCode', 'int16', '0+'),
        field('oldStyleOffsets', '[]int64', '0'),
        field('timestamp', 'int64', '1+', { default: -1 }),
        field('offset', 'int64', '1+', { default: -1 }),
        field('leaderEpoch', 'int32', '4+', { default: -1 }),
      ]),
    ]),
  ],
});
