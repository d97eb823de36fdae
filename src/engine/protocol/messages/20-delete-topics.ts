import { api, array, field } from '../schema.js';

/** DeleteTopics. v0-5 name topics in `topicNames`; v6 uses `topics` with a name or an id. */
export const DeleteTopics = api({
  apiKey: 20,
  name: 'DeleteTopics',
  valid: '0-6',
  flexible: '4+',
  request: [
    array('topics', '6+', [
      field('name', 'string', '6+', { nullable: '6+', default: null }),
      field('topicId', 'uuid', '6+'),
    ]),
    field('topicNames', '[]string', '0-5', { ignorable: true }),
    field('timeoutMs', 'int32', '0+'),
  ],
  response: [
    field('throttleTimeMs', 'int32', '1+', { ignorable: true }),
    array('responses', '0+', [
      field('name', 'string', '0+', { nullable: '6+' }),
      field('topicId', 'uuid', '6+', { ignorable: true }),
      field('errorCode', 'int16', '0+'),
      field('errorMessage', 'string', '5+', { nullable: '5+', default: null, ignorable: true }),
    ]),
  ],
});
