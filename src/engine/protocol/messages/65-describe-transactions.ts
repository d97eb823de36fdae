import { api, array, field } from '../schema.js';

/** DescribeTransactions (DescribeTransactionsRequest.json, KIP-664): a coordinator's state of some transactional ids. */
export const DescribeTransactions = api({
  apiKey: 65,
  name: 'DescribeTransactions',
  valid: '0',
  flexible: '0+',
  request: [field('transactionalIds', '[]string', '0+')],
  response: [
    field('throttleTimeMs', 'int32', '0+'),
    array('transactionStates', '0+', [
      field('errorCode', 'int16', '0+'),
      field('transactionalId', 'string', '0+'),
      field('transactionState', 'string', '0+'),
      field('transactionTimeoutMs', 'int32', '0+'),
      field('transactionStartTimeMs', 'int64', '0+'),
      field('producerId', 'int64', '0+'),
      field('producerEpoch', 'int16', '0+'),
      array('topics', '0+', [field('topic', 'string', '0+'), field('partitions', '[]int32', '0+')]),
    ]),
  ],
});
