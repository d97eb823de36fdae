import { api, array, field } from '../schema.js';

/**
 * CreateTopics. -1 partitions / replication factor mean the broker defaults (accepted at every
 * version: kafkajs sends them). v5+ echo the created topic's settings; v7 returns its id.
 */
export const CreateTopics = api({
  apiKey: 19,
  name: 'CreateTopics',
  valid: '0-7',
  flexible: '5+',
  request: [
    array('topics', '0+', [
      field('name', 'string', '0+'),
      field('numPartitions', 'int32', '0+'),
      field('replicationFactor', 'int16', '0+'),
      array('assignments', '0+', [
        field('partitionIndex', 'int32', '0+'),
        field('brokerIds', '[]int32', '0+'),
      ]),
      array('configs', '0+', [
        field('name', 'string', '0+'),
        field('value', 'string', '0+', { nullable: '0+' }),
      ]),
    ]),
    field('timeoutMs', 'int32', '0+', { default: 60000 }),
    field('validateOnly', 'bool', '1+'),
  ],
  response: [
    field('throttleTimeMs', 'int32', '2+', { ignorable: true }),
    array('topics', '0+', [
      field('name', 'string', '0+'),
      field('topicId', 'uuid', '7+', { ignorable: true }),
      field('errorCode', 'int16', '0+'),
      field('errorMessage', 'string', '1+', { nullable: '0+', ignorable: true }),
      field('topicConfigErrorCode', 'int16', '5+', { tagged: '5+', tag: 0, ignorable: true }),
      field('numPartitions', 'int32', '5+', { default: -1, ignorable: true }),
      field('replicationFactor', 'int16', '5+', { default: -1, ignorable: true }),
      array('configs', '5+', [
        field('name', 'string', '5+'),
        field('value', 'string', '5+', { nullable: '5+' }),
        field('readOnly', 'bool', '5+'),
        field('configSource', 'int8', '5+', { default: -1, ignorable: true }),
        field('isSensitive', 'bool', '5+'),
      ], { nullable: '5+', ignorable: true }),
    ]),
  ],
});
