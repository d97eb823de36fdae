import { api, array, field } from '../schema.js';

/** IncrementalAlterConfigs. Operation 0 = SET, 1 = DELETE, 2 = APPEND, 3 = SUBTRACT. */
export const IncrementalAlterConfigs = api({
  apiKey: 44,
  name: 'IncrementalAlterConfigs',
  valid: '0-1',
  flexible: '1+',
  request: [
    array('resources', '0+', [
      field('resourceType', 'int8', '0+'),
      field('resourceName', 'string', '0+'),
      array('configs', '0+', [
        field('name', 'string', '0+'),
        field('configOperation', 'int8', '0+'),
        field('value', 'string', '0+', { nullable: '0+' }),
      ]),
    ]),
    field('validateOnly', 'bool', '0+'),
  ],
  response: [
    field('throttleTimeMs', 'int32', '0+'),
    array('responses', '0+', [
      field('errorCode', 'int16', '0+'),
      field('errorMessage', 'string', '0+', { nullable: '0+' }),
      field('resourceType', 'int8', '0+'),
      field('resourceName', 'string', '0+'),
    ]),
  ],
});
