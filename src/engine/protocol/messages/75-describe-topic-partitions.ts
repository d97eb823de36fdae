import { api, array, field, struct } from '../schema.js';

/**
 * DescribeTopicPartitions (KIP-966): what Kafka 3.9+/4.x tools use for kafka-topics --describe,
 * with the eligible-leader-replica lists and cursor-based paging over many partitions.
 * Flexible from v0, so the request header is always v2.
 */
export const DescribeTopicPartitions = api({
  apiKey: 75,
  name: 'DescribeTopicPartitions',
  valid: '0',
  flexible: '0+',
  request: [
    array('topics', '0+', [field('name', 'string', '0+')]),
    field('responsePartitionLimit', 'int32', '0+', { default: 2000 }),
    struct('cursor', '0+', [field('topicName', 'string', '0+'), field('partitionIndex', 'int32', '0+')], { nullable: '0+', default: null }),
  ],
  response: [
    field('throttleTimeMs', 'int32', '0+', { ignorable: true }),
    array('topics', '0+', [
      field('errorCode', 'int16', '0+'),
      field('name', 'string', '0+', { nullable: '0+' }),
      field('topicId', 'uuid', '0+', { ignorable: true }),
      field('isInternal', 'bool', '0+', { ignorable: true }),
      array('partitions', '0+', [
        field('errorCode', 'int16', '0+'),
        field('partitionIndex', 'int32', '0+'),
        field('leaderId', 'int32', '0+'),
        field('leaderEpoch', 'int32', '0+', { default: -1, ignorable: true }),
        field('replicaNodes', '[]int32', '0+'),
        field('isrNodes', '[]int32', '0+'),
        field('eligibleLeaderReplicas', '[]int32', '0+', { nullable: '0+', default: null }),
        field('lastKnownElr', '[]int32', '0+', { nullable: '0+', default: null }),
        field('offlineReplicas', '[]int32', '0+', { ignorable: true }),
      ]),
      field('topicAuthorizedOperations', 'int32', '0+', { default: -2147483648 }),
    ]),
    struct('nextCursor', '0+', [field('topicName', 'string', '0+'), field('partitionIndex', 'int32', '0+')], { nullable: '0+', default: null }),
  ],
});
