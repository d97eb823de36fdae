import { api, array, field } from '../schema.js';

/** ListTransactions (Kafka's ListTransactionsRequest/Response.json, KIP-664; v1 adds the duration filter of KIP-994). */
export const ListTransactions = api({
  apiKey: 66,
  name: 'ListTransactions',
  valid: '0-1',
  flexible: '0+',
  request: [
    field('stateFilters', '[]string', '0+'),
    field('producerIdFilters', '[]int64', '0+'),
    field('durationFilter', 'int64', '1+', { default: -1 }),
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
