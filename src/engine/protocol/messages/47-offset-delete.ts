import { api, array, field } from '../schema.js';

/** OffsetDelete: remove committed offsets of partitions the group no longer subscribes to. */
export const OffsetDelete = api({
  apiKey: 47,
  name: 'OffsetDelete',
  valid: '0',
  flexible: 'none',
  request: [
    field('groupId', 'string', '0+'),
    array('topics', '0+', [
      field('name', 'string', '0+'),
      array('partitions', '0+', [
        field('partitionIndex', 'int32', '0+'),
      ]),
    ]),
  ],
  response: [
    field('errorCode', 'int16', '0+'),
    field('throttleTimeMs', 'int32', '0+', { ignorable: true }),
    array('topics', '0+', [
      field('name', 'string', '0+'),
      array('partitions', '0+', [
        field('partitionIndex', 'int32', '0+'),
        field('errorCode', 'int16', '0+'),
      ]),
    ]),
  ],
});
