import { api, field } from '../schema.js';

/**
 * EndTxn (EndTxnRequest.json): commit (`committed` true) or abort. v5 (KIP-890 part 2,
 * transaction.version 2) bumps the epoch on every transaction and answers the new id and epoch.
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
