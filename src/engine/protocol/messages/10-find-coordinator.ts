import { api, array, field } from '../schema.js';

/** FindCoordinator. Key type 0 = group, 1 = transaction. v4 batches keys in `coordinatorKeys`. */
export const FindCoordinator = api({
  apiKey: 10,
  name: 'FindCoordinator',
  valid: '0-4',
  flexible: '3+',
  request: [
    field('key', 'string', '0-3'),
    field('keyType', 'int8', '1+'),
    field('coordinatorKeys', '[]string', '4+'),
  ],
  response: [
    field('throttleTimeMs', 'int32', '1+', { ignorable: true }),
    field('errorCode', 'int16', '0-3'),
    field('errorMessage', 'string', '1-3', { nullable: '1-3', ignorable: true }),
    field('nodeId', 'int32', '0-3'),
    field('host', 'string', '0-3'),
    field('port', 'int32', '0-3'),
    array('coordinators', '4+', [
      field('key', 'string', '4+'),
      field('nodeId', 'int32', '4+'),
      field('host', 'string', '4+'),
      field('port', 'int32', '4+'),
      field('errorCode', 'int16', '4+'),
      field('errorMessage', 'string', '4+', { nullable: '4+', ignorable: true }),
    ]),
  ],
});
