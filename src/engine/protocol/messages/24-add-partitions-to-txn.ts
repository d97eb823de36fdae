import { api, array, field } from '../schema.js';

/**
 * AddPartitionsToTxn (AddPartitionsToTxnRequest.json / Response.json). v0-3 are the client's
 * form (one transaction); v4+ the brokers' batched form with VerifyOnly (KIP-890 part 1) and a
 * top-level error code.
 */
export const AddPartitionsToTxn = api({
  apiKey: 24,
  name: 'AddPartitionsToTxn',
  valid: '0-5',
  flexible: '3+',
  request: [
    array('transactions', '4+', [
      field('transactionalId', 'string', '4+'),
      field('producerId', 'int64', '4+'),
      field('producerEpoch', 'int16', '4+'),
      field('verifyOnly', 'bool', '4+', { default: false }),
      array('topics', '4+', [field('name', 'string', '0+'), field('partitions', '[]int32', '0+')]),
    ]),
    field('v3AndBelowTransactionalId', 'string', '0-3'),
    field('v3AndBelowProducerId', 'int64', '0-3'),
    field('v3AndBelowProducerEpoch', 'int16', '0-3'),
    array('v3AndBelowTopics', '0-3', [field('name', 'string', '0+'), field('partitions', '[]int32', '0+')]),
  ],
  response: [
    field('throttleTimeMs', 'int32', '0+'),
    field('errorCode', 'int16', '4+', { ignorable: true }),
    array('resultsByTransaction', '4+', [
      field('transactionalId', 'string', '4+'),
      array('topicResults', '4+', [
        field('name', 'string', '0+'),
        array('resultsByPartition', '0+', [field('partitionIndex', 'int32', '0+'), field('partitionErrorCode', 'int16', '0+')]),
      ]),
    ]),
    array('resultsByTopicV3AndBelow', '0-3', [
      field('name', 'string', '0+'),
      array('resultsByPartition', '0+', [field('partitionIndex', 'int32', '0+'), field('partitionErrorCode', 'int16', '0+')]),
    ]),
  ],
});
