import { api, field } from '../schema.js';

/** AddOffsetsToTxn (AddOffsetsToTxnRequest.json): adds the group's __consumer_offsets partition to the transaction. */
export const AddOffsetsToTxn = api({
  apiKey: 25,
  name: 'AddOffsetsToTxn',
  valid: '0-4',
  flexible: '3+',
  request: [
    field('transactionalId', 'string', '0+'),
    field('producerId', 'int64', '0+'),
    field('producerEpoch', 'int16', '0+'),
    field('groupId', 'string', '0+'),
  ],
  response: [field('throttleTimeMs', 'int32', '0+'), field('errorCode', 'int16', '0+')],
});
