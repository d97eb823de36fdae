import { api, array, field } from '../schema.js';

/**
 * WriteTxnMarkers (WriteTxnMarkersRequest.json): the coordinator (or an admin aborting a hanging
 * transaction, KIP-664) asks a partition leader to write COMMIT/ABORT control batches. Kafka 4.0
 * removed v0 from its brokers; v2 adds the marker's TransactionVersion (KIP-1228).
 */
export const WriteTxnMarkers = api({
  apiKey: 27,
  name: 'WriteTxnMarkers',
  valid: '0-2',
  flexible: '1+',
  request: [
    array('markers', '0+', [
      field('producerId', 'int64', '0+'),
      field('producerEpoch', 'int16', '0+'),
      field('transactionResult', 'bool', '0+'),
      array('topics', '0+', [field('name', 'string', '0+'), field('partitionIndexes', '[]int32', '0+')]),
      field('coordinatorEpoch', 'int32', '0+'),
      field('transactionVersion', 'int8', '2+', { default: 0, ignorable: true }),
    ]),
  ],
  response: [
    array('markers', '0+', [
      field('producerId', 'int64', '0+'),
      array('topics', '0+', [
        field('name', 'string', '0+'),
        array('partitions', '0+', [field('partitionIndex', 'int32', '0+'), field('errorCode', 'int16', '0+')]),
      ]),
    ]),
  ],
});
