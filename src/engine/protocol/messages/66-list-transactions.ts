import { api, array, field } from '../schema.js';

/**
 * ListTransactions (ListTransactionsRequest.json, KIP-664): the transactions one coordinator
 * owns. v1 adds the duration filter (KIP-994), v2 the transactional id pattern (KIP-1152).
 */
export const ListTransactions = api({
  apiKey: 66,
  name: 'ListTransactions',
  valid: '0-2',
  flexible: '0+',
  request: [
    field('stateFilters', '[]string', '0+'),
    field('producerIdFilters', '[]int64', '0+'),
    field('durationFilter', 'int64', '1+', { default: -1 }),
    field('transactionalIdPattern', 'string', '2+', { nullable: '2+', default: null }),
  ],
  response: [
    field('throttleTimeMs', 'int32', '0+'),
    field('errorCode', 'int16', '0+'),
    field('unknownStateFilters', '[]string', '0+'),
    array('transactionStates', '0+', [
      field('transactionalId', 'string', '0+'),
      field('producerId', 'int64', '0+'),
      field('transactionState', 'string', '0+'),
    ]),
  ],
});
