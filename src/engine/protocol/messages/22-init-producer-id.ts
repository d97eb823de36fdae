import { api, field } from '../schema.js';

/** InitProducerId. v3+ may carry the current id and epoch to bump the epoch; v4 added PRODUCER_FENCED, v5 TRANSACTION_ABORTABLE. */
export const InitProducerId = api({
  apiKey: 22,
  name: 'InitProducerId',
  valid: '0-5',
  flexible: '2+',
  request: [
    field('transactionalId', 'string', '0+', { nullable: '0+' }),
    field('transactionTimeoutMs', 'int32', '0+'),
    field('producerId', 'int64', '3+', { default: -1 }),
    field('producerEpoch', 'int16', '3+', { default: -1 }),
  ],
  response: [
    field('throttleTimeMs', 'int32', '0+', { ignorable: true }),
    field('errorCode', 'int16', '0+'),
    field('producerId', 'int64', '0+', { default: -1 }),
    field('producerEpoch', 'int16', '0+'),
  ],
});
