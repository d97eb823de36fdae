import { api, array, field } from '../schema.js';

/**
 * Metadata. A null topic list (v1+) means every topic; v0 uses an empty list for that. v10 adds
 * topic ids, v12 allows lookups by id (nullable names).
 */
export const Metadata = api({
  apiKey: 3,
  name: 'Metadata',
  valid: '0-12',
  flexible: '9+',
  request: [
    array('topics', '0+', [
      field('topicId', 'uuid', '10+', { ignorable: true }),
      field('name', 'string', '0+', { nullable: '10+' }),
    ], { nullable: '1+' }),
    field('allowAutoTopicCreation', 'bool', '4+', { default: true }),
    field('includeClusterAuthorizedOperations', 'bool', '8-10'),
    field('includeTopicAuthorizedOperations', 'bool', '8+'),
  ],
  response: [
    field('throttleTimeMs', 'int32', '3+', { ignorable: true }),
    array('brokers', '0+', [
      field('nodeId', 'int32', '0+'),
      field('host', 'string', '0+'),
      field('port', 'int32', '0+'),
      field('rack', 'string', '1+', { nullable: '1+', default: null, ignorable: true }),
    ]),
    field('clusterId', 'string', '2+', { nullable: '2+', default: null, ignorable: true }),
    field('controllerId', 'int32', '1+', { default: -1, ignorable: true }),
    array('topics', '0+', [
      field('errorCode', 'int16', '0+'),
      field('name', 'string', '0+', { nullable: '12+' }),
      field('topicId', 'uuid', '10+', { ignorable: true }),
      field('isInternal', 'bool', '1+', { ignorable: true }),
      array('partitions', '0+', [
        field('errorCode', 'int16', '0+'),
        field('partitionIndex', 'int32', '0+'),
        field('leaderId', 'int32', '0+'),
        field('leaderEpoch', 'int32', '7+', { default: -1, ignorable: true }),
        field('replicaNodes', '[]int32', '0+'),
        field('isrNodes', '[]int32', '0+'),
        field('offlineReplicas', '[]int32', '5+', { ignorable: true }),
      ]),
      field('topicAuthorizedOperations', 'int32', '8+', { default: -2147483648 }),
    ]),
    field('clusterAuthorizedOperations', 'int32', '8-10', { default: -2147483648 }),
  ],
});
