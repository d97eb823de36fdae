import { api, field } from '../schema.js';

/**
 * EndTxn (Kafka's EndTxnRequest/Response.json): commit or abort. v2 added PRODUCER_FENCED, v4
 * TRANSACTION_ABORTABLE; v5 is transaction version 2 (KIP-890 part 2: the epoch is bumped on
 * every end and the response carries the new producer id and epoch).
 */
export const EndTxn = api({
  apiKey: 26,
  name: 'EndTxn',
  valid: '0-5',
  flexible: '3+',
  request: [
    field('transactionalId', 'string', '0+'),
    field('producerId', 'int64', '0+'),
    field('producerEpoch', 'int16', '0+'),
    field('committed', 'bool', '0+'),
  ],
  response: [
    field('throttleTimeMs', 'int32', '0+'),
    field('errorCode', 'int16', '0+'),
    field('producerId', 'int64', '5+', { default: -1, ignorable: true }),
    field('producerEpoch', 'int16', '5+', { default: -1, ignorable: true }),
  ],
});
