import { api, array, field } from '../schema.js';

/**
 * DescribeConfigs. Resource type 2 = topic, 4 = broker. v0 reports `isDefault`; v1+ report
 * `configSource` and synonyms; v3 adds the type and documentation.
 */
export const DescribeConfigs = api({
  apiKey: 32,
  name: 'DescribeConfigs',
  valid: '0-4',
  flexible: '4+',
  request: [
    array('resources', '0+', [
      field('resourceType', 'int8', '0+'),
      field('resourceName', 'string', '0+'),
      field('configurationKeys', '[]string', '0+', { nullable: '0+' }),
    ]),
    field('includeSynonyms', 'bool', '1+'),
    field('includeDocumentation', 'bool', '3+'),
  ],
  response: [
    field('throttleTimeMs', 'int32', '0+'),
    array('results', '0+', [
      field('errorCode', 'int16', '0+'),
      field('errorMessage', 'string', '0+', { nullable: '0+' }),
      field('resourceType', 'int8', '0+'),
      field('resourceName', 'string', '0+'),
      array('configs', '0+', [
        field('name', 'string', '0+'),
        field('value', 'string', '0+', { nullable: '0+' }),
        field('readOnly', 'bool', '0+'),
        field('isDefault', 'bool', '0'),
        field('configSource', 'int8', '1+', { default: -1, ignorable: true }),
        field('isSensitive', 'bool', '0+'),
        array('synonyms', '1+', [
          field('name', 'string', '1+'),
          field('value', 'string', '1+', { nullable: '0+' }),
          field('source', 'int8', '1+'),
        ], { ignorable: true }),
        field('configType', 'int8', '3+', { ignorable: true }),
        field('documentation', 'string', '3+', { nullable: '0+', ignorable: true }),
      ]),
    ]),
  ],
});
