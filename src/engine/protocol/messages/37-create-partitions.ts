import { api, array, field } from '../schema.js';

/** CreatePartitions: raise a topic's partition count to `count`. */
export const CreatePartitions = api({
  apiKey: 37,
  name: 'CreatePartitions',
  valid: '0-3',
  flexible: '2+',
  request: [
    array('topics', '0+', [
      field('name', 'string', '0+'),
      field('count', 'int32', '0+'),
      array('assignments', '0+', [
        field('brokerIds', '[]int32', '0+'),
      ], { nullable: '0+' }),
    ]),
    field('timeoutMs', 'int32', '0+'),
    field('validateOnly', 'bool', '0+'),
  ],
  response: [
    field('throttleTimeMs', 'int32', '0+'),
    array('results', '0+', [
      field('name', 'string', '0+'),
      field('errorCode', 'int16', '0+'),
      field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
    ]),
  ],
});
