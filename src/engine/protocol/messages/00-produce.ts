import { api, array, field } from '../schema.js';

/** Produce. The broker implements v3+ (RecordBatch) and rejects v0-2 like Kafka 4.x. */
export const Produce = api({
  apiKey: 0,
  name: 'Produce',
  valid: '0-9',
  flexible: '9+',
  request: [
    field('transactionalId', 'string', '3+', { nullable: '3+', default: null }),
    field('acks', 'int16', '0+'),
    field('timeoutMs', 'int32', '0+'),
    array('topicData', '0+', [
      field('name', 'string', '0+'),
      array('partitionData', '0+', [
        field('index', 'int32', '0+'),
        field('records', 'records', '0+', { nullable: '0+' }),
      ]),
    ]),
  ],
  response: [
    array('responses', '0+', [
      field('name', 'string', '0+'),
      array('partitionResponses', '0+', [
        field('index', 'int32', '0+'),
        field('errorCode', 'int16', '0+'),
        field('baseOffset', 'int64', '0+'),
        field('logAppendTimeMs', 'int64', '2+', { default: -1, ignorable: true }),
        field('logStartOffset', 'int64', '5+', { default: -1, ignorable: true }),
        array('recordErrors', '8+', [
          field('batchIndex', 'int32', '8+'),
          field('batchIndexErrorMessage', 'string', '8+', { nullable: '8+', default: null }),
        ], { ignorable: true }),
        field('errorMessage', 'string', '8+', { nullable: '8+', default: null, ignorable: true }),
      ]),
    ]),
    field('throttleTimeMs', 'int32', '1+', { ignorable: true }),
  ],
});
