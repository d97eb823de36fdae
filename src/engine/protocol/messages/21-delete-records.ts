import { api, array, field } from '../schema.js';

/** DeleteRecords: move each partition's log start offset up to `offset` (-1 = high watermark). */
export const DeleteRecords = api({
  apiKey: 21,
  name: 'DeleteRecords',
  valid: '0-2',
  flexible: '2+',
  request: [
    array('topics', '0+', [
      field('name', 'string', '0+'),
      array('partitions', '0+', [
        field('partitionIndex', 'int32', '0+'),
        field('offset', 'int64', '0+'),
      ]),
    ]),
    field('timeoutMs', 'int32', '0+'),
  ],
  response: [
    field('throttleTimeMs', 'int32', '0+'),
    array('topics', '0+', [
      field('name', 'string', '0+'),
      array('partitions', '0+', [
        field('partitionIndex', 'int32', '0+'),
        field('lowWatermark', 'int64', '0+'),
        field('errorCode', 'int16', '0+'),
      ]),
    ]),
  ],
});
